# SPDX-License-Identifier: BSD-2-Clause-Patent
# Shared helpers for the LUKS oracle tests (sourced).  TAP output; every image is made at
# test time by cryptsetup in a private temporary directory.
set -u
top=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
. "$top/tests/tool_facts.sh"
LT=${LUKSTOOL:-$top/build/lukstool}
EDIT="python3 $top/tests/oracle/luks2_edit.py"
OSSL="python3 $top/tests/oracle/ossl_sector.py"
T=$(mktemp -d /tmp/luks-oracle.XXXXXX)
trap 'rm -rf "$T"' EXIT
cd "$T" || exit 1
tap_n=0 tap_fail=0

ok() { tap_n=$((tap_n + 1)); echo "ok $tap_n - $*"; }
not_ok() { tap_n=$((tap_n + 1)); tap_fail=1; echo "not ok $tap_n - $*"; }
# check DESC CMD...: passes if CMD succeeds
check() { local d=$1; shift; if "$@" >/dev/null 2>&1; then ok "$d"; else not_ok "$d"; fi; }
# rc WANT DESC CMD...: passes if CMD exits with WANT (stdout in $T/out, stderr in $T/err)
rc() {
	local want=$1 d=$2; shift 2
	"$@" >"$T/out" 2>"$T/err"
	local got=$?
	if [ "$got" = "$want" ]; then ok "$d"; else
		not_ok "$d (exit $got, want $want)"; sed 's/^/# /' "$T/err" | head -5; fi
}
finish() { echo "1..$tap_n"; exit $tap_fail; }

# Fast KDF settings for cryptsetup (tests must be quick).
PB="--pbkdf pbkdf2 --pbkdf-force-iterations 1000"
A2="--pbkdf-force-iterations 4 --pbkdf-memory 32"

# Volume key lukstool prints (last stdout line of unlock --print-volume-key)
lt_vk() { "$LT" unlock --print-volume-key "$@" 2>/dev/null | tail -n 1; }
