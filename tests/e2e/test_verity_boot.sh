#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause-Patent
# End to end (issue 17): dm-verity in the firmware image build/ovmf/OVMF-LuksDxe.fd under
# QEMU (TCG), the secret in the secret area as in test_firmware_image.sh.  Each disk holds
# a FAT file system with the Linux UKI (mkpayload.sh) and a VERSION file, then its dm-verity
# tree, appended by veritysetup at the end of the file system (--hash-offset); the encrypted
# disks put that into a LUKS2 volume (cryptsetup reencrypt --encrypt) in a GPT partition.
# The secrets are written by Python from the record layout (secret/volume_secret.h) with
# the parameters that veritysetup prints.  Every boot is bounded and must end by itself.
#
#   1  the owner's disk, version 2, with the version 2 secret: verified, Linux boots
#   2  the version 1 copy (same UUID, passphrase and volume key; older content and tree,
#      the same salt) with the version 2 secret: root hash mismatch, nothing boots,
#      power-off; with the version 1 secret the same disk boots (the refusal is the
#      secret's doing); a version 1 made with veritysetup's default salt (random) is refused
#      for its superblock's salt
#   3  one ciphertext byte changed inside the UKI on the version 2 disk: the read of that
#      data block is refused and named, nothing boots, power-off
#   4  plaintext verified media (the FAT and its tree as the whole disk) with a media
#      record: Linux boots; one byte changed inside the UKI: refused, power-off
#   5  a secret without verity parameters: the version 2 disk boots as before
set -u
. "$(dirname "$0")/boot-lib.sh"
e2e_init verity_boot
W=$E2E_WORK
FW="$E2E_TOP/build/ovmf/OVMF-LuksDxe.fd"
OSSL="$E2E_TOP/tests/oracle/ossl_sector.py"
[ -e "$FW" ] || e2e_bail "$FW missing (make ovmf)"
for t in cryptsetup veritysetup sgdisk openssl; do
	command -v "$t" >/dev/null || e2e_bail "missing tool: $t (run scripts/install-deps.sh)"
done

read -r AREA_BASE _ < <(python3 "$E2E_TOP/tests/e2e/ovmf_secret_area.py" "$FW") ||
	e2e_bail "the image advertises no secret area"
payload="$E2E_TOP/out/payload"
bash "$E2E_TOP/tests/e2e/mkpayload.sh" "$payload" >"$W/mkpayload.log" 2>&1 ||
	{ sed 's/^/# /' "$W/mkpayload.log"; e2e_bail "cannot build the Linux payload"; }
MARKER=$(cat "$payload/marker")
UKI="$payload/BOOTX64.EFI"

# ---- disks ---------------------------------------------------------------------------
FAT_MIB=16
HASH_OFFSET=$((FAT_MIB * 1024 * 1024)) # the tree starts where the file system ends
# mkv NAME VERSION SALT: $W/NAME.fat, a FAT file system holding the UKI and \VERSION, followed
# by its dm-verity tree (sha256, 4096-byte blocks, the salt in hex, or - for veritysetup's
# default: a random one); veritysetup's report in $W/NAME.fmt.
mkv() {
	local name=$1 salt=()
	[ "$3" = - ] || salt=(--salt "$3")
	printf 'owner content, version %s\n' "$2" >"$W/$name.version"
	e2e_mkfat "$W/$name.fat" "$FAT_MIB" "$UKI=/EFI/BOOT/BOOTX64.EFI" "$W/$name.version=/VERSION" ||
		return 1
	veritysetup format --hash-offset "$HASH_OFFSET" "${salt[@]}" "$W/$name.fat" "$W/$name.fat" \
		>"$W/$name.fmt"
}
root_of() { awk -F'\t' '/^Root hash:/ { print $2 }' "$W/$1.fmt"; }
salt_of() { awk -F'\t' '/^Salt:/ { print $2 }' "$W/$1.fmt"; }
# The owner's salt for both versions: 32 bytes, as long as veritysetup's own.
SALT=$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')
mkv v1 1 "$SALT" && mkv v1s 1 - && mkv v2 2 "$SALT" && mkv media media "$SALT" ||
	e2e_bail "cannot make the file systems and trees (mkfs.vfat, mcopy, veritysetup format)"
