#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause-Patent
# Totals tests/fuzz/ledger.tsv per target: executions and seconds over every campaign,
# coverage (edges, features) and corpus size of the latest one, findings over all.
set -euo pipefail
cd "$(dirname "$0")/../.."
awk -F'\t' 'NR > 1 {
	t = $2; ex[t] += $3; s[t] += $4; cov[t] = $5; ft[t] = $6; files[t] = $7; bytes[t] = $8
	find[t] += $10; runs[t]++; last[t] = $1
} END {
	printf "%-14s %12s %8s %9s %6s %6s %8s %10s %8s  %s\n", "target", "executions", "seconds",
		"campaigns", "cov", "ft", "inputs", "bytes", "findings", "latest"
	for (t in ex)
		printf "%-14s %12d %8d %9d %6d %6d %8d %10d %8d  %s\n", t, ex[t], s[t], runs[t], cov[t],
			ft[t], files[t], bytes[t], find[t], last[t] | "sort"
}' tests/fuzz/ledger.tsv
