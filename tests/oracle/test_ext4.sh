#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause-Patent
# Oracle test for the ext2/3/4 reader (fs/ext4_*.c) through `lukstool ls/cat/cp`.
#
# Images are made at test time by e2fsprogs (`mke2fs -d` from a source tree built here)
# in many feature sets, and their data is encrypted by cryptsetup itself (offline
# `reencrypt --encrypt` with a detached header).  Oracles:
#   - every directory: `lukstool ls` against `debugfs -R 'ls -p DIR'` (mode, size, name);
#   - every regular file: `lukstool cat` against `debugfs -R 'dump'` and against the source
#     file (inline_data files only against the source: debugfs prints the whole inline
#     area for them, see REFERENCES.md);
#   - the whole tree: `lukstool cp -r` against the source tree (bytes, symlink targets,
#     permission bits, modification times);
#   - inode size and mode of every file: `debugfs -R stat` via ls -p.
# Then `lukstool mkdisk --fs ext4`, an ext4 file system in a partition table inside the
# volume (--inner-partition), truncated images, unknown INCOMPAT features and a journal
# that needs recovery.
. "$(dirname "$0")/luks_lib.sh"

command -v mke2fs >/dev/null && command -v debugfs >/dev/null || { echo "1..0 # SKIP e2fsprogs missing"; exit 1; }
[ -x "$LT" ] || { echo "Bail out! $LT missing (run make)"; exit 1; }

# What this suite reads of debugfs's output (e2fsprogs 1.47.0): with -f, each command is
# echoed as a line `debugfs: CMD` before its output, and `ls -p` prints one line per entry,
# /INODE/MODE(octal)/UID/GID/NAME/SIZE/.  Checked on a small image first.
debugfs_speaks() {
	rm -rf fact && mkdir -p fact/src && printf 'abc' >fact/src/f &&
		mke2fs -q -F -t ext4 -d fact/src fact/img 1M >/dev/null 2>&1 &&
		printf 'ls -p "/"\n' >fact/cmds && debugfs -f fact/cmds fact/img >fact/out 2>/dev/null &&
		grep -qx 'debugfs: ls -p "/"' fact/out && grep -qE '^/[0-9]+/100644/[0-9]+/[0-9]+/f/3/$' fact/out
}
tool_fact debugfs "debugfs -f echoes each command and ls -p prints /ino/mode/uid/gid/name/size/" \
	debugfs_speaks || finish

printf 'ext4 oracle passphrase %s' "$RANDOM" >key

