#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause-Patent
# Oracle test for `lukstool measure` (AMD SEV / SEV-ES / SNP launch digests and the
# launch-measurement blob check).  No network and no copy of another project's files:
#  1. Images made here by tests/oracle/mk_ovmf_like.py (deterministic; its SHA-256 is
#     checked first, so a change of the generator shows as such), measured with
#     virtee/sev-snp-measure at commit 8f2b337e38bc83f87cd30f3253cdfe8e3e12cc3a, run
#     during development from a checkout outside the tree as
#       cd IMAGEDIR && python3 /tmp/ssm/sev-snp-measure.py ARGS
#     on 2026-12-07; each expected value below is its output for those ARGS.
#  2. virtee/sev-snp-measure's own published SNP vectors (tests/test_guest.py at that
#     commit).  With --snp-ovmf-hash the image is read only for its footer table and SEV
#     metadata; mk_ovmf_like.py --kind amdsev advertises the same entries as their
#     ovmf_AmdSev_suffix.bin fixture (AP reset 0x80b004, hashes table 0x810c00/0x400,
#     secret 0x810000/0xc00, sections 0x800000/0x9000/1, 0x80a000/0x3000/1, 0x80d000/
#     0x1000/2, 0x80e000/0x1000/3, 0x80f000/0x1000/4, 0x810000/0x1000/0x10, 0x811000/
#     0xf000/1, as `sev-snp-measure`'s OVMF class reads them from the fixture), and
#     086e2e91... is the image digest that test_snp_ovmf_hash_full_default asserts for that
#     fixture, so every SNP vector of theirs on it is reproduced here from published facts.
#     Their kernel, initrd are /dev/null there; an empty file here.
#  3. Launch blobs (QMP query-sev-launch-measure) published by virtee/sevctl
#     (tests/measurementbuild.rs, commit 8b47f3a6b980525f4c1e9804661abbdda459e137) with
#     TIK tests/data/measurement/tik1.bin = 3569cf61a32a602b87185ac6e0f55913 (its 16 bytes),
#     and by virtee/sev (src/session/mod.rs, test verify(), commit 9cf2adbf): accepted,
#     and refused when one bit, the policy, the API version or the TIK differ.
. "$(dirname "$0")/tap_lib.sh"
tap_workdir sev-measure
[ -x "$LUKSTOOL" ] || bail "$LUKSTOOL missing (run make)"
command -v python3 >/dev/null || bail "python3 missing"

cd "$work" || bail "cd $work"
for k in amdsev x64 bare; do
	python3 "$top/tests/oracle/mk_ovmf_like.py" "$k.fd" --kind "$k" || bail "mk_ovmf_like.py --kind $k"
done
head -c 100000 /dev/zero | tr '\0' k >kernel
printf 'initrd-bytes' >initrd
: >empty
# The generated images (sha256sum on 2026-12-07, when sev-snp-measure measured them).
while read -r sum f; do
	[ "$(sha256sum "$f" | cut -d' ' -f1)" = "$sum" ]
	ok $? "mk_ovmf_like.py makes the $f that sev-snp-measure measured"
done <<'SUMS'
696ba0903d3f787a3ce1b1ba375f8c5744bbc579872761f834121db8e3070292 amdsev.fd
e51e8798348f029e6758fd87b0ed7eb718261757c67b5d576bd4ec4595946910 x64.fd
cd3c647a502cb1b495b3e53e323da6ba210a34ec58d838f1f23746a497e46645 bare.fd
SUMS

measure() { # EXPECTED ARGS...: the digest alone on the last line, exit 0
	local exp=$1 got rc
	shift
	got=$("$LUKSTOOL" measure "$@" 2>"$work/err")
	rc=$?
	[ $rc -eq 0 ] && [ "$(printf '%s\n' "$got" | tail -n 1)" = "$exp" ]
	ok $? "measure $* = ${exp:0:16}..."
	[ $rc -eq 0 ] || sed 's/^/# /' "$work/err"
}

# 1. sev-snp-measure's output on our images: EXPECTED<TAB>ARGS.
while IFS=$'\t' read -r exp args; do
	# shellcheck disable=SC2086  # ARGS are words
	measure "$exp" $args
