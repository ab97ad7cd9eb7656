# SPIN Runtime. `make run` starts it locally; `make test` runs every test.
# Both install what is missing first (apt packages, the .venv with ipykernel).

.PHONY: run test deps build release clean bench bench-deps

run: deps build
	./scripts/run-local.sh

test: deps
	./scripts/test-all.sh

deps:
	./scripts/install-deps.sh

# Release builds keep Swift's compile-time exclusivity checks and drop the run-time ones
# (as swift-nio's own performance builds do): those were ~9 % of the gateway's
# instructions per proxied request (bench/findings.md). Debug builds and the tests keep them.
RELEASE_FLAGS = -c release --static-swift-stdlib -Xswiftc -enforce-exclusivity=unchecked

build:
	swift build

release: deps
	swift build $(RELEASE_FLAGS)

# Side-by-side benchmark (issue 8): installs the peers (nginx, wrk, Jupyter Server,
# Kernel Gateway), builds release, runs every scenario in one run, prints the table
# and writes docs/benchmarks.md. BENCH_QUICK=1 for a short run. The binaries are
# built as the Docker image builds them (Swift runtime linked statically).
bench: deps bench-deps
	swift build $(RELEASE_FLAGS)
	.venv/bin/python bench/run_all.py $(BENCH_ARGS)

bench-deps:
	./scripts/install-bench-deps.sh

clean:
	rm -rf .build .spin test-artifacts