# ---- the source tree ----------------------------------------------------------------
mksrc() { # mksrc DIR [bigdir] [huge]
	local s=$1 i p
	shift
	mkdir -p "$s"
	: >"$s/empty"
	printf 'x' >"$s/one"
	# random bytes ending in a non-zero one: a last block of zeros is a tail hole, which
	# mke2fs 1.47.0 -d drops from the size on inline_data file systems (see tailhole
	# below; r4097's one-byte tail block was zero in 1 run of 256)
	for n in 59 60 61 120 4095 4096 4097; do
		{ head -c $((n - 1)) /dev/urandom; printf 'z'; } >"$s/r$n"
	done
	head -c $((1024 * 1024 + 123)) /dev/urandom >"$s/mib"
	head -c 300000 /dev/urandom >"$s/dir with spaces é"
	# sparse: data, 10 MiB hole, data, 10 MiB hole, data
	printf 'start' >"$s/sparse"
	printf 'middle' | dd of="$s/sparse" bs=1 seek=$((10 * 1024 * 1024)) conv=notrunc 2>/dev/null
	printf 'end' | dd of="$s/sparse" bs=1 seek=$((20 * 1024 * 1024)) conv=notrunc 2>/dev/null
	ln -s r59 "$s/fastlink"
	ln -s "$(printf 'long/target/%.0s' $(seq 12))end" "$s/slowlink"
	ln -s /absolute/dangling "$s/abslink"
	ln -s sub "$s/dirlink"
	mkdir -p "$s/sub/inner"
	printf 'hello inner\n' >"$s/sub/inner/hello.txt"
	ln "$s/r4096" "$s/sub/hardlink"
	chmod 0751 "$s/sub"
	chmod 0600 "$s/r61"
	chmod 4755 "$s/r120"
	mkfifo "$s/fifo"
	p=$s/deep
	for i in $(seq 1 40); do p=$p/d$i; done
	mkdir -p "$p"
	printf 'bottom\n' >"$p/bottom"
	# small files for inline data: directory of a few entries (fits inline) and files < 60
	mkdir -p "$s/small"
	for i in 1 2 3; do printf 'small %s' "$i" >"$s/small/s$i"; done
	touch -d '2001-02-03 04:05:06' "$s/one"
	touch -d '2038-02-01 00:00:01' "$s/r60"   # after 2038: needs the extra epoch bits
	for a in "$@"; do
		case $a in
		bigdir)
			mkdir -p "$s/big"
			(cd "$s/big" && seq -f 'entry-%05g' 1 10500 | xargs touch)
			printf 'needle\n' >"$s/big/entry-07777" ;;
		tailhole)
			# ends in a hole (not with inline_data: mke2fs 1.47.0 -d then records the
			# size up to the last data block only, as debugfs stat shows)
			printf 'data' >"$s/tailhole"
			truncate -s $((3 * 1024 * 1024 + 3)) "$s/tailhole" ;;
		huge)
			# > 4 GiB sparse: data at 0 and 64 MiB past 4 GiB (beyond what a block
			# map's double indirect block reaches with 4 KiB blocks), hole to the end
			printf 'head' >"$s/huge"
			printf 'past4g' | dd of="$s/huge" bs=1 seek=$(((4096 + 64) * 1024 * 1024)) conv=notrunc 2>/dev/null
			truncate -s $(((4096 + 64) * 1024 * 1024 + 4097)) "$s/huge" ;;
		esac
	done
}

cat >"$T/cmp_ls.py" <<'PY'
# cmp_ls.py DEBUGFS_LS_P LUKSTOOL_LS: compares (mode string, size, name) sets; sizes of
# directories are compared too when debugfs gives them.
import stat, sys
def modestr(m):
    t = {stat.S_IFDIR: 'd', stat.S_IFREG: '-', stat.S_IFLNK: 'l', stat.S_IFIFO: 'p',
         stat.S_IFCHR: 'c', stat.S_IFBLK: 'b', stat.S_IFSOCK: 's'}.get(stat.S_IFMT(m), '?')
    return t + stat.filemode(m)[1:]
want = {}
for line in open(sys.argv[1], encoding='utf-8', errors='surrogateescape'):
    line = line.rstrip('\n')
    if not line.startswith('/'):
        continue
    f = line.split('/')
    # ['', ino, mode, uid, gid, name, size, '']
    name, mode, size = f[5], int(f[2], 8), f[6]
    if name in ('.', '..'):
        continue
    want[name] = (modestr(mode), size)
got = {}
for line in open(sys.argv[2], encoding='utf-8', errors='surrogateescape'):
    mode, size, name = line.rstrip('\n').split(None, 2)
    got[name] = (mode, size)
bad = 0
for n in sorted(set(want) | set(got)):
    w, g = want.get(n), got.get(n)
    if w is None or g is None or w[0] != g[0] or (w[1] != '' and w[1] != g[1]):
        if bad < 5:
            print('# %r: debugfs %r lukstool %r' % (n, w, g))
        bad += 1
if not want:
    print('# debugfs listed nothing'); bad += 1
sys.exit(1 if bad else 0)
PY

