import os
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from harness import GLOBAL_TLS_VARS, Gateway, gateway_binary  # noqa: E402
from tls_material import TestCA, TLSFiles  # noqa: E402


def pytest_configure(config):
    # These machines set the TLS variables globally; the tests set them explicitly where meant.
    for name in GLOBAL_TLS_VARS:
        os.environ.pop(name, None)
    if not gateway_binary().exists():
        raise pytest.UsageError(f"{gateway_binary()} not found: run `swift build --product spin-gateway` first")


@pytest.fixture
def make_gateway(tmp_path):
    started = []

    def factory(**kwargs):
        index = len(started)
        gateway = Gateway(tmp_path / f"gw{index}", **kwargs)
        started.append(gateway)
        return gateway

    yield factory
    for gateway in started:
        gateway.stop()


@pytest.fixture
def gateway(make_gateway):
    return make_gateway().start()


@pytest.fixture
def test_ca(tmp_path):
    ca = TestCA(tmp_path / "pki")
    ca.issue()
    return ca


@pytest.fixture
def tls_gateway(make_gateway, test_ca):
    return make_gateway(tls=TLSFiles(test_ca)).start()
