# SPDX-License-Identifier: BSD-2-Clause-Patent
# LuksDxe top-level Makefile.
#
# The portable core (base/, crypto/, luks/, fs/, secret/, verity/) is compiled four times from the
# same sources:
#   build/efi/   freestanding objects for the UEFI driver (gnu-efi, MS ABI)
#   build/host/  optimised host objects for lukstool and the benchmarks
#   build/test/  host objects with ASan + UBSan for the unit tests
#   build/fuzz/  clang libFuzzer objects with ASan + UBSan for the fuzz targets
# Each directory lists its own sources in a module.mk; mk/*.mk hold the toolchain rules.

.DEFAULT_GOAL := all
TOP   := $(abspath .)
BUILD := build
TP    := third_party
PREFIX  ?= /usr/local
DESTDIR ?=

DEPS_STAMP := $(TP)/.deps-v2

.SECONDEXPANSION:
# Keep intermediate objects (test and app objects made by chained rules).
.SECONDARY:

include mk/config.mk
include base/module.mk
include crypto/module.mk
include luks/module.mk
include fs/module.mk
include secret/module.mk
include verity/module.mk
include tpm/module.mk
include mk/core.mk
include efi/module.mk
include tools/module.mk
include tests/module.mk
include tests/e2e/e2e.mk

.PHONY: all deps check bench demo demo-driver-list clean distclean install ovmf ovmf-repro build-all build-check fuzz-bins ovmf-tpm ovmf-tpm-check
# Every documented target first runs the dependency installer, then makes its real work in a
# second make: the third-party sources the object rules name exist only after deps has run.
all: deps
	@$(MAKE) --no-print-directory build-all
build-all: $(BUILD)/LuksDxe.efi $(BUILD)/LuksDxe-audit.efi $(BUILD)/lukstool

# Installs Debian packages and unpacks the pinned source packages (idempotent).
deps: $(DEPS_STAMP)
$(DEPS_STAMP): scripts/install-deps.sh scripts/deps.sha256
	bash scripts/install-deps.sh

JOBS ?= $(shell nproc 2>/dev/null || echo 2)

check: deps
	@$(MAKE) --no-print-directory -j$(JOBS) build-all test-bins
	@$(MAKE) --no-print-directory build-ovmf
	@$(MAKE) --no-print-directory run-tests

# The firmware image (scripts/build-ovmf.sh): OVMF AmdSev from Debian's edk2 source with
# LuksDxe built in, and its audit-mode twin.  A stamp beside each image skips the build when
# nothing changed.
ovmf: deps
	@$(MAKE) --no-print-directory -j$(JOBS) $(BUILD)/LuksDxe.efi $(BUILD)/LuksDxe-audit.efi
	@$(MAKE) --no-print-directory build-ovmf
build-ovmf:
	@bash scripts/build-ovmf.sh enforce
	@bash scripts/build-ovmf.sh audit

# The images again, from nothing, in a copy of the checkout under another path, compared byte
# for byte with this checkout's (docs/reproducible.md; as long as a first `make ovmf`).
ovmf-repro: deps
	@bash scripts/ovmf-repro.sh
# Opt-in, not part of check or ovmf: the same image built with TPM2_ENABLE (Tcg2Pei/Tcg2Dxe)
# in its own output directory, and its QEMU + swtpm check (docs/tpm.md).
ovmf-tpm: deps
	@$(MAKE) --no-print-directory $(BUILD)/LuksDxe.efi
	@bash scripts/build-ovmf.sh tpm
ovmf-tpm-check: ovmf-tpm
	@$(MAKE) --no-print-directory $(BUILD)/e2e-apps/evlog.efi
	nice bash tests/e2e/ovmf-tpm-check.sh

bench: deps
	@$(MAKE) --no-print-directory $(BUILD)/lukstool $(BENCH_BINS)
	@$(MAKE) --no-print-directory run-bench

# The firmware image booted as an owner would boot it: the secret in its secret area, Linux
# from an encrypted-only disk (tests/e2e/demo.sh).
demo: deps
	@$(MAKE) --no-print-directory -j$(JOBS) build-all
	@$(MAKE) --no-print-directory build-ovmf
	bash tests/e2e/demo.sh
# The weak mode: stock OVMF with LuksDxe in its driver list (Driver0000) from a plaintext
# driver disk, the secret through fw_cfg (tests/e2e/demo-driver-list.sh).
demo-driver-list: deps
	@$(MAKE) --no-print-directory -j$(JOBS) build-all
	bash tests/e2e/demo-driver-list.sh

# lukstool, the driver and the firmware images (enforcing and audit) with their buildinfo.
install: deps
	@$(MAKE) --no-print-directory -j$(JOBS) build-all
	@$(MAKE) --no-print-directory build-ovmf
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/luksdxe
	install -m 0755 $(BUILD)/lukstool $(DESTDIR)$(PREFIX)/bin/lukstool
	install -m 0644 $(BUILD)/LuksDxe.efi $(DESTDIR)$(PREFIX)/share/luksdxe/LuksDxe.efi
	install -m 0644 $(BUILD)/ovmf/OVMF-LuksDxe.fd $(BUILD)/ovmf/OVMF-LuksDxe.fd.buildinfo \
		$(BUILD)/ovmf/OVMF-LuksDxe-audit.fd $(BUILD)/ovmf/OVMF-LuksDxe-audit.fd.buildinfo \
		$(DESTDIR)$(PREFIX)/share/luksdxe/

clean:
	rm -rf $(BUILD)

distclean: clean
	rm -rf $(TP) out