cat >"$T/tree.py" <<'PY'
# tree.py DIR: one line per path: type, permission bits, size (files), mtime seconds,
# link target - what cp -r must reproduce.
import os, stat, sys
root = sys.argv[1]
for dp, dns, fns in os.walk(root):
    dns.sort()
    for n in sorted(dns + fns):
        p = os.path.join(dp, n)
        rel = os.path.relpath(p, root)
        if rel.startswith('lost+found') or rel == 'fifo':
            continue
        st = os.lstat(p)
        t = 'l' if stat.S_ISLNK(st.st_mode) else 'd' if stat.S_ISDIR(st.st_mode) else 'f'
        extra = os.readlink(p) if t == 'l' else st.st_size if t == 'f' else ''
        mt = int(st.st_mtime) if t != 'd' else ''  # directory mtimes change as we fill them
        print(rel, t, oct(stat.S_IMODE(st.st_mode)) if t != 'l' else '', extra, mt)
PY

# enc NAME: encrypts NAME.img into NAME.enc with header NAME.hdr (cryptsetup, offline)
enc() {
	cp "$1.img" "$1.enc" &&
		cryptsetup reencrypt -q --encrypt --type luks2 --header "$1.hdr" $PB \
			--key-file key "$1.enc" >/dev/null 2>&1
}
LTA() { "$LT" "$1" --header "$name.hdr" --key-file key "${@:2}"; }

# check_image NAME SRC INLINE: every oracle against image NAME.img / NAME.enc.  debugfs runs
# once per image with a command file (its output is split at its "debugfs: CMD" echoes).
# Files of the 10,500-entry directory are read one by one only by sample (one process
# each), and of the 40-level chain only the top and bottom directories are listed one by
# one; cp -r then reads everything.
check_image() {
	local name=$1 src=$2 inline=$3 d f i bad n
	find "$src" -type d \( -path '*/deep/d*/d*' -a -not -path '*/d40' \) -prune -o -type d -print |
		sed "s|^$src||; s|^$|/|" >dirs.lst
	{ find "$src" -type f -not -path '*/big/*'; find "$src" -type f -path '*/big/entry-?7777'; } |
		sed "s|^$src||" | grep -v '^/huge$' >files.lst
	rm -rf dbg && mkdir dbg
	{
		while IFS= read -r d; do printf 'ls -p "%s"\n' "$d"; done <dirs.lst
		i=0
		while IFS= read -r f; do i=$((i + 1)); printf 'stat "%s"\ndump "%s" dbg/%d\n' "$f" "$f" $i; done <files.lst
	} >dbg.cmds
	debugfs -f dbg.cmds "$name.img" >dbg.all 2>/dev/null
	# listings
	bad=0 n=0
	while IFS= read -r d; do
		n=$((n + 1))
		awk -v want="debugfs: ls -p \"$d\"" '/^debugfs: /{on = ($0 == want); next} on' dbg.all >dbg.ls
		if ! LTA ls "$name.enc" "$d" >lt.ls 2>lt.err || ! python3 "$T/cmp_ls.py" dbg.ls lt.ls; then
			bad=$((bad + 1)); echo "# listing of $d differs"; head -3 lt.err | sed 's/^/# /'
		fi
	done <dirs.lst
	[ $bad = 0 ] && ok "$name: $n directory listings match debugfs ls" || not_ok "$name: $bad of $n directory listings differ"
	# file contents: against the source and (unless inline) against debugfs dump
	bad=0 n=0 i=0
	while IFS= read -r f; do
		i=$((i + 1)) n=$((n + 1))
		LTA cat "$name.enc" "$f" >lt.out 2>lt.err
		if ! cmp -s lt.out "$src$f"; then
			bad=$((bad + 1)); echo "# $f differs from the source"; head -3 lt.err | sed 's/^/# /'
			continue
		fi
		if [ "$inline" = 1 ] && awk -v want="debugfs: stat \"$f\"" '/^debugfs: /{on = ($0 == want); next} on' dbg.all |
			grep -q 'Size of inline data'; then
			continue  # debugfs dump gives the whole inline area: the source is the oracle
		fi
		cmp -s lt.out "dbg/$i" || { bad=$((bad + 1)); echo "# $f differs from debugfs dump"; }
	done <files.lst
	[ $bad = 0 ] && ok "$name: $n files read identical to the source and debugfs dump" || not_ok "$name: $bad of $n files differ"
	if [ -e "$src/huge" ]; then
		LTA cat "$name.enc" /huge 2>/dev/null | cmp -s - "$src/huge" &&
			ok "$name: the sparse file of over 4 GiB reads identical to the source" || not_ok "$name: /huge differs"
	fi
	# the whole tree copied out
	rm -rf out
	if LTA cp -r "$name.enc" / out 2>cp.err && python3 "$T/tree.py" "$src" >want.tree &&
		python3 "$T/tree.py" out >got.tree && cmp -s want.tree got.tree &&
		diff -r --no-dereference -x lost+found -x fifo -x huge "$src" out >/dev/null; then
		ok "$name: cp -r reproduces the tree (bytes, symlinks, modes, mtimes)"
	else
		not_ok "$name: cp -r differs"; diff want.tree got.tree | head -5 | sed 's/^/# /'; head -3 cp.err | sed 's/^/# /'
	fi
	rm -rf out dbg
}

