#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause-Patent
# `jq` as cryptsetup's LUKS2 validation generators need it: each input file is handed to jq
# as its JSON text only, the bytes before its first NUL.  That is what a LUKS2 JSON area
# holds (the text, then NUL padding to the end of the area), and what cryptsetup parses.
#
# Why: jq 1.6-2.1+deb12u3 (a Debian security update of 2026-10) reads a run of more than
# about 4 KiB of NULs after a value as a second value, the number 0, and the generators hand
# jq whole NUL-padded areas of 12 KiB and more, so every filter that indexes the header
# failed ("Cannot index number with string ...").  Earlier jq builds skipped the padding.
#
# Everything else is jq's own: the filter, the options, the output, the exit status and the
# error messages (the copies keep each file's name).  The real jq is $LUKSDXE_REAL_JQ.
#
# Used by test_cryptsetup_suite.sh, which puts this script first on the generators' PATH
# under the name `jq`, and which checks it before it relies on it.
set -u
real=${LUKSDXE_REAL_JQ:?LUKSDXE_REAL_JQ names the real jq}

tmp=$(mktemp -d "${TMPDIR:-/tmp}/jq-json-area.XXXXXX") || exit 2
trap 'rm -rf "$tmp"' EXIT

# jq's command line: options (some take one or two arguments), then the filter unless -f
# gave one, then input files.  After --args or --jsonargs the positionals are values, not
# files; after -- everything is positional.
args=() have_filter=0 files_end=0 nfile=0
while [ $# -gt 0 ]; do
	a=$1; shift
	if [ "$files_end" = 0 ] && [ "${a:0:1}" = - ] && [ "$a" != - ]; then
		case $a in
		--) files_end=2 args+=("$a"); continue ;;
		--arg | --argjson | --slurpfile | --rawfile)
			[ $# -ge 2 ] || { echo "jq-json-area: $a needs two arguments" >&2; exit 2; }
			args+=("$a" "$1" "$2"); shift 2; continue ;;
		--indent | -L)
			[ $# -ge 1 ] || { echo "jq-json-area: $a needs an argument" >&2; exit 2; }
			args+=("$a" "$1"); shift; continue ;;
		-f | --from-file)
			[ $# -ge 1 ] || { echo "jq-json-area: $a needs an argument" >&2; exit 2; }
			args+=("$a" "$1"); shift; have_filter=1; continue ;;
		--args | --jsonargs) files_end=1 args+=("$a"); continue ;;
		*) args+=("$a"); continue ;;
		esac
	fi
	if [ "$have_filter" = 0 ]; then
		args+=("$a"); have_filter=1
	elif [ "$files_end" = 1 ]; then
		args+=("$a")
	elif [ -f "$a" ] && [ -r "$a" ]; then
		# an input file: its text before the first NUL, under its own name
		nfile=$((nfile + 1))
		mkdir "$tmp/$nfile"
		copy="$tmp/$nfile/$(basename -- "$a")"
		head -z -n 1 -- "$a" | tr -d '\0' >"$copy" || exit 2
		args+=("$copy")
	else
		args+=("$a") # jq says what is wrong with it
	fi
done
"$real" "${args[@]}"
