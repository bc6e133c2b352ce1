# crypto/: our sources (every crypto/*.c), plus the pinned third-party sources they wrap.
CRYPTO_SRCS := $(wildcard crypto/*.c)
MBEDTLS_SRCS :=
ARGON2_SRCS :=
