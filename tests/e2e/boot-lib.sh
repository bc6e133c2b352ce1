# SPDX-License-Identifier: BSD-2-Clause-Patent
# tests/e2e/boot-lib.sh: booting from encrypted disks with LuksDxe from the OVMF driver
# list.  Builds on tests/e2e/lib.sh (TAP helpers, OVMF paths, e2e_mkfat) and adds:
#
#   bl_driver_disk IMG DRIVER       a small plaintext FAT "driver disk": the driver at
#                                   \EFI\LuksDxe\LuksDxe.efi and a startup.nsh that
#                                   registers it with `bcfg driver add` (first boot only)
#   bl_install_driver VARS DISK     copies OVMF's variable store to VARS and boots once
#                                   with DISK so that the shell writes Driver0000 and
#                                   DriverOrder into VARS
#   bl_qemu RUN SECS VARS ARGS...   boots OVMF with that persistent VARS (none: no variable
#                                   store, for the firmware image); the serial console
#                                   goes to RUN.raw (raw), RUN.log (clean) and RUN.ts (clean,
#                                   each line prefixed with seconds since QEMU started)
#   bl_disk IMG SLOT [BOOTINDEX]    QEMU arguments for a virtio disk at a fixed PCI slot
#   bl_when RUN ERE                 seconds at which the first line matching ERE appeared
#   BL_LIVE=1                       bl_qemu also shows the console live on stderr
#   RUN.chunks                      each piece of a line that arrived before its end
#                                   (e.g. the driver's key derivation percentages), with
#                                   the seconds at which it arrived (0.25 s resolution)
#   BL_TYPE_WHEN=S BL_TYPE_TEXT=T   bl_qemu types T and Enter once S appears on the console
#
# Facts this relies on (Debian 12 OVMF, measured):
#  - Driver#### paths are full device paths, so the driver disk must sit at the same PCI
#    slot in every boot: bl_disk pins slots.
#  - Once the shell has run, BootOrder lists it; a disk with a bootindex makes OVMF put
#    that disk's boot options (and the options of children such as LuksDxe's unlocked
#    volume, whose device path extends the disk's) first.
#  - When QEMU passes a boot order (any bootindex), OVMF connects only the devices in it:
#    every encrypted disk that must be unlocked in firmware needs a bootindex.
#  - The unlocked volume has no boot option of its own until the boot manager enumerates
#    it; OVMF's BDS refreshes boot options after connecting all devices.

. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
shopt -s extglob # for the escape-sequence patterns in _bl_clean_var

BL_DRIVER_SLOT=${BL_DRIVER_SLOT:-0x5}
BL_DISK_SLOT=${BL_DISK_SLOT:-0x6}   # first encrypted disk; a second one uses 0x7

# The driver disk's startup.nsh.  The shell runs it whenever it is started: on the first
# boot it registers the driver and powers off; on a later boot the shell is reached only
# when no boot option worked (e.g. the volume stayed locked): it says so and powers off,
# so that a failed boot ends instead of waiting at the shell prompt.
_bl_startup_nsh() {
	cat <<'NSH'
@echo -off
if exist FS0:\EFI\LuksDxe\installed then
  echo "driver-disk: the shell was reached: no boot option could be started"
  reset -s
endif
echo "driver-disk: registering FS0:\EFI\LuksDxe\LuksDxe.efi as Driver0000"
bcfg driver add 0 FS0:\EFI\LuksDxe\LuksDxe.efi "LuksDxe"
bcfg driver dump
echo installed > FS0:\EFI\LuksDxe\installed
echo "driver-disk: done, powering off"
reset -s
NSH
}

# bl_driver_disk IMG DRIVER
bl_driver_disk() {
	local img=$1 drv=$2
	_bl_startup_nsh | sed 's/$/\r/' >"$img.startup.nsh"
	rm -f "$img"
	mkfs.vfat -C -n DRIVERS "$img" 8192 >/dev/null &&
		mmd -i "$img" ::/EFI ::/EFI/LuksDxe &&
		mcopy -i "$img" "$img.startup.nsh" ::/startup.nsh &&
		mcopy -i "$img" "$drv" ::/EFI/LuksDxe/LuksDxe.efi || return 1
	rm -f "$img.startup.nsh"
}

# bl_disk IMG SLOT [BOOTINDEX]: prints one argument per line (use mapfile).
bl_disk() {
	local img=$1 slot=$2 idx=${3:-}
	local id="d${slot#0x}"
	printf '%s\n' -drive "if=none,id=$id,format=raw,file=$img" \
		-device "virtio-blk-pci,drive=$id,addr=$slot${idx:+,bootindex=$idx}"
}

