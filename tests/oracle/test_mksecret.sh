#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause-Patent
# Oracle test for `lukstool mksecret`: the table is parsed back by an independent parser
# written here in Python from the published layout (OVMF AmdSev / Linux efi_secret):
#   header { GUID 1e74f542-71dd-4d66-963e-ef4287ff173b; u32 len_total }
#   entry  { GUID; u32 len = 20 + data; data }      little-endian, packed,
# GUIDs in EFI byte order (Python's uuid.UUID(bytes_le=...)).  The checks mirror what Linux's
# efi_secret requires: len_total within the file, every entry inside len_total, at most 64
# entries; plus what SEV injection requires (size a multiple of 16) and what the tool
# promises (passphrases NUL-terminated, raw entries verbatim, file mode 0600).
. "$(dirname "$0")/tap_lib.sh"
tap_workdir mksecret
[ -x "$LUKSTOOL" ] || bail "$LUKSTOOL missing (run make)"

cat >"$work/parse.py" <<'PY'
# parse.py TABLE: prints "GUID HEX-OF-DATA" per entry, exits non-zero on any violation.
import struct, sys, uuid
HDR = uuid.UUID('1e74f542-71dd-4d66-963e-ef4287ff173b')
buf = open(sys.argv[1], 'rb').read()
def die(msg):
    sys.exit('parse.py: ' + msg)
if len(buf) < 20 or len(buf) % 16:
    die('size %d is not a multiple of 16 or too short' % len(buf))
g, total = struct.unpack_from('<16sI', buf, 0)
if uuid.UUID(bytes_le=g) != HDR:
    die('bad header GUID %s' % uuid.UUID(bytes_le=g))
if total < 20 or total > len(buf):
    die('len_total %d outside the file (%d bytes)' % (total, len(buf)))
if len(buf) - total >= 16:
    die('padding of %d bytes is more than needed' % (len(buf) - total))
if any(buf[total:]):
    die('padding is not zero')
off, count = 20, 0
while total - off >= 20:
    g, l = struct.unpack_from('<16sI', buf, off)
    if l < 20 or l > total - off:
        die('entry at %d has bad length %d' % (off, l))
    count += 1
    if count > 64:
        die('more than 64 entries')
    print(uuid.UUID(bytes_le=g), buf[off + 20:off + l].hex())
    off += l
if any(buf[off:total]):
    die('non-zero bytes after the last entry')
PY

hex() { od -An -v -tx1 "$1" | tr -d ' \n'; }
printf 'generic passphrase %s' "$RANDOM" >"$work/generic"
printf 'volume one %s' "$RANDOM" >"$work/v1"
printf 'volume two, longer passphrase %s%s\n' "$RANDOM" "$RANDOM" >"$work/v2"  # trailing newline kept
head -c 37 /dev/urandom | tr '\0' 'x' >"$work/raw"; printf '\0\0' >>"$work/raw"  # raw may hold NULs
u1=6a7b8c9d-0e1f-4a2b-8c3d-4e5f60718293
u2=F0E1D2C3-B4A5-4697-8879-6A5B4C3D2E1F   # upper case accepted, written lower case
u3=01234567-89ab-cdef-0123-456789abcdef

"$LUKSTOOL" mksecret --key-file "$work/generic" --volume "$u1" --key-file "$work/v1" \
	--volume "$u2" --key-file "$work/v2" --entry "$u3:$work/raw" -o "$work/s.bin" >"$work/out" 2>&1
ok $? "mksecret writes a table with four entries"
sed 's/^/# /' "$work/out"
python3 "$work/parse.py" "$work/s.bin" >"$work/parsed" 2>"$work/parse.err"
ok $? "the independent parser accepts it (header, lengths, padding)"
cat "$work/parse.err" | sed 's/^/# /'
expect=$(printf '%s %s00\n%s %s00\n%s %s00\n%s %s\n' \
	736869e5-84f0-4973-92ec-06879ce3da0b "$(hex "$work/generic")" \
	"$u1" "$(hex "$work/v1")" \
	"$(echo "$u2" | tr A-F a-f)" "$(hex "$work/v2")" \
	"$u3" "$(hex "$work/raw")")
[ "$(cat "$work/parsed")" = "$expect" ]
ok $? "entries: disk-passphrase GUID, per-volume UUIDs, raw entry; passphrases NUL-terminated"
[ "$(stat -c %a "$work/s.bin")" = 600 ]
ok $? "the secret file is readable by its owner only"
head -c 16 "$work/s.bin" | od -An -tx1 | tr -d ' \n' | grep -qx '42f5741edd71664d963eef4287ff173b'
ok $? "the header GUID is stored in EFI byte order (42 f5 74 1e ...)"
# --passphrase-file is the older name of --key-file: the same table
"$LUKSTOOL" mksecret --passphrase-file "$work/generic" --volume "$u1" --passphrase-file "$work/v1" \
	--volume "$u2" --key-file "$work/v2" --entry "$u3:$work/raw" -o "$work/s-alias.bin" >/dev/null 2>&1 &&
	cmp -s "$work/s.bin" "$work/s-alias.bin" &&
	"$LUKSTOOL" mksecret --help | grep -q -- '--passphrase-file FILE is another name for --key-file'
