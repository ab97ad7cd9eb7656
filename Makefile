# SPIN Runtime. `make run` starts it locally; `make test` runs every test.
# Both install what is missing first (apt packages, the .venv with ipykernel).

.PHONY: run test deps build release clean

run: deps build
	./scripts/run-local.sh

test: deps
	./scripts/test-all.sh

deps:
	./scripts/install-deps.sh

build:
	swift build

release: deps
	swift build -c release

clean:
	rm -rf .build .spin test-artifacts
