#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause-Patent
# Builds the Linux payload that the demo and the end-to-end tests boot from the encrypted
# volume, from Debian packages only, without installing any of them and without root:
#   OUT/vmlinuz        the kernel of Debian's linux-image-amd64 (downloaded with apt-get
#                      download, unpacked with dpkg-deb -x, never installed)
#   OUT/initrd.cpio.gz a busybox-static initramfs whose /init prints MARKER and powers off
#   OUT/BOOTX64.EFI    a unified kernel image: systemd's EFI stub (systemd-boot-efi) with the
#                      kernel, the initramfs, the command line and os-release as PE sections
# Usage: mkpayload.sh OUT    (idempotent: reuses what OUT already holds)
# The marker printed by /init is in OUT/marker.
set -euo pipefail

out=${1:?usage: mkpayload.sh OUTDIR}
mkdir -p "$out"
out=$(cd "$out" && pwd)
# Several tests build or reuse the same payload, possibly at once (tests/run-all.sh runs
# lanes in parallel): one builds, the others wait and then find it ready.
exec 9>"$out/.lock"
flock 9
STUB=/usr/lib/systemd/boot/efi/linuxx64.efi.stub
BUSYBOX=/bin/busybox
MARKER="LUKSDXE-MARKER: Linux userspace reached from the encrypted volume"
CMDLINE="console=ttyS0 panic=-1 loglevel=6"

say() { echo "mkpayload: $*"; }
die() { echo "mkpayload: error: $*" >&2; exit 1; }

[ -f "$STUB" ] || die "$STUB missing (Debian package systemd-boot-efi)"
[ -x "$BUSYBOX" ] || die "$BUSYBOX missing (Debian package busybox-static)"

# 1. Kernel: resolve the versioned package that the linux-image-amd64 meta-package depends on.
if [ ! -s "$out/vmlinuz" ]; then
	pkg=$(apt-cache depends linux-image-amd64 2>/dev/null |
		sed -n 's/^ *Depends: \(linux-image-[0-9][^ ]*\)$/\1/p' | head -n1)
	[ -n "$pkg" ] || die "cannot resolve the kernel package behind linux-image-amd64 (apt-get update?)"
	deb=$(ls "$out"/"$pkg"_*.deb 2>/dev/null | head -n1 || true)
	if [ -z "$deb" ]; then
		say "downloading $pkg with apt-get download (not installed)"
		# (As root, apt warns that the download is not sandboxed because _apt cannot write
		# here; the log is shown only on failure.)
		( cd "$out" && apt-get download -q "$pkg" ) >"$out/apt-download.log" 2>&1 ||
			{ cat "$out/apt-download.log" >&2; die "apt-get download $pkg failed"; }
		deb=$(ls "$out"/"$pkg"_*.deb 2>/dev/null | head -n1 || true)
		[ -n "$deb" ] || die "apt-get download left no $pkg package in $out"
	fi
	say "extracting the kernel from $(basename "$deb")"
	rm -rf "$out/deb"
	dpkg-deb -x "$deb" "$out/deb"
	k=$(ls "$out"/deb/boot/vmlinuz-* | head -n1)
	[ -s "$k" ] || die "no /boot/vmlinuz-* in $deb"
	cp "$k" "$out/vmlinuz.tmp" && mv "$out/vmlinuz.tmp" "$out/vmlinuz"
	basename "$k" | sed 's/^vmlinuz-//' >"$out/kernel-version"
	rm -rf "$out/deb"
fi

# 2. Initramfs: static busybox and an /init script.  No device nodes are needed in the
# archive (that would need root): /init mounts devtmpfs and then talks to /dev/console.
if [ ! -s "$out/initrd.cpio.gz" ] || [ "$(cat "$out/marker" 2>/dev/null)" != "$MARKER" ]; then
	say "building the busybox initramfs"
	root="$out/initramfs.root"
	rm -rf "$root"; mkdir -p "$root/bin" "$root/dev" "$root/proc" "$root/sys"
	cp "$BUSYBOX" "$root/bin/busybox"
	cat >"$root/init" <<INIT
#!/bin/busybox sh
/bin/busybox mount -t devtmpfs dev /dev
exec </dev/console >/dev/console 2>&1
/bin/busybox mount -t proc proc /proc
echo "$MARKER (kernel \$(/bin/busybox uname -r))"
/bin/busybox poweroff -f
INIT
	chmod 0755 "$root/init"
	( cd "$root" && find . | LC_ALL=C sort | cpio -o -H newc -R 0:0 --quiet ) | gzip -9n >"$out/initrd.tmp"
	mv "$out/initrd.tmp" "$out/initrd.cpio.gz"
	rm -rf "$root"
	printf '%s\n' "$MARKER" >"$out/marker"
fi

# 3. Unified kernel image: the stub finds its payload in named PE sections.  Each section is
# placed after the stub's own image, page-aligned, in the order .osrel .cmdline .linux .initrd.
if [ ! -s "$out/BOOTX64.EFI" ] || [ "$out/BOOTX64.EFI" -ot "$out/vmlinuz" ] ||
	[ "$out/BOOTX64.EFI" -ot "$out/initrd.cpio.gz" ] || [ "$(cat "$out/cmdline" 2>/dev/null)" != "$CMDLINE" ]; then
	say "building the unified kernel image with $(basename "$STUB")"
	printf '%s' "$CMDLINE" >"$out/cmdline"
	printf 'NAME="LuksDxe demo"\nID=luksdxe-demo\nPRETTY_NAME="LuksDxe demo (Debian kernel %s)"\n' \
		"$(cat "$out/kernel-version")" >"$out/os-release"
	align() { echo $(( ($1 + 0xfff) & ~0xfff )); }
	# End of the stub's image: the largest VMA+size among its sections.
	end=0
	while read -r size vma0; do
		[ $((0x$vma0 + 0x$size)) -gt "$end" ] && end=$((0x$vma0 + 0x$size))
	done < <(objdump -h "$STUB" | awk '$1 ~ /^[0-9]+$/ { print $3, $4 }')
	args=() vma=$(align "$end")
	for s in osrel:os-release cmdline:cmdline linux:vmlinuz initrd:initrd.cpio.gz; do
		name=${s%%:*} file="$out/${s#*:}"
		args+=(--add-section ".$name=$file" --change-section-vma ".$name=$(printf '0x%x' "$vma")")
		vma=$(align $((vma + $(stat -c %s "$file"))))
	done
	objcopy "${args[@]}" "$STUB" "$out/BOOTX64.tmp"
	mv "$out/BOOTX64.tmp" "$out/BOOTX64.EFI"
fi
say "payload ready: $out/BOOTX64.EFI (kernel $(cat "$out/kernel-version"), $(stat -c %s "$out/BOOTX64.EFI") bytes)"
