#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause-Patent
# Runs one libFuzzer target for N seconds starting from its corpus kept in the tree
# (tests/fuzz/corpus/NAME/, grown and minimized by campaign.sh), the inputs of past
# findings (tests/fuzz/regress/NAME/) and the seeds its generator script makes now, with
# its dictionary (tests/fuzz/dict/NAME.dict) when there is one.
# Prints TAP: ok if no crash, leak or sanitizer report.
set -u
bin=$1 secs=${2:-20}
name=$(basename "$bin")
seeds="tests/fuzz/corpus/${name#fuzz_}"
work="build/fuzz-corpus/${name#fuzz_}"
mkdir -p "$work"
gen="tests/fuzz/seeds-${name#fuzz_}.sh"
[ -f "$gen" ] && bash "$gen" "$work" >/dev/null 2>&1
dirs=("$work")
[ -d "$seeds" ] && dirs+=("$seeds")
[ -d "tests/fuzz/regress/${name#fuzz_}" ] && dirs+=("tests/fuzz/regress/${name#fuzz_}")
dict="tests/fuzz/dict/${name#fuzz_}.dict"
opts=()
[ -f "$dict" ] && opts+=(-dict="$dict")
echo "1..1"
if "$bin" -max_total_time="$secs" -timeout=10 -rss_limit_mb=4096 -print_final_stats=1 "${opts[@]}" "${dirs[@]}"; then
	echo "ok 1 - $name ran ${secs}s under ASan+UBSan without a finding"
else
	echo "not ok 1 - $name found a crash (see artifacts above)"
	exit 1
fi