# ---- feature sets -------------------------------------------------------------------
# name | mke2fs options | size | extras of the tree
configs=(
	"ext4-4k|-t ext4 -b 4096|96M|bigdir huge"
	"ext4-1k|-t ext4 -b 1024|96M|tailhole"
	"ext4-2k-no64bit|-t ext4 -b 2048 -O ^64bit|96M|"
	"ext4-noextent|-t ext4 -b 4096 -O ^extent,^64bit|96M|huge tailhole"
	"ext4-nocsum|-t ext4 -b 4096 -O ^metadata_csum,uninit_bg|96M|bigdir"
	"ext4-inline|-t ext4 -b 4096 -I 256 -O inline_data|96M|"
	"ext4-inline-1k|-t ext4 -b 1024 -I 256 -O inline_data,^64bit|96M|"
	"ext4-nodirindex|-t ext4 -b 1024 -O ^dir_index|96M|bigdir"
	"ext4-nohuge-noflex|-t ext4 -b 4096 -O ^huge_file,^flex_bg|96M|"
	"ext4-metabg|-t ext4 -b 1024 -O meta_bg,^resize_inode|96M|"
	"ext4-64k|-t ext4 -b 65536|256M|"
	"ext4-bigalloc|-t ext4 -b 1024 -O bigalloc -C 16384|96M|"
	"ext4-csumseed-largedir|-t ext4 -b 4096 -O metadata_csum_seed,large_dir|96M|bigdir"
	"ext3-1k|-t ext3 -b 1024|96M|"
	"ext3-4k|-t ext3 -b 4096|96M|tailhole"
	"ext2-1k|-t ext2 -b 1024 -I 128|96M|tailhole"
	"ext2-4k|-t ext2 -b 4096|96M|bigdir"
)

for c in "${configs[@]}"; do
	IFS='|' read -r name opts size extras <<<"$c"
	[[ $name == ${EXT4_ONLY:-*} ]] || continue  # EXT4_ONLY=GLOB runs a subset (development)
	src=$T/src-$name
	mksrc "$src" $extras
	truncate -s "$size" "$name.img"
	# shellcheck disable=SC2086
	if ! mke2fs -q -F -L "lbl-$name" $opts -d "$src" "$name.img" >mk.log 2>&1; then
		not_ok "$name: mke2fs failed"; sed 's/^/# /' mk.log | head -3; rm -rf "$src" "$name.img"; continue
	fi
	# mke2fs -d (1.47.0) stores 32-bit times only: give r60 its 2038 time with debugfs where
	# the inode has the extra fields, else make the source say what the inode can hold.
	if [ "$(dumpe2fs -h "$name.img" 2>/dev/null | awk -F: '/^Inode size/{print $2+0}')" -ge 256 ]; then
		debugfs -w -R 'sif /r60 mtime_extra 1' "$name.img" >/dev/null 2>&1
	else
		touch -d @$((2148595201 - 4294967296)) "$src/r60"
	fi
	# mke2fs -d writes linear directories; e2fsck -D builds the htree indexes (dir_index)
	e2fsck -fyD "$name.img" >fsck.log 2>&1
	[ $? -le 1 ] || { not_ok "$name: e2fsck -fyD failed"; sed 's/^/# /' fsck.log | tail -3; }
	if ! enc "$name"; then
		not_ok "$name: cryptsetup reencrypt failed"; rm -rf "$src" "$name.img"; continue
	fi
	inline=0; case $opts in *inline_data*) inline=1 ;; esac
	check_image "$name" "$src" "$inline"
	rm -rf "$src" "$name.img" "$name.enc" "$name.hdr"
