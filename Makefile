# The README's two commands: `make demo` and `make test`. `make bench` runs the benchmarks.
# House rules (CONVENTIONS.md rules 1 and 11), each also a CI stage: `make format-check`,
# `make layering`, `make tidy`, `make debug`.
JOBS ?= 2
BUILD ?= build
GEN := -G Ninja
# Warnings are errors (-Wall -Wextra -Wpedantic -Wshadow). `make WERROR=OFF ...` lets a compiler
# newer than Debian 12's GCC 12 / Clang 14, with warnings we have not seen, build the tree.
WERROR ?= ON
CMAKE_OPTS := -DHEADROOM_WERROR=$(WERROR)
SOURCES = $$(git ls-files '*.h' '*.cc')

# make fuzz FUZZER=series_fuzzer|trace_fuzzer|event_csv_fuzzer fuzzes the CSV inputs instead.
FUZZER ?= config_fuzzer
FUZZ_SEEDS = $(if $(filter config_fuzzer,$(FUZZER)),examples/*.yaml examples/events/*.yaml,examples/events/*.csv) \
             $(wildcard fuzz/seeds/$(FUZZER)/*)

.PHONY: demo test bench build asan fuzz debug format format-check tidy layering clean mutate

build:
	@scripts/bootstrap
	@cmake -S . -B $(BUILD) $(GEN) -DCMAKE_BUILD_TYPE=Release $(CMAKE_OPTS) >/dev/null
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
	@cmake -S . -B build-asan $(GEN) -DCMAKE_BUILD_TYPE=RelWithDebInfo -DHEADROOM_SANITIZE=ON -DHEADROOM_BENCH=OFF $(CMAKE_OPTS) >/dev/null
	@cmake --build build-asan -j $(JOBS)
	cd build-asan && ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 ctest --output-on-failure -j $(JOBS)

fuzz:
	@scripts/bootstrap
	@CXX=clang++ cmake -S . -B build-fuzz $(GEN) -DCMAKE_BUILD_TYPE=RelWithDebInfo -DHEADROOM_FUZZ=ON -DHEADROOM_TESTS=OFF -DHEADROOM_BENCH=OFF $(CMAKE_OPTS) >/dev/null
	@cmake --build build-fuzz -j $(JOBS) --target $(FUZZER)
	mkdir -p build-fuzz/corpus-$(FUZZER) && cp $(FUZZ_SEEDS) build-fuzz/corpus-$(FUZZER)/
	build-fuzz/fuzz/$(FUZZER) -max_total_time=$${FUZZ_SECONDS:-60} -rss_limit_mb=2048 -timeout=10 build-fuzz/corpus-$(FUZZER)

# Mutation testing: every mutant in tests/mutants.txt must make some test fail. Works on a scratch
# copy under build-mutate/, never on this tree. MUTANTS=C01,E01 runs only those.
mutate:
	@scripts/bootstrap
	scripts/mutate --jobs $(JOBS) $(if $(MUTANTS),--only $(MUTANTS))

# Debug build (no NDEBUG): DCHECK (src/base/check.h) and the standard library's own precondition
# checks (_GLIBCXX_ASSERTIONS) are active; runs the whole test suite. -Og rather than -O0: the
# year-long golden and property tests run about 3x faster and it still debugs well.
debug:
	@scripts/bootstrap
	@cmake -S . -B build-debug $(GEN) -DCMAKE_BUILD_TYPE=Debug -DCMAKE_CXX_FLAGS_DEBUG="-g -Og" -DHEADROOM_BENCH=OFF $(CMAKE_OPTS) >/dev/null
	@cmake --build build-debug -j $(JOBS)
	cd build-debug && ctest --output-on-failure -j $(JOBS)

format:
	clang-format -i $(SOURCES)

# Fails, naming each file and line, if any tracked source differs from clang-format's output.
format-check:
	@scripts/bootstrap
	clang-format --dry-run --Werror $(SOURCES)

# clang-tidy (.clang-tidy) over every translation unit in $(BUILD)/compile_commands.json that lies
# in src/, tests/ or bench/, with our headers. Needs only a configured build folder.
tidy:
	@scripts/bootstrap
	@cmake -S . -B $(BUILD) $(GEN) -DCMAKE_BUILD_TYPE=Release $(CMAKE_OPTS) >/dev/null
	run-clang-tidy -p $(BUILD) -j $(JOBS) -quiet '$(CURDIR)/(src|tests|bench|fuzz)/'

# No module includes or links a module above it (CONVENTIONS.md rule 1); the script first checks
# that it still catches planted violations.
layering:
	scripts/check-layering --self-test
	scripts/check-layering

clean:
	rm -rf build build-asan build-fuzz build-debug build-mutate out
