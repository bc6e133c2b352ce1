#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause-Patent
# `lukstool measure` on the firmware image this project builds (build/ovmf/OVMF-LuksDxe.fd),
# no QEMU run.  Oracles independent of lukstool: coreutils' sha256sum (the SEV digest is the
# SHA-256 of the image), tests/e2e/ovmf_secret_area.py (the secret area the image
# advertises), and QEMU's SEV hashes table written here in Python from its layout in QEMU's
# target/i386/sev.c (GUID 9438d606-4f22-4cc9-b479-a793d411fd21, UINT16 length 168, then
# {GUID, UINT16 50, SHA-256} for the command line (with its NUL), initrd and kernel,
# padded with zeros to 176 bytes).  sev-snp-measure's values on such an image are recorded
# in docs/sev-launch.md (the image changes with every build, so they are not a test).
set -u
. "$(dirname "$0")/lib.sh"
e2e_init sev_measure_image
W=$E2E_WORK
LUKSTOOL=${LUKSTOOL:-$E2E_TOP/build/lukstool}
FW="$E2E_TOP/build/ovmf/OVMF-LuksDxe.fd"
for f in "$LUKSTOOL" "$FW"; do
	[ -e "$f" ] || e2e_bail "$f missing (make ovmf build-all)"
done

got=$("$LUKSTOOL" measure --mode sev --ovmf "$FW" | tail -n 1)
[ "$got" = "$(sha256sum "$FW" | cut -d' ' -f1)" ]
e2e_ok $? "measure --mode sev is the SHA-256 of the image ($got)"

read -r base size < <(python3 "$E2E_TOP/tests/e2e/ovmf_secret_area.py" "$FW") || e2e_bail "no secret area"
"$LUKSTOOL" measure -v --mode sev --ovmf "$FW" 2>"$W/info" >/dev/null
line=$(printf '  SEV secret area: 0x%08x, %u bytes' "$base" "$size")
grep -qxF "$line" "$W/info"
e2e_ok $? "measure -v reports the secret area ovmf_secret_area.py reads ($base, $size)"

head -c 300000 /dev/urandom >"$W/kernel"
head -c 5000 /dev/urandom >"$W/initrd"
cmdline="console=ttyS0 luksdxe=$(e2e_rand_hex)"
want=$(python3 - "$FW" "$W/kernel" "$W/initrd" "$cmdline" <<'PY'
import hashlib, struct, sys, uuid
fw, kernel, initrd, cmdline = sys.argv[1:]
def h(b):
    return hashlib.sha256(b).digest()
def ent(g, d):
    return uuid.UUID(g).bytes_le + struct.pack("<H", 50) + d
body = (ent("97d02dd8-bd20-4c94-aa78-e7714d36ab2a", h(cmdline.encode() + b"\0")) +
        ent("44baf731-3a2f-4bd7-9af1-41e29169781d", h(open(initrd, "rb").read())) +
        ent("4de79437-abd2-427f-b835-d5b172d2045b", h(open(kernel, "rb").read())))
table = uuid.UUID("9438d606-4f22-4cc9-b479-a793d411fd21").bytes_le + struct.pack("<H", 18 + len(body)) + body
table += b"\0" * (-len(table) % 16)
print(hashlib.sha256(open(fw, "rb").read() + table).hexdigest())
PY
)
got=$("$LUKSTOOL" measure --mode sev --ovmf "$FW" --kernel "$W/kernel" --initrd "$W/initrd" --append "$cmdline" | tail -n 1)
[ -n "$want" ] && [ "$got" = "$want" ]
e2e_ok $? "measure --mode sev --kernel/--initrd/--append: image || QEMU's hashes table"

# SNP measured direct boot needs a kernel-hashes section in the SEV metadata (edk2 2022.11's
# AmdSevX64 has none): refused without one, measured with one.
"$LUKSTOOL" measure --mode snp --vcpus 1 --vcpu-type EPYC-v4 --ovmf "$FW" --kernel "$W/kernel" >/dev/null 2>"$W/snp.err"
rc=$?
if grep -q SNP_KERNEL_HASHES "$W/info"; then
	[ $rc -eq 0 ]
	e2e_ok $? "measure --mode snp --kernel: the image has a kernel-hashes section"
else
	[ $rc -eq 3 ] && grep -q "kernel hashes section" "$W/snp.err"
	e2e_ok $? "measure --mode snp --kernel is refused: the image has no SNP kernel-hashes section"
fi
e2e_done