# bl_qemu RUN SECS VARS [QEMU ARGS...]: returns QEMU's status (124 on timeout).
bl_qemu() {
	local run=$1 secs=$2 vars=$3
	shift 3
	local raw="$run.raw" fifo="$run.in"
	rm -f "$raw" "$fifo" "$run.stamped" "$run.chunks"
	: >"$raw"
	mkfifo "$fifo"
	# Key feeder (as in lib.sh): a space when the shell counts down, and stdin held open.
	# With BL_TYPE_WHEN/BL_TYPE_TEXT set it also types TEXT and Enter once WHEN shows up
	# on the console (a passphrase prompt, for the GRUB benchmark).
	(
		exec 3>"$fifo"
		local i shell_done=0 type_done=1
		[ -n "${BL_TYPE_WHEN:-}" ] && type_done=0
		for i in $(seq $((secs * 20))); do
			if [ $shell_done = 0 ] && grep -q 'any other key to continue' "$raw" 2>/dev/null; then
				printf ' ' >&3
				shell_done=1
			fi
			if [ $type_done = 0 ] && grep -qF -- "$BL_TYPE_WHEN" "$raw" 2>/dev/null; then
				printf '%s\r' "$BL_TYPE_TEXT" >&3
				type_done=1
			fi
			[ $shell_done = 1 ] && [ $type_done = 1 ] && break
			sleep 0.05
		done
		sleep "$secs"
	) &
	local feeder=$!
	# VARS "none": a firmware image with its variables in memory (build/ovmf/OVMF-LuksDxe.fd).
	local varsargs=()
	[ "$vars" = none ] || varsargs=(-drive "if=pflash,format=raw,unit=1,file=$vars")
	local t0=${EPOCHREALTIME/./}
	timeout --kill-after=5 "$secs" "$E2E_QEMU" -machine q35 -cpu max -accel tcg -m "$E2E_MEM" \
		-nodefaults -display none -no-user-config -net none -no-reboot \
		-chardev stdio,id=con0,signal=off,logfile="$raw" -serial chardev:con0 \
		-drive if=pflash,format=raw,unit=0,readonly=on,file="$E2E_OVMF_CODE" \
		"${varsargs[@]}" "$@" <"$fifo" 2>"$run.stderr" | _bl_stamp "$t0" "$run.chunks" >"$run.stamped"
	local rc=${PIPESTATUS[0]}
	kill "$feeder" 2>/dev/null
	wait "$feeder" 2>/dev/null
	rm -f "$fifo"
	# The clean log always ends with a newline, so that tails of it printed as TAP
	# comments never swallow the next TAP line.
	{ _bl_clean <"$raw"; echo; } >"$run.log"
	_bl_clean <"$run.stamped" >"$run.ts"
	[ $rc -eq 124 ] && echo "# $run: QEMU timed out after ${secs}s"
	[ -s "$run.stderr" ] && sed 's/^/# qemu: /' "$run.stderr" | head -5
	return $rc
}

# Prefixes each line with the seconds (3 decimals) since t0 (microseconds), without forks;
# pieces of a line that arrive before its end are also written, stamped, to CHUNKS.
# With BL_LIVE=1 it also shows the console on stderr as it arrives, cleaned, partial lines
# included (so that progress printed without a newline, like LuksDxe's key derivation
# percentages, is seen while it happens).
_bl_stamp() {
	local t0=$1 chunks=$2 line now rel pending= shown=0 live=${BL_LIVE:-0} rc
	: >"$chunks"
	while :; do
		IFS= read -r -t 0.25 line
		rc=$?
		now=${EPOCHREALTIME/./}
		rel=$((now - t0))
		if [ $rc -gt 128 ]; then # timeout: line holds a partial line (possibly empty)
			if [ -n "$line" ]; then
				pending+=$line
				_bl_clean_var "$line"
				printf '%d.%03d %s\n' $((rel / 1000000)) $((rel % 1000000 / 1000)) "$_BL_C" >>"$chunks"
				if [ "$live" = 1 ]; then
					[ $shown = 0 ] && printf '  [+%d.%03d s] ' $((rel / 1000000)) $((rel % 1000000 / 1000)) >&2
					_bl_clean_var "$line"
					printf '%s' "$_BL_C" >&2
					shown=1
				fi
			fi
			continue
		fi
		[ $rc -ne 0 ] && [ -z "$line" ] && [ -z "$pending" ] && break
		printf '%d.%03d %s\n' $((rel / 1000000)) $((rel % 1000000 / 1000)) "$pending$line"
		if [ "$live" = 1 ]; then
			_bl_clean_var "$line"
			if [ $shown = 1 ]; then
				printf '%s\n' "$_BL_C" >&2
			elif [ -n "${_BL_C//[[:space:]]/}" ]; then
				printf '  [+%d.%03d s] %s\n' $((rel / 1000000)) $((rel % 1000000 / 1000)) "$_BL_C" >&2
			fi
		fi
		pending= shown=0
		[ $rc -ne 0 ] && break
	done
}
# Sets _BL_C to the string without CRs and terminal escape sequences (no fork).
_bl_clean_var() {
	_BL_C=${1//$'\r'/}
	_BL_C=${_BL_C//$'\e'\[*([0-9;?=])[A-Za-z]/}
	_BL_C=${_BL_C//$'\e'[()][A-Z0-9]/}
}
_bl_clean() { sed -e 's/\x1b\[[0-9;?=]*[A-Za-z]//g' -e 's/\x1b[()][A-Z0-9]//g' -e 's/\r//g'; }

# bl_when RUN ERE: seconds of the first matching line of RUN.ts (empty if none).
bl_when() {
	local run=$1 ere=$2
	awk -v re="$ere" '{ t = $1; sub(/^[^ ]* /, ""); if ($0 ~ re) { print t; exit } }' "$run.ts"
}

# bl_install_driver VARS DRIVER_DISK [SECS]: fresh variable store with Driver0000.
bl_install_driver() {
	local vars=$1 disk=$2 secs=${3:-90}
	local run="${vars%.fd}.install" args
	cp "$E2E_OVMF_VARS" "$vars"
	mapfile -t args < <(bl_disk "$disk" "$BL_DRIVER_SLOT")
	bl_qemu "$run" "$secs" "$vars" "${args[@]}" || return 1
	grep -q 'driver-disk: done' "$run.log" && grep -qE 'Option: 00\. Variable: Driver0000' "$run.log"
}
