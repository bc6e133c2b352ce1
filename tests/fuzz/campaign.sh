#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause-Patent
# One long fuzzing campaign for one libFuzzer target (make fuzz-campaign), the long-run
# counterpart of run-one.sh's short runs in make check:
#   tests/fuzz/campaign.sh NAME EXECS
#   tests/fuzz/campaign.sh --finish NAME
# 1. starts from the target's corpus kept in the tree (tests/fuzz/corpus/NAME/) plus the
#    seeds its generator makes now (tests/fuzz/seeds-NAME.sh), with its dictionary
#    (tests/fuzz/dict/NAME.dict) when there is one;
# 2. runs EXECS executions under ASan + UBSan (build/fuzz-bin/fuzz_NAME), in slices of at
#    most SLICE executions (default 2 million) and SLICE_SECONDS (default 600), and stops
#    early after MAX_SECONDS (unset: no limit), so that a slow target's campaign can be
#    spread over several sessions: each records what it really ran;
# 3. minimizes what it found together with the old corpus (libFuzzer -merge=1: the
#    smallest inputs that keep every coverage feature) back into tests/fuzz/corpus/NAME/;
# 4. appends one line to tests/fuzz/ledger.tsv: date, target, executions, seconds,
#    coverage edges and features at the end, corpus files and bytes, commit, findings.
# A finding stops the campaign: the input is kept in build/fuzz-campaign/NAME/ and must be
# fixed, then added to tests/fuzz/regress/NAME/ (run-one.sh replays that directory in
# every make check).  Exit 0 only without a finding.
#
# Stopping early loses nothing that ran.  SIGINT or SIGTERM (kill PID) interrupts the
# running slice (libFuzzer prints how many executions it did), then steps 3 and 4 run
# for what was done.  If the script itself dies (SIGKILL, a reboot), the campaign's
# work directory keeps its state after every completed slice, and --finish does steps 3
# and 4 for those slices; the executions of a slice that never reported are not counted.
set -euo pipefail

