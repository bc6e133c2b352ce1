#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause-Patent
# End-to-end (issue 5): two LUKS partitions on ONE GPT disk, each with its own per-UUID
# secret, both unlock in real OVMF (QEMU, TCG) in a single boot.
#   partition 1: LUKS2, 512-byte sectors, PBKDF2 keyslot
#   partition 2: LUKS2, 4096-byte sectors, Argon2id keyslot
# Both volumes are made and encrypted by cryptsetup itself (reencrypt --encrypt, see
# e2e_luks_fat), with different UUIDs and passphrases; each holds a FAT file system with a
# file whose content is random per run.  The secret table comes from `lukstool mksecret`
# with one --volume entry per UUID and no generic (disk-passphrase) entry, through fw_cfg,
# so each volume can only open with its own entry.  The UEFI shell loads the driver from
# startup.nsh; its own output must show both unlocks and both files.  The disk image must
# be byte-for-byte unchanged afterwards (the driver never writes).
set -u
. "$(dirname "$0")/lib.sh"
e2e_init two_partitions
W=$E2E_WORK
drv="$E2E_TOP/build/LuksDxe.efi"
LUKSTOOL=${LUKSTOOL:-$E2E_TOP/build/lukstool}
[ -f "$drv" ] && [ -x "$LUKSTOOL" ] || e2e_bail "build/LuksDxe.efi or build/lukstool missing (run make)"
command -v sgdisk >/dev/null && command -v cryptsetup >/dev/null || e2e_bail "missing sgdisk or cryptsetup"

mkdir -p "$W/p1" "$W/p2"
tok1="luksdxe-p1-$(e2e_rand_hex)"
tok2="luksdxe-p2-$(e2e_rand_hex)"
printf '%s\r\n' "$tok1" >"$W/p1/token.txt"
printf '%s\r\n' "$tok2" >"$W/p2/token.txt"
printf 'partition one %s' "$(e2e_rand_hex)" >"$W/pass1"
printf 'partition two %s' "$(e2e_rand_hex)" >"$W/pass2"
uuid1=$(cat /proc/sys/kernel/random/uuid)
uuid2=$(cat /proc/sys/kernel/random/uuid)
[ "$uuid1" != "$uuid2" ] || e2e_bail "UUIDs collide"

# Volume 1: 512-byte sectors, PBKDF2 (1000 iterations).  Volume 2: 4096-byte sectors,
# Argon2id at the smallest costs cryptsetup accepts here.  The same file name in both, so
# the shell script does not depend on which volume the shell maps first.
e2e_luks_fat "$W/vol1.img" 12 "$W/pass1" --uuid "$uuid1" --sector-size 512 \
	--pbkdf pbkdf2 --pbkdf-force-iterations 1000 -- "$W/p1/token.txt=/token.txt" ||
	e2e_bail "cannot make LUKS volume 1"
e2e_luks_fat "$W/vol2.img" 12 "$W/pass2" --uuid "$uuid2" --sector-size 4096 \
	--pbkdf argon2id --pbkdf-memory 64 --pbkdf-parallel 1 --pbkdf-force-iterations 4 -- \
	"$W/p2/token.txt=/token.txt" || e2e_bail "cannot make LUKS volume 2"

# The images are what was asked for, according to cryptsetup itself.
dump1=$(cryptsetup luksDump "$W/vol1.img" 2>/dev/null)
dump2=$(cryptsetup luksDump "$W/vol2.img" 2>/dev/null)
grep -q "^UUID:[[:space:]]*$uuid1\$" <<<"$dump1" && grep -qE '^[[:space:]]*sector: 512 \[bytes\]' <<<"$dump1" &&
	grep -qE '^[[:space:]]*PBKDF:[[:space:]]*pbkdf2' <<<"$dump1"
e2e_ok $? "cryptsetup: volume 1 is LUKS2, 512-byte sectors, a PBKDF2 keyslot"
grep -q "^UUID:[[:space:]]*$uuid2\$" <<<"$dump2" && grep -qE '^[[:space:]]*sector: 4096 \[bytes\]' <<<"$dump2" &&
	grep -qE '^[[:space:]]*PBKDF:[[:space:]]*argon2id' <<<"$dump2"
e2e_ok $? "cryptsetup: volume 2 is LUKS2, 4096-byte sectors, an Argon2id keyslot"
cryptsetup open --test-passphrase --key-file "$W/pass1" "$W/vol1.img" 2>/dev/null &&
	cryptsetup open --test-passphrase --key-file "$W/pass2" "$W/vol2.img" 2>/dev/null
e2e_ok $? "cryptsetup: each volume opens with its own passphrase"
! cryptsetup open --test-passphrase --key-file "$W/pass2" "$W/vol1.img" 2>/dev/null &&
	! cryptsetup open --test-passphrase --key-file "$W/pass1" "$W/vol2.img" 2>/dev/null
