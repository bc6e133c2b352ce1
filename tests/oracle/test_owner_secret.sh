#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause-Patent
# Oracle test for what a guest owner does with a secret table before launch:
#   lukstool dump SECRET             shows it (lengths, pins, verity; secrets only on request)
#   lukstool unlock --secret SECRET  opens a volume with it the way the driver does
# and for the command-line fixes of issue 19 (--version, full --help texts).
# Oracles: volumes made by cryptsetup (its luksUUID and volume key), dm-verity parameters
# printed by veritysetup, pins from Python's hashlib over the documented input, records and
# tables typed in from the published layouts (secret/secret_table.h, volume_secret.h), and
# git describe for the version.
. "$(dirname "$0")/tap_lib.sh"
tap_workdir owner_secret
[ -x "$LUKSTOOL" ] || bail "$LUKSTOOL missing (run make)"
command -v cryptsetup >/dev/null || bail "cryptsetup missing"
command -v veritysetup >/dev/null || bail "veritysetup missing (Debian's cryptsetup-bin)"
. "$top/tests/tool_facts.sh" # cs_vk: cryptsetup's volume key, lowercase hex
cd "$work" || bail "no $work"
lt() { "$LUKSTOOL" "$@" >out.txt 2>err.txt; }
show() { sed 's/^/#   /' out.txt err.txt; }
PB="--pbkdf pbkdf2 --pbkdf-force-iterations 1000"
disk=736869e5-84f0-4973-92ec-06879ce3da0b

# Two volumes with one UUID and one passphrase (a copy of a header would be the same), and
# a third with its own UUID and passphrase.
uA=5a1e0c3d-7b2f-4e8a-9c61-0d2f3b4a5c6e uC=c0ffee00-1234-4abc-8def-001122334455
printf 'owner passphrase %s' "$RANDOM" >ka
printf 'third volume %s' "$RANDOM" >kc
printf 'wrong passphrase' >wrong
for v in a b c; do truncate -s 20M $v.img; done
# shellcheck disable=SC2086 # $PB is several options
{ cryptsetup luksFormat -q --type luks2 $PB --key-file ka --uuid $uA a.img &&
	cryptsetup luksFormat -q --type luks2 $PB --key-file ka --uuid $uA b.img &&
	cryptsetup luksFormat -q --type luks1 --pbkdf-force-iterations 1000 --key-file kc --uuid $uC c.img
} >/dev/null 2>&1 || bail "cryptsetup luksFormat failed"
vkA=$(cs_vk a.img ka) && vkB=$(cs_vk b.img ka) && vkC=$(cs_vk c.img kc) || bail "no volume keys from cryptsetup"
[ "$vkA" != "$vkB" ] || bail "two luksFormat runs gave one volume key"
pin() { python3 -c 'import hashlib, sys; print(hashlib.sha256(b"LuksDxe volume pin v1\0" + bytes.fromhex(sys.argv[1])).hexdigest())' "$1"; }

# ---- unlock --secret ------------------------------------------------------------------
"$LUKSTOOL" mksecret --image a.img --key-file ka --pin --image c.img --key-file kc --volume-key \
	-o pinned.bin >/dev/null 2>&1 || bail "mksecret failed"
lt unlock --secret pinned.bin --print-volume-key a.img &&
	grep -q "Secret entry $uA (the volume's own): passphrase, pin" out.txt &&
	grep -qx "Key slot 0 unlocked." out.txt && grep -qx "Pin matches the volume key." out.txt &&
	grep -qx "$vkA" out.txt
ok $? "unlock --secret: a pinned passphrase record opens its volume (keyslot 0, cryptsetup's volume key)"
show
lt unlock --secret pinned.bin b.img
[ $? = 4 ] && grep -q "does not match the entry's pin" err.txt
ok $? "unlock --secret: the same UUID and passphrase on another volume fail the pin (exit 4)"
show
lt unlock --secret pinned.bin --print-volume-key c.img &&
	grep -q "Secret entry $uC (the volume's own): volume key, pin" out.txt &&
	grep -qx "Volume key matches the volume's digest: unlocked." out.txt && grep -qx "$vkC" out.txt
