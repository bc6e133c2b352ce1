# SPDX-License-Identifier: BSD-2-Clause-Patent
# efi/: the UEFI driver, built with gnu-efi from Debian (/usr/lib, /usr/include/efi).
# Produces build/LuksDxe.efi, an x86_64 PE32+ image with subsystem "EFI boot service
# driver" (11), linked with the firmware flavour of the portable core.
#
#   efi/*.c       the driver (the only code that knows UEFI)
#   efi/libc/     the freestanding C runtime the firmware build links instead of a libc
#
# The driver sources are also compiled for the host by tests/shim/shim.mk, except the
# files listed in EFI_FW_ONLY_SRCS (port I/O, the runtime), which the shim replaces.

GNUEFI_LIB := /usr/lib
GNUEFI_INC := -isystem /usr/include/efi -isystem /usr/include/efi/x86_64
EFI_LD     := ld
EFI_OBJCOPY := objcopy

EFI_DRV_SRCS := $(sort $(wildcard efi/*.c))
EFI_LIBC_SRCS := $(sort $(wildcard efi/libc/*.c))
EFI_FW_ONLY_SRCS := efi/fwcfg_io.c
EFI_DRV_OBJS := $(patsubst %.c,$(BUILD)/efi/%.o,$(EFI_DRV_SRCS) $(EFI_LIBC_SRCS))

# The driver sees the gnu-efi headers; the portable core built by mk/core.mk does not.
# EFI_OPTS: build options of the driver, e.g. make EFI_OPTS=-DLUKSDXE_PROMPT=1 (efi/luksdxe.h
# lists them).  They are part of build/efi/.flags: changing them rebuilds the driver.
EFI_OPTS ?=
$(EFI_DRV_OBJS): EFI_CFLAGS += $(GNUEFI_INC) -I$(TOP)/efi $(EFI_OPTS)

EFI_LIBGCC := $(shell $(EFI_CC) -print-libgcc-file-name)

# -shared -Bsymbolic: a position-independent image whose only relocations are the
# R_X86_64_RELATIVE ones that gnu-efi's _relocate applies at load time.
$(BUILD)/efi/LuksDxe.so: $(EFI_DRV_OBJS) $(BUILD)/efi/libluksdxe.a
	$(call quiet,LD.efi)$(EFI_LD) -nostdlib -znocombreloc -T $(GNUEFI_LIB)/elf_x86_64_efi.lds -shared -Bsymbolic \
		--no-undefined -L$(GNUEFI_LIB) $(GNUEFI_LIB)/crt0-efi-x86_64.o $(EFI_DRV_OBJS) \
		$(BUILD)/efi/libluksdxe.a -lefi -lgnuefi $(EFI_LIBGCC) -o $@

# --target efi-bsdrv-x86_64 sets the PE subsystem to EFI_BOOT_SERVICE_DRIVER.
$(BUILD)/LuksDxe.efi: $(BUILD)/efi/LuksDxe.so
	$(call quiet,PE32+)$(EFI_OBJCOPY) -j .text -j .sdata -j .data -j .rodata -j .dynamic -j .dynsym \
		-j .rel -j .rela -j '.rel.*' -j '.rela.*' -j .reloc --target efi-bsdrv-x86_64 $< $@
	@objdump -x $@ | grep -q 'Subsystem.*0000000b' || { echo "$@: not a boot service driver" >&2; rm -f $@; false; }

-include $(EFI_DRV_OBJS:.o=.d)

# ---- test-only EFI applications for the end-to-end tests (tests/e2e/apps/*.c) --------
# hello.efi runs from inside the encrypted volume; cc_install.efi publishes a
# confidential-computing secret area the way OVMF's AmdSev build does.  They are built
# with the tests (test-bins), not by `make all`.
E2E_APP_SRCS := $(sort $(wildcard tests/e2e/apps/*.c))
E2E_APPS := $(patsubst tests/e2e/apps/%.c,$(BUILD)/e2e-apps/%.efi,$(E2E_APP_SRCS))
E2E_APP_OBJS := $(patsubst %.c,$(BUILD)/efi/%.o,$(E2E_APP_SRCS))
E2E_APP_LIBOBJS := $(BUILD)/efi/efi/console.o $(BUILD)/efi/efi/fwcfg.o \
                   $(BUILD)/efi/efi/fwcfg_io.o $(BUILD)/efi/efi/libc/libc.o
$(E2E_APP_OBJS): EFI_CFLAGS += $(GNUEFI_INC) -I$(TOP)/efi

$(BUILD)/e2e-apps/%.so: $(BUILD)/efi/tests/e2e/apps/%.o $(E2E_APP_LIBOBJS)
	@mkdir -p $(@D)
	$(call quiet,LD.efi)$(EFI_LD) -nostdlib -znocombreloc -T $(GNUEFI_LIB)/elf_x86_64_efi.lds -shared -Bsymbolic \
		--no-undefined -L$(GNUEFI_LIB) $(GNUEFI_LIB)/crt0-efi-x86_64.o $^ \
		-lefi -lgnuefi $(EFI_LIBGCC) -o $@
# Test images that must stay resident are boot-service drivers; the rest applications.
E2E_SUBSYS_unload_luksdxe := efi-bsdrv-x86_64
$(BUILD)/e2e-apps/%.efi: $(BUILD)/e2e-apps/%.so
	$(call quiet,PE32+)$(EFI_OBJCOPY) -j .text -j .sdata -j .data -j .rodata -j .dynamic -j .dynsym \
		-j .rel -j .rela -j '.rel.*' -j '.rela.*' -j .reloc \
		--target $(or $(E2E_SUBSYS_$*),efi-app-x86_64) $< $@

test-bins: $(E2E_APPS)
-include $(E2E_APP_OBJS:.o=.d)

# ---- the audit-mode driver ----------------------------------------------------------
# build/LuksDxe-audit.efi: the same driver with the load policy in audit mode (refusals are
# logged, images still load).  Only policy_hook.c differs; the mode is fixed at build time.
EFI_AUDIT_OBJS := $(filter-out $(BUILD)/efi/efi/policy_hook.o,$(EFI_DRV_OBJS)) \
                  $(BUILD)/efi/audit/policy_hook.o
$(BUILD)/efi/audit/policy_hook.o: efi/policy_hook.c $(BUILD)/efi/.flags | $(DEPS_STAMP)
	@mkdir -p $(@D)
	$(call quiet,CC.efi)$(EFI_CC) $(EFI_CFLAGS) $(CORE_INC) $(GNUEFI_INC) -I$(TOP)/efi $(EFI_OPTS) \
		-DLUKSDXE_POLICY_AUDIT=1 -MMD -MP -c $< -o $@
$(BUILD)/efi/LuksDxe-audit.so: $(EFI_AUDIT_OBJS) $(BUILD)/efi/libluksdxe.a
	$(call quiet,LD.efi)$(EFI_LD) -nostdlib -znocombreloc -T $(GNUEFI_LIB)/elf_x86_64_efi.lds -shared -Bsymbolic \
		--no-undefined -L$(GNUEFI_LIB) $(GNUEFI_LIB)/crt0-efi-x86_64.o $(EFI_AUDIT_OBJS) \
		$(BUILD)/efi/libluksdxe.a -lefi -lgnuefi $(EFI_LIBGCC) -o $@
$(BUILD)/LuksDxe-audit.efi: $(BUILD)/efi/LuksDxe-audit.so
	$(call quiet,PE32+)$(EFI_OBJCOPY) -j .text -j .sdata -j .data -j .rodata -j .dynamic -j .dynsym \
		-j .rel -j .rela -j '.rel.*' -j '.rela.*' -j .reloc --target efi-bsdrv-x86_64 $< $@
-include $(BUILD)/efi/audit/policy_hook.d
test-bins: $(BUILD)/LuksDxe-audit.efi

# ---- the prompt driver (tests only) -------------------------------------------------
# build/LuksDxe-prompt.efi: the driver built with LUKSDXE_PROMPT=1 (a passphrase, or a
# systemd-tpm2 token's PIN, typed at the console), for the end-to-end test of PIN tokens.
# Only secret.c reads the option at build time.
EFI_PROMPT_OBJS := $(filter-out $(BUILD)/efi/efi/secret.o,$(EFI_DRV_OBJS)) \
                   $(BUILD)/efi/prompt/secret.o
$(BUILD)/efi/prompt/secret.o: efi/secret.c $(BUILD)/efi/.flags | $(DEPS_STAMP)
	@mkdir -p $(@D)
	$(call quiet,CC.efi)$(EFI_CC) $(EFI_CFLAGS) $(CORE_INC) $(GNUEFI_INC) -I$(TOP)/efi $(EFI_OPTS) \
		-DLUKSDXE_PROMPT=1 -MMD -MP -c $< -o $@
$(BUILD)/efi/LuksDxe-prompt.so: $(EFI_PROMPT_OBJS) $(BUILD)/efi/libluksdxe.a
	$(call quiet,LD.efi)$(EFI_LD) -nostdlib -znocombreloc -T $(GNUEFI_LIB)/elf_x86_64_efi.lds -shared -Bsymbolic \
		--no-undefined -L$(GNUEFI_LIB) $(GNUEFI_LIB)/crt0-efi-x86_64.o $(EFI_PROMPT_OBJS) \
		$(BUILD)/efi/libluksdxe.a -lefi -lgnuefi $(EFI_LIBGCC) -o $@
$(BUILD)/LuksDxe-prompt.efi: $(BUILD)/efi/LuksDxe-prompt.so
	$(call quiet,PE32+)$(EFI_OBJCOPY) -j .text -j .sdata -j .data -j .rodata -j .dynamic -j .dynsym \
		-j .rel -j .rela -j '.rel.*' -j '.rela.*' -j .reloc --target efi-bsdrv-x86_64 $< $@
-include $(BUILD)/efi/prompt/secret.d
test-bins: $(BUILD)/LuksDxe-prompt.efi
