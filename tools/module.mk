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

# lukstool --version: scripts/version.sh (git describe, or "unknown" outside a git checkout),
# unless LT_VERSION=... is given on the command line (a copy of the tree without .git).  No
# date and no path, so that the same commit gives the same text; the header is rewritten only
# when the text changes (no needless rebuild).
LT_VERSION := $(shell sh $(TOP)/scripts/version.sh)
$(BUILD)/gen/lt_version.h: FORCE
	@mkdir -p $(@D)
	@printf '#define LT_VERSION "%s"\n' '$(LT_VERSION)' >$@.tmp
	@if cmp -s $@.tmp $@; then rm -f $@.tmp; else mv $@.tmp $@; fi
$(BUILD)/host/tools/lukstool.o: $(BUILD)/gen/lt_version.h
$(BUILD)/host/tools/lukstool.o: CORE_INC += -I$(BUILD)/gen
.PHONY: FORCE
FORCE:
