# SPDX-License-Identifier: BSD-2-Clause-Patent
# tools/: host programs.  lukstool is every tools/*.c (one file per sub-command, plus
# helpers) linked with the optimised host build of the core.  libcryptsetup is needed by
# mkdisk (it writes LUKS2 headers); the read side never uses it.
BENCH_BINS :=
TOOLS_SRCS := $(sort $(wildcard tools/*.c))
TOOLS_OBJS := $(patsubst %.c,$(BUILD)/host/%.o,$(TOOLS_SRCS))
TOOLS_LIBS := -lcryptsetup

$(BUILD)/lukstool: $(TOOLS_OBJS) $(BUILD)/host/libluksdxe.a
	$(call quiet,LD)$(HOST_CC) -o $@ $(TOOLS_OBJS) $(BUILD)/host/libluksdxe.a $(TOOLS_LIBS)
-include $(TOOLS_OBJS:.o=.d)
