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

# Verity records (tag 4) as lukstool mksecret writes them, when it is built: a LUKS2 volume
# whose plaintext holds a veritysetup tree (pin + verity; volume key + verity beside the
# disk passphrase), plaintext media (one read from a device, one given in full without a
# superblock), and a media table with its verity item's hash number made unknown.
lt=${LUKSTOOL:-build/lukstool}
if [ -x "$lt" ] && command -v veritysetup >/dev/null && command -v cryptsetup >/dev/null; then
	t=$(mktemp -d)
	trap 'rm -rf "$t"' EXIT
	uuid=01234567-89ab-4def-8123-456789abcdef
	head -c 65536 /dev/urandom >"$t/d"
	veritysetup format --hash-offset 65536 "$t/d" "$t/d" >"$t/fmt"
	root=$(sed -n 's/^Root hash:[[:space:]]*//p' "$t/fmt")
	truncate -s $(( ($(stat -c %s "$t/d") + 4095) / 4096 * 4096 + 2 * 1024 * 1024 )) "$t/d.luks"
	dd if="$t/d" of="$t/d.luks" conv=notrunc status=none
	printf 'seed passphrase' >"$t/key"
	cryptsetup reencrypt --encrypt --type luks2 --reduce-device-size 2M --uuid "$uuid" --batch-mode \
		--key-file "$t/key" --pbkdf pbkdf2 --pbkdf-force-iterations 1000 "$t/d.luks" >/dev/null 2>&1
	head -c $((64 * 512)) /dev/urandom >"$t/n"
	veritysetup format --no-superblock --hash sha1 --format 0 --data-block-size 512 \
		--hash-block-size 1024 --salt - --hash-offset 32768 "$t/n" "$t/n" >"$t/nfmt"
	nroot=$(sed -n 's/^Root hash:[[:space:]]*//p' "$t/nfmt")
	v=(--verity-root-hash "$root" --verity-hash-offset 65536)
	"$lt" mksecret --image "$t/d.luks" --key-file "$t/key" --pin "${v[@]}" -o "$t/luks" >/dev/null
	"$lt" mksecret --key-file "$t/key" --image "$t/d.luks" --key-file "$t/key" --volume-key \
		"${v[@]}" -o "$t/key-verity" >/dev/null
	"$lt" mksecret --verity-image "$t/d" "${v[@]}" --verity-media --verity-root-hash "$nroot" \
		--verity-no-superblock --verity-hash sha1 --verity-format 0 --verity-data-block-size 512 \
		--verity-hash-block-size 1024 --verity-data-blocks 64 --verity-salt - \
		--verity-hash-offset 32768 -o "$t/media" >/dev/null
	# seed NAME GUIDHEX TABLE [bad]: the volume GUID (EFI order), then the table; bad sets the
	# first verity item's hash number to 9
	seed() {
		python3 - "$out/$1" "$2" "$3" "${4:-}" <<'PY'
import struct, sys
out, guid, table, bad = sys.argv[1], bytes.fromhex(sys.argv[2]), bytearray(open(sys.argv[3], 'rb').read()), sys.argv[4]
if bad:
    off = 20
    while off + 20 <= len(table) and bad != 'done':
        n = struct.unpack_from('<I', table, off + 16)[0]
        d = off + 20
        if table[d:d + 8] == b'\0LDXVOL\x01':
            i = d + 8
            while i + 4 <= off + n:
                tag, _, l = struct.unpack_from('<BBH', table, i)
                if tag == 4:
                    table[i + 5] = 9
                    bad = 'done'
                    break
                i += 4 + l
        off += n
    assert bad == 'done', 'no verity item'
open(out, 'wb').write(guid + table)
PY
	}
	uguid=$(python3 -c 'import uuid, sys; print(uuid.UUID(sys.argv[1]).bytes_le.hex())' "$uuid")
	seed seed-verity-luks "$uguid" "$t/luks"
	seed seed-verity-key "$uguid" "$t/key-verity"
	seed seed-verity-media "${root:0:32}" "$t/media"
	seed seed-verity-bad "${root:0:32}" "$t/media" bad
fi
