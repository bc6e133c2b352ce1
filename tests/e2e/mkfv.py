#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause-Patent
"""mkfv.py: wrap a UEFI DXE driver (PE32+) in a firmware volume, test-only.

    mkfv.py [--depex-true] [--name NAME] [--file-guid GUID] DRIVER.efi OUT.fv

Writes one firmware volume (FFS2 file system) holding one file of type
EFI_FV_FILETYPE_DRIVER with the sections PE32 (the driver image), USER_INTERFACE
(NAME, "LuksDxe" by default) and, with --depex-true, a DXE_DEPEX of "TRUE END".
Without a DEPEX the DXE dispatcher schedules the driver once every architectural
protocol is installed, which is always so by the time a UEFI application runs.

The end-to-end test hands the volume to the DXE core's ProcessFirmwareVolume, so
that the firmware's own dispatcher loads the driver, as it would from OVMF's DXEFV.

Layouts (UEFI PI specification, volume 3, "Firmware Storage Code Definitions"),
all little-endian:
  EFI_FIRMWARE_VOLUME_HEADER, 56 bytes + block map:
    ZeroVector[16] FileSystemGuid[16] FvLength:u64 Signature "_FVH"
    Attributes:u32 HeaderLength:u16 Checksum:u16 ExtHeaderOffset:u16
    Reserved:u8 Revision:u8 (2), then EFI_FV_BLOCK_MAP_ENTRY {NumBlocks:u32,
    Length:u32} entries ending with {0, 0}.  The 16-bit words of the whole header
    (HeaderLength bytes) sum to zero.
  EFI_FFS_FILE_HEADER, 24 bytes, 8-byte aligned in the volume:
    Name[16] IntegrityCheck.Header:u8 IntegrityCheck.File:u8 Type:u8
    Attributes:u8 Size[3] (header included) State:u8.
    Header checksum: the 24 bytes sum to zero (mod 256) when State and
    IntegrityCheck.File are counted as zero.  Without FFS_ATTRIB_CHECKSUM (0x40)
    IntegrityCheck.File holds FFS_FIXED_CHECKSUM, 0xAA.
    State: bits EFI_FILE_HEADER_CONSTRUCTION (1), HEADER_VALID (2), DATA_VALID (4)
    are set in the order a writer completes them; in a volume with
    EFI_FVB2_ERASE_POLARITY "set" means cleared, so a complete file reads 0xF8.
  EFI_COMMON_SECTION_HEADER, 4 bytes, each section 4-byte aligned in the file:
    Size[3] (header included) Type:u8.
The attributes are those of OVMF's own volumes (0x0004FEFF: read/write/lock
capabilities and status, sticky write, memory mapped, erase polarity 1,
16-byte alignment), with 4 KiB blocks; no extended header.
"""
import struct
import sys
import uuid

FFS2_GUID = uuid.UUID("8c8ce578-8a3d-4f1c-9935-896185c32dd3")  # EFI_FIRMWARE_FILE_SYSTEM2_GUID
# A fixed name for the driver's file, so that the dispatcher's device path
# (FvFile(...)) is the same every run.
DEFAULT_FILE_GUID = "795b3087-fb43-4707-ba92-04eafadfb7f0"

FVH_SIGNATURE = b"_FVH"
FVH_REVISION = 2
BLOCK_SIZE = 0x1000

# EFI_FVB_ATTRIBUTES_2 bits.
FVB2_READ_DISABLED_CAP = 0x00000001
FVB2_READ_ENABLED_CAP = 0x00000002
FVB2_READ_STATUS = 0x00000004
FVB2_WRITE_DISABLED_CAP = 0x00000008
FVB2_WRITE_ENABLED_CAP = 0x00000010
FVB2_WRITE_STATUS = 0x00000020
FVB2_LOCK_CAP = 0x00000040
FVB2_LOCK_STATUS = 0x00000080
FVB2_STICKY_WRITE = 0x00000200
FVB2_MEMORY_MAPPED = 0x00000400
FVB2_ERASE_POLARITY = 0x00000800
FVB2_READ_LOCK_CAP = 0x00001000
FVB2_READ_LOCK_STATUS = 0x00002000
FVB2_WRITE_LOCK_CAP = 0x00004000
FVB2_WRITE_LOCK_STATUS = 0x00008000
FVB2_ALIGNMENT_16 = 4 << 16  # log2 of the volume's alignment in bits 16..20

ATTRIBUTES = (FVB2_READ_DISABLED_CAP | FVB2_READ_ENABLED_CAP | FVB2_READ_STATUS |
              FVB2_WRITE_DISABLED_CAP | FVB2_WRITE_ENABLED_CAP | FVB2_WRITE_STATUS |
              FVB2_LOCK_CAP | FVB2_LOCK_STATUS | FVB2_STICKY_WRITE |
              FVB2_MEMORY_MAPPED | FVB2_ERASE_POLARITY |
              FVB2_READ_LOCK_CAP | FVB2_READ_LOCK_STATUS |
              FVB2_WRITE_LOCK_CAP | FVB2_WRITE_LOCK_STATUS | FVB2_ALIGNMENT_16)
assert ATTRIBUTES == 0x0004FEFF  # what OVMF_CODE_4M.fd's volumes carry

ERASE_BYTE = 0xFF  # erase polarity 1