ok $? "--passphrase-file, the documented alias of --key-file, writes the same table"

# Padding to 16 for a table whose natural size is not a multiple of 16.
printf 'abc' >"$work/short"
"$LUKSTOOL" mksecret --key-file "$work/short" -o "$work/p.bin" >/dev/null 2>&1 &&
	[ "$(stat -c %s "$work/p.bin")" -eq 48 ] && python3 "$work/parse.py" "$work/p.bin" >/dev/null
ok $? "a 44-byte table is padded to 48 bytes and still parses"

# Refusals: each must fail and leave no output file.
refuse() { # DESCRIPTION ARGS...
	local d=$1; shift
	rm -f "$work/r.bin"
	! "$LUKSTOOL" mksecret "$@" -o "$work/r.bin" >/dev/null 2>"$work/r.err" && [ ! -e "$work/r.bin" ] &&
		[ -s "$work/r.err" ]
	ok $? "refused with a message: $d"
}
printf 'a\0b' >"$work/nul"
: >"$work/empty"
refuse "passphrase containing NUL" --key-file "$work/nul"
refuse "empty passphrase" --key-file "$work/empty"
refuse "malformed UUID" --volume 1234 --key-file "$work/v1"
refuse "--volume without a passphrase" --volume "$u1"
refuse "the same GUID twice" --volume "$u1" --key-file "$work/v1" --entry "$u1:$work/raw"
refuse "missing file" --key-file "$work/nonexistent"
refuse "no entries at all"
sum=$(sha256sum <"$work/s.bin")
! "$LUKSTOOL" mksecret --key-file "$work/generic" -o "$work/s.bin" >/dev/null 2>&1 &&
	[ "$(sha256sum <"$work/s.bin")" = "$sum" ]
ok $? "an existing output is refused without --force"
"$LUKSTOOL" mksecret --force --key-file "$work/generic" -o "$work/s.bin" >/dev/null 2>&1 &&
	[ "$(python3 "$work/parse.py" "$work/s.bin" | wc -l)" -eq 1 ]
ok $? "--force replaces it"


# ---- --image: entries computed from the owner's image ---------------------------------
# Images made by cryptsetup; the expected bytes are built here in Python from the volume key
# that cryptsetup itself prints, the pin from hashlib (SHA-256 of the published domain
# string, its NUL, then the key), never from lukstool's output.
command -v cryptsetup >/dev/null || bail "cryptsetup missing"
command -v sgdisk >/dev/null || bail "sgdisk missing"
PB="--pbkdf pbkdf2 --pbkdf-force-iterations 1000"
. "$top/tests/tool_facts.sh" # cs_vk: cryptsetup's volume key, lowercase hex
cat >"$work/record.py" <<'PY'
# record.py MODE KEYFILE VKHEX [VERITYHEX]: prints the hex of the entry data lukstool must
# write for MODE (plain | pin | vkey | media), built from the published record layout;
# VERITYHEX (vitem.py's) adds the verity item (tag 4) after the others, and makes plain a
# record.  media: the verity item alone (KEYFILE and VKHEX are not read: give -).
import hashlib, struct, sys
mode, kf, vkhex = sys.argv[1], sys.argv[2], sys.argv[3]
ver = bytes.fromhex(sys.argv[4]) if len(sys.argv) > 4 else None
item = lambda tag, v: struct.pack('<BBH', tag, 0, len(v)) + v
magic = b'\0LDXVOL\x01'
if mode == 'media':
    assert ver is not None, 'media needs a verity item'
    print((magic + item(4, ver)).hex())
    sys.exit(0)
key, vk = open(kf, 'rb').read(), bytes.fromhex(vkhex)
assert 16 <= len(vk) <= 64, 'cryptsetup printed no usable volume key'
pin = hashlib.sha256(b'LuksDxe volume pin v1\0' + vk).digest()
tail = item(4, ver) if ver is not None else b''
if mode == 'plain' and ver is None:
    out = key + b'\0'
elif mode == 'plain':
    out = magic + item(1, key) + tail
elif mode == 'pin':
    out = magic + item(1, key) + item(3, pin) + tail
else:
    out = magic + item(2, vk) + item(3, pin) + tail
print(out.hex())
PY
cat >"$work/items.py" <<'PY'
# items.py HEX: walks one record independently of lukstool and prints "tag len" per item,
# for the verity item (tag 4) followed by its fields decoded from the published layout:
#   "4 len format=F hash=ALG flags=N dbs=N hbs=N blocks=N offset=N salt=HEX|- root=HEX"
# exits non-zero on a bad magic, a nonzero reserved byte, a length past the end, or a
# verity item whose length is not its fixed part + salt + the digest.
import struct, sys
d = bytes.fromhex(sys.argv[1])
if d[:8] != b'\x00LDXVOL\x01':
    sys.exit('items.py: bad magic %s' % d[:8].hex())
