# SPDX-License-Identifier: BSD-2-Clause-Patent
# tests/: every unit test is tests/unit/test_NAME.c, a cmocka program linked against the
# ASan/UBSan build of the core (build/test/libluksdxe.a).  A test that needs more objects
# names them in TEST_EXTRA_NAME (e.g. the shim harness adds the efi/ code built for the host).
# Shell tests (oracle tests with cryptsetup/OpenSSL, QEMU end-to-end) are tests/*/test_*.sh
# and print TAP.  tests/run-all.sh runs everything and prints "N passed, N failed".

UNIT_SRCS := $(wildcard tests/unit/test_*.c)
UNIT_BINS := $(patsubst tests/unit/%.c,$(BUILD)/tests/%,$(UNIT_SRCS))
TEST_COMMON_SRCS := $(wildcard tests/unit/common/*.c)
TEST_COMMON_OBJS := $(patsubst %.c,$(BUILD)/test/%.o,$(TEST_COMMON_SRCS))
TEST_LIBS := -lcmocka -lcrypto -largon2 -lcryptsetup
# The KDF path tests run Argon2's lanes on the host's threads (tools/lt_kdf.c).
TEST_EXTRA_crypto_kdf_paths := $(BUILD)/test/tools/lt_kdf.o

$(BUILD)/tests/test_%: $(BUILD)/test/tests/unit/test_%.o $(TEST_COMMON_OBJS) $$(TEST_EXTRA_$$*) $(BUILD)/test/libluksdxe.a
	@mkdir -p $(@D)
	$(call quiet,LD)$(HOST_CC) $(TEST_LDFLAGS) -o $@ $(filter %.o,$^) $(BUILD)/test/libluksdxe.a $(TEST_LIBS)

$(BUILD)/test/tests/%.o: tests/%.c | $(DEPS_STAMP)
	@mkdir -p $(@D)
	$(call quiet,CC)$(HOST_CC) $(TEST_CFLAGS) $(CORE_INC) -I$(TOP)/tests/unit -MMD -MP -c $< -o $@
-include $(patsubst %.c,$(BUILD)/test/%.d,$(UNIT_SRCS) $(TEST_COMMON_SRCS))

# libFuzzer targets: tests/fuzz/fuzz_NAME.c -> build/fuzz-bin/fuzz_NAME
FUZZ_SRCS := $(wildcard tests/fuzz/fuzz_*.c)
FUZZ_BINS := $(patsubst tests/fuzz/%.c,$(BUILD)/fuzz-bin/%,$(FUZZ_SRCS))
$(BUILD)/fuzz-bin/fuzz_%: tests/fuzz/fuzz_%.c tests/fuzz/fuzz_util.h $$(FUZZ_EXTRA_$$*) $(BUILD)/fuzz/libluksdxe.a
	@mkdir -p $(@D)
	$(call quiet,LD.fuzz)$(CLANG) $(FUZZ_CFLAGS) -fsanitize=fuzzer $(CORE_INC) -o $@ $(filter %.c %.o,$^) $(BUILD)/fuzz/libluksdxe.a

# test_policy judges device paths captured from OVMF (tests/unit/data) with efi/policy.c,
# which is plain C (no UEFI headers) and so builds as a test object like the core.
TEST_EXTRA_policy := $(BUILD)/test/efi/policy.o
$(BUILD)/test/tests/unit/test_policy.o: TEST_CFLAGS += -DLD_TEST_DATA='"$(TOP)/tests/unit/data"'
$(BUILD)/test/tests/unit/test_tpm2.o: TEST_CFLAGS += -DLD_TEST_DATA='"$(TOP)/tests/unit/data"'

# fuzz_fwcfg runs the driver's fw_cfg directory lookup (port I/O emulated by the target).
FUZZ_EXTRA_fwcfg := efi/fwcfg.c
# fuzz_policy runs the load policy's decision over arbitrary device paths.
FUZZ_EXTRA_policy := efi/policy.c

FUZZ_SECONDS ?= 20
.PHONY: run-tests run-bench fuzz test-bins
test-bins: $(UNIT_BINS) $(FUZZ_BINS)
run-tests: test-bins
	@FUZZ_SECONDS=$(FUZZ_SECONDS) bash tests/run-all.sh
fuzz: deps
	@$(MAKE) --no-print-directory -j$(JOBS) fuzz-bins
	@FUZZ_SECONDS=$${FUZZ_SECONDS:-300} bash tests/run-fuzz.sh
fuzz-bins: $(FUZZ_BINS)
run-bench:
	bash tests/bench/run.sh
include tests/bench/bench.mk
include tests/shim/shim.mk
include tests/valgrind.mk
include tests/fuzz/fuzz.mk
