#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause-Patent
# `make fuzz`: runs every libFuzzer target (ASan + UBSan) for FUZZ_SECONDS each, starting
# from its seed corpus; the corpus each run grows is kept in build/fuzz-corpus/NAME/.
set -u
cd "$(dirname "$0")/.."
secs=${FUZZ_SECONDS:-300}
rc=0
for f in build/fuzz-bin/fuzz_*; do
	[ -x "$f" ] || continue
	echo "== $(basename "$f"): ${secs}s"
	bash tests/fuzz/run-one.sh "$f" "$secs" 2>&1 | grep -E '^(ok|not ok)|stat::number_of_executed_units|ERROR|SUMMARY' || true
	[ "${PIPESTATUS[0]}" -eq 0 ] || rc=1
done
exit $rc
