#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause-Patent
# Runs every test of the project and prints one closing line "N passed, N failed".
#   build/tests/test_*      cmocka unit tests (ASan + UBSan), TAP output
#   build/vg-tests/test_*   the same without sanitizers, under valgrind
#   tests/oracle/test_*.sh  oracle tests (cryptsetup, OpenSSL, e2fsprogs...), TAP output
#   tests/e2e/test_*.sh     QEMU/OVMF end-to-end tests, TAP output
#   tests/lint/test_*.sh    checks of the tree and its tools (licence lines, the fuzz
#                           campaign script), TAP output
# (the host-shim tests are unit tests: tests/unit/test_shim_*.c)
#   build/fuzz-bin/fuzz_*   each libFuzzer target for FUZZ_SECONDS over its seed corpus
# Each TAP "ok" counts as passed, each "not ok" as failed; a program that exits non-zero
# without reporting a failure counts as one failure, so a crash cannot pass silently.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
export CMOCKA_MESSAGE_OUTPUT=TAP
# Tests use Debian's tools and Debian's python3 (with python3-cryptography, which
# scripts/install-deps.sh installs), not whatever interpreter a version manager puts first.
export PATH=/usr/bin:/bin:$PATH
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
log=build/test-logs
mkdir -p "$log"
passed=0 failed=0 failures=()

run_one() { # name command...
	local name=$1; shift
	local out="$log/$name.log" start=$SECONDS
	mkdir -p "$(dirname "$out")"
	"$@" >"$out" 2>&1 </dev/null
	local rc=$?
	local p f
	p=$(grep -cE '^[[:space:]]*ok [0-9]+' "$out" 2>/dev/null) || p=0
	f=$(grep -cE '^[[:space:]]*not ok [0-9]+' "$out" 2>/dev/null) || f=0
	if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then f=1; fi
	if [ "$p" -eq 0 ] && [ "$f" -eq 0 ]; then f=1; echo "  (no test reported)" >>"$out"; fi
	passed=$((passed + p)); failed=$((failed + f))
	printf '%-40s %4d passed %3d failed %4ds\n' "$name" "$p" "$f" $((SECONDS - start))
	if [ "$f" -ne 0 ]; then
		failures+=("$name")
		grep -E '^[[:space:]]*not ok|ERROR|error:|runtime error|Sanitizer' "$out" | head -20 | sed 's/^/    /'
	fi
}

for t in build/tests/test_*; do
	[ -x "$t" ] || continue
	run_one "unit/$(basename "$t")" "$t"
done
# the same unit tests built without sanitizers, under valgrind (uninitialised reads)
for t in build/vg-tests/test_*; do
	[ -x "$t" ] || continue
	run_one "valgrind/$(basename "$t")" valgrind -q --error-exitcode=1 \
		--suppressions=tests/valgrind.supp "$t"
done
for t in tests/lint/test_*.sh tests/oracle/test_*.sh tests/e2e/test_*.sh; do
	[ -f "$t" ] || continue
	run_one "${t#tests/}" bash "$t"
done
for f in build/fuzz-bin/fuzz_*; do
	[ -x "$f" ] || continue
	run_one "fuzz/$(basename "$f")" bash tests/fuzz/run-one.sh "$f" "${FUZZ_SECONDS:-20}"
done

if [ ${#failures[@]} -ne 0 ]; then
	echo "failing: ${failures[*]} (logs in $log/)"
fi
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
