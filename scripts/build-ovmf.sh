#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause-Patent
# Builds the firmware image with LuksDxe inside: OVMF's AmdSev platform from Debian's
# edk2 source package (third_party/edk2, fetched and pinned by install-deps.sh), with
# GRUB and the setup menu taken out, LuksDxe added as a binary DXE driver, and a boot
# manager that powers off when nothing can be booted (efi/ovmf/amdsev.patch); GenFw records
# base names, not build paths, in the images (efi/ovmf/genfw-basename.patch).
#
#   scripts/build-ovmf.sh [enforce|audit|tpm]
#     enforce (default): build/LuksDxe.efi        -> build/ovmf/OVMF-LuksDxe.fd
#     audit:             build/LuksDxe-audit.efi  -> build/ovmf/OVMF-LuksDxe-audit.fd
#     tpm (opt-in):      build/LuksDxe.efi        -> build/ovmf/OVMF-LuksDxe-tpm.fd
#       the same platform built with -D TPM2_ENABLE=TRUE (Tcg2Pei/Tcg2Dxe, docs/tpm.md),
#       into its own output directory (Build/AmdSevTpm, through a copy of the DSC that
#       differs only in OUTPUT_DIRECTORY) so that the other two stay incremental.
#
# The edk2 tree is copied to build/ovmf/edk2 and patched there (third_party stays as
# Debian ships it).  Nothing is rebuilt when the pin, the patch, this script and the
# driver are unchanged (a stamp beside the image); a new driver only repackages the
# firmware volume (edk2's build is incremental).
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
# The image must not depend on the builder's locale, time zone, umask or on Python's
# per-process string hash seed (BaseTools iterates sets and dicts of names); see
# docs/reproducible.md.  edk2 2022.11 reads no SOURCE_DATE_EPOCH: GenFw zeroes the PE
# time stamps itself, and nothing else in the image carries a date.
export LC_ALL=C TZ=UTC PYTHONHASHSEED=0
umask 022

mode=${1:-enforce}
dsc=OvmfPkg/AmdSev/AmdSevX64.dsc outdir=Build/AmdSev defs=()
case $mode in
enforce) efi=build/LuksDxe.efi; out=build/ovmf/OVMF-LuksDxe.fd ;;
audit) efi=build/LuksDxe-audit.efi; out=build/ovmf/OVMF-LuksDxe-audit.fd ;;
tpm)
	efi=build/LuksDxe.efi; out=build/ovmf/OVMF-LuksDxe-tpm.fd
	dsc=OvmfPkg/AmdSev/AmdSevX64Tpm.dsc outdir=Build/AmdSevTpm defs=(-D TPM2_ENABLE=TRUE)
	;;
*) echo "build-ovmf: unknown mode '$mode' (enforce, audit or tpm)" >&2; exit 1 ;;
esac
[ -f "$efi" ] || { echo "build-ovmf: $efi is missing (make $efi first)" >&2; exit 1; }
[ -d third_party/edk2 ] || { echo "build-ovmf: third_party/edk2 is missing (make deps)" >&2; exit 1; }

ws=build/ovmf/edk2
patches=(efi/ovmf/amdsev.patch efi/ovmf/genfw-basename.patch)
src_inputs() { grep ' edk2/' scripts/deps.sha256; sha256sum "${patches[@]}"; }
all_inputs() { src_inputs; sha256sum scripts/build-ovmf.sh efi/ovmf/LuksDxe.inf efi/ovmf/mkdepex.py "$efi"; }
want=$(all_inputs | sha256sum | cut -d' ' -f1)
# What an owner needs to rebuild the same bytes: the pinned sources, the driver and the
# versions of the Debian tools that compile them (iasl's version is inside the ACPI tables).
buildinfo() {
	echo "image: $out"
	echo "sha256: $(sha256sum "$out" | cut -d' ' -f1)"
	echo "driver: $efi $(sha256sum "$efi" | cut -d' ' -f1)"
	echo "commit: $(git rev-parse HEAD 2>/dev/null || echo unknown)$(git status --porcelain --untracked-files=no 2>/dev/null | grep -q . && echo ' (with local changes)')"
	echo "inputs:"
	all_inputs | sed 's/^/  /'
	echo "tools (dpkg-query):"
	dpkg-query -W -f='  ${Package} ${Version}\n' gcc-12 binutils gnu-efi nasm acpica-tools \
		uuid-dev python3.11 make 2>/dev/null || true
}
report() {
	buildinfo >"$out.buildinfo"
	echo "build-ovmf: $out sha256 $(sha256sum "$out" | cut -d' ' -f1)"
}
if [ -f "$out" ] && [ "$(cat "$out.stamp" 2>/dev/null)" = "$want" ]; then
	echo "build-ovmf: $out is up to date"
	report
	exit 0
