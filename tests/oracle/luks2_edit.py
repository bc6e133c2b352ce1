#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause-Patent
"""Rewrites the JSON metadata of a LUKS2 image made by cryptsetup and re-seals the header
checksums, so that tests can present hostile-but-well-sealed metadata.  Standard library
only; the binary layout is the one in cryptsetup's docs/on-disk-format-luks2.pdf.

  luks2_edit.py IMG [--copy both|primary|secondary] (--expr PY | --raw TEXT)
      --expr: Python statements run with j bound to the parsed JSON (edit it in place)
      --raw:  the exact JSON text to store (may be malformed on purpose)
  luks2_edit.py IMG --reseal    recompute both checksums only
"""
import argparse
import hashlib
import json
import struct
import sys


def copies(f):
    f.seek(0)
    b = f.read(4096)
    size = struct.unpack('>Q', b[8:16])[0]
    return size, [0, size]


def reseal(f, off, size):
    f.seek(off)
    blob = bytearray(f.read(size))
    alg = blob[72:104].split(b'\0')[0].decode()
    blob[448:512] = bytes(64)
    h = hashlib.new(alg, bytes(blob)).digest()
    f.seek(off + 448)
    f.write(h + bytes(64 - len(h)))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('img')
    ap.add_argument('--copy', default='both', choices=['both', 'primary', 'secondary'])
    ap.add_argument('--expr')
    ap.add_argument('--raw')
    ap.add_argument('--reseal', action='store_true')
    a = ap.parse_args()
    with open(a.img, 'r+b') as f:
        size, offs = copies(f)
        sel = {'both': offs, 'primary': offs[:1], 'secondary': offs[1:]}[a.copy]
        for off in sel:
            if not a.reseal:
                f.seek(off + 4096)
                area = f.read(size - 4096)
                if a.raw is not None:
                    text = a.raw.encode()
                else:
                    j = json.loads(area.rstrip(b'\0').decode())
                    exec(a.expr, {'j': j, 'json': json})
                    text = json.dumps(j, separators=(',', ':')).encode()
                if len(text) > len(area):
                    sys.exit('JSON does not fit')
                f.seek(off + 4096)
                f.write(text + bytes(len(area) - len(text)))
            reseal(f, off, size)


if __name__ == '__main__':
    main()