ok $? "unlock --secret: a volume-key record opens a LUKS1 volume (cryptsetup's volume key)"
"$LUKSTOOL" mksecret --key-file wrong --volume $uC --key-file kc -o own.bin >/dev/null 2>&1 || bail "mksecret failed"
lt unlock --secret own.bin c.img && grep -q "(the volume's own): passphrase" out.txt
ok $? "unlock --secret: the volume's own entry wins over the disk passphrase, as in the driver"
lt unlock --secret own.bin a.img
[ $? = 4 ] && grep -q "Secret entry $disk (the disk passphrase)" out.txt
ok $? "unlock --secret: a volume without its own entry gets the disk passphrase (wrong here: exit 4)"
"$LUKSTOOL" mksecret --volume $uC --key-file kc -o conly.bin >/dev/null 2>&1 || bail "mksecret failed"
lt unlock --secret conly.bin a.img
[ $? = 4 ] && grep -q "no secret for this volume" err.txt
ok $? "unlock --secret: no entry for the volume and no disk passphrase: exit 4, said"
# A record under the shared disk-passphrase GUID that carries a pin: the driver refuses it.
python3 - "$vkA" <<'PY' >generic-pin.rec
import hashlib, struct, sys
vk = bytes.fromhex(sys.argv[1]); pw = open('ka', 'rb').read()
pin = hashlib.sha256(b"LuksDxe volume pin v1\0" + vk).digest()
item = lambda t, v: struct.pack('<BBH', t, 0, len(v)) + v
sys.stdout.buffer.write(b'\0LDXVOL\x01' + item(1, pw) + item(3, pin))
PY
"$LUKSTOOL" mksecret --entry "$disk:generic-pin.rec" -o genpin.bin >/dev/null 2>&1 || bail "mksecret --entry failed"
lt unlock --secret genpin.bin a.img
[ $? = 3 ] && grep -q "shared disk-passphrase entry cannot hold a pin" err.txt
ok $? "unlock --secret: a pin in the shared disk-passphrase entry is refused, as the driver refuses it"
lt unlock --secret pinned.bin --key-file ka a.img
[ $? = 1 ]
ok $? "unlock: --secret and --key-file exclude each other"

# ---- dump SECRET ------------------------------------------------------------------------
lt dump pinned.bin &&
	grep -q "^Secret table: pinned.bin" out.txt &&
	grep -q "^  0: $uA  own entry" out.txt && grep -q "^  1: $uC  own entry" out.txt &&
	grep -q "Passphrase: $(stat -c %s ka) bytes (not shown" out.txt &&
	grep -q "Volume key: $(( ${#vkC} * 4 )) bits (not shown" out.txt &&
	grep -q "Pin:        $(pin "$vkA")" out.txt && grep -q "Pin:        $(pin "$vkC")" out.txt &&
	grep -q "pins present: only pinned volumes may boot" out.txt
ok $? "dump SECRET: entries by LUKS UUID, lengths of the secrets, pins as hashlib computes them"
show
! grep -qF "$(cat ka)" out.txt && ! grep -q "$vkC" out.txt
ok $? "dump SECRET: neither the passphrase nor the volume key is printed"
lt dump --show-secret pinned.bin && grep -qF "Passphrase: $(stat -c %s ka) bytes: \"$(cat ka)\"" out.txt &&
	tr -d ' \t\n' <out.txt | grep -q "Volumekey:${vkC}Pin:" # the hex wraps at 32 bytes
