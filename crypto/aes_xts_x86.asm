; SPDX-License-Identifier: BSD-2-Clause-Patent
; AES-XTS for x86-64 in three widths, selected at run time by crypto/aes_impl.c:
;   ld_xts_aesni_{enc,dec}    AES-NI, legacy SSE encoding, 8 blocks in flight
;   ld_xts_vaes256_{enc,dec}  VAES + AVX2, 8 ymm vectors = 16 blocks in flight
;   ld_xts_vaes512_{enc,dec}  VAES + AVX-512F/BW, 8 zmm vectors = 32 blocks in flight
;
; Written here rather than taken from a library: mbedTLS (our portable path) does one
; block at a time, and the firmware cannot link OpenSSL or the Linux kernel's code.
;
; C prototype (SysV ABI: the host and our own firmware C code both use it):
;   void f(const struct ld_xts_sched *k, const uint8_t iv[16], const uint8_t *in,
;          uint8_t *out, size_t nblocks);      rdi, rsi, rdx, rcx, r8
; nblocks >= 1 whole 16-byte blocks; in == out (in place) or disjoint buffers; any
; alignment.  XTS as IEEE 1619 defines it, without ciphertext stealing:
;   T = E_K2(iv);  block j:  C = E_K1(P ^ T*x^j) ^ T*x^j  (decryption: D_K1 likewise)
; with x^j multiplied in GF(2^128) modulo x^128 + x^7 + x^2 + x + 1, little-endian.
;
; Constant time: no branch or address depends on key or data (the branches depend on
; nblocks and the round count only).  Every register that held key, tweak or data is
; zeroed before returning (vzeroall also leaves the upper YMM/ZMM state clean, so
; legacy SSE code that runs next pays no transition penalty), and so is the stack area
; that held the tweaks.  Position independent: `default rel`, no absolute relocations
; (gnu-efi relocates the firmware image, and the host objects go into PIE binaries).

default rel
bits 64

; struct ld_xts_sched in crypto/aes_impl.h (static assertions there keep them equal).
%define K_ENC	0	; 15 round keys for E_K1 (FIPS-197 order)
%define K_DEC	240	; 15 round keys for D_K1 (equivalent inverse cipher, last first)
%define K_TWK	480	; 15 round keys for E_K2
%define K_NR	720	; uint32_t: 10, 12 or 14 rounds

section .rodata align=16
; T*x for one block (see MULX_SSE): reduction 0x87 into dword 0, carry into dword 2.
xts_mask:	dd	0x87, 0, 1, 0

section .note.GNU-stack noalloc noexec nowrite progbits

section .text

; ---- one 128-bit tweak times x -----------------------------------------------------
; The classic SSE form: the sign bits of dwords 1 and 3 (the top bits of both qwords)
; become the carry into the high qword and the reduction 0x87 into the low one.
; %1 tweak, %2 scratch, %3 xts_mask.
%macro MULX_SSE 3
	movdqa	%2, %1
	psrad	%2, 31
	paddq	%1, %1
	pshufd	%2, %2, 0x13
	pand	%2, %3
	pxor	%1, %2
%endmacro

