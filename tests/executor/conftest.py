"""Fixtures for the spin-executor integration tests (see spin_harness.py)."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path
from typing import Iterator

import pytest

from spin_harness import Executor


def _short_tmp(prefix: str) -> Path:
    # Unix socket paths are limited to 108 bytes: keep SPIN_HOME short rather
    # than under pytest's long per-test folders.
    return Path(tempfile.mkdtemp(prefix=prefix, dir="/tmp"))


@pytest.fixture
def short_tmp() -> Iterator[Path]:
    path = _short_tmp("spin-t-")
    yield path
    shutil.rmtree(path, ignore_errors=True)


@pytest.fixture(scope="module")
def module_tmp() -> Iterator[Path]:
    path = _short_tmp("spin-m-")
    yield path
    shutil.rmtree(path, ignore_errors=True)


@pytest.fixture(scope="module")
def executor(module_tmp: Path) -> Iterator[Executor]:
    """One executor (SPIN_KERNEL_POOL=0) shared by the tests of a module; its
    teardown asserts a clean SIGTERM shutdown (exit 0, no kernels left, token
    never logged)."""
    ex = Executor(module_tmp / "home", pool=0).start()
    try:
        yield ex
    finally:
        ex.stop(check=True)


@pytest.fixture
def kernel(executor: Executor) -> Iterator[dict]:
    """A fresh python3 kernel, deleted after the test."""
    model = executor.create_kernel()
    yield model
    if executor.alive():
        executor.request("DELETE", f"/api/kernels/{model['id']}")
