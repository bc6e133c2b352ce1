#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause-Patent
# End to end (issue 8): the firmware image build/ovmf/OVMF-LuksDxe.fd (OVMF AmdSev with
# LuksDxe in its DXE firmware volume, no variable store, no shell, no setup menu) under
# QEMU (TCG).  The secret table is written into the confidential-computing secret area
# before the first instruction (QEMU's generic loader at the address that the image itself
# advertises), where SecretDxe publishes it as on SEV hardware.  Every boot is bounded.
#
#   1  Linux boots from the encrypted disk (pinned per-UUID secret); no manual step
#   2  + a plaintext disk first in PCI order holding a BOOTX64.EFI that prints a marker:
#      its load is refused and named, the marker never shows, Linux boots
#   3  + a virtio-net NIC with QEMU's iPXE option ROM: the ROM is refused, no packet
#      leaves the VM (QEMU filter-dump on a restricted user-mode network), Linux boots
#   4  a plaintext disk alone: nothing boots, the firmware says why and powers off
#   5  wrong secret; no secret; the pinned volume replaced by another volume with the same
#      UUID and passphrase: stays locked, nothing boots, powers off
#   6  a loader on the encrypted volume: the plaintext disk is hidden when it starts; its
#      LoadImage of bytes from memory (the plaintext disk's path, another path, none): refused
#   7  the audit-mode image: the same plaintext load is logged and allowed
set -u
. "$(dirname "$0")/boot-lib.sh"
e2e_init firmware_image
W=$E2E_WORK
LUKSTOOL=${LUKSTOOL:-$E2E_TOP/build/lukstool}
FW="$E2E_TOP/build/ovmf/OVMF-LuksDxe.fd"
FW_AUDIT="$E2E_TOP/build/ovmf/OVMF-LuksDxe-audit.fd"
APPS="$E2E_TOP/build/e2e-apps"
for f in "$LUKSTOOL" "$FW" "$FW_AUDIT" "$APPS/plainmark.efi" "$APPS/loadother.efi"; do
	[ -e "$f" ] || e2e_bail "$f missing (make ovmf test-bins)"
done

read -r AREA_BASE AREA_SIZE < <(python3 "$E2E_TOP/tests/e2e/ovmf_secret_area.py" "$FW") ||
	e2e_bail "the image advertises no secret area"
e2e_ok 0 "the image advertises its secret area in its GUIDed footer: base $AREA_BASE, size $AREA_SIZE"

payload="$E2E_TOP/out/payload"
bash "$E2E_TOP/tests/e2e/mkpayload.sh" "$payload" >"$W/mkpayload.log" 2>&1 ||
	{ sed 's/^/# /' "$W/mkpayload.log"; e2e_bail "cannot build the Linux payload"; }
MARKER=$(cat "$payload/marker")
PLAIN_MARKER='luksdxe-e2e-plaintext-marker: a plaintext image ran'

mkdir -p "$W/root/EFI/BOOT" "$W/loader/EFI/BOOT"
cp "$payload/BOOTX64.EFI" "$W/root/EFI/BOOT/BOOTX64.EFI"
cp "$APPS/loadother.efi" "$W/loader/EFI/BOOT/BOOTX64.EFI"
printf 'owner passphrase %s' "$(e2e_rand_hex)" >"$W/key"
printf 'not the passphrase %s' "$(e2e_rand_hex)" >"$W/wrong"
mk() { # NAME DIR ARGS...: mkdisk with cheap PBKDF2; prints the UUID
	local name=$1 dir=$2
	shift 2
	"$LUKSTOOL" mkdisk --force --from "$dir" -o "$W/$name.img" --key-file "$W/key" \
		--pbkdf pbkdf2 --pbkdf-force-iterations 1000 --sector-size 4096 "$@" \
		>"$W/$name.mkdisk" 2>&1 || { sed 's/^/# /' "$W/$name.mkdisk" >&2; return 1; }
	sed -n 's/^mkdisk: LUKS UUID //p' "$W/$name.mkdisk"
}
U=$(mk enc "$W/root") && [ -n "$U" ] || e2e_bail "mkdisk failed"
# Same UUID, same passphrase, another volume key: what a host could build to pass for it.
mk impostor "$W/root" --uuid "$U" >/dev/null || e2e_bail "mkdisk (impostor) failed"
UL=$(mk loader "$W/loader") && [ -n "$UL" ] || e2e_bail "mkdisk (loader) failed"
e2e_mkfat "$W/plain.img" 16 "$APPS/plainmark.efi=/EFI/BOOT/BOOTX64.EFI" || e2e_bail "mkfat failed"