# The whole script is one function, read by bash before it runs, so that editing this
# file while a campaign runs cannot change what the running campaign does.
main() {
	cd "$(dirname "$0")/../.."
	local finish=0
	if [ "${1:-}" = "--finish" ]; then
		finish=1
		shift
	fi
	[ $# -eq $((2 - finish)) ] || {
		echo "usage: $0 NAME EXECS | $0 --finish NAME" >&2
		exit 2
	}
	name=$1
	execs=${2:-0}
	slice=${SLICE:-2000000}
	slice_secs=${SLICE_SECONDS:-600}
	max_secs=${MAX_SECONDS:-0}
	bin=build/fuzz-bin/fuzz_$name
	corpus=tests/fuzz/corpus/$name
	dict=tests/fuzz/dict/$name.dict
	work=build/fuzz-campaign/$name
	state=$work/state
	[ -x "$bin" ] || { echo "campaign: $bin is not built (make fuzz-bins)" >&2; exit 2; }
	opts=(-timeout=10 -rss_limit_mb=4096 -print_final_stats=1 -artifact_prefix="$work/")
	[ -f "$dict" ] && opts+=(-dict="$dict")
	[ -n "${MAX_LEN:-}" ] && opts+=(-max_len="$MAX_LEN")

	if [ "$finish" -eq 1 ]; then
		[ -f "$state" ] || {
			echo "campaign: nothing to finish for $name (no $state: no campaign ran, or its ledger line is written)" >&2
			exit 2
		}
		# shellcheck disable=SC1090 # our own key=value lines
		. "$state"
		echo "campaign $name: finishing an interrupted campaign: $done_execs executions in $secs s"
		record
		exit "$findings"
	fi
	[ -f "$state" ] && {
		echo "campaign: $work holds an unfinished campaign; run $0 --finish $name first" >&2
		exit 2
	}

	mkdir -p "$corpus" "$work"
	rm -rf "$work/gen" "$work/new" "$work/min"
	mkdir -p "$work/gen" "$work/new" "$work/min"
	[ -f "tests/fuzz/seeds-$name.sh" ] && bash "tests/fuzz/seeds-$name.sh" "$work/gen" >/dev/null 2>&1
	cp -r "$corpus"/. "$work/new"/

	done_execs=0 cov=0 ft=0 findings=0 secs=0 stop=0 child=
	save_state
	trap on_signal INT TERM
	local t0 n log rc ran last c f
	t0=$(date +%s)
	while [ "$done_execs" -lt "$execs" ] && [ "$stop" -eq 0 ]; do
		n=$((execs - done_execs))
		[ "$n" -gt "$slice" ] && n=$slice
		log=$work/slice.log
		nice -n "${NICE:-10}" "$bin" "${opts[@]}" -runs="$n" -max_total_time="$slice_secs" \
			"$work/new" "$work/gen" >"$log" 2>&1 &
		child=$!
		# A trapped signal ends wait early (status > 128): wait again for the fuzzer.
		rc=0
		wait "$child" || rc=$?
		while [ "$rc" -gt 128 ] && kill -0 "$child" 2>/dev/null; do
			rc=0
			wait "$child" || rc=$?
		done
		child=
		# 72 is libFuzzer's exit on SIGINT (ours, from on_signal): not a finding.
		if [ "$rc" -ne 0 ] && ! { [ "$rc" -eq 72 ] && [ "$stop" -eq 1 ]; }; then
			findings=1
		fi
		ran=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
		last=$(grep -E '^#[0-9]+[[:space:]]+(DONE|pulse|NEW|REDUCE)' "$log" | tail -1 || true)
		c=$(sed -n 's/.* cov: \([0-9]*\) .*/\1/p' <<<"$last")
		f=$(sed -n 's/.* ft: \([0-9]*\) .*/\1/p' <<<"$last")
		[ -n "$c" ] && cov=$c
		[ -n "$f" ] && ft=$f
		done_execs=$((done_execs + ${ran:-0}))
		secs=$(($(date +%s) - t0))
		save_state
		echo "campaign $name: $done_execs of $execs executions, cov $cov ft $ft, $secs s"
		if [ "$findings" -ne 0 ]; then
			grep -E 'ERROR|SUMMARY|artifact|Test unit written' "$log" || tail -20 "$log"
			break
		fi
		[ "$stop" -eq 1 ] && { echo "campaign $name: interrupted"; break; }
		[ "${ran:-0}" -gt 0 ] || { echo "campaign: no executions counted" >&2; tail -20 "$log"; exit 2; }
		if [ "$max_secs" -gt 0 ] && [ "$secs" -ge "$max_secs" ]; then
			echo "campaign $name: stopped after MAX_SECONDS=$max_secs"
			break
		fi
	done
	trap - INT TERM
	record
	exit "$findings"
}

on_signal() {
	stop=1
	if [ -n "${child:-}" ]; then
		kill -INT "$child" 2>/dev/null || true
	fi
}

# What a --finish needs, rewritten after every slice.
save_state() {
	printf 'done_execs=%s\nsecs=%s\ncov=%s\nft=%s\nfindings=%s\n' \
		"$done_execs" "$secs" "$cov" "$ft" "$findings" >"$state.tmp"
	mv "$state.tmp" "$state"
}

# Steps 3 and 4.  The generated seeds are merged only as far as they add coverage.
record() {
	local files bytes commit ledger
	"$bin" -merge=1 "${opts[@]}" "$work/min" "$work/new" "$work/gen" >"$work/merge.log" 2>&1
	rm -rf "$corpus"
	mkdir -p "$corpus"
	cp "$work/min"/* "$corpus"/ 2>/dev/null || true
	files=$(find "$corpus" -type f | wc -l)
	bytes=$(find "$corpus" -type f -printf '%s\n' | awk '{ s += $1 } END { print s + 0 }')
	commit=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)
	ledger=tests/fuzz/ledger.tsv
	[ -f "$ledger" ] || printf 'date\ttarget\texecutions\tseconds\tcov\tft\tcorpus_files\tcorpus_bytes\tcommit\tfindings\n' >"$ledger"
	printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$(date -u +%FT%TZ)" "$name" "$done_execs" "$secs" \
		"$cov" "$ft" "$files" "$bytes" "$commit" "$findings" >>"$ledger"
	rm -f "$state"
	echo "campaign $name: $done_execs executions in $secs s, cov $cov ft $ft, corpus $files files $bytes bytes, findings $findings"
}

main "$@"
exit
