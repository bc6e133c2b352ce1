#!/usr/bin/env bash
# End-to-end (issue 10, firmware part): Debian's stock OVMF under QEMU (TCG).  `lukstool
# mkdisk --fs ext4` makes a GPT disk whose partition is a LUKS2 volume holding an ext4 file
# system (made by mke2fs -d) with a per-run random file, a file with a non-ASCII name in a
# subdirectory, a symlink and an EFI application.  The UEFI shell loads LuksDxe with the
# secret from fw_cfg; the driver's second binding must publish SimpleFileSystem on the
# unlocked volume, so that the shell maps it, `type`s the files (also through the
# symlink and a `..`), lists a directory and starts the application from it (LoadImage
# reads it through EFI_FILE_PROTOCOL).  The plaintext boot disk (FAT) is not touched by it.
set -u
. "$(dirname "$0")/lib.sh"
e2e_init ext4_shell
W=$E2E_WORK
drv="$E2E_TOP/build/LuksDxe.efi"
hello="$E2E_TOP/build/e2e-apps/hello.efi"
lt="$E2E_TOP/build/lukstool"
[ -f "$drv" ] && [ -f "$hello" ] && [ -x "$lt" ] || e2e_bail "build LuksDxe.efi, lukstool and the e2e apps first (make test-bins)"
command -v mke2fs >/dev/null || e2e_bail "missing tool: mke2fs (e2fsprogs)"

token="luksdxe-ext4-$(e2e_rand_hex)"
src="$W/src"
mkdir -p "$src/EFI/tools" "$src/docs/sub"
printf '%s\r\n' "$token" >"$src/token.txt"
printf 'inner %s\r\n' "$token" >"$src/docs/sub/Ünïcode.txt"
ln -s ../token.txt "$src/docs/link.txt"
cp "$hello" "$src/EFI/tools/hello.efi"
printf 'ext4 e2e %s' "$RANDOM" >"$W/pass"
uuid=$(cat /proc/sys/kernel/random/uuid)
"$lt" mkdisk --fs ext4 --label EXT4E2E --key-file "$W/pass" --from "$src" -o "$W/disk.img" \
	--pbkdf pbkdf2 --pbkdf-force-iterations 1000 --uuid "$uuid" >"$W/mkdisk.log" 2>&1 ||
	e2e_bail "lukstool mkdisk --fs ext4 failed: $(tail -3 "$W/mkdisk.log")"
sum_before=$(sha256sum <"$W/disk.img")
mapfile -t disk < <(e2e_disk "$W/disk.img")
e2e_secret_table "$W/secret.bin" "disk=$W/pass"

# The shell reads a script as UCS-2 when it starts with a byte-order mark: the non-ASCII
# name goes through one (startup.nsh itself is ASCII).
printf 'type FS1:\\docs\\sub\\Ünïcode.txt\r\n' | iconv -f UTF-8 -t UCS-2LE >"$W/uni.body"
{ printf '\377\376'; cat "$W/uni.body"; } >"$W/uni.nsh"

script='load FS0:\LuksDxe.efi
connect -r
map -r
type FS1:\token.txt
FS0:\uni.nsh
type FS1:\docs\link.txt
type FS1:\docs\sub\..\..\token.txt
ls FS1:\docs
vol FS1:
FS1:\EFI\tools\hello.efi'

run="$W/boot"
e2e_shell_boot "$run" 120 "$script" "$drv=/LuksDxe.efi" "$W/uni.nsh=/uni.nsh" -- "${disk[@]}" \
	-fw_cfg "name=opt/luksdxe/secret,file=$W/secret.bin"
e2e_ok $? "boot ran to power-off"
e2e_expect "$run.log" "^LuksDxe: $uuid: unlocked with keyslot 0$" "the driver unlocked the volume"
e2e_expect "$run.log" "^LuksDxe: ext4 file system [0-9a-f-]+ mounted read-only$" \
	"the second binding mounted the ext4 file system inside"
sed -n '/^ *FS1: /{n;p}' "$run.log" >"$W/fs1.path"
e2e_expect "$W/fs1.path" "/HD\(1,GPT,.*\)/VenMedia\(CDD7A9B4-36D8-45EB-90F4-66FBD8CDA3E5,$(echo "$uuid" | tr -d - | tr a-f A-F)\)$" \
	"the shell mapped a file system on the LuksDxe child"
e2e_expect "$run.log" "^$token\$" "the shell typed a file from the ext4 volume"
e2e_expect "$run.log" "^inner $token\$" "... a file with a non-ASCII name in a subdirectory"
[ "$(grep -c "^$token\$" "$run.log")" -ge 3 ]
e2e_ok $? "... the same file through a symlink and through '..'"
e2e_expect "$run.log" "<DIR> .* sub$" "ls lists the subdirectory"
e2e_expect "$run.log" "link.txt$" "ls lists the symlink"
e2e_expect "$run.log" "EXT4E2E" "vol shows the ext4 label"
e2e_expect "$run.log" "^luksdxe-e2e-hello: running from the unlocked volume" \
	"an EFI application stored in the ext4 volume ran"
[ "$sum_before" = "$(sha256sum <"$W/disk.img")" ]
e2e_ok $? "the disk image is unchanged"
e2e_done
