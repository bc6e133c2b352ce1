# SPDX-License-Identifier: BSD-2-Clause-Patent
# tests/e2e/e2e.mk: targets of the end-to-end boot work (issue 5).  `make demo` is in the
# top Makefile; the end-to-end tests run from tests/run-all.sh with the others.
.PHONY: bench-boot
# Firmware start to OS loader start, LuksDxe vs GRUB, one run each (not part of make check).
bench-boot: deps
	@$(MAKE) --no-print-directory build-all
	@$(MAKE) --no-print-directory build-ovmf
	bash tests/bench/boot.sh
