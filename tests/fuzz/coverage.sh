#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause-Patent
# Source coverage that each fuzz target's corpus kept in the tree (tests/fuzz/corpus/NAME/
# and tests/fuzz/regress/NAME/) reaches (make fuzz-coverage): each input is replayed once
# by build/cov-bin/fuzz_NAME (clang source-based coverage, see tests/fuzz/fuzz.mk), and
# llvm-cov reports lines and branches of our own code the target links (crypto primitives,
# third-party code and the target itself are left out).  Per-file reports are written to
# build/fuzz-coverage/NAME.txt.
#   tests/fuzz/coverage.sh [NAME...]
set -euo pipefail
cd "$(dirname "$0")/../.."
out=build/fuzz-coverage
mkdir -p "$out"
names=("$@")
if [ ${#names[@]} -eq 0 ]; then
	for f in tests/fuzz/fuzz_*.c; do n=${f#tests/fuzz/fuzz_}; names+=("${n%.c}"); done
fi
printf '%-14s %7s %22s %22s %22s\n' target inputs "lines covered" "branches covered" "functions covered"
for n in "${names[@]}"; do
	bin=build/cov-bin/fuzz_$n
	[ -x "$bin" ] || { echo "coverage: $bin is not built (make cov-bins)" >&2; exit 2; }
	dirs=()
	for d in "tests/fuzz/corpus/$n" "tests/fuzz/regress/$n"; do [ -d "$d" ] && dirs+=("$d"); done
	[ ${#dirs[@]} -gt 0 ] || { printf '%-14s no corpus in the tree\n' "$n"; continue; }
	inputs=$(find "${dirs[@]}" -type f | wc -l)
	rm -f "$out/$n".profraw "$out/$n".profdata
	LLVM_PROFILE_FILE="$out/$n.profraw" "$bin" -runs=0 -timeout=10 -rss_limit_mb=4096 "${dirs[@]}" \
		>"$out/$n.log" 2>&1
	llvm-profdata merge -sparse "$out/$n.profraw" -o "$out/$n.profdata"
	llvm-cov report "$bin" -instr-profile="$out/$n.profdata" \
		-ignore-filename-regex='(^|/)(tests|third_party|crypto)/' >"$out/$n.txt"
	# TOTAL  regions missed cover  functions missed executed  lines missed cover  branches missed cover
	awk -v n="$n" -v k="$inputs" '$1 == "TOTAL" {
		printf "%-14s %7d %12d/%-6d %4s %12d/%-6d %4s %12d/%-6d %4s\n", n, k,
			$8 - $9, $8, $10, $11 - $12, $11, $13, $5 - $6, $5, $7 }' "$out/$n.txt"
done
