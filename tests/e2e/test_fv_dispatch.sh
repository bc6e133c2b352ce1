#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause-Patent
# End-to-end (issue 4, "works when built into a firmware volume"): real OVMF under QEMU
# (TCG).  tests/e2e/mkfv.py wraps build/LuksDxe.efi in a firmware volume; the test
# application fvload (tests/e2e/apps/fvload.c) hands that volume to the DXE core (DXE
# Services ProcessFirmwareVolume, then Dispatch), so that the firmware's own DXE
# dispatcher loads and starts the driver, as it would from OVMF's DXEFV.  The boot disk
# holds fvload.efi and the volume, not LuksDxe.efi: the driver can only come from the
# volume.  A GPT disk holds a cryptsetup-made LUKS2 volume with a FAT file system and a
# file random per run; the secret (lukstool mksecret, an entry for the volume's UUID)
# comes through fw_cfg.  The shell must type the file and list the driver.
# Offline, an independent reader (fvcheck below, not mkfv.py's code) parses the volume
# back.  Boot 2 hands the DXE core three copies with one checksum byte changed each
# (volume header, file header, file data): ProcessFirmwareVolume must refuse all three
# and the driver must not run.  Boot 3 uses a volume with a DXE_DEPEX section (TRUE).
set -u
. "$(dirname "$0")/lib.sh"
e2e_init fv_dispatch
W=$E2E_WORK
drv="$E2E_TOP/build/LuksDxe.efi"
fvload="$E2E_TOP/build/e2e-apps/fvload.efi"
mkfv="$E2E_TOP/tests/e2e/mkfv.py"
lukstool="$E2E_TOP/build/lukstool"
[ -f "$drv" ] && [ -f "$fvload" ] && [ -x "$lukstool" ] ||
	e2e_bail "build LuksDxe.efi, lukstool and the e2e apps first (make all test-bins)"

# ---- the volume, and an independent offline check of it ---------------------------
python3 "$mkfv" "$drv" "$W/luksdxe.fv"
e2e_ok $? "mkfv.py wrapped LuksDxe.efi in a firmware volume"

