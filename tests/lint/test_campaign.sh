#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause-Patent
# tests/fuzz/campaign.sh keeps the fuzzing ledger honest: a campaign that ends, one stopped
# by SIGTERM in mid-slice, and one whose script is killed (then --finish) each record
# exactly the executions that ran.  Runs a copy of the script in a scratch tree with the
# fast fwcfg target (build/fuzz-bin/fuzz_fwcfg), so the real corpus and ledger are not
# touched.  About 30 s.  TAP output.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
bin=$top/build/fuzz-bin/fuzz_fwcfg
echo "1..3"
if [ ! -x "$bin" ]; then
	for i in 1 2 3; do echo "not ok $i - $bin is not built (make fuzz-bins)"; done
	exit 0
fi
s=$(mktemp -d)
trap 'pkill -KILL -P $$ 2>/dev/null; rm -rf "$s"' EXIT
mkdir -p "$s/tests/fuzz/corpus" "$s/build/fuzz-bin"
cp "$top/tests/fuzz/campaign.sh" "$s/tests/fuzz/"
cp -r "$top/tests/fuzz/corpus/fwcfg" "$s/tests/fuzz/corpus/"
ln -s "$bin" "$s/build/fuzz-bin/fuzz_fwcfg"
# (the script finds its tree from its own path)
camp() { SLICE=${SLICE:-20000} SLICE_SECONDS=60 NICE=0 bash "$s/tests/fuzz/campaign.sh" "$@"; }
ledger=$s/tests/fuzz/ledger.tsv
state=$s/build/fuzz-campaign/fwcfg/state
last_execs() { tail -n 1 "$ledger" | cut -f 3; }
lines() { [ -f "$ledger" ] && grep -c . "$ledger" || echo 0; }
# waits (up to 60 s) for a command to succeed
until_ok() {
	local i
	for i in $(seq 600); do
		"$@" && return 0
		sleep 0.1
	done
	return 1
}

# 1. a whole campaign: three slices, one ledger line with every execution, no state left
camp fwcfg 50000 >"$s/1.log" 2>&1
rc=$?
if [ "$rc" -eq 0 ] && [ "$(last_execs)" = 50000 ] && [ ! -e "$state" ] &&
	[ -n "$(ls "$s/tests/fuzz/corpus/fwcfg")" ]; then
	echo "ok 1 - a finished campaign records its 50000 executions and its corpus"
else
	echo "not ok 1 - finished campaign: rc $rc, ledger says '$(last_execs)', state $([ -e "$state" ] && echo left)"
fi

# 2. SIGTERM in mid-slice: the slice's executions count, the merge and the line are done
before=$(lines)
rm -f "$s/build/fuzz-campaign/fwcfg/slice.log" # test 1's; a new one is written under the trap
SLICE=100000000 SLICE_SECONDS=60 NICE=0 bash "$s/tests/fuzz/campaign.sh" fwcfg 1000000000 >"$s/2.log" 2>&1 &
pid=$!
slice_running() { grep -qE '^#[0-9]+.*(pulse|NEW|REDUCE)' "$s/build/fuzz-campaign/fwcfg/slice.log" 2>/dev/null; }
until_ok slice_running
kill -TERM "$pid"
wait "$pid"
rc=$?
n=$(last_execs)
if [ "$rc" -eq 0 ] && [ "$(lines)" -eq $((before + 1)) ] && [ "$n" -gt 0 ] && [ "$n" -lt 1000000000 ] &&
	grep -q "interrupted" "$s/2.log" && [ ! -e "$state" ]; then
	echo "ok 2 - SIGTERM in mid-slice records the $n executions that ran"
else
	echo "not ok 2 - SIGTERM: rc $rc, ledger lines $before -> $(lines), executions '$n'"
	sed 's/^/# /' "$s/2.log"
fi

# 3. the script killed after a completed slice: a new campaign refuses, --finish records
#    the completed slices once
before=$(lines)
SLICE=20000 SLICE_SECONDS=60 NICE=0 bash "$s/tests/fuzz/campaign.sh" fwcfg 1000000000 >"$s/3.log" 2>&1 &
pid=$!
slice_done() { [ -f "$state" ] && grep -q '^done_execs=[1-9]' "$state"; }
seen=0
until_ok slice_done && seen=1
child=$(pgrep -P "$pid")
kill -KILL "$pid"
[ -n "$child" ] && kill -INT $child 2>/dev/null
wait "$pid" 2>/dev/null
sleep 0.5
want=$(sed -n 's/^done_execs=//p' "$state")
camp fwcfg 1000 >"$s/3b.log" 2>&1
refused=$?
camp --finish fwcfg >"$s/3c.log" 2>&1
finished=$?
camp --finish fwcfg >"$s/3d.log" 2>&1
again=$?
if [ "$refused" -eq 2 ] && [ "$finished" -eq 0 ] && [ "$again" -eq 2 ] &&
	[ "$seen" -eq 1 ] && [ "${want:-0}" -gt 0 ] && [ "$(lines)" -eq $((before + 1)) ] &&
	[ "$(last_execs)" = "$want" ]; then
	echo "ok 3 - a killed campaign blocks a new one, and --finish records its $want executions once"
else
	echo "not ok 3 - killed: state after a slice $([ "$seen" -eq 1 ] && echo seen || echo never)," \
		"new campaign rc $refused, --finish rc $finished then $again," \
		"ledger lines $before -> $(lines), executions '$(last_execs)' want '$want'"
fi
