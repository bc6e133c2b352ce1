# SPDX-License-Identifier: BSD-2-Clause-Patent
# tests/e2e/demo-lib.sh: what the two demos share (tests/e2e/demo.sh, the firmware image;
# tests/e2e/demo-driver-list.sh, the driver from OVMF's driver list).  Source it after
# setting DEMO_NAME (artefacts go to out/$DEMO_NAME/) and DEMO_STEPS (the number of steps).
#   step N TEXT | say TEXT | show COMMAND... | fail TEXT   progress lines
#   demo_payload          the Linux payload (tests/e2e/mkpayload.sh) -> $payload, $MARKER
#   demo_disk             an encrypted-only disk made by lukstool mkdisk -> $out/disk.img,
#                         its passphrase $out/passphrase, its LUKS UUID $UUID
# Environment: DEMO_PBKDF_MEMORY (KiB, default 131072), DEMO_PBKDF_TIME (Argon2 time cost,
# default 4), DEMO_TIMEOUT (seconds per boot, default 400).
top=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
. "$top/tests/e2e/boot-lib.sh"
out="$top/out/$DEMO_NAME"
payload="$top/out/payload"
LUKSTOOL=${LUKSTOOL:-$top/build/lukstool}
MEMORY=${DEMO_PBKDF_MEMORY:-131072}
TCOST=${DEMO_PBKDF_TIME:-4}
TIMEOUT=${DEMO_TIMEOUT:-400}
export E2E_MEM=1024 # room for the Argon2 memory next to the firmware and the kernel
t_demo=$SECONDS
N=0

if [ -t 1 ]; then B=$'\033[1m' R=$'\033[0m'; else B= R=; fi
step() { N=$1; shift; printf '\n%s== step %s/%s: %s%s\n' "$B" "$N" "$DEMO_STEPS" "$*" "$R"; }
say() { echo "demo: $*"; }
fail() { echo "demo: step $N failed: $*" >&2; exit 1; }
show() { echo "  \$ $*"; } # prints a command before running it

[ -x "$LUKSTOOL" ] || { N=0; fail "build/lukstool missing (run make)"; }
mkdir -p "$out"

demo_payload() {
	show bash tests/e2e/mkpayload.sh out/payload
	bash "$top/tests/e2e/mkpayload.sh" "$payload" || fail "could not build the payload (see above)"
	MARKER=$(cat "$payload/marker")
	say "the initramfs prints: $MARKER"
}

demo_disk() {
	local o=out/$DEMO_NAME
	rm -rf "$out/boot-root"
	mkdir -p "$out/boot-root/EFI/BOOT"
	cp "$payload/BOOTX64.EFI" "$out/boot-root/EFI/BOOT/BOOTX64.EFI"
	say "boot tree: $o/boot-root/EFI/BOOT/BOOTX64.EFI (the removable-media default path)"
	( umask 077; head -c 32 /dev/urandom | base64 | tr -d '=\n' >"$out/passphrase" ) ||
		fail "cannot write the passphrase"
	say "new random passphrase in $o/passphrase (mode 0600)"
	show build/lukstool mkdisk --force --key-file "$o/passphrase" --from "$o/boot-root" \
		--pbkdf argon2id --pbkdf-memory "$MEMORY" --pbkdf-force-iterations "$TCOST" -o "$o/disk.img"
	"$LUKSTOOL" mkdisk --force --key-file "$out/passphrase" --from "$out/boot-root" \
		--pbkdf argon2id --pbkdf-memory "$MEMORY" --pbkdf-force-iterations "$TCOST" \
		-o "$out/disk.img" | tee "$out/mkdisk.log"
	[ "${PIPESTATUS[0]}" -eq 0 ] || fail "lukstool mkdisk failed"
	UUID=$(sed -n 's/^mkdisk: LUKS UUID //p' "$out/mkdisk.log")
	[ -n "$UUID" ] || fail "mkdisk printed no UUID"
	show cryptsetup luksDump "<partition 1 of $o/disk.img>"
	if sgdisk -v "$out/disk.img" >/dev/null 2>&1; then
		say "(check with independent tools: sgdisk finds the GPT valid; cryptsetup says:)"
		dd if="$out/disk.img" of="$out/partition.img" bs=1M skip=1 status=none &&
			cryptsetup luksDump "$out/partition.img" 2>/dev/null | sed -n '/^UUID/p;/^Data segments/,/sector:/p;/PBKDF/p;/Time cost/p;/Memory/p' | sed 's/^/    /'
		rm -f "$out/partition.img"
	fi
}
