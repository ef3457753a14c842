# A thin convenience over CMake. `make demo` and `make test` are the two
# commands README.md promises; everything else is ordinary CMake underneath.
BUILD      ?= build
BUILD_SAN  ?= build-sanitize
BUILD_REL  ?= build-release
JOBS       ?= $(shell nproc 2>/dev/null || echo 2)
CMAKE_ARGS ?=
PREFIX     ?= /usr/local
ifeq ($(CI),true)
CMAKE_ARGS += -DMIG_WERROR=ON
endif

.PHONY: all deps build build-sanitize demo test crash-full crash-remote bench bench-migrate bench-http bench-analytics mutation install clean

all: build

deps:
	@sh scripts/deps.sh

build: deps
	cmake -S . -B $(BUILD) $(CMAKE_ARGS)
	cmake --build $(BUILD) -j $(JOBS)

build-sanitize: deps
	cmake -S . -B $(BUILD_SAN) -DMIG_SANITIZE=ON -DCMAKE_BUILD_TYPE=Debug $(CMAKE_ARGS)
	cmake --build $(BUILD_SAN) -j $(JOBS)

demo: build
	sh examples/quickstart/run.sh $(BUILD)/cli/mig

test: build build-sanitize
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS)
	cd $(BUILD_SAN) && ctest --output-on-failure -j $(JOBS)

# Installs bin/mig, the man page mig(1) and the bash, zsh and fish
# completions under PREFIX (DESTDIR=... stages them for a package).
install: build
	cmake --install $(BUILD) --prefix $(PREFIX)

# The crash test's whole matrix: every crash point with each way to
# finish the run, and each finishing command killed at every one of its
# own points (CI kills it at one seeded point); figures: bench/RESULTS.md.
crash-full: build
	sh tests/runtime/crash.sh $(BUILD)/cli/mig full

# A remote registry's crash test, every (point, mode) pair with each
# finishing command killed at every one of its own points (CI kills a
# seeded 25% of them at one point; docs/registry.md, "After a crash").
crash-remote: build
	sh tests/runtime/remote_crash.sh $(BUILD)/cli/mig 100

# Benchmarks run on a Release build of their own; figures: bench/RESULTS.md.
bench: deps
	cmake -S . -B $(BUILD_REL) -DCMAKE_BUILD_TYPE=Release -DMIG_TESTS=OFF $(CMAKE_ARGS)
	cmake --build $(BUILD_REL) -j $(JOBS)
	sh bench/parse/run.sh $(BUILD_REL)/cli/mig
	sh bench/runtime/run.sh $(BUILD_REL)/cli/mig
	sh bench/lua/run.sh $(BUILD_REL)/cli/mig
	sh bench/recovery/run.sh $(BUILD_REL)/cli/mig
	sh bench/lsp/run.sh $(BUILD_REL)
	GROWTH=1 sh bench/migrate/run.sh $(BUILD_REL)/cli/mig
	GROWTH=1 sh bench/http/run.sh $(BUILD_REL)/cli/mig
	sh bench/analytics/run.sh $(BUILD_REL)/cli/mig

# The migration benchmark alone (100,000 generated tools, tmpfs and disk,
# with the growth rounds); figures: bench/RESULTS.md, "migrate".
bench-migrate: deps
	cmake -S . -B $(BUILD_REL) -DCMAKE_BUILD_TYPE=Release -DMIG_TESTS=OFF $(CMAKE_ARGS)
	cmake --build $(BUILD_REL) -j $(JOBS)
	GROWTH=1 sh bench/migrate/run.sh $(BUILD_REL)/cli/mig

# The HTTP benchmark alone (10,000 registry puts to `mig serve` at
# parallel 64, then with 10% of answers 429, with the growth rounds);
# figures: bench/RESULTS.md, "http".
bench-http: deps
	cmake -S . -B $(BUILD_REL) -DCMAKE_BUILD_TYPE=Release -DMIG_TESTS=OFF $(CMAKE_ARGS)
	cmake --build $(BUILD_REL) -j $(JOBS)
	GROWTH=1 sh bench/http/run.sh $(BUILD_REL)/cli/mig

# The prediction benchmark alone (generated inventories of each kind and
# the corpus by repository, migrated with seeded faults, then mig analyze
# --evaluate); fails below 85% accuracy or 10 points over the majority
# baseline; figures: bench/RESULTS.md, "analytics".
bench-analytics: deps
	cmake -S . -B $(BUILD_REL) -DCMAKE_BUILD_TYPE=Release -DMIG_TESTS=OFF $(CMAKE_ARGS)
	cmake --build $(BUILD_REL) -j $(JOBS)
	sh bench/analytics/run.sh $(BUILD_REL)/cli/mig

# Plants known bugs one at a time in a scratch copy and runs the suite on
# each (not in CI: one build and one suite per bug); the score is in
# bench/RESULTS.md, "mutation".
mutation: deps
	sh scripts/mutation.sh $(JOBS)

clean:
	rm -rf $(BUILD) $(BUILD_SAN) $(BUILD_REL)
