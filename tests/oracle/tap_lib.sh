# SPDX-License-Identifier: BSD-2-Clause-Patent
# The TAP preamble the lukstool oracle tests share (sourced; needs bash).  Sets top (the
# tree), LUKSTOOL (build/lukstool unless given), n and failed (counters), and gives
#   tap_workdir NAME    work=build/oracle/NAME, emptied
#   ok STATUS DESC      "ok N - DESC" when STATUS is 0, else "not ok N - DESC"
#   bail MSG            "Bail out! MSG" and exit 1
#   tap_end             the plan line; exit status 0 only when nothing failed
set -u
top=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
LUKSTOOL=${LUKSTOOL:-$top/build/lukstool}
n=0 failed=0
tap_workdir() { work="$top/build/oracle/$1"; rm -rf "$work"; mkdir -p "$work"; }
ok() {
	n=$((n + 1))
	if [ "$1" -eq 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; failed=$((failed + 1)); fi
}
bail() { echo "Bail out! $*"; exit 1; }
tap_end() { echo "1..$n"; [ "$failed" -eq 0 ]; }
