#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause-Patent
# Keyslots (several, some killed, priorities), exact key-file semantics, tokens, and
# volumes inside GPT/MBR partitioned disk images.  cryptsetup builds every image.
. "$(dirname "$0")/luks_lib.sh"

for i in 0 1 2 3; do printf 'pass-%s' "$i" >"pw$i"; done
truncate -s 20M ks
# shellcheck disable=SC2086
cryptsetup luksFormat -q --type luks2 $PB --key-file pw0 ks
for i in 1 2 3; do
	# shellcheck disable=SC2086
	cryptsetup luksAddKey -q $PB --key-file pw0 ks "pw$i"
done
# shellcheck disable=SC2086
cryptsetup luksAddKey -q $PB --key-file pw0 --new-key-slot 5 ks pw0
cryptsetup luksKillSlot -q --key-file pw0 ks 1

slot_of() { "$LT" unlock "$@" 2>/dev/null | sed -n 's/^Key slot \([0-9]*\) unlocked\.$/\1/p'; }
check "pw0 opens keyslot 0 (first in metadata order)" test "$(slot_of --key-file pw0 ks)" = 0
check "pw2 opens keyslot 2" test "$(slot_of --key-file pw2 ks)" = 2
check "pw3 opens keyslot 3" test "$(slot_of --key-file pw3 ks)" = 3
rc 4 "killed keyslot's passphrase is refused" "$LT" unlock --key-file pw1 ks
rc 4 "--key-slot 2 with keyslot 3's passphrase" "$LT" unlock --key-slot 2 --key-file pw3 ks
rc 4 "--key-slot 1 (killed) refused" "$LT" unlock --key-slot 1 --key-file pw0 ks
check "--key-slot 5 opens slot 5" test "$(slot_of --key-slot 5 --key-file pw0 ks)" = 5
rc 1 "--key-slot 32 is a usage error" "$LT" unlock --key-slot 32 --key-file pw0 ks
rc 1 "missing --key-file is a usage error" "$LT" unlock ks
rc 1 "unknown option is a usage error" "$LT" unlock --bogus --key-file pw0 ks
rc 1 "no command is a usage error" "$LT"
rc 1 "unknown command is a usage error" "$LT" frobnicate
rc 0 "--help" "$LT" --help
rc 2 "missing device is an I/O error" "$LT" dump "$T/nonexistent"
rc 2 "missing key file is an I/O error" "$LT" unlock --key-file "$T/nonexistent" ks

# near-miss passphrases
{ cat pw0; printf '\n'; } >nl; rc 4 "trailing newline is a different passphrase" "$LT" unlock --key-file nl ks
head -c 5 pw0 >short; rc 4 "truncated passphrase refused" "$LT" unlock --key-file short ks
: >empty; rc 4 "empty key file refused" "$LT" unlock --key-file empty ks
# HMAC zero-pads short keys, so PBKDF2 cannot tell "p" from "p\0": cryptsetup accepts it too
{ cat pw0; printf '\0'; } >nul
cryptsetup open --test-passphrase --key-file nul ks >/dev/null 2>&1; want=$?
[ "$want" = 0 ] || want=4
rc "$want" "passphrase with a trailing NUL: same verdict as cryptsetup" "$LT" unlock --key-file nul ks
check "--key-file - reads stdin" test "$(slot_of --key-file - ks <pw2)" = 2
printf 'pass-2\n' | "$LT" unlock --key-file - ks >/dev/null 2>&1
check "stdin keeps the newline (exact bytes)" test $? = 4

# priorities as cryptsetup honours them
cryptsetup config --priority prefer --key-slot 5 ks
check "cryptsetup agrees slot 5 is prefer" grep -q "Priority: *prefer" <(cryptsetup luksDump ks)
check "prefer slot 5 is tried before slot 0" test "$(slot_of --key-file pw0 ks)" = 5
check "dump shows prefer" grep -q "Priority:   prefer" <("$LT" dump ks)
cryptsetup config --priority ignore --key-slot 5 ks
cryptsetup config --priority ignore --key-slot 0 ks
rc 4 "ignored slots are not tried without --key-slot" "$LT" unlock --key-file pw0 ks
check "an ignored slot opens when named" test "$(slot_of --key-slot 0 --key-file pw0 ks)" = 0
cryptsetup config --priority normal --key-slot 0 ks
check "normal slot 0 opens again" test "$(slot_of --key-file pw0 ks)" = 0