done <<'SSM'
696ba0903d3f787a3ce1b1ba375f8c5744bbc579872761f834121db8e3070292	--mode sev --ovmf amdsev.fd
0aa434f195eb1c8a6c1a697f6cbf608b29245ba3a9c31765937d097e46c7cfde	--mode sev --ovmf amdsev.fd --kernel kernel --initrd initrd --append console=ttyS0
0O8QpnRQuVnvu86GmOcb6IkYUqnr6CyKLKVSNar4tQI=	--mode sev --ovmf amdsev.fd --kernel kernel --output-format base64
e51e8798348f029e6758fd87b0ed7eb718261757c67b5d576bd4ec4595946910	--mode sev --ovmf x64.fd
cd3c647a502cb1b495b3e53e323da6ba210a34ec58d838f1f23746a497e46645	--mode sev --ovmf bare.fd
871a6f99528b93c5dabd559674c79d44e6e2868402cad91ada76b3159276730e	--mode seves --vcpus 1 --vcpu-type EPYC-v4 --ovmf amdsev.fd
7ac5f3215bc81a7480dc9dfbe1a99a89bbe54b203fb8d569482f0976a769f4fb	--mode seves --vcpus 4 --vcpu-type EPYC-Milan --ovmf amdsev.fd --kernel kernel --initrd initrd --append console=ttyS0
09f1c99496d619c21e81a39586f0aa56a2cb3d9d428e00e85384c61dee51e166	--mode seves --vcpus 2 --vcpu-sig 0xa00f11 --ovmf x64.fd
Ju0CHOotLqXS2kyuAPMjJeAaWzIFjFSv1LJ9uk/X/cE=	--mode seves --vcpus 3 --vcpu-family 25 --vcpu-model 17 --vcpu-stepping 0 --ovmf amdsev.fd --output-format base64
a36045fb2f028397b870357d6c9c5a8d3186a67a3177c10c4b31dcae34d0da56	--mode seves --vcpus 2 --vmm-type ec2 --ovmf amdsev.fd
55969470849093cbee33b052a5e814a4feea2db140abaf9e18acf1809813050d	--mode seves --vcpus 2 --vmm-type gce --ovmf amdsev.fd
5d49c4fc7f74988bed97bbc4e91b5ba4631321eb8f13e352f0c5f8478ecdd321aec160b128fa673e65d8870471eb8d84	--mode snp --vcpus 1 --vcpu-type EPYC-v4 --ovmf amdsev.fd
3dd5a55b5a9ae0a22e674918185e905f083a61ff428591277b34b26ac260ab5819f518306f6facdd64fdc1ab74e84aaa	--mode snp --vcpus 4 --vcpu-type EPYC-Genoa --ovmf amdsev.fd --guest-features 0x21
cbfb3c96b36fd7df86c686a3ae98d6747be193e8704e6aefda3145a310be8d4f0d90a0480be881093e158a51b544a96f	--mode snp --vcpus 2 --vcpu-type EPYC-Rome --ovmf amdsev.fd --kernel kernel --initrd initrd --append console=ttyS0
9f17b9c7c57b7e8e1836b96926170b074bc1ccf2a64db0b28a8d0f9e53d5412b5d5841e989691778f558813f9f6e7518	--mode snp --vcpus 1 --vcpu-type EPYC-Turin --ovmf x64.fd --guest-features 0x1
73Gcs4Iuu85sfmjbdbuGXtyskAYdGREPQRQhDqaWWa5PR5MQd9o0QgRhq/Hmliee	--mode snp --vcpus 2 --vmm-type ec2 --ovmf amdsev.fd --output-format base64
ca12fb23e567407b4f615d8a2510b997e4cbdc760972e2cdd96bdc5f04492941a8e1ac30dd135660c41fe9222ffc450b	--mode snp --vcpus 2 --vmm-type gce --ovmf amdsev.fd --kernel kernel
19358ba9a7615534a9a1e2f0dfc29384dcd4dcb7062ff9c6013b26869a5fc6ecabe033c48dd6f6db5d6d76e7c5df632d	--mode snp --vcpus 1 --vcpu-type EPYC-v4 --ovmf amdsev.fd --snp-ovmf-hash 086e2e9149ebf45abdc3445fba5b2da8270bdbb04094d7a2c37faaa4b24af3aa16aff8c374c2a55c467a50da6d466b74
SSM

