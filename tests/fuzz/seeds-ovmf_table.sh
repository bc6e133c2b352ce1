#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause-Patent
# Seeds for fuzz_ovmf_table: a GUID to look for (the SEV secret block's, or the SEV-ES reset
# block's), then the end of a firmware image: GUIDed entries, the table footer, the 32-byte
# reset area; as OvmfPkg/ResetVector/Ia16/ResetVectorVtf0.asm lays them out.  Plus the last
# 4 KiB of the project's image when it is built.
set -eu
out=$1
mkdir -p "$out"
python3 - "$out" <<'PY'
import struct, sys, uuid
out = sys.argv[1]
g = lambda s: uuid.UUID(s).bytes_le
SECRET, ESRESET = g("4c2eb361-7d9b-4cc3-8081-127c90d3d294"), g("00f771de-1a7e-4fcb-890e-68c77e2fb44e")
FOOTER = g("96b582de-1fb2-45f7-baea-a366c55a082d")
def ent(guid, data):
    return data + struct.pack("<H", len(data) + 18) + guid
def image(entries, pad=64):
    body = b"".join(entries)
    table = body + struct.pack("<H", len(body) + 18) + FOOTER
    return b"\xff" * pad + table + b"\x90" * 0x20
secret = ent(SECRET, struct.pack("<II", 0x80C000, 0xC00))
es = ent(ESRESET, struct.pack("<I", 0xFFFFF000))
for name, want, img in (("secret", SECRET, image([es, secret])),
                        ("es", ESRESET, image([es, secret])),
                        ("empty-secret", SECRET, image([ent(SECRET, b"\0" * 8)])),
                        ("no-entries", SECRET, image([]))):
    open(f"{out}/seed-{name}", "wb").write(want + img)
PY
img=${OVMF_IMAGE:-build/ovmf/OVMF-LuksDxe.fd}
if [ -f "$img" ]; then
	{ printf '\x61\xb3\x2e\x4c\x9b\x7d\xc3\x4c\x80\x81\x12\x7c\x90\xd3\xd2\x94'; tail -c 4096 "$img"; } \
		>"$out/seed-image-tail"
fi
