#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause-Patent
# Seeds for fuzz_sev_secret: packets (header then payload) that `lukstool sev-secret build`
# makes with the target's fixed TEK, TIK and measurement, from tables of several sizes, and
# the same packets with FLAGS set and with one MAC byte changed.
set -eu
out=$1
mkdir -p "$out"
top=$(cd "$(dirname "$0")/../.." && pwd)
lt=${LUKSTOOL:-$top/build/lukstool}
[ -x "$lt" ] || exit 0 # no lukstool yet: the corpus in the tree still runs
t=$(mktemp -d)
trap 'rm -rf "$t"' EXIT
printf '\001\002\003\004\005\006\007\010\011\012\013\014\015\016\017\020' >"$t/tek"
printf '\245\132%.0s' 1 2 3 4 5 6 7 8 >"$t/tik"
{ printf '\102'; head -c 31 /dev/zero; } >"$t/measure"
for n in 1 16 100; do
	head -c "$n" /dev/urandom >"$t/data"
	"$lt" sev-secret build --secret "736869e5-84f0-4973-92ec-06879ce3da0b:$t/data" \
		--tek "$t/tek" --tik "$t/tik" --launch-measure-blob "$t/measure" \
		--iv 000102030405060708090a0b0c0d0e0f "$t/h" "$t/p" >/dev/null
	cat "$t/h" "$t/p" >"$out/seed-$n"
	{ printf '\001'; tail -c +2 "$t/h"; cat "$t/p"; } >"$out/seed-$n-flags"
	{ head -c 30 "$t/h"; printf '\377'; tail -c +32 "$t/h"; cat "$t/p"; } >"$out/seed-$n-mac"
done
