#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause-Patent
# Every source file of the tree (C, headers, assembly, shell, Python, makefiles, the EDK2
# module and patch, dictionaries) carries the project's SPDX line, and LICENSE names the
# same license.  Data (fuzz corpora, captured paths, pins, the ledger) and prose (*.md)
# are left out.  TAP output.
set -u
cd "$(dirname "$0")/../.."
id='SPDX-License-Identifier: BSD-2-Clause-Patent'
echo "1..2"
if grep -q "^$id\$" LICENSE 2>/dev/null; then
	echo "ok 1 - LICENSE is BSD-2-Clause-Patent"
else
	echo "not ok 1 - LICENSE is missing or names another license"
fi
missing=0 checked=0
while IFS= read -r f; do
	case "$f" in
	tests/fuzz/corpus/* | tests/fuzz/regress/* | tests/unit/data/*) continue ;;
	*.c | *.h | *.asm | *.sh | *.py | *.mk | *.inf | *.patch | *.dict | *.supp | Makefile | .ci/run) ;;
	*) continue ;;
	esac
	checked=$((checked + 1))
	if ! head -n 3 "$f" | grep -q "$id"; then
		echo "# no SPDX line in the first lines of $f"
		missing=$((missing + 1))
	fi
done < <(git ls-files)
if [ "$missing" -eq 0 ] && [ "$checked" -gt 100 ]; then
	echo "ok 2 - all $checked source files carry the SPDX line"
else
	echo "not ok 2 - $missing of $checked source files lack the SPDX line"
fi
