# SPIN Runtime. `make run` starts it locally; `make test` runs every test.
# Both install what is missing first (apt packages, the .venv with ipykernel).

.PHONY: run test deps build release clean bench bench-deps

run: deps build
	./scripts/run-local.sh

test: deps
	./scripts/test-all.sh

deps:
	./scripts/install-deps.sh

# Release builds use scripts/link/release-flags (shared with the Dockerfile) through
# scripts/link/build-release: run-time exclusivity checks off (~9 % of the gateway's
# instructions per proxied request; debug builds and the tests keep them), and the code
# laid out by lld in the order start-up, idle and requests run it (with libcurl and
# libssh2 opened on first use, in every build: a third less idle resident memory,
# bench/findings.md). After larger code changes, `make release &&
# scripts/link/generate-order.sh` refreshes the order; a stale one costs memory only.

build:
	swift build

release: deps
	./scripts/link/build-release

# Side-by-side benchmark (issue 8): installs the peers (nginx, wrk, Jupyter Server,
# Kernel Gateway), builds release, runs every scenario in one run, prints the table
# and writes docs/benchmarks.md. BENCH_QUICK=1 for a short run. The binaries are
# built as the Docker image builds them (Swift runtime linked statically).
bench: deps bench-deps
	./scripts/link/build-release
	.venv/bin/python bench/run_all.py $(BENCH_ARGS)

bench-deps:
	./scripts/install-bench-deps.sh

clean:
	rm -rf .build .spin test-artifacts