ok=0
for v in v1 v1s v2 media; do
	[ -n "$(root_of "$v")" ] || { tool_said veritysetup "format printed no 'Root hash:' line"; ok=1; }
	veritysetup verify --hash-offset "$HASH_OFFSET" "$W/$v.fat" "$W/$v.fat" "$(root_of "$v")" || ok=1
done
[ "$(root_of v1)" != "$(root_of v2)" ] && [ "$(salt_of v1)" = "$(salt_of v2)" ] &&
	[ "$(salt_of v1s)" != "$(salt_of v2)" ] || ok=1
e2e_ok $ok "veritysetup verify accepts the four trees it made; versions 1 and 2 differ in root, not salt"

# Both versions: one UUID, one passphrase, one volume key (what a host keeps of last
# month's copy of the owner's disk).
printf 'owner passphrase %s' "$(e2e_rand_hex)" >"$W/key"
head -c 64 /dev/urandom >"$W/vk"
U=$(cat /proc/sys/kernel/random/uuid)
for v in v1 v1s v2; do
	e2e_luks_image "$W/$v.luks" "$W/$v.fat" $((FAT_MIB + 4)) "$W/key" --uuid "$U" \
		--volume-key-file "$W/vk" --sector-size 512 2>"$W/$v.cryptsetup" &&
		e2e_gpt_disk "$W/$v.img" "$W/$v.luks" ||
		{ sed 's/^/# /' "$W/$v.cryptsetup"; e2e_bail "cannot make $v.img (cryptsetup reencrypt --encrypt, sgdisk)"; }
done
vkey() { # DISK: the volume key (hex) of the LUKS2 volume in the disk's partition at 1 MiB
	dd if="$1" of="$W/hdr.tmp" bs=1M skip=1 count=16 status=none && cs_vk "$W/hdr.tmp" "$W/key"
}
VK=$(od -An -tx1 "$W/vk" | tr -d ' \n')
[ "$(vkey "$W/v1.img")" = "$VK" ] && [ "$(vkey "$W/v1s.img")" = "$VK" ] && [ "$(vkey "$W/v2.img")" = "$VK" ]
e2e_ok $? "cryptsetup luksDump --dump-volume-key: every version has the one volume key"
SEG=$(cryptsetup luksDump "$W/v2.luks" |
	awk '/^Data segments:/ { f = 1 } f && $1 == "offset:" { print $2; exit }')
[ -n "$SEG" ] ||
	{ tool_said cryptsetup "luksDump printed no data segment 'offset:'"; e2e_bail "no data segment offset"; }
PART=$((2048 * 512)) # e2e_gpt_disk's partition start

# uki_at IMAGE: the byte offset of the UKI in IMAGE (a fresh FAT image: one extent).
uki_at() {
	python3 - "$1" "$UKI" <<'PY'
import sys
img, uki = (open(p, "rb").read() for p in sys.argv[1:3])
at = img.find(uki[:4096])
if at < 0 or img.rfind(uki[:4096]) != at or img[at:at + len(uki)] != uki:
    sys.exit("the UKI is not one extent of the image")
print(at)
PY
}
# flip FILE OFFSET: inverts the bits of one byte.
flip() {
	python3 -c 'import sys
f = open(sys.argv[1], "r+b"); o = int(sys.argv[2]); f.seek(o); b = f.read(1); f.seek(o)
f.write(bytes([b[0] ^ 0xff]))' "$1" "$2"
}
UKI_SIZE=$(stat -c %s "$UKI")

