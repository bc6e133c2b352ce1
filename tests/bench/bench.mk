# SPDX-License-Identifier: BSD-2-Clause-Patent
# make bench: crypto and verity benchmarks, built from the optimised host flavour of the core.
BENCH_BINS += $(BUILD)/bench/bench_crypto

$(BUILD)/bench/bench_crypto: tests/bench/bench_crypto.c $(BUILD)/host/tools/lt_kdf.o $(BUILD)/host/libluksdxe.a
	@mkdir -p $(@D)
	$(call quiet,LD)$(HOST_CC) $(HOST_CFLAGS) $(CORE_INC) -o $@ $< $(BUILD)/host/tools/lt_kdf.o $(BUILD)/host/libluksdxe.a -lcrypto -largon2

# Verified reading (dm-verity, SHA-256) against OpenSSL's SHA-256.
BENCH_BINS += $(BUILD)/bench/bench_verity

$(BUILD)/bench/bench_verity: tests/bench/bench_verity.c $(BUILD)/host/tools/lt_kdf.o $(BUILD)/host/libluksdxe.a
	@mkdir -p $(@D)
	$(call quiet,LD)$(HOST_CC) $(HOST_CFLAGS) $(CORE_INC) -o $@ $< $(BUILD)/host/tools/lt_kdf.o $(BUILD)/host/libluksdxe.a -lcrypto
