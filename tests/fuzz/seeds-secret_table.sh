#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause-Patent
# Seeds for fuzz_secret_table: a volume GUID followed by well-formed secret tables.
set -eu
out=$1
mkdir -p "$out"
vol='\x67\x45\x23\x01\xab\x89\xef\xcd\x10\x32\x54\x76\x98\xba\xdc\xfe'
hdr='\x42\xf5\x74\x1e\xdd\x71\x66\x4d\x96\x3e\xef\x42\x87\xff\x17\x3b'
disk='\xe5\x69\x68\x73\xf0\x84\x73\x49\x92\xec\x06\x87\x9c\xe3\xda\x0b'
printf "$vol$hdr\x5c\0\0\0$vol\x18\0\0\0vol\0$disk\x19\0\0\0disk\0" >"$out/seed-two"
# a deleted entry (null GUID, 3 data bytes), then 4 bytes of padding
printf '\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\x17\0\0\0\0\0\0\0\0\0\0' >>"$out/seed-two"
printf "$vol$hdr\x14\0\0\0" >"$out/seed-empty"
printf "$vol$hdr\x2a\0\0\0$disk\x16\0\0\0pw\0\0\0\0\0\0\0\0\0\0" >"$out/seed-disk-padded"
# per-volume records (secret/volume_secret.h): passphrase "pw" + pin; 16-byte volume key + pin
# + an optional item (tag 0x80)
magic='\0LDXVOL\x01'
pin=$(printf '\\x22%.0s' $(seq 32))
key=$(printf '\\x11%.0s' $(seq 16))
printf "$vol$hdr\x5a\0\0\0$vol\x46\0\0\0$magic\x01\0\x02\0pw\x03\0\x20\0$pin" >"$out/seed-record-pin"
printf "$vol$hdr\x6c\0\0\0$vol\x58\0\0\0$magic\x02\0\x10\0$key\x03\0\x20\0$pin\x80\0\0\0" >"$out/seed-record-key"
