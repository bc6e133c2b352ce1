#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause-Patent
# Oracle test for the FAT12/16/32 reader (fs/fat.c) through `lukstool ls/cat/cp`.
#
# Images: mkfs.vfat (dosfstools) in each FAT type and with 512- and 4096-byte logical
# sectors, filled by mcopy (mtools) from a tree with long, Unicode and mixed-case names,
# nested directories and files across cluster boundaries; their data encrypted by
# cryptsetup (offline `reencrypt --encrypt`, detached header).  Oracles: the source tree
# and what mtools' own reader (`mcopy -s` out of the image) gives back - names, bytes,
# sizes in every listing, modification times (FAT keeps 2-second steps).
. "$(dirname "$0")/luks_lib.sh"

command -v mkfs.vfat >/dev/null && command -v mcopy >/dev/null || { echo "1..0 # SKIP dosfstools/mtools missing"; exit 1; }
[ -x "$LT" ] || { echo "Bail out! $LT missing (run make)"; exit 1; }
export MTOOLS_SKIP_CHECK=1

# What this suite reads of mdir's output (mtools 4.0.32): the 8.3 name of a long-named file
# in fixed columns, name in 1-8, extension in 10-12.  Checked on a small image first.
mdir_short() { # IMG DIR: the 8.3 name mdir gives the entry "entry number 17 with a long name"
	mdir -/ -a -i "$1" "$2" 2>/dev/null | awk '/ entry number 17 with/ {n=substr($0,1,8); e=substr($0,10,3); gsub(/ /,"",n); gsub(/ /,"",e); print n (e=="" ? "" : "." e); exit}'
}
mdir_columns() {
	rm -f fact.img && mkfs.vfat -C fact.img 1024 >/dev/null 2>&1 &&
		printf 17 >"entry number 17 with a long name" &&
		mcopy -i fact.img "entry number 17 with a long name" ::/ >/dev/null 2>&1 &&
		rm -f "entry number 17 with a long name" &&
		[ "$(mdir_short fact.img ::/)" = "ENTRYN~1" ]
}
tool_fact mdir "mdir shows a long name's 8.3 alias (ENTRYN~1) in columns 1-8 and 10-12" mdir_columns || finish
printf 'fat oracle passphrase %s' "$RANDOM" >key

mkdir -p src/EFI/BOOT "src/A Long Directory Name/deeper/still deeper" src/MiXeD "src/ünïcödé long"
head -c 300000 /dev/urandom >src/EFI/BOOT/BOOTX64.EFI
: >src/empty
for n in 1 511 512 513 2048 4096 4097 65536 65537; do head -c $n /dev/urandom >"src/MiXeD/File $n.bin"; done
head -c $((1024 * 1024 + 7)) /dev/urandom >"src/A Long Directory Name/deeper/still deeper/a rather long file name with spaces.dat"
printf 'short\n' >src/SHORT.TXT
printf 'lower\n' >src/lower.txt
printf 'grüße\n' >"src/ünïcödé long/grüße aus Köln.txt"
printf 'short cp850 name\n' >src/CAFÉ.TXT  # 8.3 only, in code page 850
for i in $(seq 1 300); do printf '%s' "$i" >"src/MiXeD/entry number $i with a long name"; done
touch -d '2010-06-07 08:09:10' src/lower.txt

cat >"$T/tree.py" <<'PY'
# tree.py DIR [mtime]: one line per path: type, size, (mtime rounded down to 2 s)
import os, sys
root = sys.argv[1]
for dp, dns, fns in os.walk(root):
    for n in sorted(dns + fns):
        p = os.path.join(dp, n)
        st = os.lstat(p)
        d = os.path.isdir(p)
        mt = '' if d or len(sys.argv) < 3 else int(st.st_mtime) // 2 * 2
        print(os.path.relpath(p, root), 'd' if d else 'f', '' if d else st.st_size, mt)
PY
cat >"$T/lsref.py" <<'PY'
# lsref.py DIR: what `lukstool ls` must print for DIR of a FAT volume (mode, size, name)
import os, sys
d = sys.argv[1]
for n in sorted(os.listdir(d)):
    p = os.path.join(d, n)
    if os.path.isdir(p):
        print('drwxr-xr-x', 0, n)
    else:
        print('-rw-r--r--', os.path.getsize(p), n)
PY

python3 "$T/tree.py" src mtime >want.tree