def verity(v):
    if len(v) < 30:
        sys.exit('items.py: verity item of %d bytes' % len(v))
    fmt, h, flags, z, dbs, hbs, blocks, off, ns = struct.unpack_from('<BBBBIIQQH', v, 0)
    alg, dlen = {1: ('sha1', 20), 2: ('sha256', 32), 3: ('sha512', 64)}[h]
    if z or len(v) != 30 + ns + dlen:
        sys.exit('items.py: verity item: reserved byte %d, %d bytes for a %d-byte salt' % (z, len(v), ns))
    salt, root = v[30:30 + ns], v[30 + ns:]
    return 'format=%d hash=%s flags=%d dbs=%d hbs=%d blocks=%d offset=%d salt=%s root=%s' % (
        fmt, alg, flags, dbs, hbs, blocks, off, salt.hex() or '-', root.hex())
off = 8
while off < len(d):
    if len(d) - off < 4:
        sys.exit('items.py: truncated item header')
    tag, z, l = struct.unpack_from('<BBH', d, off)
    if z or l > len(d) - off - 4:
        sys.exit('items.py: bad item at %d' % off)
    if tag == 4:
        print(tag, l, verity(d[off + 4:off + 4 + l]))
    else:
        print(tag, l)
    off += 4 + l
PY
# entry_of TABLE UUID: hex of the data of the entry with that GUID (empty if none)
entry_of() { python3 "$work/parse.py" "$1" | awk -v g="$2" '$1 == g { print $2 }'; }

uA=11111111-2222-4333-8444-555555555555
uB=66666666-7777-4888-9999-aaaaaaaaaaaa
printf 'image passphrase %s' "$RANDOM" >"$work/ka"
printf 'second image %s\n' "$RANDOM" >"$work/kb"
truncate -s 20M "$work/a.img" "$work/b.img" "$work/c.img"
# a: plain LUKS2 image, aes-xts 512-bit key (64 bytes)
cryptsetup luksFormat -q --type luks2 $PB --key-file "$work/ka" --uuid "$uA" "$work/a.img" >/dev/null 2>&1 ||
	bail "cryptsetup luksFormat failed"
# b: LUKS2 with a 256-bit key (32 bytes) as partition 2 of a GPT disk
cryptsetup luksFormat -q --type luks2 $PB --key-size 256 --key-file "$work/kb" --uuid "$uB" \
	"$work/b.img" >/dev/null 2>&1 || bail "cryptsetup luksFormat failed"
truncate -s 48M "$work/disk.img"
sgdisk -n 1:2048:+8M -t 1:8300 -n 2:0:+20M -t 2:8309 "$work/disk.img" >/dev/null || bail "sgdisk failed"
p2=$(sgdisk_sector "$work/disk.img" 2 First)
dd if="$work/b.img" of="$work/disk.img" bs=512 seek="$p2" conv=notrunc status=none || bail "dd failed"
# c: detached header (the same passphrase as a: only the pin tells them apart)
cryptsetup luksFormat -q --type luks2 $PB --key-file "$work/ka" --header "$work/c.hdr" \
	"$work/c.img" >/dev/null 2>&1 || bail "cryptsetup luksFormat (detached header) failed"