FV_FILETYPE_DRIVER = 0x07
FFS_ATTRIB_CHECKSUM = 0x40
FFS_FIXED_CHECKSUM = 0xAA
FILE_HEADER_CONSTRUCTION = 0x01
FILE_HEADER_VALID = 0x02
FILE_DATA_VALID = 0x04
FFS_HEADER_SIZE = 24
MAX_SIZE24 = 0xFFFFFF  # larger files/sections need the FFS3 "large" headers

SECTION_PE32 = 0x10
SECTION_USER_INTERFACE = 0x15
SECTION_DXE_DEPEX = 0x13
DEPEX_TRUE = 0x06
DEPEX_END = 0x08

# PE subsystems the DXE dispatcher can start: boot service and runtime drivers.
PE_SUBSYSTEM_DRIVERS = (11, 12)


def die(msg):
    sys.stderr.write("mkfv: %s\n" % msg)
    sys.exit(1)


def size24(n):
    if not 0 < n <= MAX_SIZE24:
        die("size %d does not fit a 24-bit FFS size field" % n)
    return n.to_bytes(3, "little")


def check_driver(img):
    """The image must be a PE32+ x86-64 EFI driver (not an application)."""
    if len(img) < 0x40 or img[:2] != b"MZ":
        die("not a PE image (no MZ header)")
    pe = struct.unpack_from("<I", img, 0x3C)[0]
    if pe + 24 + 70 > len(img) or img[pe:pe + 4] != b"PE\0\0":
        die("not a PE image (bad e_lfanew)")
    machine = struct.unpack_from("<H", img, pe + 4)[0]
    magic, = struct.unpack_from("<H", img, pe + 24)
    subsystem, = struct.unpack_from("<H", img, pe + 24 + 68)
    if machine != 0x8664 or magic != 0x20B:
        die("not a PE32+ x86-64 image (machine 0x%x, magic 0x%x)" % (machine, magic))
    if subsystem not in PE_SUBSYSTEM_DRIVERS:
        die("PE subsystem %d is not an EFI driver" % subsystem)


def section(stype, data):
    return size24(4 + len(data)) + bytes([stype]) + data


def pad_to(buf, align, byte):
    return buf + bytes([byte]) * (-len(buf) % align)


def ffs_file(name, ftype, sections):
    # Sections start 4-byte aligned from the start of the file data; the file header
    # is 24 bytes and the file 8-byte aligned, so aligning the running data length
    # suffices.  Padding between sections is part of the file; none after the last.
    data = b""
    for s in sections:
        data = pad_to(data, 4, 0) + s
    size = size24(FFS_HEADER_SIZE + len(data))
    attributes = 0  # no FFS_ATTRIB_CHECKSUM, default (8-byte) data alignment
    # Header checksum over the header with IntegrityCheck.Header, .File and State
    # counted as zero.
    hdr = name.bytes_le + bytes([0, 0, ftype, attributes]) + size + b"\0"
    hsum = (-sum(hdr)) & 0xFF
    state = (FILE_HEADER_CONSTRUCTION | FILE_HEADER_VALID | FILE_DATA_VALID) ^ 0xFF
    hdr = name.bytes_le + bytes([hsum, FFS_FIXED_CHECKSUM, ftype, attributes]) + size + bytes([state])
    assert len(hdr) == FFS_HEADER_SIZE
    return hdr + data


def volume(files):
    block_map_entries = 1
    header_len = 56 + 8 * (block_map_entries + 1)
    body = b""
    for f in files:
        body = pad_to(body, 8, ERASE_BYTE) + f  # header_len is a multiple of 8
    fv_len = header_len + len(body)
    fv_len += -fv_len % BLOCK_SIZE
    nblocks = fv_len // BLOCK_SIZE

    def header(checksum):
        return (b"\0" * 16 + FFS2_GUID.bytes_le +
                struct.pack("<Q4sIHHHBB", fv_len, FVH_SIGNATURE, ATTRIBUTES, header_len,
                            checksum, 0, 0, FVH_REVISION) +
                struct.pack("<IIII", nblocks, BLOCK_SIZE, 0, 0))

    h = header(0)
    assert len(h) == header_len
    words = struct.unpack("<%dH" % (header_len // 2), h)
    h = header((-sum(words)) & 0xFFFF)
    fv = h + body
    return fv + bytes([ERASE_BYTE]) * (fv_len - len(fv))


def main(argv):
    depex = False
    name = "LuksDxe"
    guid = DEFAULT_FILE_GUID
    args = []
    it = iter(argv)
    for a in it:
        if a == "--depex-true":
            depex = True
        elif a == "--name":
            name = next(it, None) or die("--name needs a value")
        elif a == "--file-guid":
            guid = next(it, None) or die("--file-guid needs a value")
        elif a.startswith("-"):
            die("unknown option %s" % a)
        else:
            args.append(a)
    if len(args) != 2:
        die("usage: mkfv.py [--depex-true] [--name NAME] [--file-guid GUID] DRIVER.efi OUT.fv")
    src, out = args
    with open(src, "rb") as f:
        img = f.read()
    check_driver(img)
    try:
        file_guid = uuid.UUID(guid)
    except ValueError:
        die("bad GUID %s" % guid)
    secs = []
    if depex:
        secs.append(section(SECTION_DXE_DEPEX, bytes([DEPEX_TRUE, DEPEX_END])))
    secs.append(section(SECTION_PE32, img))
    secs.append(section(SECTION_USER_INTERFACE, (name + "\0").encode("utf-16-le")))
    fv = volume([ffs_file(file_guid, FV_FILETYPE_DRIVER, secs)])
    with open(out, "wb") as f:
        f.write(fv)


if __name__ == "__main__":
    main(sys.argv[1:])
