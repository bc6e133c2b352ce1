#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause-Patent
"""Gives a LUKS2 keyslot or digest of a cryptsetup-made image a salt of another length,
re-deriving what depends on it, so that the result is a volume another LUKS2 writer could
have made (cryptsetup itself always writes 32-byte salts).  Python's hashlib and the
`cryptography` package (OpenSSL) do the work; then luks2_edit.py-style resealing.

  luks2_resalt.py IMG --passphrase-file PW --keyslot N --salt-len L
      pbkdf2 keyslot N with an aes-xts-plain64 area: its key material is decrypted with
      the area key from the old salt and re-encrypted with the one from a new L-byte salt
  luks2_resalt.py IMG --volume-key HEX --digest N --salt-len L
      digest N gets a new L-byte salt and the value PBKDF2 gives for the volume key
"""
import argparse
import base64
import hashlib
import json
import os
import struct

from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes


def xts(key, data, encrypt):
    out = bytearray()
    for s in range(len(data) // 512):
        c = Cipher(algorithms.AES(key), modes.XTS(struct.pack('<QQ', s, 0)))
        op = c.encryptor() if encrypt else c.decryptor()
        out += op.update(data[s * 512:(s + 1) * 512]) + op.finalize()
    return bytes(out)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('img')
    ap.add_argument('--passphrase-file')
    ap.add_argument('--keyslot')
    ap.add_argument('--volume-key')
    ap.add_argument('--digest')
    ap.add_argument('--salt-len', type=int, required=True)
    a = ap.parse_args()
    salt = os.urandom(a.salt_len)
    with open(a.img, 'r+b') as f:
        size = struct.unpack('>Q', f.read(16)[8:16])[0]
        f.seek(4096)
        j = json.loads(f.read(size - 4096).rstrip(b'\0').decode())
        if a.keyslot is not None:
            ks = j['keyslots'][a.keyslot]
            kdf, area = ks['kdf'], ks['area']
            assert kdf['type'] == 'pbkdf2' and area['encryption'] == 'aes-xts-plain64'
            pw = open(a.passphrase_file, 'rb').read()
            off, n = int(area['offset']), ks['key_size'] * 4000
            n = (n + 511) // 512 * 512
            old = hashlib.pbkdf2_hmac(kdf['hash'], pw, base64.b64decode(kdf['salt']),
                                      kdf['iterations'], area['key_size'])
            new = hashlib.pbkdf2_hmac(kdf['hash'], pw, salt, kdf['iterations'],
                                      area['key_size'])
            f.seek(off)
            plain = xts(old, f.read(n), False)
            f.seek(off)
            f.write(xts(new, plain, True))
            kdf['salt'] = base64.b64encode(salt).decode()
        else:
            d = j['digests'][a.digest]
            vk = bytes.fromhex(a.volume_key)
            dlen = len(base64.b64decode(d['digest']))
            d['salt'] = base64.b64encode(salt).decode()
            d['digest'] = base64.b64encode(hashlib.pbkdf2_hmac(
                d['hash'], vk, salt, d['iterations'], dlen)).decode()
        text = json.dumps(j, separators=(',', ':')).encode()
        for off in (0, size):
            f.seek(off + 4096)
            f.write(text + bytes(size - 4096 - len(text)))
            f.seek(off)
            blob = bytearray(f.read(size))
            alg = blob[72:104].split(b'\0')[0].decode()
            blob[448:512] = bytes(64)
            f.seek(off + 448)
            h = hashlib.new(alg, bytes(blob)).digest()
            f.write(h + bytes(64 - len(h)))


if __name__ == '__main__':
    main()