# The pinned secret is built here from the published record layout (secret/volume_secret.h)
# with the volume keys that cryptsetup dumps, not by lukstool: an independent writer.
vkey() { # DISK: the volume key (hex) of the LUKS2 volume in the disk's partition at 1 MiB
	dd if="$1" of="$W/hdr.tmp" bs=1M skip=1 count=16 status=none && cs_vk "$W/hdr.tmp" "$W/key"
}
VK=$(vkey "$W/enc.img") && VKL=$(vkey "$W/loader.img") && [ -n "$VK" ] && [ -n "$VKL" ] ||
	e2e_bail "cryptsetup cannot dump the volume keys"
python3 - "$W/pinned.bin" "$W/key" "$U" "$VK" "$UL" "$VKL" <<'PY' || e2e_bail "cannot write the pinned secret"
import hashlib, struct, sys, uuid
out, keyfile, pairs = sys.argv[1], sys.argv[2], sys.argv[3:]
pw = open(keyfile, "rb").read()
def item(tag, v): return struct.pack("<BBH", tag, 0, len(v)) + v
ents = b""
for u, vk in zip(pairs[0::2], pairs[1::2]):
    pin = hashlib.sha256(b"LuksDxe volume pin v1\0" + bytes.fromhex(vk)).digest()
    rec = b"\0LDXVOL\x01" + item(1, pw) + item(3, pin)
    ents += uuid.UUID(u).bytes_le + struct.pack("<I", 20 + len(rec)) + rec
tbl = uuid.UUID("1e74f542-71dd-4d66-963e-ef4287ff173b").bytes_le + struct.pack("<I", 20 + len(ents)) + ents
open(out, "wb").write(tbl + b"\0" * (-len(tbl) % 16))
PY
"$LUKSTOOL" mksecret -o "$W/wrong.bin" --volume "$U" --key-file "$W/wrong" >/dev/null ||
	e2e_bail "mksecret failed"

# fw_boot RUN SECS SECRET|- [IMAGE=...] QEMU ARGS...: one bounded boot of the firmware image.
fw_boot() {
	local run=$1 secs=$2 secret=$3
	shift 3
	local loader=()
	[ "$secret" = - ] || loader=(-device "loader,file=$secret,addr=$AREA_BASE,force-raw=on")
	E2E_OVMF_CODE=${FW_IMAGE:-$FW} bl_qemu "$run" "$secs" none "${loader[@]}" "$@"
}
# Disks sit at fixed PCI slots: the plaintext one first (the boot manager tries boot
# options in enumeration order), the encrypted one after it.
P=(); mapfile -t P < <(bl_disk "$W/plain.img" 0x5)
E=(); mapfile -t E < <(bl_disk "$W/enc.img" 0x6)
I=(); mapfile -t I < <(bl_disk "$W/impostor.img" 0x6)
L=(); mapfile -t L < <(bl_disk "$W/loader.img" 0x7)
sums_before=$(cat "$W/enc.img" "$W/plain.img" | sha256sum)

