# SPDX-License-Identifier: BSD-2-Clause-Patent
# Toolchains and the flags every target shares.

CC       ?= cc
HOST_CC  := $(CC)
EFI_CC   := gcc
CLANG    := clang

MBEDTLS_DIR := $(TP)/mbedtls
ARGON2_DIR  := $(TP)/cryptsetup/lib/crypto_backend/argon2

WARN := -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes -Wvla \
        -Wno-unused-parameter

# Include paths for the portable core (never UEFI or host-only headers).
CORE_INC := -I$(TOP) -I$(MBEDTLS_DIR)/include -I$(ARGON2_DIR) \
            -DMBEDTLS_CONFIG_FILE='"crypto/ld_mbedtls_config.h"' -DARGON2_NO_THREADS

# The shipped programs (lukstool, LuksDxe.efi) must not depend on the directory they are
# built in: the prefix map turns the checkout's absolute path into "." in __FILE__ and in the
# debug information (docs/reproducible.md; tests/lint/test_reproducible.sh checks it).
REPRO_FLAGS := -ffile-prefix-map=$(TOP)=.
HOST_CFLAGS := -std=c11 -O2 -g $(WARN) -D_DEFAULT_SOURCE $(REPRO_FLAGS)
TEST_CFLAGS := -std=c11 -O1 -g $(WARN) -D_DEFAULT_SOURCE \
               -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
TEST_LDFLAGS := -fsanitize=address,undefined

# Firmware flags: freestanding, no red zone (interrupts share the stack), UTF-16 wchar,
# position independent for gnu-efi's relocator, MS calling convention for UEFI calls.
EFI_GCC_INC := $(shell $(EFI_CC) -print-file-name=include)
EFI_CFLAGS := -std=c11 -O2 -g $(WARN) $(REPRO_FLAGS) -ffreestanding -fno-stack-protector -fno-stack-check \
              -fshort-wchar -mno-red-zone -fpic -fno-strict-aliasing -fno-builtin \
              -fno-asynchronous-unwind-tables -maccumulate-outgoing-args \
              -DGNU_EFI_USE_MS_ABI -DLD_EFI=1 \
              -nostdinc -isystem $(EFI_GCC_INC) -I$(TOP)/efi/libc

# Build output: one short line per step; `make V=1` shows the full commands.
V ?= 0
ifeq ($(V),1)
quiet =
else
quiet = @printf '  %-8s %s\n' '$(1)' '$@';
endif
