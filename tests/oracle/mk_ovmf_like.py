#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause-Patent
"""Writes a small deterministic firmware image shaped like an OVMF pflash unit 0 for the
SEV launch-measurement tests (lukstool measure against sev-snp-measure's recorded output):
pseudo-random bytes (SHA-256 in counter mode of SEED), then, as OvmfPkg/ResetVector lays
them out, the SEV metadata ("ASEV", version 1, sections of {gpa, size, type}) and the
GUIDed footer table that ends 32 bytes before the end of the image, walked backwards:
each entry is {data; UINT16 length; GUID}, the footer entry
(96b582de-1fb2-45f7-baea-a366c55a082d) last with the table's total length.

Usage: mk_ovmf_like.py OUT [--size BYTES] [--seed TEXT] [--kind amdsev|x64|bare]
  amdsev  reset block, hashes table, secret block, metadata with a kernel-hashes section
          (like OvmfPkg/AmdSev/AmdSevX64.dsc)
  x64     reset block and metadata, no hashes table or secret (like OvmfPkgX64.dsc)
  bare    no footer table at all"""
import argparse
import hashlib
import struct
import uuid

FOOTER = "96b582de-1fb2-45f7-baea-a366c55a082d"
RESET = "00f771de-1a7e-4fcb-890e-68c77e2fb44e"
HASHES = "7255371f-3a3b-4b04-927b-1da6efa8d454"
SECRET = "4c2eb361-7d9b-4cc3-8081-127c90d3d294"
META = "dc886566-984a-4798-a75e-5585a7bf67cc"


def entry(guid, data):
    return data + struct.pack("<H", len(data) + 18) + uuid.UUID(guid).bytes_le


def image(size, seed, kind):
    out = bytearray()
    i = 0
    while len(out) < size:
        out += hashlib.sha256(seed.encode() + struct.pack("<I", i)).digest()
        i += 1
    img = out[:size]
    if kind == "bare":
        return bytes(img)
    if kind == "amdsev":
        sections = [(0x800000, 0x9000, 1), (0x80a000, 0x3000, 1), (0x80d000, 0x1000, 2),
                    (0x80e000, 0x1000, 3), (0x80f000, 0x1000, 4), (0x810000, 0x1000, 0x10),
                    (0x811000, 0xf000, 1)]
    else:
        sections = [(0x800000, 0x9000, 1), (0x80a000, 0x3000, 1), (0x80d000, 0x1000, 2),
                    (0x80e000, 0x1000, 3), (0x80f000, 0x1000, 4), (0x810000, 0x10000, 1)]
    meta = b"ASEV" + struct.pack("<III", 16 + 12 * len(sections), 1, len(sections))
    meta += b"".join(struct.pack("<III", *s) for s in sections)
    meta_pos = size - 0x400          # the metadata inside the last KiB
    img[meta_pos:meta_pos + len(meta)] = meta
    table = entry(RESET, struct.pack("<I", 0x80b004) + b"\0" * 4)
    if kind == "amdsev":
        table += entry(HASHES, struct.pack("<II", 0x810c00, 0x400))
        table += entry(SECRET, struct.pack("<II", 0x810000, 0xc00))
    table += entry(META, struct.pack("<I", size - meta_pos))
    total = len(table) + 18
    table += struct.pack("<H", total) + uuid.UUID(FOOTER).bytes_le
    end = size - 32
    img[end - len(table):end] = table
    return bytes(img)


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("out")
    p.add_argument("--size", type=int, default=65536)
    p.add_argument("--seed", default="LuksDxe synthetic OVMF")
    p.add_argument("--kind", choices=["amdsev", "x64", "bare"], default="amdsev")
    a = p.parse_args()
    if a.size < 4096 or a.size % 4096:
        p.error("--size must be a multiple of 4096")
    with open(a.out, "wb") as f:
        f.write(image(a.size, a.seed, a.kind))


if __name__ == "__main__":
    main()
