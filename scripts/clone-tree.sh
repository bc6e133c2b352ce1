#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause-Patent
# Copies this checkout's sources into another directory, the way a fresh clone would lay
# them out, for the reproducibility checks (tests/lint/test_reproducible.sh, make ovmf-repro):
# the files git tracks plus new files it does not ignore, as they are in the work tree (so
# uncommitted edits are compared too), and a symlink to third_party/ (the pinned,
# unpacked sources install-deps.sh made; the build copies edk2 out of it anyway).
# Nothing from build/ comes along.
#   scripts/clone-tree.sh DEST      (DEST must not exist yet)
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
dest=${1:?usage: clone-tree.sh DEST}
[ ! -e "$dest" ] || { echo "clone-tree: $dest exists" >&2; exit 1; }
mkdir -p "$dest"
if git -C "$top" rev-parse --git-dir >/dev/null 2>&1; then
	# a file deleted in the work tree but still tracked is left out, as in the work tree
	# (third_party may itself be a symlink in a worktree, which /third_party/ does not ignore)
	git -C "$top" ls-files -z --cached --others --exclude-standard |
		grep -zvE '^(third_party|build|out)(/|$)' |
		(cd "$top" && xargs -0 sh -c 'for f; do [ -e "$f" ] && printf "%s\0" "$f"; done' sh) |
		tar -C "$top" --null -T - -cf - | tar -C "$dest" -xf -
else
	tar -C "$top" --exclude=./build --exclude=./third_party --exclude=./out -cf - . | tar -C "$dest" -xf -
fi
ln -s "$top/third_party" "$dest/third_party"