e2e_ok $? "cryptsetup: neither volume opens with the other's passphrase"

# One GPT disk: partition 1 at 1 MiB holding volume 1, partition 2 right after (1 MiB
# aligned) holding volume 2, 1 MiB free at the end for the backup table.
s1=$(( $(stat -c %s "$W/vol1.img") / 512 ))
s2=$(( $(stat -c %s "$W/vol2.img") / 512 ))
start2=$(( (2048 + s1 + 2047) / 2048 * 2048 ))
rm -f "$W/disk.img"
truncate -s $(( (start2 + s2 + 2048) * 512 )) "$W/disk.img"
sgdisk -n "1:2048:+$s1" -t 1:8309 -n "2:$start2:+$s2" -t 2:8309 "$W/disk.img" >/dev/null &&
	dd if="$W/vol1.img" of="$W/disk.img" bs=512 seek=2048 conv=notrunc status=none &&
	dd if="$W/vol2.img" of="$W/disk.img" bs=512 seek="$start2" conv=notrunc status=none ||
	e2e_bail "cannot make the GPT disk"
rm -f "$W/vol1.img" "$W/vol2.img"
sum_before=$(sha256sum <"$W/disk.img")
mapfile -t disk < <(e2e_disk "$W/disk.img")

"$LUKSTOOL" mksecret -o "$W/secret.bin" --volume "$uuid1" --key-file "$W/pass1" \
	--volume "$uuid2" --key-file "$W/pass2" >/dev/null || e2e_bail "mksecret failed"
# The table holds exactly the two per-UUID entries (EFI GUID byte order) and no
# disk-passphrase entry, so neither volume can fall back to a generic secret.
python3 - "$W/secret.bin" "$uuid1" "$uuid2" <<'PY' 2>"$W/table.err"
import struct, sys, uuid
t = open(sys.argv[1], "rb").read()
assert t[:16] == uuid.UUID("1e74f542-71dd-4d66-963e-ef4287ff173b").bytes_le
total, = struct.unpack_from("<I", t, 16)
off, got = 20, []
while off + 20 <= total:
    n, = struct.unpack_from("<I", t, off + 16)
    assert 20 <= n <= total - off
    got.append(uuid.UUID(bytes_le=t[off:off + 16]))
    off += n
assert off == total and got == [uuid.UUID(u) for u in sys.argv[2:]], got
PY
rc=$?
e2e_ok $rc "mksecret: the table has one entry per volume UUID and no disk-passphrase entry"
[ $rc -eq 0 ] || tail -3 "$W/table.err" | sed 's/^/# /'

script='load FS0:\LuksDxe.efi
connect -r
map -r
type FS1:\token.txt
type FS2:\token.txt'
run="$W/boot"
start=$SECONDS
e2e_shell_boot "$run" 60 "$script" "$drv=/LuksDxe.efi" -- "${disk[@]}" \
	-fw_cfg "name=opt/luksdxe/secret,file=$W/secret.bin"
e2e_ok $? "one boot ran the shell script and powered off by itself ($((SECONDS - start)) s)"
# The console log ends without a newline ("reset -s" output); e2e_expect prints the log's
# tail as TAP comments on failure, which would otherwise swallow the next "not ok" line.
echo >>"$run.log"
hex() { echo "$1" | tr -d - | tr a-f A-F; }
for i in 1 2; do
	uv=uuid$i tv=tok$i
	u=${!uv} t=${!tv}
	e2e_expect "$run.log" "^LuksDxe: $u: deriving key \(secret from fw_cfg opt/luksdxe/secret\): " \
		"partition $i: the driver used the per-UUID fw_cfg entry (not a disk passphrase)"
	e2e_expect "$run.log" "^LuksDxe: $u: unlocked with keyslot 0$" "partition $i: volume $u unlocked"
	e2e_expect "$run.log" "/HD\($i,GPT,[^)]*\)/VenMedia\(CDD7A9B4-36D8-45EB-90F4-66FBD8CDA3E5,$(hex "$u")\)$" \
		"partition $i: the shell mapped the unlocked volume under GPT partition $i"
	e2e_expect "$run.log" "^$t\$" "partition $i: the shell typed the per-run random file"
done
e2e_reject "$run.log" "wrong secret|no secret for this volume|Cannot open file" \
	"no failure message from the driver or the shell"
e2e_reject "$run.log" "$(cat "$W/pass1")|$(cat "$W/pass2")" "no passphrase appears on the console"
[ "$(sha256sum <"$W/disk.img")" = "$sum_before" ]
e2e_ok $? "the disk image is unchanged (the driver never writes)"
e2e_done
