"""Session fixtures for tests/deploy: installs, a private dockerd, the CI image."""
from __future__ import annotations

from typing import Iterator

import pytest

from deploy_support import (Dockerd, IMAGE_CI, binaries, build_ci_image, ensure_apt, ensure_python_requirements,
                            import_base_image)


@pytest.fixture(scope="session", autouse=True)
def deploy_requirements() -> None:
    ensure_python_requirements()


@pytest.fixture(scope="session")
def docker_compose() -> str:
    ensure_apt("docker-compose")
    return "docker-compose"


@pytest.fixture(scope="session")
def dockerd() -> Iterator[Dockerd]:
    binaries()  # fail at once, with the reason, when SPIN_GATEWAY_BIN/SPIN_EXECUTOR_BIN are missing
    ensure_apt("docker.io", "debootstrap", "curl", "iptables")
    daemon = Dockerd()
    try:
        daemon.start()
        yield daemon
    finally:
        daemon.stop()


@pytest.fixture(scope="session")
def ci_image(dockerd: Dockerd) -> str:
    """The runtime image built from the host binaries (Dockerfile target runtime-ci)."""
    import_base_image(dockerd)
    build_ci_image(dockerd, IMAGE_CI)
    return IMAGE_CI
