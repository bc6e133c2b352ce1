# SPDX-License-Identifier: BSD-2-Clause-Patent
# Sourced by test scripts that rely on an exact behaviour of a Debian tool (the format of its
# output, how it treats an input), which a Debian point release may change under us: jq
# 1.6-2.1+deb12u3 began to read NUL padding as a second JSON value.  A suite checks such a
# fact at its start (tool_fact), or where it parses the output (the parsers below), and a
# failure names the package and version found, so that the next change is diagnosed in
# minutes.  Needs no other file; the suites' own ok/not_ok are used by tool_fact only.

# tool_version CMD: "PACKAGE VERSION" of the Debian package that installed CMD, else the
# first line of CMD --version.
tool_version() {
	local path pkg cand
	path=$(command -v "$1") || { echo "$1 (not installed)"; return; }
	# merged /usr: dpkg may know the file under /bin or /usr/bin, /sbin or /usr/sbin
	for cand in "$path" "$(readlink -f "$path")" "${path#/usr}" "/usr${path}"; do
		pkg=$(dpkg -S "$cand" 2>/dev/null | head -n 1 | cut -d: -f1) && [ -n "$pkg" ] && break
	done
	if [ -n "$pkg" ]; then
		echo "$pkg $(dpkg-query -W -f='${Version}' "$pkg" 2>/dev/null)"
	else
		echo "$1 $("$1" --version 2>&1 | head -n 1)"
	fi
}

# tool_fact CMD DESC PROBE...: runs PROBE (a command or function; its output is ignored).
# TAP "ok" naming the tool and its version when it succeeds, "not ok ... no longer holds"
# otherwise.  Uses the suite's ok/not_ok.  Returns PROBE's status.
tool_fact() {
	local tool=$1 desc=$2 ver; shift 2
	ver=$(tool_version "$tool")
	if "$@" >/dev/null 2>&1; then
		ok "$ver: $desc"
	else
		not_ok "$ver: $desc: no longer holds (the suite relies on it)"
		return 1
	fi
}

# tool_said CMD WHAT: one diagnostic line for a parse of CMD's output that found nothing.
tool_said() { echo "# $(tool_version "$1"): $2" >&2; }

# ---- parsers of tools' output, each saying when it found nothing ----

# Volume key in lowercase hex as cryptsetup reports it: cs_vk IMG KEYFILE [--header H].
# Relies on luksDump's "MK dump:" block (cryptsetup 2.6.1: hex bytes over several lines);
# when the passphrase opens the volume but that block cannot be read, says so on stderr.
cs_vk() {
	local img=$1 kf=$2 out vk; shift 2
	out=$(cryptsetup luksDump -q --dump-volume-key --key-file "$kf" "$@" "$img" 2>/dev/null) || return 1
	vk=$(printf '%s\n' "$out" | awk '/^MK dump:/{f=1; sub(/^MK dump:/,"")} /^[A-Za-z]/{if(!/^MK dump/)f=0} f' |
		tr -d ' \t\n' | tr 'A-F' 'a-f')
	case $vk in
	"" | *[!0-9a-f]*) tool_said cryptsetup "luksDump --dump-volume-key printed no 'MK dump:' hex block"; return 1 ;;
	esac
	printf '%s\n' "$vk"
}

# First or last sector of partition N as sgdisk 1.0.9 prints it ("First sector: 2048 (at
# 1024.0 KiB)"): sgdisk_sector DISK N First|Last
sgdisk_sector() {
	local s
	s=$(sgdisk -i "$2" "$1" 2>/dev/null | sed -n "s/^$3 sector: \\([0-9][0-9]*\\) .*/\\1/p")
	[ -n "$s" ] || { tool_said sgdisk "sgdisk -i $2 printed no '$3 sector:' line"; return 1; }
	echo "$s"
}