# the same keyslots as cryptsetup lists
want=$(cryptsetup luksDump ks | awk '/^Keyslots:/{f=1;next} /^Tokens:/{f=0} f && /^  [0-9]+: /{sub(":","",$1); print $1}' | tr '\n' ' ')
got=$("$LT" dump ks | awk '/^Keyslots:/{f=1;next} /^Tokens:/{f=0} f && /^  [0-9]+: /{sub(":","",$1); print $1}' | tr '\n' ' ')
check "keyslot list matches cryptsetup ($want)" test "$want" = "$got"

# tokens: unknown types are kept and shown
printf '{"type":"my-token","keyslots":["2"],"extra":{"nested":[1,2,{"a":null}]}}' >tok.json
cryptsetup token import --json-file tok.json --token-id 3 ks
printf '{"type":"other","keyslots":[]}' >tok2.json
cryptsetup token import --json-file tok2.json --token-id 0 ks
"$LT" dump ks >dump.ks 2>&1
check "token 3 of unknown type shown" grep -q "^  3: my-token" dump.ks
check "token 3 keyslot 2 shown" grep -A1 "^  3: my-token" dump.ks | grep -q "Keyslot: *2"
check "token 0 shown" grep -q "^  0: other" dump.ks
check "volume with tokens still opens" test "$(slot_of --key-file pw3 ks)" = 3

# detached header: the data device alone is not LUKS
truncate -s 16M dh
truncate -s 4M dd
# shellcheck disable=SC2086
cryptsetup luksFormat -q --type luks2 $PB --header dh --key-file pw0 dd
rc 0 "detached header unlocks" "$LT" unlock --header dh --key-file pw0 dd
rc 3 "data device without its header is not LUKS" "$LT" unlock --key-file pw0 dd
check "detached: plaintext size is the whole data device" \
	grep -q "plaintext size: 4194304" <("$LT" dump --header dh dd)

# GPT disk: LUKS image in partition 2
truncate -s 48M disk
sgdisk -n 1:2048:+4M -t 1:8300 -n 2:0:+21M -t 2:8309 disk >/dev/null
start=$(sgdisk_sector disk 2 First)
dd if=ks of=disk bs=512 seek="$start" conv=notrunc status=none
check "GPT: first LUKS partition found" test "$(slot_of --key-file pw2 disk)" = 2
check "GPT: dump names partition 2" grep -q "Partition:[[:space:]]*2" <("$LT" dump disk)
rc 3 "GPT: --partition 1 is not LUKS" "$LT" unlock --partition 1 --key-file pw2 disk
rc 1 "GPT: --partition 7 does not exist" "$LT" unlock --partition 7 --key-file pw2 disk
"$LT" decrypt --key-file pw2 ks a.out 2>/dev/null
"$LT" decrypt --partition 2 --key-file pw2 disk b.out 2>/dev/null
check "GPT: partition decrypts as the bare image" cmp -n "$(stat -c %s a.out)" a.out b.out
# damaged primary GPT: the backup at the end of the disk is used
dd if=/dev/zero of=disk bs=512 seek=1 count=1 conv=notrunc status=none
check "GPT: backup GPT header used when the primary is damaged" \
	test "$(slot_of --key-file pw2 disk)" = 2

# MBR disk (written by hand from the PC MBR layout): primary 1, extended 2 holding the
# LUKS image in logical partition 5
truncate -s 48M mbr
python3 - mbr <<'PY'
import struct, sys
def ent(t, start, n): return struct.pack('<B3sB3sII', 0, b'\0\0\0', t, b'\0\0\0', start, n)
with open(sys.argv[1], 'r+b') as f:
    mbr = bytearray(512)
    mbr[446:462] = ent(0x83, 2048, 4096)
    mbr[462:478] = ent(0x05, 8192, 90112)
    mbr[510:512] = b'\x55\xaa'
    f.write(mbr)
    ebr = bytearray(512)
    ebr[446:462] = ent(0x83, 2048, 43008)   # logical 5 at 8192+2048
    ebr[510:512] = b'\x55\xaa'
    f.seek(8192 * 512); f.write(ebr)
PY
dd if=ks of=mbr bs=512 seek=10240 conv=notrunc status=none
check "MBR: LUKS found in logical partition 5" grep -q "Partition:[[:space:]]*5" <("$LT" dump mbr)
check "MBR: unlock through logical partition" test "$(slot_of --key-file pw3 mbr)" = 3
rc 3 "MBR: --partition 1 is not LUKS" "$LT" dump --partition 1 mbr
finish