# ---- 1: Linux from the encrypted disk --------------------------------------------
run="$W/linux"
fw_boot "$run" 120 "$W/pinned.bin" "${E[@]}"
e2e_ok $? "1: the VM ran to power-off by itself (Linux's init powers off)"
e2e_expect "$run.log" "^LuksDxe: load policy active \(enforced\)" "1: the policy is active in the firmware image"
e2e_expect "$run.log" "^LuksDxe: $U: unlocked with keyslot 0, volume key matches its pin" \
	"1: the volume unlocked from the secret area, its key matching the pin"
e2e_expect "$run.log" "^LuksDxe: loading .*VenMedia\(CDD7A9B4-36D8-45EB-90F4-66FBD8CDA3E5,.*\\\\EFI\\\\BOOT\\\\BOOTX64.EFI: volume $U" \
	"1: the boot manager loaded the UKI from the unlocked volume"
e2e_expect "$run.log" "^LuksDxe: loading VenMedia\(55C5D1F8-04CD-46B5-8A20-E56CBB3052D0\): handed over from memory by an image from an unlocked volume" \
	"1: the UKI handed over the kernel it carries (systemd-stub's memory path), allowed while it runs"
e2e_expect "$run.log" "$MARKER" "1: Linux booted to the initramfs marker"
e2e_reject "$run.log" "Shell>|UEFI Interactive Shell" "1: no shell"

# ---- 2: a plaintext disk first in boot order -------------------------------------
run="$W/plain-first"
fw_boot "$run" 120 "$W/pinned.bin" "${P[@]}" "${E[@]}"
e2e_ok $? "2: the VM ran to power-off by itself"
e2e_expect "$run.log" "^LuksDxe: refused to load PciRoot\(0x0\)/Pci\(0x5,0x0\)/.*\\\\EFI\\\\BOOT\\\\BOOTX64.EFI: not on a volume the guest owner encrypted" \
	"2: the plaintext disk's BOOTX64.EFI was refused, and named"
e2e_reject "$run.log" "$PLAIN_MARKER" "2: the plaintext image never ran"
e2e_expect "$run.log" "$MARKER" "2: Linux booted from the encrypted volume"

# ---- 3: a NIC with QEMU's iPXE option ROM ----------------------------------------
run="$W/nic"
rm -f "$W/net.pcap"
fw_boot "$run" 120 "$W/pinned.bin" "${E[@]}" \
	-netdev "user,id=n0,restrict=on" \
	-device "virtio-net-pci,netdev=n0,addr=0x8,romfile=/usr/lib/ipxe/qemu/efi-virtio.rom" \
	-object "filter-dump,id=f0,netdev=n0,file=$W/net.pcap"
e2e_ok $? "3: the VM ran to power-off by itself"
e2e_expect "$run.log" "^LuksDxe: refused to load PciRoot\(0x0\)/Pci\(0x8,0x0\)/Offset\(.*\): not on a volume the guest owner encrypted" \
	"3: the NIC's option ROM was refused, and named"
e2e_reject "$run.log" "iPXE" "3: iPXE never ran"
pkts=$(python3 -c 'import sys; d=open(sys.argv[1],"rb").read(); print(-1 if len(d)<24 else (len(d)-24))' "$W/net.pcap" 2>/dev/null || echo -1)
[ "$pkts" = 0 ]
e2e_ok $? "3: no packet left the VM (pcap holds $pkts bytes of packets)"
e2e_expect "$run.log" "$MARKER" "3: Linux booted from the encrypted volume"

# ---- 4: a plaintext disk alone ---------------------------------------------------
run="$W/plain-only"
fw_boot "$run" 60 "$W/pinned.bin" "${P[@]}"
e2e_ok $? "4: the VM powered off by itself (no hang, no menu)"
e2e_expect "$run.log" "^LuksDxe: refused to load .*Pci\(0x5,0x0\)" "4: the plaintext boot was refused"
e2e_expect "$run.log" "^LuksDxe firmware: nothing that the guest owner encrypted can be booted; powering off" \
	"4: the console says why the VM ends"
e2e_reject "$run.log" "$PLAIN_MARKER" "4: the plaintext image never ran"

