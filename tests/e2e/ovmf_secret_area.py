#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause-Patent
"""Prints "BASE SIZE" (hex) of the confidential-computing secret area that an OVMF image
advertises in its GUIDed footer table - the table QEMU reads to know where
sev-inject-launch-secret writes the guest owner's secret.

Layout (OvmfPkg/ResetVector, read by QEMU's hw/i386/pc_sysfw_ovmf.c): 48 bytes before the
end of the image, the footer GUID 96b582de-1fb2-45f7-baea-a366c55a082d, preceded by a
UINT16 total length (footer included); the entries precede it, each ending in
{UINT16 length; GUID}, walked backwards.  The SEV secret block entry
(4c2eb361-7d9b-4cc3-8081-127c90d3d294) holds {UINT32 base; UINT32 size}.

Usage: ovmf_secret_area.py IMAGE.fd"""
import struct
import sys
import uuid

FOOTER = uuid.UUID("96b582de-1fb2-45f7-baea-a366c55a082d").bytes_le
SECRET = uuid.UUID("4c2eb361-7d9b-4cc3-8081-127c90d3d294").bytes_le


def secret_area(img):
    end = len(img) - 48
    if end < 18 or img[end:end + 16] != FOOTER:
        raise ValueError("no OVMF GUIDed footer table")
    (total,) = struct.unpack_from("<H", img, end - 2)
    if total < 18 or total > end:
        raise ValueError("footer table length out of range")
    start = end + 16 - total  # first byte of the table
    ptr = end - 2             # the entries end where the footer's length begins
    while ptr - 18 >= start:
        guid = img[ptr - 16:ptr]
        (length,) = struct.unpack_from("<H", img, ptr - 18)
        if length < 18 or ptr - length < start:
            raise ValueError("footer table entry length out of range")
        data = img[ptr - length:ptr - 18]
        if guid == SECRET:
            if len(data) < 8:
                raise ValueError("secret block entry too short")
            return struct.unpack_from("<II", data)
        ptr -= length
    raise ValueError("no SEV secret block entry")


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    with open(sys.argv[1], "rb") as f:
        img = f.read()
    try:
        base, size = secret_area(img)
    except ValueError as e:
        sys.exit("ovmf_secret_area: %s: %s" % (sys.argv[1], e))
    print("0x%x 0x%x" % (base, size))


if __name__ == "__main__":
    main()
