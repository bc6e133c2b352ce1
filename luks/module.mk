# SPDX-License-Identifier: BSD-2-Clause-Patent
LUKS_SRCS := $(sort $(wildcard luks/*.c))

# Who calls whom inside luks/ (an arrow points at the callee; no cycle):
#   volume.c -> luks2_disk.c, luks1.c, luks2_keyslot.c, luks2_segment.c, luks2_digest.c,
#               kdf_cost.c
#   luks2_disk.c -> luks2_meta.c, signatures.c
#   luks2_meta.c (LUKS2 metadata rules) -> luks2_keyslot.c, luks2_segment.c, luks2_digest.c
#   luks1.c -> luks2_keyslot.c -> af.c
#   luks2_meta.c, luks2_keyslot.c, luks2_segment.c, luks2_digest.c -> json.c
#   json.c (the JSON layer, no LUKS) -> json_syntax.c, base64.c
#   every file -> base/ (string helpers, endian, UUID) and crypto/

# jsmn (Debian's libjsmn-dev) is one header in /usr/include.  The firmware flavour does not
# search /usr/include (-nostdinc), so it gets a private copy of just that header.
JSMN_H := /usr/include/jsmn.h
$(BUILD)/jsmn/jsmn.h: $(JSMN_H)
	@mkdir -p $(@D)
	cp $< $@
$(BUILD)/efi/luks/json.o: EFI_CFLAGS += -I$(BUILD)/jsmn
$(BUILD)/efi/luks/json.o: | $(BUILD)/jsmn/jsmn.h