# ---- 5: wrong, missing, and pinned-but-replaced -------------------------------------
run="$W/wrong"
fw_boot "$run" 60 "$W/wrong.bin" "${E[@]}"
e2e_ok $? "5: wrong secret: the VM powered off by itself"
e2e_expect "$run.log" "^LuksDxe: $U: wrong secret: no keyslot accepts it; the volume stays locked" "5: wrong secret: clear message"
e2e_reject "$run.log" "$MARKER" "5: wrong secret: nothing booted"
run="$W/none"
fw_boot "$run" 60 - "${E[@]}"
e2e_ok $? "5: no secret: the VM powered off by itself"
e2e_expect "$run.log" "^LuksDxe: $U: no (secret|entry)" "5: no secret: clear message"
e2e_reject "$run.log" "$MARKER" "5: no secret: nothing booted"
run="$W/impostor"
fw_boot "$run" 60 "$W/pinned.bin" "${I[@]}"
e2e_ok $? "5: impostor volume: the VM powered off by itself"
e2e_expect "$run.log" "^LuksDxe: $U: the volume key does not match the pin in the secret" \
	"5: a volume with the owner's UUID and passphrase but another key stays locked"
e2e_reject "$run.log" "$MARKER" "5: impostor volume: nothing booted"

# ---- 6: a loader on the encrypted volume loads from a plaintext disk ----------------
# Since issue 20 the plaintext disk is hidden before the loader starts: it finds no other
# file system, and LoadImage of bytes from memory under the plaintext disk's path, another
# vendor path or no path is refused.
run="$W/loadother"
fw_boot "$run" 60 "$W/pinned.bin" "${P[@]}" "${L[@]}"
e2e_ok $? "6: the VM powered off by itself"
e2e_expect "$run.log" "^LuksDxe: isolation: hid PciRoot\(0x0\)/Pci\(0x5,0x0\)" \
	"6: the plaintext disk was hidden when the loader started"
e2e_reject "$run.log" "^loadother: PciRoot\(0x0\)/Pci\(0x5,0x0\)/" \
	"6: the loader found no plaintext file system to load from"
e2e_expect "$run.log" "^LuksDxe: refused to load PciRoot\(0x0\)/Pci\(0x5,0x0\)/\\\\EFI\\\\BOOT\\\\BOOTX64.EFI: an image from memory that is not systemd-stub's kernel hand-over" \
	"6: an image from memory under the plaintext disk's path was refused, and the console says why"
e2e_expect "$run.log" "^loadother: buffer under PciRoot\(0x0\)/Pci\(0x5,0x0\)/.*: EFI_ACCESS_DENIED" \
	"6: ... LoadImage returned EFI_ACCESS_DENIED to the loader"
e2e_expect "$run.log" "^loadother: buffer under VenMedia\(.*\): EFI_ACCESS_DENIED" \
	"6: an image from memory under another vendor path was refused"
e2e_expect "$run.log" "^loadother: buffer under \(no path\): EFI_ACCESS_DENIED" \
	"6: an image from memory without a path was refused"
e2e_reject "$run.log" "$PLAIN_MARKER" "6: the plaintext image never ran"

# ---- 7: audit mode ------------------------------------------------------------------
run="$W/audit"
FW_IMAGE=$FW_AUDIT fw_boot "$run" 120 "$W/pinned.bin" "${P[@]}" "${E[@]}"
e2e_ok $? "7: audit image: the VM ran to power-off by itself"
e2e_expect "$run.log" "^LuksDxe: load policy active \(audit mode" "7: the audit image says so"
e2e_expect "$run.log" "^LuksDxe: audit: would refuse .*Pci\(0x5,0x0\)" "7: the plaintext load is logged"
e2e_expect "$run.log" "$PLAIN_MARKER" "7: ... and allowed"

[ "$(cat "$W/enc.img" "$W/plain.img" | sha256sum)" = "$sums_before" ]
e2e_ok $? "the disks are unchanged (the firmware never writes)"
e2e_done
