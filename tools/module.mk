# tools/: host programs.
BENCH_BINS :=
$(BUILD)/lukstool:
	@echo "lukstool: not yet" >&2; false
