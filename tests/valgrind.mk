# SPDX-License-Identifier: BSD-2-Clause-Patent
# The unit tests once more, built without sanitizers (build/vg/) and run under valgrind
# by tests/run-all.sh (valgrind --error-exitcode=1): valgrind sees reads of uninitialised
# memory, which ASan does not.  The shim tests are left out (they link efi/ code built
# with ASan); VG_SKIP names tests too slow under valgrind for make check.
VG_CFLAGS := -std=c11 -O1 -g $(WARN) -D_DEFAULT_SOURCE
VG_CORE_OBJS := $(call core_objs,vg)
# test_ext4's corruption sweeps (about 25,000 reads of damaged images) take over 4 minutes
# under valgrind; they run under ASan in make check and the reader is fuzzed, so make check
# leaves them out here (make VG_SKIP= runs them too).
VG_SKIP ?= test_ext4
VG_SRCS := $(filter-out tests/unit/test_shim_%.c $(patsubst %,tests/unit/%.c,$(VG_SKIP)),$(UNIT_SRCS))
VG_BINS := $(patsubst tests/unit/%.c,$(BUILD)/vg-tests/%,$(VG_SRCS))
VG_COMMON_OBJS := $(patsubst %.c,$(BUILD)/vg/%.o,$(TEST_COMMON_SRCS))

$(BUILD)/vg/%.o: %.c | $(DEPS_STAMP)
	@mkdir -p $(@D)
	$(call quiet,CC.vg)$(HOST_CC) $(VG_CFLAGS) $(CORE_INC) -I$(TOP)/tests/unit $(if $(filter $(TP)/%,$<),$(TP_WARN)) -MMD -MP -c $< -o $@
$(BUILD)/vg/libluksdxe.a: $(VG_CORE_OBJS)
	$(call quiet,AR)rm -f $@; ar rcs $@ $^
# A test's extra objects (TEST_EXTRA_NAME in tests/module.mk) are built in this flavour too.
$(BUILD)/vg-tests/test_%: $(BUILD)/vg/tests/unit/test_%.o $(VG_COMMON_OBJS) \
		$$(subst $(BUILD)/test/,$(BUILD)/vg/,$$(TEST_EXTRA_$$*)) $(BUILD)/vg/libluksdxe.a
	@mkdir -p $(@D)
	$(call quiet,LD.vg)$(HOST_CC) -o $@ $(filter %.o,$^) $(BUILD)/vg/libluksdxe.a $(TEST_LIBS)
test-bins: $(VG_BINS)
-include $(VG_CORE_OBJS:.o=.d) $(patsubst %.c,$(BUILD)/vg/%.d,$(VG_SRCS) $(TEST_COMMON_SRCS))
# The assembly sources, as for every other flavour (mk/core.mk).
$(eval $(call nasm_rule,vg))
