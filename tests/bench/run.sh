#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause-Patent
# Runs the benchmarks (make bench).  Each line compares one primitive of crypto/ with
# its reference, measured in this same run on this machine, then verified reading
# (tests/bench/bench_verity.c) with OpenSSL's SHA-256.  About two minutes.
#   BENCH_ARGON2_MIB=N  Argon2id memory in MiB (default 1024, the issue's figure).
#   LUKSDXE_KDF_CPU=portable|sha|ssse3|avx2|avx512  force one KDF code path (for the
#                       verity row: portable or sha, the SHA-256 path).
#   BENCH_ONLY_KDF=1    skip the cipher rows.
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top"
echo "LuksDxe crypto benchmark: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(nproc) CPUs, $(date -u +%FT%TZ)"
echo "ratio > 1: ours is faster than the reference; < 1: slower; load average: $(cut -d" " -f1-3 /proc/loadavg)"
build/bench/bench_crypto "${BENCH_ARGON2_MIB:-1024}"
build/bench/bench_verity
echo "load average at the end: $(cut -d" " -f1-3 /proc/loadavg)"
bash tests/bench/fs.sh
