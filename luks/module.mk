LUKS_SRCS := $(wildcard luks/*.c)

# jsmn (Debian's libjsmn-dev) is one header in /usr/include.  The firmware flavour does not
# search /usr/include (-nostdinc), so it gets a private copy of just that header.
JSMN_H := /usr/include/jsmn.h
$(BUILD)/jsmn/jsmn.h: $(JSMN_H)
	@mkdir -p $(@D)
	cp $< $@
$(BUILD)/efi/luks/luks2_json.o: EFI_CFLAGS += -I$(BUILD)/jsmn
$(BUILD)/efi/luks/luks2_json.o: | $(BUILD)/jsmn/jsmn.h
