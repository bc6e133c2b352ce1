# SPDX-License-Identifier: BSD-2-Clause-Patent
# swtpm daemons for the TPM tests (sourced after lib.sh's e2e_init; needs $W).  Every daemon
# started here is killed when the test exits (one EXIT trap, set here).
#   swtpm_start PIDFILE ARGS...   swtpm socket --tpm2 on $W/state, daemonised, pid remembered
#   swtpm_stop PIDFILE            kills it and waits until it is gone (the swtpm serving QEMU
#                                 ends with QEMU's channel, its pid file too)
swtpm_pids=()
swtpm_cleanup() { local p; for p in "${swtpm_pids[@]}"; do kill "$p" 2>/dev/null; done; }
trap swtpm_cleanup EXIT
swtpm_start() {
	local pf=$1 i; shift
	swtpm socket --tpm2 --tpmstate "dir=$W/state" --daemon --pid "file=$pf" "$@" || return 1
	for i in $(seq 50); do [ -s "$pf" ] && break; sleep 0.1; done
	swtpm_pids+=("$(cat "$pf")")
}
swtpm_stop() {
	local p; p=$(cat "$1" 2>/dev/null) || return 0
	kill "$p" 2>/dev/null
	while kill -0 "$p" 2>/dev/null; do sleep 0.05; done
}
