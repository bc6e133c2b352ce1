#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause-Patent
# The version lukstool --version prints: `git describe --always --dirty --tags` of the tree
# this script lies in, or "unknown" outside a git checkout.  No date and no path, so that the
# same commit gives the same text.  tools/module.mk uses it; a build in a copy without .git
# (tests/lint/test_reproducible.sh) passes the original's text as LT_VERSION=... instead.
top=$(cd "$(dirname "$0")/.." && pwd)
git -C "$top" describe --always --dirty --tags 2>/dev/null || echo unknown