fi
rm -f "$out.stamp"
mkdir -p build/ovmf

# 1. A patched copy of the pinned tree (again only when the pin or the patch change).
src_want=$(src_inputs | sha256sum | cut -d' ' -f1)
if [ "$(cat "$ws/.luksdxe-src" 2>/dev/null)" != "$src_want" ]; then
	echo "build-ovmf: copying and patching edk2 into $ws"
	rm -rf "$ws" "$ws.tmp"
	cp -a third_party/edk2 "$ws.tmp"
	for p in "${patches[@]}"; do patch -d "$ws.tmp" -p1 --quiet <"$p"; done
	echo "$src_want" >"$ws.tmp/.luksdxe-src"
	mv "$ws.tmp" "$ws"
fi

# 2. BaseTools (C tools; about 2 minutes on 2 cores, once).
jobs=$(nproc 2>/dev/null || echo 2)
if [ ! -f "$ws/BaseTools/.luksdxe-built" ]; then
	echo "build-ovmf: building edk2 BaseTools"
	make -C "$ws/BaseTools" -j"$jobs" >build/ovmf/basetools.log 2>&1 ||
		{ tail -30 build/ovmf/basetools.log >&2; echo "build-ovmf: BaseTools failed (build/ovmf/basetools.log)" >&2; exit 1; }
	touch "$ws/BaseTools/.luksdxe-built"
fi

# 3. The driver as a binary module, with its DEPEX (Security AND Security2 arch protocols).
mod="$ws/OvmfPkg/AmdSev/LuksDxe"
mkdir -p "$mod"
cp efi/ovmf/LuksDxe.inf "$mod/LuksDxe.inf"
cmp -s "$efi" "$mod/LuksDxe.efi" || cp "$efi" "$mod/LuksDxe.efi"
python3 efi/ovmf/mkdepex.py "$mod/LuksDxe.depex" \
	a46423e3-4617-49f1-b9ff-d1bfa9115839 94ab2f58-1438-4ef1-9152-18941a3a0e68

# 4. The platform (about 11 minutes on 2 cores the first time).
if [ "$dsc" != OvmfPkg/AmdSev/AmdSevX64.dsc ]; then
	sed "s|^\( *OUTPUT_DIRECTORY *=\).*|\1 $outdir|" "$ws/OvmfPkg/AmdSev/AmdSevX64.dsc" >"$ws/$dsc.tmp"
	grep -q "OUTPUT_DIRECTORY *= $outdir\$" "$ws/$dsc.tmp" || { echo "build-ovmf: no OUTPUT_DIRECTORY in AmdSevX64.dsc" >&2; exit 1; }
	if cmp -s "$ws/$dsc.tmp" "$ws/$dsc"; then rm "$ws/$dsc.tmp"; else mv "$ws/$dsc.tmp" "$ws/$dsc"; fi
fi
echo "build-ovmf: building $dsc${defs[*]:+ ${defs[*]}} (RELEASE, GCC5) with $efi; log in build/ovmf/build-$mode.log"
(
	cd "$ws"
	export WORKSPACE=$PWD EDK_TOOLS_PATH=$PWD/BaseTools PACKAGES_PATH=$PWD
	export PYTHON_COMMAND=python3
	set +u
	# shellcheck disable=SC1091
	. ./edksetup.sh BaseTools >/dev/null
	set -u
	build -a X64 -t GCC5 -b RELEASE -p "$dsc" "${defs[@]}" -n "$jobs" -s
) >"build/ovmf/build-$mode.log" 2>&1 ||
	{ grep -E 'error|Error' "build/ovmf/build-$mode.log" | tail -20 >&2; echo "build-ovmf: edk2 build failed (build/ovmf/build-$mode.log)" >&2; exit 1; }

img="$ws/$outdir/RELEASE_GCC5/FV/OVMF.fd"
size=$(stat -c %s "$img")
[ "$size" = $((4 * 1024 * 1024)) ] || { echo "build-ovmf: $img is $size bytes, not 4 MiB" >&2; exit 1; }
cp "$img" "$out.tmp"
mv "$out.tmp" "$out"
echo "$want" >"$out.stamp"
report
