# SPDX-License-Identifier: BSD-2-Clause-Patent
# tests/shim: the host shim that runs the real efi/ driver code in cmocka tests.
# Included from tests/module.mk.  The driver sources (all of efi/*.c except the port I/O
# in EFI_FW_ONLY_SRCS) are compiled for the host with the ASan/UBSan flags, against the
# gnu-efi headers; the shim supplies boot services, disks and fw_cfg.

SHIM_SRCS := $(wildcard tests/shim/*.c)
SHIM_EFI_SRCS := $(filter-out $(EFI_FW_ONLY_SRCS),$(wildcard efi/*.c))
SHIM_OBJS := $(patsubst %.c,$(BUILD)/test/%.o,$(SHIM_EFI_SRCS) $(SHIM_SRCS))
SHIM_INC := -isystem /usr/include/efi -isystem /usr/include/efi/x86_64 -DGNU_EFI_USE_MS_ABI \
            -I$(TOP)/efi -I$(TOP)/tests/shim

$(SHIM_OBJS): TEST_CFLAGS += $(SHIM_INC)
$(BUILD)/test/tests/unit/test_shim_%.o: TEST_CFLAGS += $(SHIM_INC)

# Every tests/unit/test_shim_NAME.c links the shim and the host-built driver.
$(foreach t,$(patsubst tests/unit/test_%.c,%,$(wildcard tests/unit/test_shim_*.c)),\
  $(eval TEST_EXTRA_$(t) := $(SHIM_OBJS)))

-include $(SHIM_OBJS:.o=.d)

# efi/libc/libc.c compiled for the host as the firmware sees it (freestanding, its own
# headers), with every symbol renamed ldl_* so that it can sit next to the system libc.
SHIM_LIBC_OBJ := $(BUILD)/test/shim-libc/libc.o
$(SHIM_LIBC_OBJ): efi/libc/libc.c $(wildcard efi/libc/*.h) tests/shim/libc_rename.h
	@mkdir -p $(@D)
	$(call quiet,CC)$(HOST_CC) $(filter-out -D_DEFAULT_SOURCE,$(TEST_CFLAGS)) -ffreestanding -nostdinc \
		-isystem $(EFI_GCC_INC) -I$(TOP)/efi/libc $(SHIM_INC) \
		-include $(TOP)/tests/shim/libc_rename.h -c $< -o $@
TEST_EXTRA_shim_libc := $(SHIM_OBJS) $(SHIM_LIBC_OBJ)
