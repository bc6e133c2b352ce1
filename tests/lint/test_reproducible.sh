#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause-Patent
# The shipped programs do not depend on where, when or by whom they are built: LuksDxe.efi,
# LuksDxe-audit.efi and lukstool are built again from nothing in a copy of the checkout
# under another, longer path (scripts/clone-tree.sh), with another umask, time zone and
# locale, and must come out byte-identical to build/'s.  The firmware images take 15-25
# minutes and are compared by `make ovmf-repro` instead (docs/reproducible.md).  TAP output.
#   REPRO_JOBS=N   parallel jobs of the second build (default 1: run-all.sh runs lanes)
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top"
files=(build/LuksDxe.efi build/LuksDxe-audit.efi build/lukstool)
echo "1..$((${#files[@]} * 2 + 1))"

# This checkout's programs, up to date (nothing to do after make check's build step).
make --no-print-directory -s "${files[@]}" >/dev/null 2>&1 ||
	{ echo "Bail out! make ${files[*]} failed in $top"; exit 1; }

tmp=$(mktemp -d "${TMPDIR:-/tmp}/luksdxe-repro.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
second="$tmp/another-checkout/at-a-longer-path/luksdxe"
bash scripts/clone-tree.sh "$second"
# The copy has no .git: it is given the version text this checkout's lukstool was built with.
version=$(sh scripts/version.sh)
start=$SECONDS
(
	cd "$second"
	umask 077
	export TZ=Pacific/Chatham LC_ALL=C.UTF-8 LANG=C.UTF-8
	make --no-print-directory -j"${REPRO_JOBS:-1}" LT_VERSION="$version" "${files[@]}"
) >"$tmp/build.log" 2>&1
rc=$?
if [ "$rc" = 0 ]; then
	echo "ok 1 - second build in $second ($((SECONDS - start)) s)"
else
	echo "not ok 1 - second build in $second failed"
	tail -20 "$tmp/build.log" | sed 's/^/# /'
fi
n=1
for f in "${files[@]}"; do
	n=$((n + 1))
	if cmp -s "$f" "$second/$f"; then
		echo "ok $n - $f is byte-identical in both directories ($(sha256sum "$f" | cut -c1-16)...)"
	else
		echo "not ok $n - $f differs between $top and $second"
		cmp -l "$f" "$second/$f" 2>&1 | head -5 | sed 's/^/# /'
	fi
	# and names neither directory (absolute paths were what varied: __FILE__, DWARF)
	n=$((n + 1))
	hits=$(strings -a "$f" | grep -c -F -e "$top" -e "$tmp")
	if [ "$hits" = 0 ]; then
		echo "ok $n - $f holds no path of either checkout"
	else
		echo "not ok $n - $f holds $hits strings with a checkout path"
		strings -a "$f" | grep -F -e "$top" -e "$tmp" | head -3 | sed 's/^/# /'
	fi
done