# name | mkfs.vfat options | KiB
configs=(
	"fat12|-F 12 -s 4|4096"
	"fat16|-F 16 -s 4|32768"
	"fat32|-F 32 -s 1|65536"
	"fat32-4k-sectors|-F 32 -S 4096 -s 1|300000"
	"fat16-big-clusters|-F 16 -s 16|65536"
)
for c in "${configs[@]}"; do
	IFS='|' read -r name opts kib <<<"$c"
	rm -f "$name.img"
	# shellcheck disable=SC2086
	if ! mkfs.vfat -C $opts -n "LBL" "$name.img" "$kib" >/dev/null 2>&1 ||
		! mcopy -s -m -Q -i "$name.img" src/* ::/ >/dev/null 2>&1; then
		not_ok "$name: mkfs.vfat/mcopy failed"; continue
	fi
	rm -rf mt && mkdir mt && mcopy -s -n -m -i "$name.img" '::/*' mt/ >/dev/null 2>&1
	cp "$name.img" "$name.enc"
	cryptsetup reencrypt -q --encrypt --type luks2 --header "$name.hdr" $PB --key-file key "$name.enc" >/dev/null 2>&1 ||
		{ not_ok "$name: cryptsetup reencrypt failed"; continue; }
	L() { "$LT" "$1" --header "$name.hdr" --key-file key "${@:2}"; }
	# the tree copied out: bytes against the source and mtools; names, sizes, mtimes
	rm -rf copy
	if L cp -r "$name.enc" / copy 2>cp.err && diff -r src copy >/dev/null && diff -r mt copy >/dev/null &&
		python3 "$T/tree.py" copy mtime >got.tree && cmp -s want.tree got.tree; then
		ok "$name: cp -r equals the source tree and mtools' copy (bytes, names, sizes, mtimes)"
	else
		not_ok "$name: cp -r differs"; diff want.tree got.tree 2>/dev/null | head -4 | sed 's/^/# /'; head -3 cp.err | sed 's/^/# /'
	fi
	# every listing
	bad=0 n=0
	while IFS= read -r -d '' d; do
		rel=${d#mt}; rel=${rel:-/}
		n=$((n + 1))
		python3 "$T/lsref.py" "$d" >want.ls
		L ls "$name.enc" "$rel" 2>/dev/null | awk '{m=$1; s=$2; $1=""; $2=""; sub(/^  /, ""); print m, s, $0}' | sort -k3 >got.ls
		sort -k3 want.ls >want.sorted
		cmp -s want.sorted got.ls || { bad=$((bad + 1)); echo "# listing of $rel differs"; }
	done < <(find mt -type d -print0)
	[ $bad = 0 ] && ok "$name: $n listings match mtools' view" || not_ok "$name: $bad of $n listings differ"
	# single files by path, case-insensitively, and by 8.3 alias
	L cat "$name.enc" /efi/boot/bootx64.efi 2>/dev/null | cmp -s - src/EFI/BOOT/BOOTX64.EFI &&
		ok "$name: cat by a path in another case" || not_ok "$name: case-insensitive cat"
	# mdir prints the 8.3 name in fixed columns: name (8), space, extension (3)
	short=$(mdir_short "$name.img" ::/MiXeD)
	if [ -n "$short" ] && [ "$short" != "entry" ] && [ "$(L cat "$name.enc" "/MiXeD/$short" 2>/dev/null)" = 17 ]; then
		ok "$name: cat by the 8.3 alias ($short) mtools reports"
	else
		not_ok "$name: cat by 8.3 alias '$short'"
	fi
	rc 3 "$name: a missing file is a clear error" L cat "$name.enc" /nope
	rm -rf copy mt "$name".*
done

# lukstool mkdisk's default FAT disk read back
if "$LT" mkdisk --key-file key --from src -o mk.img --pbkdf pbkdf2 --pbkdf-force-iterations 1000 >mk.log 2>&1; then
	"$LT" cat --key-file key mk.img /EFI/BOOT/BOOTX64.EFI 2>/dev/null | cmp -s - src/EFI/BOOT/BOOTX64.EFI &&
		ok "mkdisk (vfat): lukstool cat returns the file" || not_ok "mkdisk (vfat): cat"
	rm -rf copy
	"$LT" cp -r --key-file key mk.img / copy 2>/dev/null && diff -r src copy >/dev/null &&
		ok "mkdisk (vfat): cp -r equals the source" || not_ok "mkdisk (vfat): cp -r"
else
	not_ok "mkdisk (vfat) failed"; tail -3 mk.log | sed 's/^/# /'
fi
rm -rf copy mk.img

# damage: a FAT chain loop and a truncated volume give clear errors
mkfs.vfat -C -F 16 -s 1 loop.img 8192 >/dev/null 2>&1
mcopy -i loop.img "src/A Long Directory Name/deeper/still deeper/a rather long file name with spaces.dat" ::/big.dat
python3 - loop.img <<'PY'
# point the second cluster of big.dat back at its first: a loop in the FAT chain
import struct, sys
f = open(sys.argv[1], 'r+b'); b = f.read(512)
bps, spc, rsvd = struct.unpack_from('<HBH', b, 11)
fat = rsvd * bps
root = fat + b[16] * struct.unpack_from('<H', b, 22)[0] * bps
f.seek(root)
for _ in range(16):
    e = f.read(32)
    if e[:8] == b'BIG     ':
        c = struct.unpack_from('<H', e, 26)[0]
        break
f.seek(fat + 2 * (c + 1)); f.write(struct.pack('<H', c))
PY
cp loop.img loop.enc
cryptsetup reencrypt -q --encrypt --type luks2 --header loop.hdr $PB --key-file key loop.enc >/dev/null 2>&1
timeout 20 "$LT" cat --header loop.hdr --key-file key loop.enc /big.dat >/dev/null 2>"$T/err"; r=$?
[ $r = 3 ] && grep -q 'loop\|chain' "$T/err" && ok "FAT chain loop: clear error: $(cat "$T/err")" || not_ok "FAT chain loop: exit $r $(cat "$T/err")"
truncate -s 2M loop.enc
timeout 20 "$LT" ls --header loop.hdr --key-file key loop.enc / >/dev/null 2>"$T/err"; r=$?
[ $r = 3 ] && ok "FAT truncated: clear error: $(cat "$T/err")" || not_ok "FAT truncated: exit $r"

finish
