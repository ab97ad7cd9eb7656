"""Fixtures for the typed-cell tests: an executor with its kernels, and the
real servers the cells talk to (see real_parts.py)."""

from __future__ import annotations

import shutil
import sys
import tempfile
from pathlib import Path
from typing import Iterator

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "executor"))

from real_parts import PG_PASSWORD, HttpsServer, Postgres, Sshd  # noqa: E402
from spin_harness import Executor  # noqa: E402




def short_tmp(prefix: str) -> Path:
    return Path(tempfile.mkdtemp(prefix=prefix, dir="/tmp"))


def _serve(prefix: str, make) -> Iterator:
    """Starts a real server in its own temp folder; stops it by PID after."""
    folder = short_tmp(prefix)
    server = make(folder).start()
    try:
        yield server
    finally:
        server.stop()
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(scope="session")
def postgres() -> Iterator[Postgres]:
    yield from _serve("spin-pg-", lambda folder: Postgres(folder, PG_PASSWORD))


@pytest.fixture(scope="session")
def sshd() -> Iterator[Sshd]:
    yield from _serve("spin-ssh-", Sshd)


@pytest.fixture(scope="session")
def https_server() -> Iterator[HttpsServer]:
    yield from _serve("spin-https-", HttpsServer)


@pytest.fixture(scope="module")
def home() -> Iterator[Path]:
    path = short_tmp("spin-c-")
    yield path
    shutil.rmtree(path, ignore_errors=True)


@pytest.fixture(scope="module")
def executor(home: Path, postgres: Postgres) -> Iterator[Executor]:
    """An executor whose environment carries values for {{runtime_env:…}}: the test
    Postgres server's password, port and sslmode (connections name them as placeholders)."""
    env = {"PG_TEST_PASSWORD": PG_PASSWORD, "PG_TEST_PORT": str(postgres.port), "PG_TEST_SSLMODE": "disable",
           "GREETING": "hello from env"}
    ex = Executor(home / "home", pool=0, extra_env=env).start()
    try:
        yield ex
    finally:
        ex.stop(check=True)


@pytest.fixture
def kernel(executor: Executor) -> Iterator[dict]:
    model = executor.create_kernel()
    yield model
    if executor.alive():
        executor.request("DELETE", f"/api/kernels/{model['id']}")