%macro MULX_AVX 3	; the same in VEX encoding (for the VAES paths' single blocks)
	vpsrad	%2, %1, 31
	vpaddq	%1, %1, %1
	vpshufd	%2, %2, 0x13
	vpand	%2, %2, %3
	vpxor	%1, %1, %2
%endmacro

; ---- every 128-bit lane of a vector times x^k (1 <= k <= 57) ------------------------
; Without (V)PCLMULQDQ, which QEMU's -cpu max lacks: the k bits shifted out of the low
; qword carry into the high one; the k bits b shifted out of the top are reduced as
; b * (x^7 + x^2 + x + 1) = b ^ b<<1 ^ b<<2 ^ b<<7 (at most k + 7 bits: no overflow).
; %1 result, %2 source (may be %1), %3 %4 %5 scratch, %6 k.  VXOR is set by SETW.
%macro MULXK 6
	vpsrlq	%3, %2, 64 - %6
	vpsllq	%1, %2, %6
	vpslldq	%4, %3, 8
	vpsrldq	%3, %3, 8
	VXOR	%1, %1, %4
	vpsllq	%4, %3, 1
	VXOR	%4, %4, %3
	vpsllq	%5, %3, 2
	vpsllq	%3, %3, 7
	VXOR	%5, %5, %3
	VXOR	%4, %4, %5
	VXOR	%1, %1, %4
%endmacro

; ---- one AES pass over one register ---------------------------------------------------
; %1 data, %2 key register, %3 key load, %4 xor, %5 schedule pointer (register),
; %6 round op, %7 last round op.  Rounds in r9d; clobbers rax, r10d.
%macro AES_PASS 7
	%3	%2, [%5]
	%4	%1, %1, %2
	lea	rax, [%5 + 16]
	lea	r10d, [r9 - 1]
%%round:
	%3	%2, [rax]
	%6	%1, %1, %2
	add	rax, 16
	dec	r10d
	jnz	%%round
	%3	%2, [rax]
	%7	%1, %1, %2
%endmacro

; The legacy-SSE form (two operands) for the AES-NI path; key register xmm11.
%macro AES_PASS_SSE 4	; %1 data, %2 schedule pointer, %3 round op, %4 last round op
	movdqu	xmm11, [%2]
	pxor	%1, xmm11
	lea	rax, [%2 + 16]
	lea	r10d, [r9 - 1]
%%round:
	movdqu	xmm11, [rax]
	%3	%1, xmm11
	add	rax, 16
	dec	r10d
	jnz	%%round
	movdqu	xmm11, [rax]
	%4	%1, xmm11
%endmacro

; ---- AES-NI path -------------------------------------------------------------------
; xmm0-7 eight blocks, xmm8 the next tweak to compute, xmm9 scratch, xmm10 xts_mask,
; xmm11 round key.  Two stack areas of eight tweaks: rsi points at the current group's,
; rdi at the next group's, which rounds 1-8 compute (one T*x each, hidden behind the AES
; latency) and which then change places.  Fewer than 8 blocks at the end take their
; tweaks from the current area in order.
; %1 K_ENC or K_DEC, %2 aesenc or aesdec, %3 aesenclast or aesdeclast.
%macro XTS_AESNI 3
	push	rbp
	mov	rbp, rsp
	sub	rsp, 256
	and	rsp, -16
	mov	r9d, [rdi + K_NR]
	movdqa	xmm10, [xts_mask]
	movdqu	xmm8, [rsi]
	lea	r11, [rdi + K_TWK]
	AES_PASS_SSE xmm8, r11, aesenc, aesenclast	; T = E_K2(iv)
	lea	r11, [rdi + %1]
	mov	rsi, rsp			; current tweaks
	lea	rdi, [rsp + 128]		; next tweaks
%assign i 0
%rep 8
	movdqa	[rsi + 16*i], xmm8
	MULX_SSE xmm8, xmm9, xmm10
%assign i i+1
%endrep
%%group:
	cmp	r8, 8
	jb	%%tail
	movdqu	xmm11, [r11]
%assign i 0
%rep 8
	movdqu	xmm%[i], [rdx + 16*i]
	pxor	xmm%[i], [rsi + 16*i]
	pxor	xmm%[i], xmm11
%assign i i+1
%endrep
%assign r 1
%rep 8				; every key size has at least 9 middle rounds
	movdqu	xmm11, [r11 + 16*r]
%assign i 0
%rep 8
	%2	xmm%[i], xmm11
%assign i i+1
%endrep
	movdqa	[rdi + 16*(r-1)], xmm8
	MULX_SSE xmm8, xmm9, xmm10
%assign r r+1
%endrep
	lea	rax, [r11 + 16*9]
	lea	r10d, [r9 - 9]		; 1, 3 or 5 more middle rounds
%%round:
	movdqu	xmm11, [rax]
%assign i 0
%rep 8
	%2	xmm%[i], xmm11
