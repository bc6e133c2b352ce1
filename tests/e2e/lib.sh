# SPDX-License-Identifier: BSD-2-Clause-Patent
# tests/e2e/lib.sh: a small harness that boots real OVMF under QEMU (TCG) and runs UEFI
# shell scripts.  Source it from a test script (tests/e2e/test_*.sh print TAP):
#
#   . "$(dirname "$0")/lib.sh"
#   e2e_init smoke                     # work dir $E2E_WORK = build/e2e/smoke, TAP counters
#   e2e_shell_boot "$E2E_WORK/run" 60 'load FS0:\LuksDxe.efi' \
#           "$E2E_TOP/build/LuksDxe.efi=/LuksDxe.efi" -- [extra QEMU args]
#   e2e_ok $? "QEMU powered off by itself"
#   e2e_expect "$E2E_WORK/run.log" '^LuksDxe [0-9.]+: loaded' "driver prints its version"
#   e2e_done                           # prints the plan; exit status 0 if all passed
#
# Functions (details above each):
#   e2e_init NAME                      work directory, tool checks, per-name lock
#   e2e_ok STATUS DESC | e2e_expect LOG ERE DESC | e2e_reject LOG ERE DESC | e2e_bail MSG
#   e2e_qemu RUN SECS [QEMU ARGS]      one bounded OVMF boot, serial log in RUN.log
#   e2e_shell_boot RUN SECS SCRIPT [SRC=/DEST...] [-- QEMU ARGS]
#                                      the same with a FAT disk (FS0) holding startup.nsh
#   e2e_disk IMG                       QEMU args attaching IMG as a virtio disk
#   e2e_mkfat IMG MIB [SRC=/DEST...]   FAT image without root
#   e2e_luks_fat OUT MIB PASSFILE [CRYPTSETUP ARGS] -- [SRC=/DEST...]
#                                      LUKS2 volume whose plaintext is a FAT file system,
#                                      encrypted by cryptsetup itself
#   e2e_luks_image OUT PLAIN MIB PASSFILE [CRYPTSETUP ARGS]
#                                      the same with the plaintext given (an image file)
#   e2e_gpt_disk OUT PART_IMG          GPT disk with one partition holding PART_IMG
#   e2e_secret_table OUT [UUID|disk=PASSFILE...]   secret GUID table (Python-built)
#
# Facts the harness relies on (Debian 12 OVMF):
#  - OVMF_CODE_4M.fd has the UEFI shell built in; with no other bootable device the boot
#    manager starts it, and the shell runs startup.nsh from the first file system (FS0).
#  - The shell counts down 5 s before startup.nsh unless a key other than ESC arrives:
#    e2e_qemu types a space on the serial console whenever a countdown appears.
#  - `reset -s` in the script powers the VM off, so QEMU exits by itself; every run is
#    also bounded by `timeout`.  A plain `reset` reboots in the same QEMU process with the
#    same variable store (tests/e2e/test_driver_order.sh uses that).
#  - The firmware console goes to the serial port; logs are kept raw (RUN.raw) and cleaned
#    of terminal escapes and CRs (RUN.log) for grepping.  Messages printed by a driver
#    before the consoles are connected (e.g. when loaded from Driver####) are not shown.

E2E_TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
. "$E2E_TOP/tests/tool_facts.sh"
E2E_OVMF_CODE=${E2E_OVMF_CODE:-/usr/share/OVMF/OVMF_CODE_4M.fd}
E2E_OVMF_VARS=${E2E_OVMF_VARS:-/usr/share/OVMF/OVMF_VARS_4M.fd}
E2E_QEMU=${E2E_QEMU:-qemu-system-x86_64}
E2E_MEM=${E2E_MEM:-512}

_e2e_n=0
_e2e_failed=0

