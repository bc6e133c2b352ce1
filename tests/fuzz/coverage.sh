#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause-Patent
# Source coverage that each fuzz target's corpus kept in the tree (tests/fuzz/corpus/NAME/
# and tests/fuzz/regress/NAME/) reaches (make fuzz-coverage): each input is replayed once
# by build/cov-bin/fuzz_NAME (clang source-based coverage, see tests/fuzz/fuzz.mk), and
# llvm-cov reports lines, branches and functions of the code the target is aimed at (its
# parser: focus() below); per-file reports of all our code it links (crypto primitives,
# third-party code and the target itself left out) are written to
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
# The files each target is aimed at.
focus() {
	case $1 in
	policy) echo efi/policy.c ;;
	secret_table) echo secret/secret_table.c secret/volume_secret.c ;;
	fwcfg) echo efi/fwcfg.c ;;
	luks_json) echo luks/json.c luks/json_syntax.c luks/base64.c luks/luks2_meta.c \
		luks/luks2_keyslot.c luks/luks2_segment.c luks/luks2_digest.c ;;
	luks) echo luks/*.c ;;
	part) echo fs/part.c ;;
	ext4) echo fs/ext4_*.c ;;
	fat) echo fs/fat.c ;;
	verity) echo verity/*.c ;;
	*) echo base crypto luks fs secret efi verity ;;
	esac
}
printf '%-14s %7s %22s %22s %22s  %s\n' target inputs "lines covered" "branches covered" "functions covered" files
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
	# shellcheck disable=SC2046
	llvm-cov report "$bin" -instr-profile="$out/$n.profdata" $(focus "$n") >"$out/$n.focus.txt"
	# TOTAL  regions missed cover  functions missed executed  lines missed cover  branches missed cover
	awk -v n="$n" -v k="$inputs" -v f="$(focus "$n")" '$1 == "TOTAL" {
		printf "%-14s %7d %12d/%-6d %4s %12d/%-6d %4s %12d/%-6d %4s  %s\n", n, k,
			$8 - $9, $8, $10, $11 - $12, $11, $13, $5 - $6, $5, $7, f }' "$out/$n.focus.txt"
done
