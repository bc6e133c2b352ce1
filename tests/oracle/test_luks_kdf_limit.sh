#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause-Patent
# Hostile cost parameters: a keyslot whose KDF would run for hours (PBKDF2 iterations near
# and above 2^31, Argon2 time near 2^31, 4 GiB of Argon2 memory with a huge time), put by
# luks2_edit.py into a cryptsetup-made volume at a higher priority than the owner's slot,
# is estimated and skipped (LD_KDF_MAX_SECONDS, 120 s by default), with a line saying so;
# the owner's slot still opens, quickly.  A digest with absurd iterations is refused at
# once.  Each run is bounded by timeout: a derivation that starts anyway fails the test.
. "$(dirname "$0")/luks_lib.sh"

printf 'hunter2' >pw
printf 'other' >pw2
truncate -s 20M base
# shellcheck disable=SC2086
cryptsetup luksFormat -q --type luks2 $PB --key-file pw2 base   # slot 0: someone else's
# shellcheck disable=SC2086
cryptsetup luksAddKey -q $PB --key-file pw2 base pw              # slot 1: the owner's (pbkdf2)
# shellcheck disable=SC2086
cryptsetup luksAddKey -q --pbkdf argon2id $A2 --key-file pw2 base pw2   # slot 2: argon2id

# quick WANT DESC CMD...: exit status WANT within 20 s (the hostile derivations would take
# hours; calibration and the owner's 1000 iterations take well under a second)
quick() {
	local want=$1 d=$2 t0 t1; shift 2
	t0=$(date +%s)
	rc "$want" "$d" timeout 60 "$@"
	t1=$(date +%s)
	check "$d: within 20 s ($((t1 - t0)) s)" test $((t1 - t0)) -le 20
}

hostile() { # DESC PY (slot 0 or 2 made hostile and preferred; the owner's passphrase
	local d=$1 py=$2
	cp base h
	if ! $EDIT h --expr "$py"; then not_ok "$d: could not build"; return; fi
	check "$d: cryptsetup reads the header" cryptsetup luksDump h
	quick 0 "$d: the owner's keyslot still opens" "$LT" unlock --key-file pw h
	check "$d: ... keyslot 1" grep -q "Key slot 1 unlocked" "$T/out"
	check "$d: the skipped keyslot is named with its estimate" \
		grep -Eq "keyslot [02]: key derivation would take about [0-9]+ s, above the limit of 120 s: skipped" "$T/err"
	# the hostile slot alone, with its own passphrase: refused as unsupported, quickly
	quick 5 "$d: that keyslot alone is not derived" "$LT" unlock --key-file pw2 --key-slot "$3" h
	check "$d: ... and says why" grep -q "above the limit" "$T/err"
}
pbkdf2_slot0='j["keyslots"]["0"]["priority"]=2; k=j["keyslots"]["0"]["kdf"]'
hostile "PBKDF2 iterations 2^31-1" "$pbkdf2_slot0; k['iterations']=2**31-1" 0
hostile "PBKDF2 iterations 2^32-1" "$pbkdf2_slot0; k['iterations']=2**32-1" 0
argon_slot2='j["keyslots"]["2"]["priority"]=2; k=j["keyslots"]["2"]["kdf"]'
hostile "Argon2 time 2^31" "$argon_slot2; k['time']=2**31" 2
hostile "Argon2 4 GiB with time 2^20" "$argon_slot2; k['memory']=4194304; k['time']=2**20" 2
hostile "Argon2 4 GiB with time 2^32-1" "$argon_slot2; k['memory']=4194304; k['time']=2**32-1" 2

# a normal cost is not affected: every slot tried, the wrong passphrase is just wrong
quick 4 "normal costs: a wrong passphrase tries every slot" "$LT" unlock --key-file /dev/null base
check "normal costs: nothing skipped" test ! -s <(grep "above the limit" "$T/err")

# the volume key digest: every keyslot pays for it, so an absurd one stops the unlock
cp base dg; $EDIT dg --expr 'j["digests"]["0"]["iterations"]=2**32-1'
check "digest iterations 2^32-1: cryptsetup reads the header" cryptsetup luksDump dg
quick 5 "digest iterations 2^32-1: unlock refused at once" "$LT" unlock --key-file pw dg
check "digest iterations 2^32-1: ... and says why" grep -q "digest would take about" "$T/err"
finish