# e2e_init NAME: fresh work directory $E2E_WORK = build/e2e/NAME (held under a lock for
# the life of the test, on fd 9); checks the tools.
e2e_init() {
	E2E_NAME=$1
	E2E_WORK="$E2E_TOP/build/e2e/$1"
	mkdir -p "$E2E_TOP/build/e2e"
	# Two test runs in one checkout must not share a work directory: the second waits.
	exec 9>"$E2E_TOP/build/e2e/.$1.lock"
	flock 9
	rm -rf "$E2E_WORK"
	mkdir -p "$E2E_WORK"
	local t
	for t in "$E2E_QEMU" mkfs.vfat mcopy mmd mdir timeout; do
		command -v "$t" >/dev/null || e2e_bail "missing tool: $t (run scripts/install-deps.sh)"
	done
	[ -r "$E2E_OVMF_CODE" ] && [ -r "$E2E_OVMF_VARS" ] || e2e_bail "OVMF not found ($E2E_OVMF_CODE)"
	# The facts above were measured with these packages; a failure repeats them (e2e_done).
	_e2e_versions="$(tool_version "$E2E_QEMU"), ovmf $(dpkg-query -W -f='${Version}' ovmf 2>/dev/null)"
	echo "# with $_e2e_versions"
}

# TAP output.  The plan is printed at the end (e2e_done), so tests need not count.
e2e_ok() { # COND_STATUS DESCRIPTION: "ok" when the status is 0
	_e2e_n=$((_e2e_n + 1))
	if [ "$1" -eq 0 ]; then
		echo "ok $_e2e_n - $2"
	else
		echo "not ok $_e2e_n - $2"
		_e2e_failed=$((_e2e_failed + 1))
	fi
}
e2e_bail() { echo "Bail out! $*"; exit 1; }
# e2e_rand_hex: 24 random hex digits, for per-run file contents and passphrases.
e2e_rand_hex() { head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n'; }
e2e_done() {
	echo "1..$_e2e_n"
	[ "$_e2e_failed" -eq 0 ] && return 0
	echo "# $_e2e_failed failed with ${_e2e_versions:-unknown QEMU/OVMF}; the harness's facts (top of" \
		"tests/e2e/lib.sh) were measured with qemu-system-x86 1:7.2+dfsg-7+deb12u18+b3, ovmf 2022.11-6+deb12u2"
	return 1
}

# e2e_expect LOG ERE DESCRIPTION: ok if the cleaned log has a line matching ERE.
e2e_expect() {
	grep -qE -- "$2" "$1"
	local rc=$?
	e2e_ok $rc "$3"
	[ $rc -eq 0 ] || { echo "# expected /$2/ in $1; last lines:"; tail -15 "$1" | awk '{ print "#   " $0 }'; }
	return $rc
}
# e2e_reject LOG ERE DESCRIPTION: ok if no line matches ERE.
e2e_reject() {
	! grep -qE -- "$2" "$1"
	local rc=$?
	e2e_ok $rc "$3"
	[ $rc -eq 0 ] || grep -nE -- "$2" "$1" | head -5 | sed 's/^/#   found: /'
	return $rc
}

# e2e_mkfat IMAGE SIZE_MIB [SRC=/DEST ...]: a FAT image made without root (mtools).
# Directories in DEST are created as needed.  $E2E_MKFS_ARGS go to mkfs.vfat.
e2e_mkfat() {
	local img=$1 size=$2 spec src dst dir
	shift 2
	rm -f "$img"
	mkfs.vfat ${E2E_MKFS_ARGS:-} -C "$img" $((size * 1024)) >/dev/null || return 1
	for spec in "$@"; do
		src=${spec%%=*}
		dst=${spec#*=}
		dir=${dst%/*}
		# Create each missing level of the destination directory.
		local sub="" part
		local IFS=/
		for part in ${dir#/}; do
			sub="$sub/$part"
			mdir -i "$img" "::$sub" >/dev/null 2>&1 || mmd -i "$img" "::$sub" || return 1
		done
		unset IFS
		mcopy -o -i "$img" "$src" "::$dst" || return 1
	done
}

# e2e_qemu RUN TIMEOUT_S [QEMU ARGS...]: boots OVMF (q35, -cpu max, TCG, no network) with
# a fresh copy of the variable store and the given extra arguments (disks, fw_cfg, ...).
# Writes RUN.raw / RUN.log; returns QEMU's status (124 on timeout).
e2e_qemu() {
	local run=$1 secs=$2
	shift 2
	local raw="$run.raw" fifo="$run.in"
	cp "$E2E_OVMF_VARS" "$run.vars.fd"
	rm -f "$raw" "$fifo"
	: >"$raw"
	mkfifo "$fifo"
	# Key feeder: one space each time a shell countdown shows (skips 5 s of waiting per
	# shell start, also after a reset).  It holds the fifo open for QEMU's whole life,
	# so QEMU's stdin never reaches EOF.
	# With E2E_TYPE_WHEN/E2E_TYPE_TEXT set it also types TEXT and Enter once WHEN shows up
	# on the console (a prompt of the LUKSDXE_PROMPT driver).
	(
		exec 3>"$fifo"
		local i seen=0 now typed=0
		for i in $(seq $((secs * 10))); do
			now=$(grep -o 'any other key to continue' "$raw" 2>/dev/null | wc -l)
			if [ "$now" -gt "$seen" ]; then
				printf ' ' >&3
				seen=$now
			fi
			if [ $typed = 0 ] && [ -n "${E2E_TYPE_WHEN:-}" ] &&
				grep -qF -- "$E2E_TYPE_WHEN" "$raw" 2>/dev/null; then
				printf '%s\r' "$E2E_TYPE_TEXT" >&3
				typed=1
			fi
			sleep 0.1
		done
	) &
	local feeder=$!
	timeout --kill-after=5 "$secs" "$E2E_QEMU" -machine q35 -cpu max -accel tcg -m "$E2E_MEM" \
		-nodefaults -display none -no-user-config -net none \
		-chardev stdio,id=con0,signal=off,logfile="$raw" -serial chardev:con0 \
		-drive if=pflash,format=raw,unit=0,readonly=on,file="$E2E_OVMF_CODE" \
		-drive if=pflash,format=raw,unit=1,file="$run.vars.fd" \
		"$@" <"$fifo" >/dev/null 2>"$run.stderr"
	local rc=$?
	kill "$feeder" 2>/dev/null
	wait "$feeder" 2>/dev/null
	rm -f "$fifo"
	# Strip terminal escapes (CSI sequences, charset selects) and CRs for grepping.
	sed -e 's/\x1b\[[0-9;?=]*[A-Za-z]//g' -e 's/\x1b[()][A-Z0-9]//g' -e 's/\r//g' "$raw" >"$run.log"
	# The firmware's last line may lack a newline; end the log with one so that nothing
	# printed after it (a TAP line) is glued to it.
	[ -z "$(tail -c 1 "$run.log")" ] || echo >>"$run.log"
	[ $rc -eq 124 ] && echo "# $run: QEMU timed out after ${secs}s"
	[ -s "$run.stderr" ] && sed 's/^/# qemu: /' "$run.stderr" | head -5
	return $rc
}

# e2e_disk IMAGE: prints, one per line, the QEMU arguments that attach IMAGE as a raw
# virtio disk; use as  mapfile -t args < <(e2e_disk IMG).  The drive id derives from the
# path, so calls in subshells never collide.
e2e_disk() {
	local id
	id=d$(printf '%s' "$1" | cksum | cut -d' ' -f1)
	printf '%s\n' -drive "if=none,id=$id,format=raw,file=$1" -device "virtio-blk-pci,drive=$id"
}

# e2e_shell_boot RUN TIMEOUT_S SCRIPT [FILE=/DEST ...] [-- QEMU ARGS...]:
# makes a boot FAT image (RUN.boot.img) holding startup.nsh = SCRIPT (shell commands, one
# per line; `reset -s` is appended) plus the given files, attaches it as the first disk
# (so it is FS0), then boots with the extra QEMU arguments.
e2e_shell_boot() {
	local run=$1 secs=$2 script=$3
	shift 3
	local files=()
	while [ $# -gt 0 ] && [ "$1" != "--" ]; do
		files+=("$1")
		shift
	done
	[ "${1:-}" = "--" ] && shift
	printf '%s\n' "$script" 'reset -s' | sed 's/$/\r/' >"$run.startup.nsh"
	e2e_mkfat "$run.boot.img" 8 "$run.startup.nsh=/startup.nsh" "${files[@]}" ||
		e2e_bail "cannot make $run.boot.img"
	local disk
	mapfile -t disk < <(e2e_disk "$run.boot.img")
	e2e_qemu "$run" "$secs" "${disk[@]}" "$@"
}

# ---- disk images -----------------------------------------------------------------
# Facts (cryptsetup 2.6, no dm-crypt, no root): `cryptsetup reencrypt --encrypt
# --reduce-device-size R FILE` converts a plain file into a LUKS2 volume with an attached
# header, offline and in place.  The data segment starts at R/2; the plaintext of its
# first (size - R) bytes is the file's original first (size - R) bytes; the segment's
# remaining R/2 bytes hold undefined plaintext.  So a file system image of at most
# size - R bytes, written at the start of the file, survives encryption intact.

# e2e_luks_fat OUT SIZE_MIB PASSFILE [CRYPTSETUP ARGS...] -- [SRC=/DEST ...]:
# a LUKS2 volume of SIZE_MIB whose plaintext is a FAT file system (SIZE_MIB - 2 MiB)
# holding the given files, encrypted by cryptsetup itself.  Default KDF is cheap PBKDF2;
# pass e.g. --pbkdf argon2id --pbkdf-memory 32 --pbkdf-force-iterations 4 to override.
e2e_luks_fat() {
	local out=$1 size=$2 pass=$3
	shift 3
	local cargs=() files=()
	while [ $# -gt 0 ] && [ "$1" != "--" ]; do
		cargs+=("$1")
		shift
	done
	[ "${1:-}" = "--" ] && shift
	files=("$@")
	local a prev="" mkfs=""
	# cryptsetup refuses a data sector size larger than the file system's sectors.
	for a in "${cargs[@]}"; do
		[ "$prev" = "--sector-size" ] && mkfs="-S $a"
		prev=$a
	done
	E2E_MKFS_ARGS="${E2E_MKFS_ARGS:-} $mkfs" e2e_mkfat "$out.fat" $((size - 2)) "${files[@]}" ||
		return 1
	e2e_luks_image "$out" "$out.fat" "$size" "$pass" "${cargs[@]}"
	local rc=$?
	rm -f "$out.fat"
	return $rc
}

# e2e_luks_image OUT PLAIN SIZE_MIB PASSFILE [CRYPTSETUP ARGS...]: a LUKS2 volume of
# SIZE_MIB whose plaintext starts with the bytes of PLAIN (at most SIZE_MIB - 2 MiB; the
# data segment starts at 1 MiB), encrypted by cryptsetup itself.  KDF as e2e_luks_fat.
e2e_luks_image() {
	local out=$1 plain=$2 size=$3 pass=$4
	shift 4
	local reduce=2 a kdf=(--pbkdf pbkdf2 --pbkdf-force-iterations 1000)
	[ "$(stat -c %s "$plain")" -le $(((size - reduce) * 1024 * 1024)) ] || return 1
	rm -f "$out"
	truncate -s "${size}M" "$out"
	dd if="$plain" of="$out" conv=notrunc status=none || return 1
	for a in "$@"; do
		[ "$a" = "--pbkdf" ] && kdf=()
	done
	cryptsetup reencrypt --encrypt --type luks2 --reduce-device-size "${reduce}M" \
		--batch-mode --key-file "$pass" "${kdf[@]}" "$@" "$out" >/dev/null
}

# e2e_gpt_disk OUT PART_IMAGE: a GPT disk with one partition (from 1 MiB) holding the
# bytes of PART_IMAGE, and 1 MiB free at the end for the backup table.
e2e_gpt_disk() {
	local out=$1 part=$2
	local bytes sectors
	bytes=$(stat -c %s "$part")
	sectors=$(((bytes + 511) / 512))
	rm -f "$out"
	truncate -s $((bytes + 2 * 1024 * 1024)) "$out"
	sgdisk -n "1:2048:+$sectors" -t 1:8309 "$out" >/dev/null || return 1
	dd if="$part" of="$out" bs=512 seek=2048 conv=notrunc status=none
}

# e2e_secret_table OUT [UUID=PASSFILE ...]: the confidential-computing secret GUID table
# (OVMF AmdSev layout), written by Python's struct and uuid modules so that it does not
# share code with the driver.  UUID "disk" names the disk-passphrase entry.  Each
# passphrase gets a NUL terminator, as guest owners' tools write them; padded to 16.
e2e_secret_table() {
	python3 - "$@" <<'PY'
import struct, sys, uuid
out, ents = sys.argv[1], b""
for arg in sys.argv[2:]:
    g, path = arg.split("=", 1)
    if g == "disk":
        g = "736869e5-84f0-4973-92ec-06879ce3da0b"
    data = open(path, "rb").read() + b"\0"
    ents += uuid.UUID(g).bytes_le + struct.pack("<I", 20 + len(data)) + data
hdr = uuid.UUID("1e74f542-71dd-4d66-963e-ef4287ff173b").bytes_le
tbl = hdr + struct.pack("<I", 20 + len(ents)) + ents
tbl += b"\0" * (-len(tbl) % 16)
open(out, "wb").write(tbl)
PY
}