done

# ---- a needle in the 10,000-entry htree directory, by path ----------------------------
name=needle
mkdir -p "$T/src-n/big"
(cd "$T/src-n/big" && seq -f 'e%05g' 1 12000 | xargs touch)
printf 'found me\n' >"$T/src-n/big/e11999"
truncate -s 64M needle.img
mke2fs -q -F -t ext4 -d "$T/src-n" needle.img >/dev/null 2>&1 && e2fsck -fyD needle.img >/dev/null 2>&1
enc needle
if debugfs -R 'htree /big' needle.img 2>/dev/null | grep -q 'Root node dump'; then
	ok "needle: debugfs confirms /big is an htree directory"
else
	not_ok "needle: /big is not an htree directory"
fi
[ "$(LTA cat needle.enc /big/e11999 2>&1)" = "found me" ] && ok "needle: file found in a 12,000-entry htree directory" || not_ok "needle: lookup in htree directory"
[ "$(LTA ls needle.enc /big | wc -l)" = 12000 ] && ok "needle: ls lists all 12,000 entries" || not_ok "needle: ls of htree directory"
rc 3 "needle: a missing name is a clear error" LTA cat needle.enc /big/e12001
grep -q 'no such file' "$T/err" && ok "needle: ... saying 'no such file'" || not_ok "needle: message: $(cat "$T/err")"

# ---- label, UUID, paths ----------------------------------------------------------------
rc 0 "paths: '..' and '.' and repeated slashes" LTA cat needle.enc //big/../big/./e11999
rc 3 "paths: a file used as a directory is refused" LTA ls needle.enc /big/e00001/x
rm -rf "$T/src-n" needle.*

# ---- lukstool mkdisk --fs ext4 -------------------------------------------------------------
mkdir -p mk-src/EFI/BOOT
head -c 200000 /dev/urandom >mk-src/EFI/BOOT/BOOTX64.EFI
printf 'title test\n' >mk-src/loader.conf
ln -s EFI/BOOT/BOOTX64.EFI mk-src/boot-link
if "$LT" mkdisk --key-file key --from mk-src -o mk.img --fs ext4 --label ROOTFS --pbkdf pbkdf2 \
	--pbkdf-force-iterations 1000 >mk.log 2>&1; then
	ok "mkdisk --fs ext4 made a disk"
	"$LT" cat --key-file key mk.img /EFI/BOOT/BOOTX64.EFI 2>/dev/null | cmp -s - mk-src/EFI/BOOT/BOOTX64.EFI &&
		ok "mkdisk --fs ext4: lukstool cat returns the file" || not_ok "mkdisk --fs ext4: cat"
	"$LT" ls --key-file key mk.img / >lt.ls 2>/dev/null && grep -q ' loader.conf$' lt.ls && grep -q '^l.* boot-link$' lt.ls &&
		ok "mkdisk --fs ext4: ls shows the files and the symlink" || not_ok "mkdisk --fs ext4: ls"
	# independent checks on the decrypted file system: e2fsck, debugfs, blkid
	"$LT" decrypt --key-file key mk.img mk.plain >/dev/null 2>&1 && e2fsck -fn mk.plain >fsck.log 2>&1 &&
		ok "mkdisk --fs ext4: e2fsck -fn accepts the decrypted file system" || { not_ok "mkdisk --fs ext4: e2fsck"; tail -3 fsck.log | sed 's/^/# /'; }
	[ "$(debugfs -R 'cat /loader.conf' mk.plain 2>/dev/null)" = "title test" ] &&
		ok "mkdisk --fs ext4: debugfs reads the file from the decrypted volume" || not_ok "mkdisk --fs ext4: debugfs cat"
	blkid -o value -s LABEL mk.plain 2>/dev/null | grep -qx ROOTFS && ok "mkdisk --fs ext4: label set" || not_ok "mkdisk --fs ext4: label"
