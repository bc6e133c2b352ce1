#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause-Patent
"""Writes a DXE dependency expression (PI 1.7 vol. 2, 10.7): PUSH each GUID, AND them
together, END.  Usage: mkdepex.py OUT GUID [GUID ...]"""
import sys
import uuid

PUSH, AND, END = 0x02, 0x03, 0x08


def main(argv):
    if len(argv) < 3:
        sys.exit("usage: mkdepex.py OUT GUID [GUID ...]")
    out = bytearray()
    for i, g in enumerate(argv[2:]):
        out += bytes([PUSH]) + uuid.UUID(g).bytes_le
        if i:
            out.append(AND)
    out.append(END)
    with open(argv[1], "wb") as f:
        f.write(out)


if __name__ == "__main__":
    main(sys.argv)
