# The README's two commands: `make demo` and `make test`. `make bench` runs the benchmarks.
JOBS ?= 2
BUILD ?= build
GEN := -G Ninja

# make fuzz FUZZER=series_fuzzer|trace_fuzzer|event_csv_fuzzer fuzzes the CSV inputs instead.
FUZZER ?= config_fuzzer
FUZZ_SEEDS = $(if $(filter config_fuzzer,$(FUZZER)),examples/*.yaml examples/events/*.yaml,examples/events/*.csv)

.PHONY: demo test bench build asan fuzz format clean mutate

build:
	@scripts/bootstrap
	@cmake -S . -B $(BUILD) $(GEN) -DCMAKE_BUILD_TYPE=Release >/dev/null
	@cmake --build $(BUILD) -j $(JOBS)

demo: build
	$(BUILD)/headroom simulate --out out/small
	$(BUILD)/headroom simulate examples/ohio-1gw.yaml --out out/ohio-1gw

test: build
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS)

bench: build
	$(BUILD)/bench/headroom_bench --benchmark_counters_tabular=true

asan:
	@scripts/bootstrap
	@cmake -S . -B build-asan $(GEN) -DCMAKE_BUILD_TYPE=RelWithDebInfo -DHEADROOM_SANITIZE=ON -DHEADROOM_BENCH=OFF >/dev/null
	@cmake --build build-asan -j $(JOBS)
	cd build-asan && ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 ctest --output-on-failure -j $(JOBS)

fuzz:
	@scripts/bootstrap
	@CXX=clang++ cmake -S . -B build-fuzz $(GEN) -DCMAKE_BUILD_TYPE=RelWithDebInfo -DHEADROOM_FUZZ=ON -DHEADROOM_TESTS=OFF -DHEADROOM_BENCH=OFF >/dev/null
	@cmake --build build-fuzz -j $(JOBS) --target $(FUZZER)
	mkdir -p build-fuzz/corpus-$(FUZZER) && cp $(FUZZ_SEEDS) build-fuzz/corpus-$(FUZZER)/
	build-fuzz/fuzz/$(FUZZER) -max_total_time=$${FUZZ_SECONDS:-60} -rss_limit_mb=2048 -timeout=10 build-fuzz/corpus-$(FUZZER)

# Mutation testing: every mutant in tests/mutants.txt must make some test fail. Works on a scratch
# copy under build-mutate/, never on this tree. MUTANTS=C01,E01 runs only those.
mutate:
	@scripts/bootstrap
	scripts/mutate --jobs $(JOBS) $(if $(MUTANTS),--only $(MUTANTS))

format:
	clang-format -i $$(git ls-files '*.h' '*.cc')

clean:
	rm -rf build build-asan build-fuzz build-mutate out
