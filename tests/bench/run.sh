#!/usr/bin/env bash
# Runs the benchmarks (make bench).  Each line compares one primitive of crypto/ with
# its reference, measured in this same run on this machine.  About a minute.
#   BENCH_ARGON2_MIB=N  Argon2id memory in MiB (default 1024, the issue's figure).
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top"
echo "LuksDxe crypto benchmark: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(nproc) CPUs, $(date -u +%FT%TZ)"
echo "ratio > 1: ours is faster than the reference; < 1: slower"
build/bench/bench_crypto "${BENCH_ARGON2_MIB:-1024}"
bash tests/bench/fs.sh