# 2. sev-snp-measure's published SNP vectors (tests/test_guest.py), from its fixture's
# image digest.  "--append CMD" where their test passes "console=ttyS0 loglevel=7".
seed=086e2e9149ebf45abdc3445fba5b2da8270bdbb04094d7a2c37faaa4b24af3aa16aff8c374c2a55c467a50da6d466b74
snp=(--mode snp --ovmf amdsev.fd --snp-ovmf-hash "$seed")
k0=(--kernel empty --initrd empty)
cl="console=ttyS0 loglevel=7"
# test_snp_ovmf_hash_gen_default, _gen_feature_snp_only
measure 329c8ce0972ae52343b64d34a434a86f245dfd74f5ed7aae15d22efc78fb9683632b9b50e4e1d7fa41179ef98a7ef198 "${snp[@]}" --vcpus 1 --vcpu-type EPYC-v4 "${k0[@]}" --append "" --guest-features 0x21
measure ddc5224521617a536ee7ce9dd6224d1b58a8d4fda1c741f3ac99fc4bfa04ba6e9fc98646d4a07a9079397fa3852819b5 "${snp[@]}" --vcpus 1 --vcpu-type EPYC-v4 "${k0[@]}" --append "" --guest-features 0x1
# test_snp_default / _ovmf_hash_full_default, test_snp_guest_feature_snp_only
measure 803f691094946e42068aaa3a8f9e26a5c89f36f7b73ecfb28c653360fe4b3aba7e534442e7e1e17895dfe778d0228977 "${snp[@]}" --vcpus 1 --vcpu-type EPYC-v4 "${k0[@]}" --append "$cl" --guest-features 0x21
measure 6d287813eb5222d770f75005c664e34c204f385ce832cc2ce7d0d6f354454362f390ef83a92046c042e706363b4b08fa "${snp[@]}" --vcpus 1 --vcpu-type EPYC-v4 "${k0[@]}" --append "$cl" --guest-features 0x1
# test_snp_ec2_default, test_snp_ec2_feature_snp_only
measure 0ce9ccc06bab55eebe8abc234f3df6514883977a68a591b71052498ab52b2f1aa415db338033946ef93aa8278c0d67fb "${snp[@]}" --vcpus 1 --vcpu-type EPYC-v4 --vmm-type ec2 "${k0[@]}" --append "" --guest-features 0x21
measure 0883bd0eeb716e65b7b977a321c278d1e51b33b5c655fab985443bbcc65c086b9c15e8a0bd8811050dec7e24964e5056 "${snp[@]}" --vcpus 1 --vcpu-type EPYC-v4 --vmm-type ec2 "${k0[@]}" --append "" --guest-features 0x1
# test_snp_gce_default, test_snp_gce_with_multiple_vcpus_default
measure 5da7106cf14cf46b1725ebab123eb9e53bd46a1e9f400cd0c08e7827b04b688ea8b4e403c8404efed4397ea5d5d0722e "${snp[@]}" --vcpus 1 --vmm-type gce "${k0[@]}" --append "" --guest-features 0x1
measure 5c5debf100fc339f90276e761ee1f1658d08922c3b20e2a2e6c7a6c3370b2452a15a00eae11886a93d6fd1e7ab81e29d "${snp[@]}" --vcpus 4 --vmm-type gce "${k0[@]}" --append "" --guest-features 0x1
# test_snp_without_kernel_default, _feature_snp_only
measure e1e1ca029dd7973ab9513295be68198472dcd4fc834bd9af9b63f6e8a1674dbf281a9278a4a2ebe0eed9f22adbcd0e2b "${snp[@]}" --vcpus 1 --vcpu-type EPYC-v4 --guest-features 0x21
measure 19358ba9a7615534a9a1e2f0dfc29384dcd4dcb7062ff9c6013b26869a5fc6ecabe033c48dd6f6db5d6d76e7c5df632d "${snp[@]}" --vcpus 1 --vcpu-type EPYC-v4 --guest-features 0x1
# test_snp_with_multiple_vcpus_default, _feature_snp_only
measure 4953b1fb416fa874980e8442b3706d345926d5f38879134e00813c5d7abcbe78eafe7b422907be0b4698e2414a631942 "${snp[@]}" --vcpus 4 --vcpu-type EPYC-v4 "${k0[@]}" --append "" --guest-features 0x21
measure 5061fffb019493a903613d56d54b94912a1a2f9e4502385f5c194616753720a92441310ba6c4933de877c36e23046ad5 "${snp[@]}" --vcpus 4 --vcpu-type EPYC-v4 "${k0[@]}" --append "" --guest-features 0x1

