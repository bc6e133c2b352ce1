# SPDX-License-Identifier: BSD-2-Clause-Patent
# Compiles the portable core (our sources + the pinned third-party sources) in four
# flavours (host, test and efi here, fuzz at the end).  Module files set BASE_SRCS,
# CRYPTO_SRCS, LUKS_SRCS, FS_SRCS, SECRET_SRCS, VERITY_SRCS, TPM_SRCS (ours, relative to the top) and
# MBEDTLS_SRCS, ARGON2_SRCS (third party, relative to the top); CRYPTO_ASM_SRCS are nasm
# sources, assembled the same way for every flavour.

CORE_SRCS := $(BASE_SRCS) $(CRYPTO_SRCS) $(LUKS_SRCS) $(FS_SRCS) $(SECRET_SRCS) $(VERITY_SRCS) $(TPM_SRCS)
TP_SRCS   := $(MBEDTLS_SRCS) $(ARGON2_SRCS)
CORE_ASM_SRCS := $(CRYPTO_ASM_SRCS)

core_objs = $(patsubst %.c,$(BUILD)/$(1)/%.o,$(CORE_SRCS) $(TP_SRCS)) \
            $(patsubst %.asm,$(BUILD)/$(1)/%.o,$(CORE_ASM_SRCS))
HOST_CORE_OBJS := $(call core_objs,host)
TEST_CORE_OBJS := $(call core_objs,test)
EFI_CORE_OBJS  := $(call core_objs,efi)

# Third-party code keeps its own style; we do not patch it to silence warnings.
TP_WARN := -w

include mk/flags.mk
$(call flags_file,host,$(HOST_CC) $(HOST_CFLAGS) $(CORE_INC))
$(call flags_file,test,$(HOST_CC) $(TEST_CFLAGS) $(CORE_INC))
$(call flags_file,efi,$(EFI_CC) $(EFI_CFLAGS) $(CORE_INC) $(EFI_OPTS))

$(BUILD)/host/%.o: %.c $(BUILD)/host/.flags | $(DEPS_STAMP)
	@mkdir -p $(@D)
	$(call quiet,CC)$(HOST_CC) $(HOST_CFLAGS) $(CORE_INC) $(if $(filter $(TP)/%,$<),$(TP_WARN)) -MMD -MP -c $< -o $@

$(BUILD)/test/%.o: %.c $(BUILD)/test/.flags | $(DEPS_STAMP)
	@mkdir -p $(@D)
	$(call quiet,CC)$(HOST_CC) $(TEST_CFLAGS) $(CORE_INC) $(if $(filter $(TP)/%,$<),$(TP_WARN)) -MMD -MP -c $< -o $@

$(BUILD)/efi/%.o: %.c $(BUILD)/efi/.flags | $(DEPS_STAMP)
	@mkdir -p $(@D)
	$(call quiet,CC.efi)$(EFI_CC) $(EFI_CFLAGS) $(CORE_INC) $(if $(filter $(TP)/%,$<),$(TP_WARN)) -MMD -MP -c $< -o $@

# nasm: ELF64 objects, position independent by construction (`default rel` in each
# source), so the same code serves the PIE host binaries and the relocated firmware
# image; an object with an absolute relocation is refused.  -MD writes the %include
# dependencies.  The host flavour (lukstool) is assembled without -g: NASM writes the
# absolute directory of the source into its DWARF (DW_AT_comp_dir) and has no prefix map,
# which would make lukstool depend on where it was built (docs/reproducible.md).
NASM := nasm
NASMFLAGS := -f elf64 -Wall
NASM_DEBUG = $(if $(filter host,$(1)),,-g)
# As for C (mk/flags.mk): a changed nasm command line reassembles that flavour's objects
# (build/FLAVOUR/nasm/.flags), so that a tree built before a flag changed catches up.
$(foreach f,host test efi fuzz,$(call flags_file,$(f)/nasm,$(NASM) $(NASMFLAGS) $(call NASM_DEBUG,$(f))))
define nasm_rule
$(BUILD)/$(1)/%.o: %.asm $(BUILD)/$(1)/nasm/.flags | $(DEPS_STAMP)
	@mkdir -p $$(@D)
	$$(call quiet,NASM)$(NASM) $(NASMFLAGS) $(call NASM_DEBUG,$(1)) -MD $$(@:.o=.d) -MP -o $$@ $$<
	@if readelf -rW $$@ | awk '/^Relocation section/ { dbg = ($$$$3 ~ /debug/) } \
		!dbg && / R_X86_64_(64|32|32S) / { bad = 1; print } END { exit !bad }'; then \
		echo "$$@: absolute relocation (use default rel)" >&2; rm -f $$@; false; fi
endef
$(foreach f,host test efi fuzz,$(eval $(call nasm_rule,$(f))))

$(BUILD)/host/libluksdxe.a: $(HOST_CORE_OBJS)
	$(call quiet,AR)rm -f $@; ar rcsD $@ $^
$(BUILD)/test/libluksdxe.a: $(TEST_CORE_OBJS)
	$(call quiet,AR)rm -f $@; ar rcsD $@ $^
$(BUILD)/efi/libluksdxe.a: $(EFI_CORE_OBJS)
	$(call quiet,AR)rm -f $@; ar rcsD $@ $^

-include $(HOST_CORE_OBJS:.o=.d) $(TEST_CORE_OBJS:.o=.d) $(EFI_CORE_OBJS:.o=.d)

# Fourth flavour for libFuzzer targets: clang, ASan + UBSan, coverage instrumentation.
FUZZ_CFLAGS := -std=c11 -O1 -g $(WARN) -D_DEFAULT_SOURCE -fsanitize=fuzzer-no-link,address,undefined \
               -fno-sanitize-recover=all -fno-omit-frame-pointer
# The crypto primitives (ours in crypto/ and the third-party ones) keep ASan + UBSan but get
# no coverage instrumentation: their branches depend on key and data bits, not on the
# parsed structure, so coverage feedback from them is noise, and tracing every compare in
# a hash's rounds made the unlock path of fuzz_luks about ten times slower.  base/common.c
# (wiping, the constant-time compare; it was crypto/ld_common.c) stays with them.
comma := ,
FUZZ_NOCOV_CFLAGS := $(subst fuzzer-no-link$(comma),,$(FUZZ_CFLAGS))
fuzz_cflags = $(if $(filter crypto/% base/common.c $(TP)/%,$(1)),$(FUZZ_NOCOV_CFLAGS),$(FUZZ_CFLAGS))
FUZZ_CORE_OBJS := $(call core_objs,fuzz)
$(call flags_file,fuzz,$(CLANG) $(FUZZ_CFLAGS) $(FUZZ_NOCOV_CFLAGS) $(CORE_INC))
$(BUILD)/fuzz/%.o: %.c $(BUILD)/fuzz/.flags | $(DEPS_STAMP)
	@mkdir -p $(@D)
	$(call quiet,CC.fuzz)$(CLANG) $(call fuzz_cflags,$<) $(CORE_INC) $(if $(filter $(TP)/%,$<),$(TP_WARN)) -MMD -MP -c $< -o $@
$(BUILD)/fuzz/libluksdxe.a: $(FUZZ_CORE_OBJS)
	$(call quiet,AR)rm -f $@; ar rcsD $@ $^
-include $(FUZZ_CORE_OBJS:.o=.d)
