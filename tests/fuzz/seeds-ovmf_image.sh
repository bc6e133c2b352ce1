#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause-Patent
# Seeds for fuzz_ovmf_image: one launch-options byte, then a 4 KiB OVMF-like image made by
# tests/oracle/mk_ovmf_like.py (AmdSev-like, OvmfPkgX64-like, no footer table), for each
# mode (SEV, SEV-ES, SNP, SNP from a seed), with and without a kernel hashes table.
set -eu
out=$1
mkdir -p "$out"
top=$(cd "$(dirname "$0")/../.." && pwd)
t=$(mktemp -d)
trap 'rm -rf "$t"' EXIT
for kind in amdsev x64 bare; do
	python3 "$top/tests/oracle/mk_ovmf_like.py" "$t/$kind" --size 4096 --kind "$kind"
	for opt in 00 01 05 02 03 82 45 21; do
		{ printf "\\x$opt"; cat "$t/$kind"; } >"$out/seed-$kind-$opt"
	done
done