else
	not_ok "mkdisk --fs ext4 failed"; tail -3 mk.log | sed 's/^/# /'
fi
rm -rf mk-src mk.img mk.plain

# ---- a partition table inside the volume ------------------------------------------------
mkdir -p p-src && printf 'in partition two\n' >p-src/two.txt
truncate -s 40M part.img
sgdisk -n 1:2048:+8M -t 1:8300 -n 2:0:+24M -t 2:8300 part.img >/dev/null 2>&1
truncate -s 24M p2.img && mke2fs -q -F -t ext4 -d p-src p2.img >/dev/null 2>&1
truncate -s 8M p1.img && mke2fs -q -F -t ext2 p1.img >/dev/null 2>&1
dd if=p1.img of=part.img bs=1M seek=1 conv=notrunc 2>/dev/null
dd if=p2.img of=part.img bs=1M seek=9 conv=notrunc 2>/dev/null
# cryptsetup refuses to encrypt a device that carries a partition table signature, so
# the protective MBR (sector 0) is zeroed for `reencrypt --encrypt`, and its ciphertext is
# made afterwards by OpenSSL (ossl_sector.py, XTS over openssl's AES) with the same key.
name=part
head -c 64 /dev/urandom >part.vk
dd if=part.img of=part.mbr bs=512 count=1 2>/dev/null
dd if=/dev/zero of=part.img bs=512 count=1 conv=notrunc 2>/dev/null
cp part.img part.enc
cryptsetup reencrypt -q --encrypt --type luks2 --header part.hdr $PB --key-file key \
	--volume-key-file part.vk --cipher aes-xts-plain64 --key-size 512 --sector-size 512 part.enc >/dev/null 2>&1
$OSSL -e aes-xts-plain64 "$(od -An -v -tx1 part.vk | tr -d ' \n')" 512 0 1 part.mbr 0 1 >part.mbr.enc &&
	dd if=part.mbr.enc of=part.enc bs=512 count=1 conv=notrunc 2>/dev/null
rc 0 "inner partition: --inner-partition 2 reads the ext4 in partition 2" LTA cat --inner-partition 2 part.enc /two.txt
[ "$(cat "$T/out")" = "in partition two" ] && ok "inner partition: right bytes" || not_ok "inner partition: bytes"
rc 3 "inner partition: the first partition (automatic) has no two.txt" LTA cat part.enc /two.txt
rc 3 "inner partition: a missing partition number is refused" LTA ls --inner-partition 7 part.enc /
grep -q 'no partition 7' "$T/err" && ok "inner partition: ... naming it" || not_ok "inner partition: message $(cat "$T/err")"
rm -rf p-src p1.img p2.img part.*

