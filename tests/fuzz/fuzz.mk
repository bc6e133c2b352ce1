# SPDX-License-Identifier: BSD-2-Clause-Patent
# Source coverage of the fuzz targets' corpora (make fuzz-coverage): a fifth flavour of the
# core, build/cov/, compiled by clang with -fprofile-instr-generate -fcoverage-mapping and
# no sanitizer, linked with libFuzzer's driver so that each target replays its corpus
# (-runs=0).  The crypto primitives and third-party code carry no coverage mapping, as in
# the fuzz flavour: the figures are for the parsers.  tests/fuzz/coverage.sh runs it.
COV_CFLAGS := -std=c11 -O1 -g $(WARN) -D_DEFAULT_SOURCE -fno-omit-frame-pointer
COV_MAP    := -fprofile-instr-generate -fcoverage-mapping
cov_cflags = $(COV_CFLAGS) $(if $(filter crypto/% base/common.c $(TP)/%,$(1)),,$(COV_MAP))
COV_CORE_OBJS := $(call core_objs,cov)
$(call flags_file,cov,$(CLANG) $(COV_CFLAGS) $(COV_MAP) $(CORE_INC))
$(BUILD)/cov/%.o: %.c $(BUILD)/cov/.flags | $(DEPS_STAMP)
	@mkdir -p $(@D)
	$(call quiet,CC.cov)$(CLANG) $(call cov_cflags,$<) $(CORE_INC) $(if $(filter $(TP)/%,$<),$(TP_WARN)) -MMD -MP -c $< -o $@
$(eval $(call nasm_rule,cov))
$(BUILD)/cov/libluksdxe.a: $(COV_CORE_OBJS)
	$(call quiet,AR)rm -f $@; ar rcs $@ $^
-include $(COV_CORE_OBJS:.o=.d)

COV_BINS := $(patsubst tests/fuzz/%.c,$(BUILD)/cov-bin/%,$(FUZZ_SRCS))
$(BUILD)/cov-bin/fuzz_%: tests/fuzz/fuzz_%.c tests/fuzz/fuzz_util.h $$(FUZZ_EXTRA_$$*) $(BUILD)/cov/libluksdxe.a
	@mkdir -p $(@D)
	$(call quiet,LD.cov)$(CLANG) $(COV_CFLAGS) $(COV_MAP) -fsanitize=fuzzer $(CORE_INC) -o $@ $(filter %.c %.o,$^) $(BUILD)/cov/libluksdxe.a

.PHONY: fuzz-coverage fuzz-campaign cov-bins
cov-bins: $(COV_BINS)
fuzz-coverage: deps
	@$(MAKE) --no-print-directory -j$(JOBS) cov-bins
	@bash tests/fuzz/coverage.sh
# make fuzz-campaign [FUZZ_TARGETS="luks ext4"] [FUZZ_EXECS=10000000]
FUZZ_EXECS ?= 10000000
FUZZ_TARGETS ?= $(patsubst tests/fuzz/fuzz_%.c,%,$(FUZZ_SRCS))
fuzz-campaign: deps
	@$(MAKE) --no-print-directory -j$(JOBS) fuzz-bins
	@set -e; for t in $(FUZZ_TARGETS); do bash tests/fuzz/campaign.sh $$t $(FUZZ_EXECS); done
