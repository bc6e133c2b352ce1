# SPDX-License-Identifier: BSD-2-Clause-Patent
# A changed compiler command line rebuilds its flavour.  Each flavour's objects depend on
# build/FLAVOUR/.flags, which holds the flavour's compiler and flags and is rewritten
# (while make reads the makefiles) only when they differ from what it holds; make alone
# compares sources and objects, so without this a new flag (say, a sanitizer option or
# an include directory) would leave every unchanged source compiled the old way.
#   $(call flags_file,FLAVOUR,TEXT)
define flags_file_body
ifneq ($$(file <$(BUILD)/$(1)/.flags),$(2))
$$(shell mkdir -p $(BUILD)/$(1))
$$(file >$(BUILD)/$(1)/.flags,$(2))
endif
endef
flags_file = $(eval $(call flags_file_body,$(1),$(strip $(2))))
# Removed while make runs (make clean all): the objects are rebuilt anyway.
$(BUILD)/%/.flags: ;
