#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause-Patent
# make ovmf-repro: builds the firmware images a second time from nothing, in a copy of this
# checkout under another (longer) path, with another umask, time zone and locale, and
# compares them byte for byte with the images of this checkout (docs/reproducible.md).
# Takes as long as a first `make ovmf` (BaseTools and the whole platform, 15-25 minutes on
# 2 cores).  Exits non-zero when any image differs.
#   REPRO_DIR=DIR   where to build the second copy (default: a new directory under /tmp);
#                   it is removed afterwards unless REPRO_KEEP=1
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
jobs=${JOBS:-$(nproc 2>/dev/null || echo 2)}

echo "ovmf-repro: 1/3 the images of this checkout ($top)"
make --no-print-directory ovmf

made_base=0
if [ -n "${REPRO_DIR:-}" ]; then base=$REPRO_DIR; else base=$(mktemp -d /tmp/luksdxe-ovmf-repro.XXXXXX); made_base=1; fi
second="$base/a-second-checkout-under-a-longer-path/luksdxe"
echo "ovmf-repro: 2/3 a second build from nothing in $second (umask 077, TZ=Pacific/Chatham, LC_ALL=C.UTF-8)"
bash scripts/clone-tree.sh "$second"
start=$SECONDS
(
	cd "$second"
	umask 077
	export TZ=Pacific/Chatham LC_ALL=C.UTF-8 LANG=C.UTF-8
	make --no-print-directory ovmf JOBS="$jobs"
) 2>&1 | sed 's/^/  [second] /'
[ "${PIPESTATUS[0]}" = 0 ] || { echo "ovmf-repro: the second build failed" >&2; exit 1; }
echo "ovmf-repro: second build took $((SECONDS - start)) s"

echo "ovmf-repro: 3/3 comparing"
bad=0
for f in build/LuksDxe.efi build/LuksDxe-audit.efi build/ovmf/OVMF-LuksDxe.fd build/ovmf/OVMF-LuksDxe-audit.fd; do
	a=$(sha256sum "$f" | cut -d' ' -f1)
	b=$(sha256sum "$second/$f" | cut -d' ' -f1)
	printf '  %-34s %s\n  %-34s %s\n' "$f" "$a" "(second) $f" "$b"
	if [ "$a" = "$b" ]; then echo "  same"; else echo "  DIFFERENT"; bad=1; fi
done
if [ "$bad" = 0 ]; then
	echo "ovmf-repro: identical"
	if [ "${REPRO_KEEP:-0}" != 1 ]; then
		if [ "$made_base" = 1 ]; then rm -rf "$base"; else rm -rf "$second"; fi
	fi
else
	echo "ovmf-repro: the images differ; the second build is kept in $second" >&2
	exit 1
fi
