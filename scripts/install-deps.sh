#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause-Patent
# Installs everything LuksDxe needs on Debian 12, from Debian's registries only.
# Idempotent: re-running it does nothing that is already done.
#  - binary packages with apt-get
#  - source packages (mbedtls, cryptsetup, edk2) with `apt-get source`, pinned by SHA-256,
#    unpacked into third_party/ (git-ignored); edk2 is the firmware `make ovmf` builds
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
tp="$top/third_party"
stamp="$tp/.deps-v2"

PKGS=(
  build-essential gnu-efi nasm libjsmn-dev libcmocka-dev libcryptsetup-dev cryptsetup-bin
  libssl-dev openssl libargon2-dev qemu-system-x86 ovmf mtools dosfstools e2fsprogs gdisk
  clang lld llvm libclang-rt-14-dev binutils dpkg-dev poppler-utils
  busybox-static systemd-boot-efi grub-efi-amd64-bin grub-common cpio xz-utils
  python3 python3-cryptography valgrind jq
  acpica-tools uuid-dev
  xorriso xxd
  swtpm swtpm-tools tpm2-tools libtss2-tcti-swtpm0 systemd
)

SUDO=
[ "$(id -u)" = 0 ] || SUDO=sudo

# Source packages and the exact versions we build against.  The hashes pin the
# Debian .dsc files; dpkg-source verifies every tarball against its .dsc.
MBEDTLS_VER=2.28.3-1
CRYPTSETUP_VER=2:2.6.1-4~deb12u2
# The edk2 of the installed `ovmf` package: the firmware image is built from the same source.
EDK2_VER=2022.11-6+deb12u2

have_pkgs() {
  local p
  for p in "${PKGS[@]}"; do
    dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q "install ok installed" || return 1
  done
}

ensure_deb_src() {
  # Derive deb-src entries from the machine's own deb entries (deb822 and one-line formats).
  local f=/etc/apt/sources.list.d/luksdxe-src.sources
  [ -f "$f" ] && return 0
  local found=0
  if ls /etc/apt/sources.list.d/*.sources >/dev/null 2>&1; then
    for s in /etc/apt/sources.list.d/*.sources; do
      grep -q 'debian.org' "$s" || continue
      sed -e 's/^Types:.*/Types: deb-src/' "$s" | $SUDO tee -a "$f.tmp" >/dev/null
      echo | $SUDO tee -a "$f.tmp" >/dev/null
      found=1
    done
  fi
  if [ -f /etc/apt/sources.list ] && grep -q '^deb ' /etc/apt/sources.list; then
    grep '^deb ' /etc/apt/sources.list | sed 's/^deb /deb-src /' | \
      $SUDO tee /etc/apt/sources.list.d/luksdxe-src.list >/dev/null
    found=1
  fi
  [ -f "$f.tmp" ] && $SUDO mv "$f.tmp" "$f"
  [ $found = 1 ] || { echo "install-deps: no Debian apt source found to derive deb-src from" >&2; exit 1; }
  APT_UPDATED=0
}

if [ -f "$stamp" ] && [ -d "$tp/mbedtls" ] && [ -d "$tp/cryptsetup" ] && [ -d "$tp/edk2" ] && have_pkgs; then
  touch "$stamp"  # newer than this script, so make does not run it again
  exit 0
fi

APT_UPDATED=0
ensure_deb_src
echo "install-deps: apt-get update"
$SUDO apt-get update -qq
if ! have_pkgs; then
  echo "install-deps: installing ${#PKGS[@]} Debian packages"
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${PKGS[@]}" >/dev/null
fi

mkdir -p "$tp/src"
fetch_src() { # name version
  local name=$1 ver=$2
  local dir="$tp/src/$name"
  if [ ! -f "$dir/.ok" ]; then
    rm -rf "$dir"; mkdir -p "$dir"
    echo "install-deps: apt-get source $name=$ver"
    if ! (cd "$dir" && apt-get source -qq -o APT::Sandbox::User=root --download-only "$name=$ver" >/dev/null); then
      # Debian's archive keeps only the current version of a suite: a point release that
      # replaces a pinned source package lands here.
      echo "install-deps: Debian's archive has no source package $name $ver; it has:" \
        "$(apt-cache showsrc "$name" 2>/dev/null | sed -n 's/^Version: //p' | tr '\n' ' ')" >&2
      echo "install-deps: pin the new version in scripts/install-deps.sh and its .dsc hash in" \
        "scripts/deps.sha256 (and, for edk2, check it is the installed ovmf's)" >&2
      exit 1
    fi
    touch "$dir/.ok"
  fi
}
fetch_src mbedtls "$MBEDTLS_VER"
fetch_src cryptsetup "$CRYPTSETUP_VER"
fetch_src edk2 "$EDK2_VER"

# Verify pinned hashes of the .dsc files (which in turn pin every tarball).
(cd "$tp/src" && sha256sum --quiet -c "$top/scripts/deps.sha256")

unpack() { # name dest-subdir
  local name=$1 dest="$tp/$2"
  [ -d "$dest" ] && return 0
  local dsc
  dsc=$(ls "$tp/src/$name"/*.dsc)
  rm -rf "$dest.tmp"
  # Authenticity comes from the pinned SHA-256 above (the .dsc pins each tarball),
  # so dpkg-source's own signature check (no Debian keyring here) is not relied on.
  dpkg-source --no-check -x "$dsc" "$dest.tmp" >/dev/null 2>&1
  mv "$dest.tmp" "$dest"
}
unpack mbedtls mbedtls
unpack cryptsetup cryptsetup
unpack edk2 edk2

touch "$stamp"
echo "install-deps: done"
