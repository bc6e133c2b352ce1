#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause-Patent
# LUKS2 images for test_shim_tpm, made by cryptsetup: keyslot 0 opens with "pw", keyslot 1
# with the passphrase systemd-cryptsetup would make from the secret swtpm unsealed in a
# recorded transcript (standard base64 of the Unseal response's outData, computed here
# with Python's base64), and the systemd 252 token of that transcript imported as token 0.
#   tpm.img    pcr15.token.json + tests/unit/data/tpm2/pcr15.trace
#   tpmpin.img pin.token.json + pin.trace (PIN "4321")
set -eu
out=$1
data=$(dirname "$0")/../unit/data/tpm2
mkdir -p "$out"
[ "$out/tpm.img" -nt "$0" ] && [ "$out/tpmpin.img" -nt "$0" ] && exit 0
secret_pass() {
	python3 - "$1" <<'PY'
import base64, sys
lines = [l.split() for l in open(sys.argv[1]) if l[:2] in ('> ', '< ')]
for (c, cmd), (r, rsp) in zip(lines[0::2], lines[1::2]):
    cmd, rsp = bytes.fromhex(cmd), bytes.fromhex(rsp)
    if cmd[6:10] == bytes.fromhex('0000015e') and rsp[6:10] == bytes(4):
        n = int.from_bytes(rsp[14:16], 'big')
        sys.stdout.write(base64.b64encode(rsp[16:16 + n]).decode())
PY
}
mk() { # mk IMG UUID TOKEN TRACE
	local img=$out/$1
	rm -f "$img"
	truncate -s 20M "$img"
	printf pw >"$out/pw"
	secret_pass "$data/$4" >"$out/$1.pass"
	cryptsetup luksFormat -q --type luks2 --pbkdf pbkdf2 --pbkdf-force-iterations 1000 \
		--uuid "$2" --key-file "$out/pw" "$img"
	cryptsetup luksAddKey -q --pbkdf pbkdf2 --pbkdf-force-iterations 1000 \
		--key-file "$out/pw" --new-key-slot 1 "$img" "$out/$1.pass"
	cryptsetup token import --token-id 0 --json-file "$data/$3" "$img"
}
mk tpm.img 5a1e0c3d-7b2a-4c5d-8e9f-0a1b2c3d4e5f pcr15.token.json pcr15.trace
mk tpmpin.img 6b2f1d4e-8c3b-4d6e-9fa0-1b2c3d4e5f60 pin.token.json pin.trace