ok $? "dump --show-secret SECRET: the passphrase and cryptsetup's volume key"
# plaintext verified media: parameters against veritysetup's own output
head -c $((64 * 4096)) /dev/urandom >m.img
veritysetup format --hash-offset $((64 * 4096)) m.img m.img >m.fmt 2>&1 || bail "veritysetup format failed"
root=$(awk -F'\t' '/^Root hash:/{print $2}' m.fmt | tr -d ' ')
salt=$(awk -F'\t' '/^Salt:/{print $2}' m.fmt | tr -d ' ')
[ ${#root} = 64 ] && [ ${#salt} = 64 ] || bail "veritysetup printed no root hash or salt"
"$LUKSTOOL" mksecret --verity-image m.img --verity-root-hash "$root" --verity-hash-offset $((64 * 4096)) \
	--key-file wrong -o media.bin >/dev/null 2>&1 || bail "mksecret --verity-image failed"
lt dump media.bin &&
	grep -q "dm-verity root of plaintext media" out.txt &&
	grep -q "format 1, sha256, data block 4096, hash block 4096, 64 data blocks," out.txt &&
	grep -q "hash offset $((64 * 4096)), superblock at the hash offset" out.txt &&
	grep -q "Salt:       $salt" out.txt && grep -q "Root hash:  $root" out.txt &&
	grep -q "verity present: only verified volumes and media may boot" out.txt &&
	grep -q "1 plaintext verified media record" out.txt
ok $? "dump SECRET: a media record's dm-verity parameters are veritysetup's (root hash, salt, sizes)"
show
lt unlock --secret media.bin a.img
[ $? = 4 ]
ok $? "unlock --secret: a table with only media and a wrong disk passphrase does not open a volume"
# A deleted entry (null GUID, data kept), typed in: header, deleted entry of 3 bytes, the
# disk passphrase "pw\0", padding to 64.
python3 - <<'PY' >deleted.bin
import struct, sys, uuid
g = lambda s: uuid.UUID(s).bytes_le
body = b'\0' * 16 + struct.pack('<I', 23) + b'abc' + g('736869e5-84f0-4973-92ec-06879ce3da0b') + struct.pack('<I', 23) + b'pw\0'
t = g('1e74f542-71dd-4d66-963e-ef4287ff173b') + struct.pack('<I', 20 + len(body)) + body
sys.stdout.buffer.write(t + b'\0' * (-len(t) % 16))
PY
lt dump deleted.bin && grep -q "^  0: deleted (null GUID), 3 bytes" out.txt &&
	grep -q "^  1: $disk  disk passphrase" out.txt && grep -q "Size:         80 bytes: table 66, then 14 bytes of padding" out.txt
ok $? "dump SECRET: a deleted entry and the padding of a typed-in table"
printf '\x42\xf5\x74\x1e\xdd\x71\x66\x4d\x96\x3e\xef\x42\x87\xff\x17\x3b\x40\0\0\0' >bad.bin
head -c 12 /dev/zero >>bad.bin
lt dump bad.bin
[ $? = 3 ] && grep -q "not a valid secret table" err.txt
ok $? "dump SECRET: a table whose length runs past the file is refused (exit 3)"
lt dump a.img && grep -q "$uA" out.txt
ok $? "dump DEVICE still shows a LUKS header"
lt dump --show-secret a.img
[ $? = 1 ]
ok $? "dump --show-secret on a LUKS image: usage error"

# ---- command line -----------------------------------------------------------------------
if git -C "$top" rev-parse --git-dir >/dev/null 2>&1; then
	want=$(git -C "$top" describe --always --tags)
	lt --version && grep -Eq "^lukstool \(LuksDxe\) $want(-dirty)?$" out.txt
	ok $? "--version prints git describe of the source ($(cat out.txt))"
else
	lt --version && grep -qx "lukstool (LuksDxe) unknown" out.txt
	ok $? "--version outside a git checkout: unknown"
fi
r=0
for c in dump unlock decrypt; do
	lt $c --help || r=1
	[ "$(wc -l <out.txt)" -ge 8 ] || r=1
	for o in --header --partition; do grep -q -- "$o" out.txt || { echo "# $c --help: no $o"; r=1; }; done
done
lt unlock --help && grep -q -- "--secret SECRET" out.txt && grep -q -- "--print-volume-key " out.txt || r=1
lt dump --help && grep -q -- "--show-secret" out.txt && grep -q -- "--verity-hash-offset BYTES" out.txt || r=1
ok $r "dump, unlock and decrypt --help explain their options"
lt bench-fs --help && grep -q -- "--direct-offset BYTES" out.txt && grep -q -- "--rounds N" out.txt
ok $? "bench-fs --help works"
r=0
lt --help || r=1
for c in dump unlock decrypt ls cat cp verify bench-fs mkdisk mksecret sev-secret bench --version; do
	grep -q "lukstool $c" out.txt || { echo "# synopsis lacks $c"; r=1; }
done
ok $r "the top-level synopsis names every command and --version"
lt mksecret --help && grep -q "ONLY" out.txt && grep -q "when the firmware publishes no secret area" out.txt &&
	grep -q "so it ignores fw_cfg" out.txt
ok $? "mksecret --help says that the image ignores fw_cfg when it publishes a secret area"

tap_end