# 3's disk: the version 2 disk with one ciphertext byte changed in the middle of the UKI.
at=$(uki_at "$W/v2.fat") || e2e_bail "cannot find the UKI in v2.fat"
BAD_ENC=$((at + UKI_SIZE / 2))      # plaintext offset in the volume
BAD_ENC_BLOCK=$((BAD_ENC / 4096))   # its dm-verity data block
sect=$((BAD_ENC / 512 * 512))
cp "$W/v2.img" "$W/v2-bad.img"
flip "$W/v2-bad.img" $((PART + SEG + BAD_ENC))
# openssl decrypts that sector (IV = its 512-byte sector number in the segment): before the
# flip it is the UKI's plaintext, after it other bytes.
dec() { python3 "$OSSL" aes-xts-plain64 "$VK" 512 $((sect / 512)) 1 "$1" $((PART + SEG + sect)) 1; }
want=$(dd if="$W/v2.fat" bs=512 skip=$((sect / 512)) count=1 status=none | sha256sum)
[ "$(dec "$W/v2.img" | sha256sum)" = "$want" ] && [ "$(dec "$W/v2-bad.img" | sha256sum)" != "$want" ]
e2e_ok $? "openssl: the changed sector held UKI bytes at byte $BAD_ENC (block $BAD_ENC_BLOCK), now others"

# 4's disks: the media image as it is, and with one byte changed in the middle of the UKI.
at=$(uki_at "$W/media.fat") || e2e_bail "cannot find the UKI in media.fat"
BAD_MEDIA=$((at + UKI_SIZE / 2))
BAD_MEDIA_BLOCK=$((BAD_MEDIA / 4096))
cp "$W/media.fat" "$W/media-bad.img"
flip "$W/media-bad.img" "$BAD_MEDIA"
! veritysetup verify --hash-offset "$HASH_OFFSET" "$W/media-bad.img" "$W/media-bad.img" "$(root_of media)" \
	>/dev/null 2>&1
e2e_ok $? "veritysetup verify refuses the media image with the byte at $BAD_MEDIA (data block $BAD_MEDIA_BLOCK) changed"

# ---- secrets -------------------------------------------------------------------------
# secret OUT NAME PASS FMT [NAME PASS FMT ...]: a secret table with one volume record per
# triple.  NAME is a LUKS UUID, or "media": the entry is named by the root hash's first 16
# bytes; PASS a passphrase file or - (none); FMT veritysetup format's report, which gives the
# verity item, or - (none).  The hash offset is not in the report: $HASH_OFFSET.
secret() {
	python3 - "$HASH_OFFSET" "$@" <<'PY'
import struct, sys, uuid
hash_offset, out, args = int(sys.argv[1]), sys.argv[2], sys.argv[3:]
def item(tag, v): return struct.pack("<BBH", tag, 0, len(v)) + v
def verity(fmt):
    f = {}
    for line in open(fmt):
        k, sep, v = line.partition(":")
        if sep:
            f[k.strip()] = v.strip()
    salt = b"" if f["Salt"] == "-" else bytes.fromhex(f["Salt"])
    root = bytes.fromhex(f["Root hash"])
    v = struct.pack("<BBBBIIQQH", int(f["Hash type"]),
                    {"sha1": 1, "sha256": 2, "sha512": 3}[f["Hash algorithm"]], 0, 0,
                    int(f["Data block size"]), int(f["Hash block size"]),
                    int(f["Data blocks"]), hash_offset, len(salt))
    return v + salt + root, root
ents = b""
for name, pw, fmt in zip(args[0::3], args[1::3], args[2::3]):
    rec = b"\0LDXVOL\x01"
    if pw != "-":
        rec += item(1, open(pw, "rb").read())
    if fmt != "-":
        v, root = verity(fmt)
        rec += item(4, v)
    g = uuid.UUID(bytes_le=root[:16]) if name == "media" else uuid.UUID(name)
    ents += g.bytes_le + struct.pack("<I", 20 + len(rec)) + rec
tbl = uuid.UUID("1e74f542-71dd-4d66-963e-ef4287ff173b").bytes_le + struct.pack("<I", 20 + len(ents)) + ents
open(out, "wb").write(tbl + b"\0" * (-len(tbl) % 16))
PY
}
secret "$W/s-v2.bin" "$U" "$W/key" "$W/v2.fmt" &&
	secret "$W/s-v1.bin" "$U" "$W/key" "$W/v1.fmt" &&
	secret "$W/s-media.bin" media - "$W/media.fmt" &&
	secret "$W/s-plain.bin" "$U" "$W/key" - || e2e_bail "cannot write the secrets"

