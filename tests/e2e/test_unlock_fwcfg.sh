#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause-Patent
# End-to-end (issue 4): real OVMF under QEMU (TCG).  A GPT disk holds one partition with
# a LUKS2 volume that cryptsetup made and encrypted; inside, a FAT file system with a
# file whose content is random per run and an EFI application.  The secret comes through
# fw_cfg (opt/luksdxe/secret, disk-passphrase entry).  The UEFI shell loads LuksDxe, and
# its own output must show the file's content and the application running; the load policy
# refuses a copy of that application on the plaintext boot disk (asked before the one in the
# volume runs: from then on isolation hides the plaintext disk, docs/load-policy.md, and the
# shell no longer finds the copy, which the test checks too); then a test application
# (itself stored in the encrypted volume: the policy admits nothing else) tries to unload
# the driver while it runs under the driver's StartImage wrapper and from a timer event
# (both refused), then from a shell command it adds (accepted): the driver must take the
# volume away again.  A second boot
# with a wrong secret must leave the volume locked with a clear message, no hang.
set -u
. "$(dirname "$0")/lib.sh"
e2e_init unlock_fwcfg
W=$E2E_WORK
drv="$E2E_TOP/build/LuksDxe.efi"
hello="$E2E_TOP/build/e2e-apps/hello.efi"
unload="$E2E_TOP/build/e2e-apps/unload_luksdxe.efi"
[ -f "$drv" ] && [ -f "$hello" ] && [ -f "$unload" ] || e2e_bail "build LuksDxe.efi and the e2e apps first (make test-bins)"

token="luksdxe-$(e2e_rand_hex)"
printf '%s\r\n' "$token" >"$W/token.txt"
printf 'correct horse %s' "$RANDOM" >"$W/pass"
printf 'wrong horse' >"$W/wrong"
uuid=$(cat /proc/sys/kernel/random/uuid)
e2e_luks_fat "$W/vol.img" 16 "$W/pass" --uuid "$uuid" -- \
	"$W/token.txt=/token.txt" "$hello=/EFI/tools/hello.efi" "$unload=/EFI/tools/unload.efi" ||
	e2e_bail "cannot make the LUKS volume"
e2e_gpt_disk "$W/disk.img" "$W/vol.img" || e2e_bail "cannot make the GPT disk"
sum_before=$(sha256sum <"$W/disk.img")
mapfile -t disk < <(e2e_disk "$W/disk.img")

script='load FS0:\LuksDxe.efi
connect -r
map -r
type FS1:\token.txt
load FS0:\hello.efi
FS1:\EFI\tools\hello.efi
devices
load FS1:\EFI\tools\unload.efi
stall 1000000
unload_luksdxe
map -r
type FS1:\token.txt'

# Boot 1: the right secret.
e2e_secret_table "$W/secret.bin" "disk=$W/pass"
run="$W/good"
e2e_shell_boot "$run" 90 "$script" "$drv=/LuksDxe.efi" "$hello=/hello.efi" -- \
	"${disk[@]}" -fw_cfg "name=opt/luksdxe/secret,file=$W/secret.bin"
e2e_ok $? "boot with the right secret ran to power-off"
e2e_expect "$run.log" "^LuksDxe: $uuid: deriving key \(secret from fw_cfg opt/luksdxe/secret, disk passphrase\)" \
	"the driver took the secret from fw_cfg"
e2e_expect "$run.log" "^LuksDxe: $uuid: unlocked with keyslot 0$" "the driver unlocked the volume"
e2e_expect "$run.log" "FS1: .*" "the shell mapped a file system on the unlocked volume"
e2e_expect "$run.log" "/HD\(1,GPT,.*\)/VenMedia\(CDD7A9B4-36D8-45EB-90F4-66FBD8CDA3E5,$(echo "$uuid" | tr -d - | tr a-f A-F)\)" \
	"its device path is partition + LuksDxe vendor node carrying the LUKS UUID"
e2e_expect "$run.log" "^$token\$" "the shell typed the per-run random file from inside the volume"
e2e_expect "$run.log" "^luksdxe-e2e-hello: running from the unlocked volume" \
	"an EFI application stored inside the encrypted volume ran"
e2e_expect "$run.log" " LUKS volume $uuid\$" "the shell's device list names the controller (ComponentName2)"
e2e_expect "$run.log" "^LuksDxe: refused to load PciRoot\(0x0\)/Pci\(0x1,0x0\)/\\\\hello.efi: not on a volume the guest owner encrypted" \
	"the load policy refused the same application on the plaintext boot disk"
e2e_expect "$run.log" "^LuksDxe: isolation: hid PciRoot\(0x0\)/Pci\(0x1,0x0\)$" \
	"once the application in the volume ran, isolation hid the plaintext boot disk"
[ "$(grep -c '^luksdxe-e2e-hello: running' "$run.log")" = 1 ]
e2e_ok $? "... so it ran once only, from the encrypted volume"
e2e_expect "$run.log" "^LuksDxe: $uuid: stopped, key wiped$" "unloading stopped the volume"
e2e_expect "$run.log" "^unload_luksdxe: UnloadImage while started under the policy: access denied$" \
	"the driver refuses to unload while an image it started runs (its code is on that stack)"
e2e_expect "$run.log" "^LuksDxe: not unloading: called from an event notification \(above TPL_APPLICATION\)" \
	"the driver refuses to unload from an event notification (it may have interrupted a use of the driver)"
e2e_expect "$run.log" "^unload_luksdxe: UnloadImage from a timer: access denied$" \
	"... so the unload from a timer event is refused"
e2e_expect "$run.log" "^unload_luksdxe: UnloadImage from a shell command: unloaded$" \
	"the driver unloaded at TPL_APPLICATION (a shell command)"
sed -n '/unload_luksdxe: UnloadImage from a shell command/,$p' "$run.log" >"$run.after-unload.log"
e2e_expect "$run.after-unload.log" "Cannot open file - 'FS1:.token.txt'" \
	"after unloading, the file is gone"
e2e_reject "$run.after-unload.log" "VenMedia\(CDD7A9B4" "after unloading, no unlocked volume is mapped"
e2e_reject "$run.log" "$(cat "$W/pass")" "the passphrase never appears on the console"

# Boot 2: a wrong secret.
e2e_secret_table "$W/wrong.bin" "disk=$W/wrong"
run="$W/wrong"
e2e_shell_boot "$run" 90 "$script" "$drv=/LuksDxe.efi" -- "${disk[@]}" \
	-fw_cfg "name=opt/luksdxe/secret,file=$W/wrong.bin"
e2e_ok $? "boot with a wrong secret ran to power-off (no hang)"
e2e_expect "$run.log" "^LuksDxe: $uuid: wrong secret: no keyslot accepts it; the volume stays locked" \
	"a clear message says the secret is wrong"
e2e_reject "$run.log" "^$token\$" "the file stays unreadable"
e2e_reject "$run.log" "VenMedia\(CDD7A9B4" "no unlocked volume appears"

[ "$(sha256sum <"$W/disk.img")" = "$sum_before" ]
e2e_ok $? "the disk image is unchanged (the driver never writes)"
e2e_done