# fvcheck FV DRIVER: exits 0 if FV is a well-formed FFS2 volume whose only file is a
# DXE driver with a PE32 section equal to DRIVER and a user-interface section "LuksDxe";
# otherwise prints one line per defect and exits 1.  Written from the PI specification (volume 3)
# separately from mkfv.py, checking each rule the DXE core applies.
fvcheck() {
	python3 - "$1" "$2" <<'PY'
import struct, sys, uuid
fv = open(sys.argv[1], "rb").read()
drv = open(sys.argv[2], "rb").read()
bad = []
def need(cond, what):
    if not cond:
        bad.append(what)
    return cond
need(len(fv) >= 72, "volume shorter than its header") or sys.exit("\n".join(bad))
fsguid = uuid.UUID(bytes_le=fv[16:32])
fvlen, sig, attr, hlen, _ck, ext, _rsv, rev = struct.unpack_from("<Q4sIHHHBB", fv, 32)
need(fv[:16] == bytes(16), "zero vector not zero")
need(fsguid == uuid.UUID("8c8ce578-8a3d-4f1c-9935-896185c32dd3"), "file system is not FFS2")
need(sig == b"_FVH", "no _FVH signature")
need(rev == 2, "revision %d" % rev)
need(fvlen == len(fv), "FvLength %d != file size %d" % (fvlen, len(fv)))
need(hlen % 2 == 0 and 72 <= hlen <= len(fv), "header length %d" % hlen)
need(sum(struct.unpack_from("<%dH" % (hlen // 2), fv)) % 65536 == 0, "header checksum wrong")
need(attr == 0x0004FEFF, "attributes 0x%08x are not OVMF's 0x0004FEFF" % attr)
need(ext == 0, "unexpected extended header")
# Block map: entries until {0,0}, covering exactly FvLength, ending at HeaderLength.
off, total = 56, 0
while off + 8 <= hlen:
    n, ln = struct.unpack_from("<II", fv, off)
    off += 8
    if n == 0 and ln == 0:
        break
    total += n * ln
need(off == hlen and total == fvlen, "block map covers %d of %d bytes" % (total, fvlen))
# Files: 8-byte aligned from the header's end; erase polarity 1, so a complete file
# has State 0xF8 and free space is 0xFF.
files, pos = [], hlen
while pos + 24 <= fvlen:
    h = fv[pos:pos + 24]
    if h == b"\xff" * 24:
        need(fv[pos:] == b"\xff" * (fvlen - pos), "free space not erased")
        break
    name = uuid.UUID(bytes_le=h[:16])
    hsum, fsum, ftype, fattr = h[16], h[17], h[18], h[19]
    size = int.from_bytes(h[20:23], "little")
    state = h[23]
    need((sum(h) - state - fsum) % 256 == 0, "file %s header checksum wrong" % name)
    need(state == 0xF8, "file %s state 0x%02x" % (name, state))
    need((fattr & 0x40) == 0 and fsum == 0xAA, "file %s data checksum 0x%02x" % (name, fsum))
    if not need(24 <= size <= fvlen - pos, "file %s size %d" % (name, size)):
        break
    secs, s = {}, pos + 24
    while s + 4 <= pos + size:
        ssize, stype = int.from_bytes(fv[s:s + 3], "little"), fv[s + 3]
        if not need(4 <= ssize <= pos + size - s, "section size %d" % ssize):
            break
        secs[stype] = fv[s + 4:s + ssize]
        s += ssize + (-ssize % 4)
    files.append((ftype, secs))
    pos += size + (-size % 8)
    need(pos >= fvlen or fv[pos - (-size % 8):pos] == b"\xff" * (-size % 8), "file padding not erased")
if need(len(files) == 1, "%d files" % len(files)):
    ftype, secs = files[0]
    need(ftype == 0x07, "file type 0x%02x is not EFI_FV_FILETYPE_DRIVER" % ftype)
    need(secs.get(0x10) == drv, "PE32 section differs from the driver")
    need(secs.get(0x15) == "LuksDxe\0".encode("utf-16-le"), "no user-interface section 'LuksDxe'")
for b in bad:
    print(b)
sys.exit(1 if bad else 0)
PY
}
fvcheck "$W/luksdxe.fv" "$drv" >"$W/luksdxe.check" 2>&1
rc=$?
e2e_ok $rc "the volume parses back (independent reader): header checksum, block map, FFS header checksum, state, fixed data checksum, sections"
[ $rc -eq 0 ] || sed 's/^/# /' "$W/luksdxe.check"
# corrupt IN OUT OFFSET: OUT = IN with the byte at OFFSET changed (low bit flipped).
corrupt() {
	python3 -c 'import sys
b = bytearray(open(sys.argv[1], "rb").read()); b[int(sys.argv[3])] ^= 1
open(sys.argv[2], "wb").write(b)' "$@"
}
# Three volumes the DXE core must refuse, each with one byte changed: the volume header
# checksum (offset 50), the driver file's header checksum (72 + 16) and its fixed data
# checksum 0xAA (72 + 17).  The reader must reject each of them too.
corrupt "$W/luksdxe.fv" "$W/badfvh.fv" 50
corrupt "$W/luksdxe.fv" "$W/badffs.fv" 88
corrupt "$W/luksdxe.fv" "$W/baddat.fv" 89
for c in "badfvh:^header checksum wrong" "badffs:^file .* header checksum wrong" \
	"baddat:^file .* data checksum 0xab"; do
	f=${c%%:*}
	fvcheck "$W/$f.fv" "$drv" >"$W/$f.check" 2>&1
	[ $? -ne 0 ] && grep -qE "${c#*:}" "$W/$f.check"
	e2e_ok $? "the reader rejects $f.fv ($(head -1 "$W/$f.check"))"
done
# mkfv.py takes drivers only: an application is refused.
! python3 "$mkfv" "$E2E_TOP/build/e2e-apps/hello.efi" "$W/app.fv" 2>"$W/app.err" &&
	grep -q "not an EFI driver" "$W/app.err"
e2e_ok $? "mkfv.py refuses an EFI application"
python3 "$mkfv" --depex-true "$drv" "$W/depex.fv"
e2e_ok $? "mkfv.py --depex-true made a volume with a DXE_DEPEX section (TRUE END)"

# ---- the encrypted disk ------------------------------------------------------------
token="luksdxe-fv-$(e2e_rand_hex)"
printf '%s\r\n' "$token" >"$W/token.txt"
printf 'fv horse %s' "$RANDOM" >"$W/pass"
uuid=$(cat /proc/sys/kernel/random/uuid)
e2e_luks_fat "$W/vol.img" 16 "$W/pass" --uuid "$uuid" -- "$W/token.txt=/token.txt" ||
	e2e_bail "cannot make the LUKS volume"
e2e_gpt_disk "$W/disk.img" "$W/vol.img" || e2e_bail "cannot make the GPT disk"
sum_before=$(sha256sum <"$W/disk.img")
mapfile -t disk < <(e2e_disk "$W/disk.img")
"$lukstool" mksecret -o "$W/secret.bin" --volume "$uuid" --key-file "$W/pass" >/dev/null ||
	e2e_bail "lukstool mksecret failed"

fvshell() { # FV...: the shell script that hands each volume to fvload, then unlocks
	local f
	for f in "$@"; do
		printf 'FS0:\\fvload.efi FS0:\\%s\n' "$f"
	done
	printf '%s\n' 'connect -r' 'map -r' 'type FS1:\token.txt' 'drivers'
}
qemu_extra=("${disk[@]}" -fw_cfg "name=opt/luksdxe/secret,file=$W/secret.bin")

# ---- boot 1: the good volume -------------------------------------------------------
run="$W/good"
e2e_shell_boot "$run" 90 "$(fvshell luksdxe.fv)" "$fvload=/fvload.efi" "$W/luksdxe.fv=/luksdxe.fv" -- \
	"${qemu_extra[@]}"
e2e_ok $? "boot with the volume ran to power-off"
# The boot disk has no copy of the driver, only the volume.
mdir -/ -b -i "$run.boot.img" :: >"$W/bootdisk.list" 2>&1
! grep -qi 'luksdxe\.efi' "$W/bootdisk.list" && grep -qi 'luksdxe\.fv' "$W/bootdisk.list"
e2e_ok $? "the boot disk holds luksdxe.fv and no LuksDxe.efi"
e2e_expect "$run.log" "^fvload: read FS0:.luksdxe\.fv: $(stat -c %s "$W/luksdxe.fv") bytes$" \
	"fvload read the whole volume"
e2e_expect "$run.log" "^fvload: ProcessFirmwareVolume: Success \(status 0x0\)$" \
	"the DXE core accepted the volume (ProcessFirmwareVolume)"
e2e_expect "$run.log" "^fvload: Dispatch: Success \(status 0x0\)$" \
	"the DXE dispatcher started a driver from it (Dispatch)"
# The driver's entry point runs inside Dispatch: its version line comes between the two.
grep -E '^(fvload:|LuksDxe )' "$run.log" | sed -n 2,4p | tr '\n' '|' >"$run.order"
grep -qE '^fvload: ProcessFirmwareVolume: Success [^|]*\|LuksDxe [0-9.]+: loaded\|fvload: Dispatch: Success ' "$run.order"
e2e_ok $? "the driver's version line comes from within Dispatch ($(cat "$run.order"))"
e2e_expect "$run.log" "^LuksDxe: $uuid: unlocked with keyslot 0$" "the driver unlocked the volume"
e2e_expect "$run.log" "^$token\$" "the shell typed the per-run random file from inside the volume"
# `drivers`: the driver's ComponentName2 name, and as image name the firmware file's
# user-interface section (the shell reads it from the volume; an image loaded from a
# disk file would show its path).
e2e_expect "$run.log" "^[0-9A-F]+ [0-9A-F]{8} B .* LuksDxe LUKS volume driver [0-9.]+ +LuksDxe$" \
	"the shell's driver list shows LuksDxe, named by the volume's UI section"
e2e_reject "$run.log" "$(cat "$W/pass")" "the passphrase never appears on the console"

# ---- boot 2: three corrupted volumes -----------------------------------------------
run="$W/corrupt"
e2e_shell_boot "$run" 90 "$(fvshell badfvh.fv badffs.fv baddat.fv)" "$fvload=/fvload.efi" \
	"$W/badfvh.fv=/badfvh.fv" "$W/badffs.fv=/badffs.fv" "$W/baddat.fv=/baddat.fv" -- \
	"${qemu_extra[@]}"
e2e_ok $? "boot with the corrupted volumes ran to power-off (no hang)"
for f in badfvh badffs baddat; do
	grep -A1 "^fvload: read FS0:.$f\.fv: " "$run.log" | tail -1 >"$run.$f"
	grep -qE "^fvload: ProcessFirmwareVolume: Volume Corrupted \(status 0x800000000000000a\)$" "$run.$f"
	e2e_ok $? "ProcessFirmwareVolume refuses $f.fv with EFI_VOLUME_CORRUPTED ($(cat "$run.$f"))"
done
e2e_reject "$run.log" "^fvload: Dispatch:" "nothing is dispatched"
e2e_reject "$run.log" "^LuksDxe" "the driver never runs"
e2e_reject "$run.log" "^$token\$" "the file stays unreadable"

# ---- boot 3: the volume with a DXE_DEPEX section -------------------------------------
run="$W/depex"
e2e_shell_boot "$run" 90 "$(fvshell depex.fv)" "$fvload=/fvload.efi" "$W/depex.fv=/depex.fv" -- \
	"${qemu_extra[@]}"
e2e_ok $? "boot with the DEPEX volume ran to power-off"
e2e_expect "$run.log" "^fvload: Dispatch: Success \(status 0x0\)$" \
	"a driver whose DEPEX is TRUE is dispatched too"
e2e_expect "$run.log" "^$token\$" "and it unlocks the volume: the file is typed"

[ "$(sha256sum <"$W/disk.img")" = "$sum_before" ]
e2e_ok $? "the disk image is unchanged (the driver never writes)"
e2e_done
