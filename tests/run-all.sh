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
# Tests run in TEST_LANES parallel lanes (default: the number of CPUs; TEST_LANES=1 runs
# them one after the other).  Each test keeps its own log; the summary lines come in the
# order of the list below whatever order the tests end in, each printed as soon as it and
# every test before it are done.  No two tests share a work file (docs/test-lanes.md says
# how each kind of test keeps its own).
lanes=${TEST_LANES:-$(nproc 2>/dev/null || echo 1)}
case $lanes in '' | *[!0-9]* | 0) echo "run-all: TEST_LANES must be a positive number" >&2; exit 2 ;; esac
passed=0 failed=0 failures=()
names=() cmds=()
add() { # name command...
	names+=("$1"); shift
	cmds+=("$(printf '%q ' "$@")")
}

for t in build/tests/test_*; do
	[ -x "$t" ] || continue
	add "unit/$(basename "$t")" "$t"
done
# the same unit tests built without sanitizers, under valgrind (uninitialised reads)
for t in build/vg-tests/test_*; do
	[ -x "$t" ] || continue
	add "valgrind/$(basename "$t")" valgrind -q --error-exitcode=1 \
		--suppressions=tests/valgrind.supp "$t"
done
for t in tests/lint/test_*.sh tests/oracle/test_*.sh tests/e2e/test_*.sh; do
	[ -f "$t" ] || continue
	add "${t#tests/}" bash "$t"
done
for f in build/fuzz-bin/fuzz_*; do
	[ -x "$f" ] || continue
	add "fuzz/$(basename "$f")" bash tests/fuzz/run-one.sh "$f" "${FUZZ_SECONDS:-20}"
done

# Results of this run: $st/N holds "STATUS SECONDS" of test N once it has ended.
st=$(mktemp -d "$log/.status.XXXXXX")
pids=()
cleanup() { for p in "${pids[@]}"; do [ -n "$p" ] && kill "$p" 2>/dev/null; done; rm -rf "$st"; }
trap cleanup EXIT
trap 'exit 130' INT TERM

start_one() { # index
	local i=$1 out="$log/${names[$1]}.log"
	mkdir -p "$(dirname "$out")"
	(
		t0=$SECONDS
		eval "${cmds[$i]}" >"$out" 2>&1 </dev/null
		echo "$? $((SECONDS - t0))" >"$st/$i.tmp"
		mv "$st/$i.tmp" "$st/$i"
	) &
	pids[i]=$!
}

report_one() { # index: counts the test's TAP lines and prints its summary line
	local i=$1 name=${names[$1]} out="$log/${names[$1]}.log"
	local rc secs p f
	read -r rc secs <"$st/$i"
	p=$(grep -cE '^[[:space:]]*ok [0-9]+' "$out" 2>/dev/null) || p=0
	f=$(grep -cE '^[[:space:]]*not ok [0-9]+' "$out" 2>/dev/null) || f=0
	if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then f=1; fi
	if [ "$p" -eq 0 ] && [ "$f" -eq 0 ]; then f=1; echo "  (no test reported)" >>"$out"; fi
	passed=$((passed + p)); failed=$((failed + f))
	printf '%-40s %4d passed %3d failed %4ds\n' "$name" "$p" "$f" "$secs"
	if [ "$f" -ne 0 ]; then
		failures+=("$name")
		grep -E '^[[:space:]]*not ok|ERROR|error:|runtime error|Sanitizer' "$out" | head -20 | sed 's/^/    /'
	fi
}

n=${#names[@]} next=0 shown=0 running=0
echo "run-all: $n test programs in $lanes lane(s) (TEST_LANES); logs in $log/"
while [ "$shown" -lt "$n" ]; do
	while [ "$running" -lt "$lanes" ] && [ "$next" -lt "$n" ]; do
		start_one "$next"
		next=$((next + 1)) running=$((running + 1))
	done
	# wait for any test to end (a status file appears), then print every summary line
	# whose turn has come
	running=0
	for ((i = shown; i < next; i++)); do [ -f "$st/$i" ] || running=$((running + 1)); done
	if [ "$running" -ge "$lanes" ] || [ "$next" -ge "$n" ]; then
		[ -f "$st/$shown" ] || { sleep 0.2; continue; }
	fi
	while [ "$shown" -lt "$next" ] && [ -f "$st/$shown" ]; do
		wait "${pids[shown]}" 2>/dev/null
		pids[shown]=
		report_one "$shown"
		shown=$((shown + 1))
	done
done

if [ ${#failures[@]} -ne 0 ]; then
	echo "failing: ${failures[*]} (logs in $log/)"
fi
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
