#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause-Patent
# Seeds for fuzz_fwcfg: a fw_cfg directory naming opt/luksdxe/secret (among other files),
# followed by a well-formed secret table with a per-volume and a disk-passphrase entry.
set -eu
out=$1
mkdir -p "$out"
python3 - "$out" <<'PY'
import struct, sys, uuid
out = sys.argv[1]
def guid(s):
    return uuid.UUID(s).bytes_le
def table(entries):
    body = b"".join(guid(g) + struct.pack("<I", 20 + len(d)) + d for g, d in entries)
    t = guid("1e74f542-71dd-4d66-963e-ef4287ff173b") + struct.pack("<I", 20 + len(body)) + body
    return t + b"\0" * (-len(t) % 16)
def entry(size, sel, name):
    return struct.pack(">IHH", size, sel, 0) + name.encode().ljust(56, b"\0")
sec = table([("01234567-89ab-cdef-1032-547698badcfe", b"vol\0"),
             ("736869e5-84f0-4973-92ec-06879ce3da0b", b"disk\0")])
for name, files in (("one", [("opt/luksdxe/secret", 0x20)]),
                    ("three", [("etc/boot-fail-wait", 0x21), ("opt/luksdxe/secret", 0x22),
                               ("opt/other", 0x23)])):
    d = struct.pack(">I", len(files)) + b"".join(
        entry(len(sec) if n == "opt/luksdxe/secret" else 4, s, n) for n, s in files)
    open(f"{out}/seed-{name}", "wb").write(struct.pack("<H", len(d)) + d + sec)
PY
