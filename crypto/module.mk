# SPDX-License-Identifier: BSD-2-Clause-Patent
# crypto/: our sources (every crypto/*.c), plus the pinned third-party sources they wrap.
CRYPTO_SRCS := $(sort $(wildcard crypto/*.c))
# Our assembly (nasm, x86-64): the fast AES-XTS paths, linked into every flavour.
CRYPTO_ASM_SRCS := $(sort $(wildcard crypto/*.asm))

# mbedTLS: AES (with AES-NI), SHA-1, SHA-512/384 and RIPEMD-160 (SHA-256 is crypto/sha256.c),
# and platform_util.c for mbedtls_platform_zeroize, which every one of them uses to wipe
# its context; base64.c (with constant_time.c, its constant-time table look-ups) for the
# tools' base64 text (lukstool measure: QMP's launch-measurement blob).
MBEDTLS_SRCS := $(addprefix $(MBEDTLS_DIR)/library/,aes.c aesni.c sha1.c sha512.c \
                  ripemd160.c platform_util.c base64.c constant_time.c)

# Argon2 reference (as bundled by cryptsetup): BLAKE2b, the core (parameter checks,
# H0, first blocks, finalisation) and the portable block filler.  argon2.c (the
# high-level API, encoding) is not needed: crypto/kdf_argon2.c drives the passes itself
# to report progress.  Built with ARGON2_NO_THREADS (see CORE_INC).
ARGON2_SRCS := $(addprefix $(ARGON2_DIR)/,blake2/blake2b.c core.c ref.c)
