#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause-Patent
# Seeds for fuzz_tpm2_token: the tokens systemd-cryptenroll 252 wrote
# (tests/unit/data/tpm2/*.token.json), a PCR-less one, and ones with later-systemd fields.
set -eu
out=$1
mkdir -p "$out"
dir=$(dirname "$0")/../unit/data/tpm2
for t in "$dir"/*.token.json; do cp "$t" "$out/seed-$(basename "$t" .token.json)"; done
sed 's/"tpm2-pcrs":\[15\]/"tpm2-pcrs":[]/; s/"tpm2-pcr-bank":"sha256",//' \
	"$dir/pcr15.token.json" >"$out/seed-nopcr"
sed 's/"tpm2-pin":false/"tpm2-pin":false,"tpm2_srk":"AAA="/' "$dir/pcr15.token.json" >"$out/seed-srk"
sed 's/"ecc"/"rsa"/; s/"sha256"/"sha1"/' "$dir/pcr15.token.json" >"$out/seed-rsa-sha1"