# Refusals, as sev-snp-measure refuses them: a kernel for an image without a hashes table
# or kernel-hashes section, a missing --vcpus or CPU type, --initrd without --kernel.
refuse() { # STATUS ARGS...
	local want=$1
	shift
	"$LUKSTOOL" measure "$@" >/dev/null 2>&1
	[ $? -eq "$want" ]
	ok $? "measure $* refused (exit $want)"
}
refuse 3 --mode sev --ovmf x64.fd --kernel kernel
refuse 3 --mode seves --vcpus 1 --vcpu-type EPYC --ovmf x64.fd --kernel kernel
refuse 3 --mode snp --vcpus 1 --vcpu-type EPYC --ovmf x64.fd --kernel kernel
refuse 3 --mode seves --vcpus 1 --vcpu-type EPYC --ovmf bare.fd
refuse 1 --mode seves --ovmf amdsev.fd --vcpu-type EPYC
refuse 1 --mode snp --vcpus 1 --ovmf amdsev.fd
refuse 1 --mode sev --ovmf amdsev.fd --initrd initrd
refuse 1 --mode sev --ovmf amdsev.fd --vcpu-type EPYC-v9
refuse 2 --mode sev --ovmf missing.fd

# 3. Launch blobs.
printf '\x35\x69\xcf\x61\xa3\x2a\x60\x2b\x87\x18\x5a\xc6\xe0\xf5\x59\x13' >tik1.bin
blob() { # STATUS ARGS...
	local want=$1
	shift
	"$LUKSTOOL" measure "$@" >/dev/null 2>"$work/err"
	[ $? -eq "$want" ]
	ok $? "launch blob $* -> exit $want"
}
v1=(--tik tik1.bin --policy 0x03 --api-major 0x01 --api-minor 40 --build 40)
# sevctl measurement_build(), args1: --launch-digest and --nonce given, blob = MEASURE||MNONCE.
b1=lswbxWxI9gckya16JQvdFtpYmNO4b+3inAPpqsgoBI7DE/q1EcIWsVBbGy6pkDxA
blob 0 --digest xkvRAfyaSizgonxAjZIAkR8TmolUabBKQKb6KJCDDSM= --verify-launch-blob "$b1" "${v1[@]}"
# The same digest in hex (base64 -d | xxd -p of the one above).
blob 0 --digest "$(printf %s xkvRAfyaSizgonxAjZIAkR8TmolUabBKQKb6KJCDDSM= | base64 -d | od -An -tx1 | tr -d ' \n')" \
	--verify-launch-blob "$b1" "${v1[@]}"
blob 4 --digest xkvRAfyaSizgonxAjZIAkR8TmolUabBKQKb6KJCDDSM= --verify-launch-blob "${b1/lswb/lswc}" "${v1[@]}"
blob 4 --digest xkvRAfyaSizgonxAjZIAkR8TmolUabBKQKb6KJCDDSM= --verify-launch-blob "$b1" "${v1[@]}" --policy 0x07
blob 4 --digest xkvRAfyaSizgonxAjZIAkR8TmolUabBKQKb6KJCDDSM= --verify-launch-blob "$b1" "${v1[@]}" --api-minor 41
blob 4 --digest xkvRAfyaSizgonxAjZIAkR8TmolUabBKQKb6KJCDDSM= --verify-launch-blob "$b1" "${v1[@]}" --build 41
blob 1 --digest xkvRAfyaSizgonxAjZIAkR8TmolUabBKQKb6KJCDDSM= --verify-launch-blob "$b1" "${v1[@]/tik1.bin/empty}"
printf '\x35\x69\xcf\x61\xa3\x2a\x60\x2b\x87\x18\x5a\xc6\xe0\xf5\x59\x12' >tik2.bin
blob 4 --digest xkvRAfyaSizgonxAjZIAkR8TmolUabBKQKb6KJCDDSM= --verify-launch-blob "$b1" "${v1[@]/tik1.bin/tik2.bin}"
blob 3 --digest xkvRAfyaSizgonxAjZIAkR8TmolUabBKQKb6KJCDDSM= --verify-launch-blob "${b1:0:40}" "${v1[@]}"
blob 1 --digest xkvRAfyaSizgonxAjZIAkR8TmolUabBKQKb6KJCDDSM= --verify-launch-blob "$b1" --tik tik1.bin --policy 3
# virtee/sev src/session/mod.rs verify(): TIK 66320db7..., API 0.18 build 15, policy 0,
# digest = SHA-256 of nothing, MEASURE 6faab2da..., MNONCE 4fbe0bed....
printf '\x66\x32\x0d\xb7\x31\x58\xa3\x5a\x25\x5d\x05\x17\x58\xe9\x5e\xd4' >tik-sev.bin
blob 0 --digest e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855 \
	--verify-launch-blob 6faab2daae389bcd3405a05d6cafe33c0414f7bedd0bae19ba5f38b7fd1664ea4fbe0bedbad6c86ae8f68971d103e554 \
	--tik tik-sev.bin --policy 0 --api-major 0x00 --api-minor 0x12 --build 0x0f

tap_end