%assign i i+1
%endrep
	add	rax, 16
	dec	r10d
	jnz	%%round
	movdqu	xmm11, [rax]
%assign i 0
%rep 8
	%3	xmm%[i], xmm11
	pxor	xmm%[i], [rsi + 16*i]
	movdqu	[rcx + 16*i], xmm%[i]
%assign i i+1
%endrep
	xchg	rsi, rdi
	add	rdx, 128
	add	rcx, 128
	sub	r8, 8
	jmp	%%group
%%tail:				; fewer than 8 blocks left: one at a time
	test	r8, r8
	jz	%%done
	movdqu	xmm0, [rdx]
	pxor	xmm0, [rsi]
	AES_PASS_SSE xmm0, r11, %2, %3
	pxor	xmm0, [rsi]
	movdqu	[rcx], xmm0
	add	rsi, 16
	add	rdx, 16
	add	rcx, 16
	dec	r8
	jmp	%%tail
%%done:
%assign i 0
%rep 12
	pxor	xmm%[i], xmm%[i]
%assign i i+1
%endrep
%assign i 0
%rep 16
	movdqa	[rsp + 16*i], xmm0
%assign i i+1
%endrep
	mov	rsp, rbp
	pop	rbp
	ret
%endmacro

; ---- VAES paths ----------------------------------------------------------------------
; SETW y|z names V0..V15 ymm or zmm and picks the encodings of that width.  Only
; registers 0-15 are used, so that vzeroall wipes all of them (zmm16-31 untouched).
%macro SETW 1
%assign _i 0
%rep 16
%xdefine V%[_i] %1mm%[_i]
%assign _i _i+1
%endrep
%ifidn %1, y
%define VB	32		; bytes per vector
%define BPV	2		; blocks per vector
%define VXOR	vpxor
%define VMOVU	vmovdqu
%define VBCAST	vbroadcasti128	; one round key into every lane
%else
%define VB	64
%define BPV	4
%define VXOR	vpxorq
%define VMOVU	vmovdqu64
%define VBCAST	vbroadcasti32x4
%endif
%endmacro

; V0-V7 eight vectors of blocks, V8 the tweaks of the first vector of the next group
; (lane i: T*x^(j+i)), V9 round key, V10-V12 scratch, V13 one computed tweak vector.
; Two stack areas of eight tweak vectors: rsi points at the current group's, rdi at the
; next group's, which rounds 1-8 compute from V8 (T*x^(j+BPV*i), independent of each
; other) and store, hidden behind the AES latency; then they change places.  The area
; holds the tweaks in block order, so the last vectors and blocks of a run (fewer than a
; group) take theirs from it one after the other.
; %1 y|z, %2 K_ENC or K_DEC, %3 vaesenc or vaesdec, %4 vaesenclast or vaesdeclast.
%macro XTS_VAES 4
	SETW	%1
	push	rbp
	mov	rbp, rsp
	sub	rsp, 16*VB
	and	rsp, -64
	mov	r9d, [rdi + K_NR]
	vmovdqa	xmm10, [xts_mask]
	vmovdqu	xmm8, [rsi]
	lea	r11, [rdi + K_TWK]
	AES_PASS xmm8, xmm9, vmovdqu, vpxor, r11, vaesenc, vaesenclast	; T = E_K2(iv)
	; V8 = T, T*x (, T*x^2, T*x^3)
	vmovdqa	xmm0, xmm8
	MULX_AVX xmm0, xmm9, xmm10
%ifidn %1, y
	vinserti128 ymm8, ymm8, xmm0, 1
%else
	vmovdqa	xmm1, xmm0
	MULX_AVX xmm1, xmm9, xmm10
	vmovdqa	xmm2, xmm1
	MULX_AVX xmm2, xmm9, xmm10
	vinserti32x4 zmm8, zmm8, xmm0, 1
	vinserti32x4 zmm8, zmm8, xmm1, 2
	vinserti32x4 zmm8, zmm8, xmm2, 3