# fw_boot RUN SECS SECRET DISK: one bounded boot of the firmware image with one disk.
fw_boot() {
	local d=()
	mapfile -t d < <(bl_disk "$4" 0x5)
	E2E_OVMF_CODE=$FW bl_qemu "$1" "$2" none \
		-device "loader,file=$3,addr=$AREA_BASE,force-raw=on" "${d[@]}"
}
ROOT_M=$(root_of media)
M="verity-${ROOT_M:0:32}" # the media child's name: the root hash's first 16 bytes
ANY_VOL='LuksDxe: [^ ]*: (unlocked|plaintext media)'
NOTHING='^LuksDxe firmware: nothing that the guest owner encrypted can be booted; powering off'
sums_before=$(cat "$W/v1.img" "$W/v1s.img" "$W/v2.img" "$W/media.fat" | sha256sum)

# ---- 1: version 2 with its secret --------------------------------------------------------
run="$W/v2"
fw_boot "$run" 150 "$W/s-v2.bin" "$W/v2.img"
e2e_ok $? "1: the VM ran to power-off by itself (Linux's init powers off)"
e2e_expect "$run.log" "^LuksDxe: $U: dm-verity root hash matches \(sha256, 4096-byte blocks, 4096 blocks\)" \
	"1: the volume's tree matches the version 2 root, and the console names the volume"
e2e_expect "$run.log" "^LuksDxe: $U: unlocked with keyslot 0" "1: the volume is published"
e2e_expect "$run.log" "^LuksDxe: loading .*\\\\EFI\\\\BOOT\\\\BOOTX64.EFI: volume $U" \
	"1: the UKI is loaded from the verified volume"
e2e_expect "$run.log" "$MARKER" "1: Linux booted to the initramfs marker"
e2e_reject "$run.log" "read refused" "1: no read was refused"

# ---- 2: version 1 with the version 2 secret ------------------------------------------------
run="$W/v1"
fw_boot "$run" 90 "$W/s-v2.bin" "$W/v1.img"
e2e_ok $? "2: the VM powered off by itself"
e2e_expect "$run.log" \
	"^LuksDxe: $U: dm-verity root hash mismatch: .*\(not the guest owner's version of this volume\); it is not served" \
	"2: the console names the root hash mismatch and the volume"
e2e_reject "$run.log" "$ANY_VOL" "2: no volume is published"
e2e_expect "$run.log" "$NOTHING" "2: the firmware says nothing can be booted"
e2e_reject "$run.log" "$MARKER" "2: nothing booted"
run="$W/v1-own"
fw_boot "$run" 150 "$W/s-v1.bin" "$W/v1.img"
e2e_ok $? "2: with the version 1 secret, the VM ran to power-off by itself"
e2e_expect "$run.log" "^LuksDxe: $U: dm-verity root hash matches" "2: ... the version 1 tree matches its own root"
e2e_expect "$run.log" "$MARKER" "2: ... and the version 1 disk boots: the refusal above is the secret's"
run="$W/v1s"
fw_boot "$run" 90 "$W/s-v2.bin" "$W/v1s.img"
e2e_ok $? "2: version 1 with another salt: the VM powered off by itself"
e2e_expect "$run.log" "^LuksDxe: $U: dm-verity: superblock: salt disagrees with the parameters \(not the guest owner's version of this volume\); it is not served" \
	"2: version 1 with another salt: the console names the superblock's salt"
e2e_reject "$run.log" "$ANY_VOL" "2: version 1 with another salt: no volume is published"
e2e_reject "$run.log" "$MARKER" "2: version 1 with another salt: nothing booted"