uC=$(cryptsetup luksUUID "$work/c.hdr")
vkA=$(cs_vk "$work/a.img" "$work/ka")
vkB=$(cs_vk "$work/b.img" "$work/kb")
vkC=$(cs_vk "$work/c.img" "$work/ka" --header "$work/c.hdr")
[ ${#vkA} -eq 128 ] && [ ${#vkB} -eq 64 ] && [ ${#vkC} -eq 128 ]
ok $? "cryptsetup printed the volume keys of the three images (64, 32, 64 bytes)"

"$LUKSTOOL" mksecret --key-file "$work/generic" \
	--image "$work/a.img" --key-file "$work/ka" --pin \
	--image "$work/disk.img" --partition 2 --key-file "$work/kb" --volume-key \
	--image "$work/c.img" --header "$work/c.hdr" --key-file "$work/ka" \
	--entry "$u3:$work/raw" -o "$work/img.bin" >"$work/out" 2>&1
ok $? "mksecret --image: a pinned passphrase, a volume key from a GPT partition, a detached header"
sed 's/^/# /' "$work/out"
python3 "$work/parse.py" "$work/img.bin" >"$work/parsed" 2>"$work/parse.err"
ok $? "the independent parser accepts the table"
cut -d' ' -f1 "$work/parsed" | tr '\n' ' ' | grep -qx "736869e5-84f0-4973-92ec-06879ce3da0b $uA $uB $uC $u3 "
ok $? "entries in command-line order, each --image keyed by its volume's UUID"
[ "$(entry_of "$work/img.bin" "$uA")" = "$(python3 "$work/record.py" pin "$work/ka" "$vkA")" ]
ok $? "--pin: record = magic, passphrase item, pin of cryptsetup's volume key, byte for byte"
[ "$(entry_of "$work/img.bin" "$uB")" = "$(python3 "$work/record.py" vkey "$work/kb" "$vkB")" ]
ok $? "--volume-key: record = magic, cryptsetup's 32-byte volume key, its pin, byte for byte"
[ "$(entry_of "$work/img.bin" "$uC")" = "$(python3 "$work/record.py" plain "$work/ka" "$vkC")" ]
ok $? "--image alone: the passphrase NUL-terminated, as --volume stores it (detached header's UUID)"
[ "$(python3 "$work/items.py" "$(entry_of "$work/img.bin" "$uA")" | tr '\n' ' ')" = \
  "1 $(stat -c %s "$work/ka") 3 32 " ] &&
[ "$(python3 "$work/items.py" "$(entry_of "$work/img.bin" "$uB")" | tr '\n' ' ')" = "2 32 3 32 " ]
ok $? "item tags and lengths: (1, passphrase) (3, 32) and (2, 32) (3, 32); reserved bytes zero"
python3 -c 'import sys; open(sys.argv[2], "wb").write(bytes.fromhex(sys.argv[1])[12:44])' \
	"$(entry_of "$work/img.bin" "$uB")" "$work/vkB.bin"
cryptsetup open --test-passphrase --header "$work/b.img" --volume-key-file "$work/vkB.bin" \
	"$work/b.img" >/dev/null 2>&1
ok $? "cryptsetup accepts the record's volume key (open --test-passphrase --volume-key-file)"

# The pin is what tells two volumes with the same passphrase apart.
"$LUKSTOOL" mksecret --image "$work/c.img" --header "$work/c.hdr" --key-file "$work/ka" --volume-key \
	-o "$work/c.bin" >/dev/null 2>&1 &&
	[ "$(entry_of "$work/c.bin" "$uC")" = "$(python3 "$work/record.py" vkey "$work/ka" "$vkC")" ] &&
	[ "$(entry_of "$work/c.bin" "$uC" | tail -c 65)" != "$(entry_of "$work/img.bin" "$uA" | tail -c 65)" ]
ok $? "--volume-key with a detached header: 64-byte key; the pin differs from a's (same passphrase)"
# Automatic partition choice on a GPT disk (the first LUKS partition is 2).
"$LUKSTOOL" mksecret --image "$work/disk.img" --key-file "$work/kb" --pin -o "$work/d.bin" >/dev/null 2>&1 &&
	[ "$(entry_of "$work/d.bin" "$uB")" = "$(python3 "$work/record.py" pin "$work/kb" "$vkB")" ]
ok $? "--image of a whole GPT disk uses its LUKS partition"
# A binary key file: fine for --volume-key (never stored), refused where it would be stored.
head -c 64 /dev/urandom >"$work/kbin"; printf '\0' >>"$work/kbin"
cryptsetup luksAddKey -q $PB --key-file "$work/ka" "$work/a.img" "$work/kbin" >/dev/null 2>&1 ||
	bail "cryptsetup luksAddKey failed"
"$LUKSTOOL" mksecret --image "$work/a.img" --key-file "$work/kbin" --volume-key -o "$work/e.bin" \
	>/dev/null 2>&1 &&
	[ "$(entry_of "$work/e.bin" "$uA")" = "$(python3 "$work/record.py" vkey "$work/kbin" "$vkA")" ]
ok $? "--volume-key with a binary key file (second keyslot) gives the same volume key"

# LUKS1: the same records (cryptsetup's LUKS1 volume key, 32 bytes here).
truncate -s 8M "$work/l1.img"
cryptsetup luksFormat -q --type luks1 --pbkdf-force-iterations 1000 --key-size 256 --key-file "$work/ka" \
	"$work/l1.img" >/dev/null 2>&1 || bail "cryptsetup luksFormat --type luks1 failed"
uL=$(cryptsetup luksUUID "$work/l1.img")
vkL=$(cs_vk "$work/l1.img" "$work/ka")
"$LUKSTOOL" mksecret --image "$work/l1.img" --key-file "$work/ka" --volume-key -o "$work/l1.bin" >/dev/null 2>&1 &&
	[ ${#vkL} -eq 64 ] &&
	[ "$(entry_of "$work/l1.bin" "$uL")" = "$(python3 "$work/record.py" vkey "$work/ka" "$vkL")" ]
ok $? "--volume-key on a LUKS1 image: cryptsetup's volume key and its pin"

# Refusals with an image: each fails with a message and leaves no output.
refuse_img() { # DESCRIPTION PATTERN ARGS...
	local d=$1 pat=$2; shift 2
	rm -f "$work/r.bin"
	! "$LUKSTOOL" mksecret "$@" -o "$work/r.bin" >/dev/null 2>"$work/r.err" && [ ! -e "$work/r.bin" ] &&
		grep -q -- "$pat" "$work/r.err"
	ok $? "refused with a message: $d"
	sed 's/^/#   /' "$work/r.err"
}
printf 'not the passphrase' >"$work/wrong"
refuse_img "wrong key file" "does not unlock" --image "$work/a.img" --key-file "$work/wrong" --pin
"$LUKSTOOL" mksecret --image "$work/a.img" --key-file "$work/wrong" -o "$work/r.bin" >/dev/null 2>&1
[ $? -eq 4 ] && [ ! -e "$work/r.bin" ]
ok $? "wrong key file: exit status 4 (no keyslot accepts the key), no output"
refuse_img "--pin with nothing to pin" "give --image" --key-file "$work/generic" --pin
refuse_img "--volume-key with no image" "give --image" --volume "$u1" --key-file "$work/v1" --volume-key
refuse_img "two disk passphrases (--key-file twice, no image)" "given twice" --key-file "$work/ka" \
	--key-file "$work/generic"
refuse_img "--key-file after a complete --image group" "goes before the --image" --image "$work/a.img" \
	--key-file "$work/ka" --pin --key-file "$work/generic"
refuse_img "--image without --key-file" "no --key-file" --image "$work/a.img" --pin
refuse_img "--pin and --volume-key both" "exclude each other" --image "$work/a.img" --key-file "$work/ka" \
	--pin --volume-key
refuse_img "--key-file twice" "twice" --image "$work/a.img" --key-file "$work/ka" --key-file "$work/ka"
refuse_img "--partition 0" "bad partition" --image "$work/disk.img" --partition 0 --key-file "$work/kb"
refuse_img "a partition that does not exist" "no partition 7" --image "$work/disk.img" --partition 7 \
	--key-file "$work/kb"
refuse_img "an image that is not LUKS" "raw" --image "$work/raw" --key-file "$work/ka"
refuse_img "a binary key file with --pin" "NUL" --image "$work/a.img" --key-file "$work/kbin" --pin
refuse_img "a binary key file as the passphrase" "NUL" --image "$work/a.img" --key-file "$work/kbin"
head -c 600 /dev/urandom | base64 -w0 | head -c 513 >"$work/klong"
cryptsetup luksAddKey -q $PB --key-file "$work/ka" "$work/a.img" "$work/klong" >/dev/null 2>&1 ||
	bail "cryptsetup luksAddKey failed"
refuse_img "a 513-byte passphrase in a record" "512 bytes" --image "$work/a.img" --key-file "$work/klong" --pin
refuse_img "an image's UUID twice" "given twice" --image "$work/a.img" --key-file "$work/ka" \
	--volume "$uA" --key-file "$work/v1"
refuse_img "--volume followed by --image" "followed by --key-file" --volume "$u1" \
	--image "$work/a.img" --key-file "$work/ka"
touch "$work/exists"
# With a wrong key file too: the message names --force, so the check came before the unlock.
! "$LUKSTOOL" mksecret --image "$work/a.img" --key-file "$work/wrong" -o "$work/exists" >/dev/null 2>"$work/r.err" &&
	[ ! -s "$work/exists" ] && grep -q -- "--force" "$work/r.err" && ! grep -q "does not unlock" "$work/r.err"
ok $? "an existing output is refused before the volume is unlocked"

# The AmdSev area is 3 KiB: larger tables are written, with a warning.
head -c 3100 /dev/urandom >"$work/big"
"$LUKSTOOL" mksecret --image "$work/a.img" --key-file "$work/ka" --volume-key --entry "$u3:$work/big" \
	-o "$work/big.bin" >/dev/null 2>"$work/r.err" && grep -q "3072-byte secret area" "$work/r.err" &&
	python3 "$work/parse.py" "$work/big.bin" >/dev/null
ok $? "a table larger than 3 KiB is written with a warning"
"$LUKSTOOL" mksecret --help | grep -q -- "--volume-key" && "$LUKSTOOL" mksecret --help | grep -q "LDXVOL\|'L' 'D' 'X'"
ok $? "--help documents --image, --pin, --volume-key and the record format"

# ---- dm-verity: the verity item (tag 4) ---------------------------------------------------
# Trees made by veritysetup, volumes by cryptsetup.  The expected item is built by vitem.py
# from the published layout and the values veritysetup printed, the record around it by
# record.py with cryptsetup's volume key; items.py decodes what lukstool wrote, field by
# field, for comparison with veritysetup dump.
command -v veritysetup >/dev/null || bail "veritysetup missing (Debian's cryptsetup-bin)"
cat >"$work/vitem.py" <<'PY'
# vitem.py FORMAT HASH DBS HBS BLOCKS OFFSET NOSB SALTHEX|- ROOTHEX: hex of the verity item's
# value: u8 format, u8 hash (1 sha1, 2 sha256, 3 sha512), u8 flags (bit 0 no superblock),
# u8 0, u32 dbs, u32 hbs, u64 blocks, u64 offset, u16 salt size, salt, root (little-endian)
import struct, sys
fmt, alg, dbs, hbs, blocks, off, nosb, salt, root = sys.argv[1:10]
hid, dlen = {'sha1': (1, 20), 'sha256': (2, 32), 'sha512': (3, 64)}[alg]
salt = b'' if salt == '-' else bytes.fromhex(salt)
root = bytes.fromhex(root)
assert len(root) == dlen, 'veritysetup printed a %d-byte root hash for %s' % (len(root), alg)
print((struct.pack('<BBBBIIQQH', int(fmt), hid, int(nosb), 0, int(dbs), int(hbs), int(blocks),
                   int(off), len(salt)) + salt + root).hex())
PY
# vs_field FILE NAME: a field of veritysetup format/dump output ("Root hash:\tHEX")
vs_field() { awk -F'\t' -v k="$2:" '$1 ~ "^" k { gsub(/^[ \t]+|[ \t]+$/, "", $2); print $2 }' "$1"; }
# media_guid ROOTHEX: the entry GUID of plaintext media, its first 16 bytes in EFI byte order
media_guid() { python3 -c 'import sys, uuid; print(uuid.UUID(bytes_le=bytes.fromhex(sys.argv[1])[:16]))' "$1"; }

# V: 300 data blocks of 4096 bytes, the superblock and sha256 tree after them (offset
# 1228800), as the plaintext of a LUKS2 volume with an attached header (reencrypt
# --reduce-device-size, as tests/shim/mkverity.sh does) and, plain, as partition 2 of a disk.
voff=$((300 * 4096))
head -c "$voff" /dev/urandom >"$work/v.plain"
veritysetup format --hash-offset "$voff" "$work/v.plain" "$work/v.plain" >"$work/v.fmt" 2>&1 ||
	bail "veritysetup format failed"
veritysetup dump --hash-offset "$voff" "$work/v.plain" >"$work/v.dump" 2>&1 || bail "veritysetup dump failed"
rootV=$(vs_field "$work/v.fmt" "Root hash") saltV=$(vs_field "$work/v.fmt" Salt)
if [ ${#rootV} -ne 64 ] || [ ${#saltV} -ne 64 ]; then bail "veritysetup printed no root hash or salt"; fi
truncate -s $(( ($(stat -c %s "$work/v.plain") + 4095) / 4096 * 4096 )) "$work/v.plain"
uV=2b3c4d5e-6f70-4182-93a4-b5c6d7e8f901
printf 'verity volume %s' "$RANDOM" >"$work/kv"
cp "$work/v.plain" "$work/v.img"
truncate -s $(( $(stat -c %s "$work/v.plain") + 2 * 1024 * 1024 )) "$work/v.img"
# shellcheck disable=SC2086 # $PB is several options
cryptsetup reencrypt --encrypt --type luks2 --reduce-device-size 2M --uuid "$uV" --batch-mode \
	--key-file "$work/kv" $PB --sector-size 4096 "$work/v.img" >/dev/null 2>&1 ||
	bail "cryptsetup reencrypt --encrypt failed"
vkV=$(cs_vk "$work/v.img" "$work/kv")
truncate -s 8M "$work/vdisk.img"
sgdisk -n 1:2048:+1M -t 1:8300 -n 2:0:+3M -t 2:8300 "$work/vdisk.img" >/dev/null || bail "sgdisk failed"
dd if="$work/v.plain" of="$work/vdisk.img" bs=512 seek="$(sgdisk_sector "$work/vdisk.img" 2 First)" \
	conv=notrunc status=none || bail "dd failed"
# N: no superblock, sha1, format 0, 512-byte data and 1024-byte hash blocks, no salt, the
# tree at 65536 after 100 data blocks, for media without a device
noff=65536
head -c $((100 * 512)) /dev/urandom >"$work/n.plain"
veritysetup format --no-superblock --hash sha1 --format 0 --data-block-size 512 --hash-block-size 1024 \
	--salt - --hash-offset "$noff" "$work/n.plain" "$work/n.plain" >"$work/n.fmt" 2>&1 ||
	bail "veritysetup format --no-superblock failed"
rootN=$(vs_field "$work/n.fmt" "Root hash")
[ ${#rootN} -eq 40 ] || bail "veritysetup printed no sha1 root hash"
itemV=$(python3 "$work/vitem.py" 1 sha256 4096 4096 300 "$voff" 0 "$saltV" "$rootV")
itemN=$(python3 "$work/vitem.py" 0 sha1 512 1024 100 "$noff" 1 - "$rootN")
gV=$(media_guid "$rootV") gN=$(media_guid "$rootN")

"$LUKSTOOL" mksecret --image "$work/v.img" --key-file "$work/kv" --pin \
	--verity-root-hash "$rootV" --verity-hash-offset "$voff" \
	--image "$work/a.img" --key-file "$work/ka" --volume-key \
	--verity-image "$work/vdisk.img" --partition 2 --verity-hash-offset "$voff" --verity-root-hash "$rootV" \
	--verity-media --verity-root-hash "$rootN" --verity-no-superblock --verity-hash sha1 --verity-format 0 \
	--verity-data-block-size 512 --verity-hash-block-size 1024 --verity-data-blocks 100 \
	--verity-salt - --verity-hash-offset "$noff" \
	-o "$work/v.bin" >"$work/out" 2>&1
ok $? "mksecret: a LUKS volume with its tree, a volume without, media on a partition, media without a device"
sed 's/^/# /' "$work/out"
python3 "$work/parse.py" "$work/v.bin" >"$work/parsed" 2>"$work/parse.err"
ok $? "the independent parser accepts the table"
cut -d' ' -f1 "$work/parsed" | tr '\n' ' ' | grep -qx "$uV $uA $gV $gN "
ok $? "entries: the volume's UUID, then each medium named by its root hash's first 16 bytes (EFI order)"
[ "$(entry_of "$work/v.bin" "$uV")" = "$(python3 "$work/record.py" pin "$work/kv" "$vkV" "$itemV")" ]
ok $? "--image --pin with the tree: magic, passphrase, pin, verity item, byte for byte"
[ "$(entry_of "$work/v.bin" "$uA")" = "$(python3 "$work/record.py" vkey "$work/ka" "$vkA")" ]
ok $? "the --image group without --verity-* options has no verity item"
[ "$(entry_of "$work/v.bin" "$gV")" = "$(python3 "$work/record.py" media - - "$itemV")" ]
ok $? "--verity-image --partition 2: the verity item alone, the superblock's values filled in"
[ "$(entry_of "$work/v.bin" "$gN")" = "$(python3 "$work/record.py" media - - "$itemN")" ]
ok $? "--verity-media with every value given, no superblock: flags bit 0, format 0, sha1, no salt"
# The decoded item against veritysetup dump, field by field.
read -r _ len fields < <(python3 "$work/items.py" "$(entry_of "$work/v.bin" "$uV")" | grep '^4 ')
want="format=$(vs_field "$work/v.dump" "Hash type") hash=$(vs_field "$work/v.dump" "Hash algorithm")"
want="$want flags=0 dbs=$(vs_field "$work/v.dump" "Data block size") hbs=$(vs_field "$work/v.dump" "Hash block size")"
want="$want blocks=$(vs_field "$work/v.dump" "Data blocks") offset=$voff salt=$(vs_field "$work/v.dump" Salt) root=$rootV"
[ "$fields" = "$want" ] && [ "$len" -eq $((30 + 32 + 32)) ]
ok $? "the item decodes to veritysetup dump's hash type, algorithm, block sizes, data blocks and salt"
[ "$fields" = "$want" ] || echo "# got:  $fields"$'\n'"# want: $want"
python3 "$work/items.py" "$(entry_of "$work/v.bin" "$gN")" | grep -q "^4 50 format=0 hash=sha1 flags=1 dbs=512 hbs=1024 blocks=100 offset=$noff salt=- root=$rootN$"
ok $? "the media item without a superblock decodes to what was given"
grep -q "matches the tree's top block" "$work/out" && grep -q "lukstool verify checks" "$work/out"
ok $? "mksecret says the root hash was checked against the top block and that lukstool verify checks every block"

# Every value given (agreeing with the superblock) and --volume-key; a passphrase record
# without a pin; media implied by --verity-* options outside any group.
"$LUKSTOOL" mksecret --image "$work/v.img" --key-file "$work/kv" --volume-key --verity-root-hash "$rootV" \
	--verity-hash-offset "$voff" --verity-data-blocks 300 --verity-salt "$saltV" --verity-hash sha256 \
	--verity-data-block-size 4096 --verity-hash-block-size 4096 --verity-format 1 -o "$work/v2.bin" >/dev/null 2>&1 &&
	[ "$(entry_of "$work/v2.bin" "$uV")" = "$(python3 "$work/record.py" vkey "$work/kv" "$vkV" "$itemV")" ]
ok $? "--volume-key with every --verity-* value given: volume key, pin, the same verity item"
"$LUKSTOOL" mksecret --image "$work/v.img" --key-file "$work/kv" --verity-root-hash "$(echo "$rootV" | tr a-f A-F)" \
	--verity-hash-offset "$voff" -o "$work/v3.bin" >/dev/null 2>&1 &&
	[ "$(entry_of "$work/v3.bin" "$uV")" = "$(python3 "$work/record.py" plain "$work/kv" "$vkV" "$itemV")" ]
ok $? "--image with the tree and no --pin: a record with the passphrase and the verity item (upper-case hex read)"
"$LUKSTOOL" mksecret --key-file "$work/generic" --verity-root-hash "$rootV" --verity-hash-offset "$voff" \
	--verity-data-blocks 300 --verity-salt "$saltV" -o "$work/v4.bin" >/dev/null 2>&1 &&
	[ "$(entry_of "$work/v4.bin" "$gV")" = "$(python3 "$work/record.py" media - - "$itemV")" ] &&
	[ "$(python3 "$work/parse.py" "$work/v4.bin" | wc -l)" -eq 2 ]
ok $? "--verity-* options after another entry make a media entry with the same item as --verity-image's"
"$LUKSTOOL" mksecret --verity-image "$work/v.plain" --verity-root-hash "$rootV" --verity-hash-offset "$voff" \
	-o "$work/v5.bin" >/dev/null 2>&1 &&
	[ "$(entry_of "$work/v5.bin" "$gV")" = "$(python3 "$work/record.py" media - - "$itemV")" ]
ok $? "--verity-image of a whole plain file gives the same item"

# Refusals: a wrong root hash is refused before anything is written; so are values the
# superblock contradicts (the field named), and what is missing.
rootX=$(python3 -c 'import sys; r = bytearray.fromhex(sys.argv[1]); r[31] ^= 1; print(r.hex())' "$rootV")
"$LUKSTOOL" mksecret --image "$work/v.img" --key-file "$work/kv" --pin --verity-root-hash "$rootX" \
	--verity-hash-offset "$voff" -o "$work/r.bin" >/dev/null 2>"$work/r.err"
[ $? -eq 4 ] && [ ! -e "$work/r.bin" ] && grep -q "root hash does not match" "$work/r.err"
ok $? "a root hash one bit off with --image: exit 4, nothing written, the reason given"
sed 's/^/#   /' "$work/r.err"
refuse_img "a root hash one bit off with --verity-image" "root hash does not match" \
	--verity-image "$work/vdisk.img" --partition 2 --verity-root-hash "$rootX" --verity-hash-offset "$voff"
vopts=(--image "$work/v.img" --key-file "$work/kv" --verity-root-hash "$rootV" --verity-hash-offset "$voff")
for c in "data_blocks --verity-data-blocks 299" "salt --verity-salt $saltV$saltV" \
	"algorithm --verity-hash sha512" "hash_type --verity-format 0" \
	"data_block_size --verity-data-block-size 512" "hash_block_size --verity-hash-block-size 1024"; do
	read -r field opt val <<<"$c"
	refuse_img "$opt $val disagrees with the superblock" "superblock: $field disagrees with $opt" \
		"${vopts[@]}" "$opt" "$val"
done
refuse_img "--verity-salt disagreeing on plain media" "superblock: salt disagrees with --verity-salt" \
	--verity-image "$work/v.plain" --verity-root-hash "$rootV" --verity-hash-offset "$voff" --verity-salt -
refuse_img "no superblock at the hash offset" "no \"verity\" magic" \
	--image "$work/v.img" --key-file "$work/kv" --verity-root-hash "$rootV" --verity-hash-offset 4096
refuse_img "--verity-* in an --image group without --verity-hash-offset" "verity-hash-offset is needed" \
	--image "$work/v.img" --key-file "$work/kv" --verity-root-hash "$rootV"
refuse_img "media without a device and without --verity-salt" "verity-salt is needed" \
	--verity-root-hash "$rootV" --verity-hash-offset "$voff" --verity-data-blocks 300
refuse_img "--verity-no-superblock without --verity-data-blocks" "needs --verity-data-blocks" \
	--verity-image "$work/n.plain" --verity-no-superblock --verity-root-hash "$rootN" --verity-hash-offset "$noff"
refuse_img "--verity-root-hash given twice in a group" "given twice" "${vopts[@]}" --verity-root-hash "$rootV"
refuse_img "a root hash of the wrong length" "64 hex digits" --verity-image "$work/v.plain" \
	--verity-root-hash "$rootN" --verity-hash-offset "$voff"
refuse_img "--pin in a --verity-image group" "belongs to an --image" \
	--verity-image "$work/v.plain" --verity-root-hash "$rootV" --verity-hash-offset "$voff" --pin
refuse_img "the same medium twice" "given twice" --verity-image "$work/v.plain" --verity-root-hash "$rootV" \
	--verity-hash-offset "$voff" --verity-image "$work/vdisk.img" --partition 2 --verity-root-hash "$rootV" \
	--verity-hash-offset "$voff"
"$LUKSTOOL" mksecret --help | grep -q "tag 4 dm-verity" && "$LUKSTOOL" mksecret --help | grep -q -- "--verity-image"
ok $? "--help documents the verity options and the verity item"

tap_end