%endif
	lea	r11, [rdi + %2]
	mov	rsi, rsp			; current tweaks
	lea	rdi, [rsp + 8*VB]		; next tweaks
	VMOVU	[rsi], V8
%assign i 1
%rep 7
	MULXK	V13, V8, V10, V11, V12, BPV*i
	VMOVU	[rsi + VB*i], V13
%assign i i+1
%endrep
	MULXK	V8, V8, V10, V11, V12, BPV*8
%%group:
	cmp	r8, 8*BPV
	jb	%%vector
	VBCAST	V9, [r11]
%assign i 0
%rep 8
	VXOR	V%[i], V9, [rdx + VB*i]
	VXOR	V%[i], V%[i], [rsi + VB*i]
%assign i i+1
%endrep
%assign r 1
%rep 8				; every key size has at least 9 middle rounds
	VBCAST	V9, [r11 + 16*r]
%assign i 0
%rep 8
	%3	V%[i], V%[i], V9
%assign i i+1
%endrep
%if r == 1
	VMOVU	[rdi], V8
%else
	MULXK	V13, V8, V10, V11, V12, BPV*(r-1)
	VMOVU	[rdi + VB*(r-1)], V13
%endif
%assign r r+1
%endrep
	MULXK	V8, V8, V10, V11, V12, BPV*8	; the group after
	lea	rax, [r11 + 16*9]
	lea	r10d, [r9 - 9]		; 1, 3 or 5 more middle rounds
%%round:
	VBCAST	V9, [rax]
%assign i 0
%rep 8
	%3	V%[i], V%[i], V9
%assign i i+1
%endrep
	add	rax, 16
	dec	r10d
	jnz	%%round
	VBCAST	V9, [rax]
%assign i 0
%rep 8
	%4	V%[i], V%[i], V9
	VXOR	V%[i], V%[i], [rsi + VB*i]
	VMOVU	[rcx + VB*i], V%[i]
%assign i i+1
%endrep
	xchg	rsi, rdi
	add	rdx, 8*VB
	add	rcx, 8*VB
	sub	r8, 8*BPV
	jmp	%%group
%%vector:			; fewer than 8 vectors left: whole vectors one at a time
	cmp	r8, BPV
	jb	%%block
	VMOVU	V13, [rsi]
	VXOR	V0, V13, [rdx]
	AES_PASS V0, V9, VBCAST, VXOR, r11, %3, %4
	VXOR	V0, V0, V13
	VMOVU	[rcx], V0
	add	rsi, VB
	add	rdx, VB
	add	rcx, VB
	sub	r8, BPV
	jmp	%%vector
%%block:			; fewer than BPV blocks left
	test	r8, r8
	jz	%%done
	vmovdqu	xmm13, [rsi]
	vpxor	xmm0, xmm13, [rdx]
	AES_PASS xmm0, xmm9, vmovdqu, vpxor, r11, %3, %4
	vpxor	xmm0, xmm0, xmm13
	vmovdqu	[rcx], xmm0
	add	rsi, 16
	add	rdx, 16
	add	rcx, 16
	dec	r8
	jmp	%%block
%%done:
	vzeroall
%assign i 0
%rep 16
	VMOVU	[rsp + VB*i], V0
%assign i i+1
%endrep
	mov	rsp, rbp
	pop	rbp
	ret
%endmacro

%macro FUNC 1
	global	%1:function hidden
	align	32
%1:
%endmacro

FUNC ld_xts_aesni_enc
	XTS_AESNI K_ENC, aesenc, aesenclast
FUNC ld_xts_aesni_dec
	XTS_AESNI K_DEC, aesdec, aesdeclast
FUNC ld_xts_vaes256_enc
	XTS_VAES y, K_ENC, vaesenc, vaesenclast
FUNC ld_xts_vaes256_dec
	XTS_VAES y, K_DEC, vaesdec, vaesdeclast
FUNC ld_xts_vaes512_enc
	XTS_VAES z, K_ENC, vaesenc, vaesenclast
FUNC ld_xts_vaes512_dec
	XTS_VAES z, K_DEC, vaesdec, vaesdeclast
