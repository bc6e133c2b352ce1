#!/usr/bin/env bash
# Oracle test for `lukstool mksecret`: the table is parsed back by an independent parser
# written here in Python from the published layout (OVMF AmdSev / Linux efi_secret):
#   header { GUID 1e74f542-71dd-4d66-963e-ef4287ff173b; u32 len_total }
#   entry  { GUID; u32 len = 20 + data; data }      little-endian, packed,
# GUIDs in EFI byte order (Python's uuid.UUID(bytes_le=...)).  The checks mirror what Linux's
# efi_secret requires: len_total within the file, every entry inside len_total, at most 64
# entries; plus what SEV injection requires (size a multiple of 16) and what the tool
# promises (passphrases NUL-terminated, raw entries verbatim, file mode 0600).
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
LUKSTOOL=${LUKSTOOL:-$top/build/lukstool}
work="$top/build/oracle/mksecret"
rm -rf "$work"; mkdir -p "$work"
n=0 failed=0
ok() {
	n=$((n + 1))
	if [ "$1" -eq 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; failed=$((failed + 1)); fi
}
bail() { echo "Bail out! $*"; exit 1; }
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

"$LUKSTOOL" mksecret --passphrase-file "$work/generic" --volume "$u1" --passphrase-file "$work/v1" \
	--volume "$u2" --passphrase-file "$work/v2" --entry "$u3:$work/raw" -o "$work/s.bin" >"$work/out" 2>&1
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

# Padding to 16 for a table whose natural size is not a multiple of 16.
printf 'abc' >"$work/short"
"$LUKSTOOL" mksecret --passphrase-file "$work/short" -o "$work/p.bin" >/dev/null 2>&1 &&
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
refuse "passphrase containing NUL" --passphrase-file "$work/nul"
refuse "empty passphrase" --passphrase-file "$work/empty"
refuse "malformed UUID" --volume 1234 --passphrase-file "$work/v1"
refuse "--volume without a passphrase" --volume "$u1"
refuse "the same GUID twice" --volume "$u1" --passphrase-file "$work/v1" --entry "$u1:$work/raw"
refuse "missing file" --passphrase-file "$work/nonexistent"
refuse "no entries at all"
sum=$(sha256sum <"$work/s.bin")
! "$LUKSTOOL" mksecret --passphrase-file "$work/generic" -o "$work/s.bin" >/dev/null 2>&1 &&
	[ "$(sha256sum <"$work/s.bin")" = "$sum" ]
ok $? "an existing output is refused without --force"
"$LUKSTOOL" mksecret --force --passphrase-file "$work/generic" -o "$work/s.bin" >/dev/null 2>&1 &&
	[ "$(python3 "$work/parse.py" "$work/s.bin" | wc -l)" -eq 1 ]
ok $? "--force replaces it"

echo "1..$n"
[ "$failed" -eq 0 ]