# ---- 3: one ciphertext byte changed inside the UKI ------------------------------------------
run="$W/v2-bad"
fw_boot "$run" 90 "$W/s-v2.bin" "$W/v2-bad.img"
e2e_ok $? "3: the VM powered off by itself (no hang, no crash)"
e2e_expect "$run.log" "^LuksDxe: $U: dm-verity root hash matches" \
	"3: the tree still matches (the data changed, not the tree)"
e2e_expect "$run.log" "^LuksDxe: $U: read refused \([0-9]+ bytes from byte [0-9]+\): data block $BAD_ENC_BLOCK does not verify" \
	"3: the read of data block $BAD_ENC_BLOCK is refused, and named"
e2e_expect "$run.log" "$NOTHING" "3: the firmware says nothing can be booted"
e2e_reject "$run.log" "$MARKER" "3: nothing booted"

# ---- 4: plaintext verified media -----------------------------------------------------------
run="$W/media"
fw_boot "$run" 150 "$W/s-media.bin" "$W/media.fat"
e2e_ok $? "4: the VM ran to power-off by itself"
e2e_expect "$run.log" "^LuksDxe: $M: dm-verity root hash matches \(sha256, 4096-byte blocks, 4096 blocks\)" \
	"4: the plaintext disk's tree matches the media record, the child named by the root"
e2e_expect "$run.log" "^LuksDxe: $M: plaintext media verified against the secret's root hash, published read-only" \
	"4: the media are published"
e2e_expect "$run.log" "^LuksDxe: loading .*\\\\EFI\\\\BOOT\\\\BOOTX64.EFI: volume $M" \
	"4: the UKI is loaded from the verified media"
e2e_expect "$run.log" "$MARKER" "4: Linux booted from the verified plaintext media"
# the same media in a GPT partition: the whole disk does not verify, its partition does
e2e_gpt_disk "$W/media-gpt.img" "$W/media.fat" || e2e_bail "cannot make the GPT media disk"
run="$W/media-gpt"
fw_boot "$run" 150 "$W/s-media.bin" "$W/media-gpt.img"
e2e_ok $? "4: media in a GPT partition: the VM ran to power-off by itself"
e2e_expect "$run.log" "^LuksDxe: $M: plaintext media verified against the secret's root hash, published read-only" \
	"4: media in a GPT partition: the partition is published"
e2e_expect "$run.log" "^LuksDxe: loading .*HD\\(1,GPT.*\\\\EFI\\\\BOOT\\\\BOOTX64.EFI: volume $M" \
	"4: media in a GPT partition: the UKI is loaded from the verified partition"
e2e_expect "$run.log" "$MARKER" "4: media in a GPT partition: Linux booted"
run="$W/media-bad"
fw_boot "$run" 90 "$W/s-media.bin" "$W/media-bad.img"
e2e_ok $? "4: changed media: the VM powered off by itself"
e2e_expect "$run.log" "^LuksDxe: $M: read refused \([0-9]+ bytes from byte [0-9]+\): data block $BAD_MEDIA_BLOCK does not verify" \
	"4: changed media: the read of data block $BAD_MEDIA_BLOCK is refused, and named"
e2e_expect "$run.log" "$NOTHING" "4: changed media: the firmware says nothing can be booted"
e2e_reject "$run.log" "$MARKER" "4: changed media: nothing booted"

# ---- 5: a secret without verity parameters -------------------------------------------------
run="$W/no-verity"
fw_boot "$run" 150 "$W/s-plain.bin" "$W/v2.img"
e2e_ok $? "5: the VM ran to power-off by itself"
e2e_expect "$run.log" "^LuksDxe: $U: unlocked with keyslot 0" "5: the volume unlocks as before"
e2e_reject "$run.log" "dm-verity" "5: no dm-verity step"
e2e_expect "$run.log" "$MARKER" "5: Linux booted"

[ "$(cat "$W/v1.img" "$W/v1s.img" "$W/v2.img" "$W/media.fat" | sha256sum)" = "$sums_before" ]
e2e_ok $? "the disks are unchanged (the firmware never writes)"
e2e_done
