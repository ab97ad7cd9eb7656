#!/usr/bin/env bash
# Runs the whole test suite: Swift unit tests, then the integration tests that
# drive the real binaries with real clients and a real ipykernel.
set -euo pipefail
cd "$(dirname "$0")/.."
# These machines set SSL_CERT_FILE and friends globally; every test sets what
# it means explicitly, so start from none of them.
unset SSL_CERT_FILE SSL_KEY_FILE REQUESTS_CA_BUNDLE CURL_CA_BUNDLE SSL_CERT_DIR
export SPIN_TEST_PYTHON="$PWD/.venv/bin/python"

swift build --build-tests
swift test --skip-build

bin="$(swift build --show-bin-path)"
export SPIN_EXECUTOR_BIN="$bin/spin-executor" SPIN_GATEWAY_BIN="$bin/spin-gateway"
mkdir -p test-artifacts
.venv/bin/python -m pytest tests -q -p no:cacheprovider --junitxml=test-artifacts/pytest.xml