# ---- refusals and flags ----------------------------------------------------------------------
mkdir -p f-src && printf 'data\n' >f-src/f
truncate -s 16M base.img && mke2fs -q -F -t ext4 -O ^has_journal -d f-src base.img >/dev/null 2>&1
cat >"$T/sbset.py" <<'PY'
# sbset.py IMG OFFSET ORMASK: ORs ORMASK into the le32 superblock field at OFFSET and, on a
# metadata_csum file system, recomputes the superblock crc32c (written here from the
# kernel's description: crc32c seeded with ~0, no final inversion, over bytes 0..0x3FC).
import struct, sys
def crc32c(crc, data):
    for b in data:
        crc ^= b
        for _ in range(8):
            crc = (crc >> 1) ^ (0x82F63B78 & -(crc & 1))
    return crc
f = open(sys.argv[1], 'r+b'); f.seek(1024); sb = bytearray(f.read(1024))
off, mask = int(sys.argv[2], 0), int(sys.argv[3], 0)
struct.pack_into('<I', sb, off, struct.unpack_from('<I', sb, off)[0] | mask)
if struct.unpack_from('<I', sb, 0x64)[0] & 0x400:
    struct.pack_into('<I', sb, 0x3FC, crc32c(0xFFFFFFFF, sb[:0x3FC]))
f.seek(1024); f.write(sb)
PY
# unknown INCOMPAT feature (bit 27, unassigned)
cp base.img uk.img && python3 "$T/sbset.py" uk.img 0x60 0x08000000
dumpe2fs -h uk.img >/dev/null 2>&1 && not_ok "unknown INCOMPAT: e2fsprogs still accepts it" || ok "unknown INCOMPAT: e2fsprogs refuses it too"
name=uk; enc uk
rc 5 "unknown INCOMPAT feature: refused as unsupported" LTA ls uk.enc /
grep -q 'INCOMPAT feature bit 27' "$T/err" && ok "unknown INCOMPAT feature: the error names it" || not_ok "unknown INCOMPAT: message $(cat "$T/err")"
# a known INCOMPAT feature the reader does not implement (compression), named
cp base.img cz.img && python3 "$T/sbset.py" cz.img 0x60 0x1
name=cz; enc cz
rc 5 "INCOMPAT compression: refused" LTA ls cz.enc /
grep -q 'INCOMPAT feature compression' "$T/err" && ok "INCOMPAT compression: named" || not_ok "INCOMPAT compression: message $(cat "$T/err")"
# unknown RO_COMPAT feature (bit 30): still readable
cp base.img ro.img && python3 "$T/sbset.py" ro.img 0x64 0x40000000
name=ro; enc ro
rc 0 "unknown RO_COMPAT feature: still readable" LTA cat ro.enc /f
[ "$(cat "$T/out")" = data ] && ok "unknown RO_COMPAT feature: right bytes" || not_ok "unknown RO_COMPAT: bytes"
# journal needing recovery: set needs_recovery (INCOMPAT_RECOVER) on an ext4 with a journal
truncate -s 16M j.img && mke2fs -q -F -t ext4 -d f-src j.img >/dev/null 2>&1
python3 "$T/sbset.py" j.img 0x60 0x4
dumpe2fs -h j.img 2>/dev/null | grep -q needs_recovery && ok "recovery: dumpe2fs sees needs_recovery" || not_ok "recovery: flag not set"
name=j; enc j
rc 0 "recovery: a journal needing recovery is read as is" LTA cat j.enc /f
grep -qi 'journal' "$T/err" && ok "recovery: ... and lukstool says so" || not_ok "recovery: no warning ($(cat "$T/err"))"
# truncated volumes: the file system is larger than what is left
name=base; enc base
for cut in 8M 4M 1M 5000; do
	cp base.enc cut.enc; truncate -s "$cut" cut.enc
	timeout 20 "$LT" ls --header base.hdr --key-file key cut.enc / >/dev/null 2>"$T/err"; r=$?
	if [ $r -ge 2 ] && [ $r -le 5 ] && [ -s "$T/err" ]; then ok "truncated to $cut: clear error (exit $r): $(head -1 "$T/err")"; else not_ok "truncated to $cut: exit $r"; fi
done
rm -rf f-src base.* uk.* cz.* ro.* j.* cut.enc

finish
