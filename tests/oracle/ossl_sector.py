#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause-Patent
"""Independent dm-crypt sector decryption with the openssl command line, for cross-checks.

  ossl_sector.py [-e] SPEC KEYHEX SECTOR_SIZE IV_FIRST IV_STEP FILE OFFSET COUNT > output

Decrypts (or with -e encrypts) COUNT sectors read from FILE at byte OFFSET.

SPEC: aes-xts-plain64, aes-xts-plain, aes-cbc-plain64, aes-cbc-plain, aes-cbc-essiv:sha256.
Sector i (0-based, COUNT of them at byte OFFSET of FILE) uses IV number
IV_FIRST + i*IV_STEP, as dm-crypt counts them."""
import hashlib
import struct
import subprocess
import sys


def ossl(args, data):
    return subprocess.run(['openssl', 'enc', '-nopad'] + args, input=data,
                          stdout=subprocess.PIPE, check=True).stdout


def xts(enc, key, iv, data):
    """IEEE 1619 XTS over one sector, AES itself from openssl (its enc has no XTS)."""
    h = len(key) // 2
    k1, k2 = key[:h].hex(), key[h:].hex()
    ecb = '-aes-%d-ecb' % (h * 8)
    t = int.from_bytes(ossl(['-e', ecb, '-K', k2], iv), 'little')
    tweaks = []
    for _ in range(len(data) // 16):
        tweaks.append(t.to_bytes(16, 'little'))
        t <<= 1
        if t >> 128:
            t = (t & ((1 << 128) - 1)) ^ 0x87
    x = bytes(a ^ b for a, b in zip(data, b''.join(tweaks)))
    y = ossl(['-e' if enc else '-d', ecb, '-K', k1], x)
    return bytes(a ^ b for a, b in zip(y, b''.join(tweaks)))


def main():
    args = sys.argv[1:]
    enc = args[0] == '-e'
    if enc:
        args = args[1:]
    spec, keyhex, ss, first, step, path, off, count = args[:8]
    key = bytes.fromhex(keyhex)
    ss, first, step, off, count = int(ss), int(first), int(step), int(off), int(count)
    cipher, mode, ivgen = spec.split('-', 2)
    assert cipher == 'aes'
    bits = len(key) * 8 // (2 if mode == 'xts' else 1)
    with open(path, 'rb') as f:
        f.seek(off)
        data = f.read(ss * count)
    out = bytearray()
    for i in range(count):
        n = first + i * step
        if ivgen == 'plain':
            n &= 0xffffffff
        if ivgen in ('plain64', 'plain'):
            iv = struct.pack('<Q', n) + bytes(8)
        elif ivgen == 'essiv:sha256':
            salt = hashlib.sha256(key).digest()
            iv = ossl(['-aes-256-ecb', '-K', salt.hex()], struct.pack('<Q', n) + bytes(8))
        else:
            sys.exit('unsupported ivgen ' + ivgen)
        if mode == 'xts':
            out += xts(enc, key, iv, data[i * ss:(i + 1) * ss])
            continue
        out += ossl(['-e' if enc else '-d', '-aes-%d-%s' % (bits, mode), '-K', keyhex, '-iv', iv.hex()],
                    data[i * ss:(i + 1) * ss])
    sys.stdout.buffer.write(bytes(out))


if __name__ == '__main__':
    main()
