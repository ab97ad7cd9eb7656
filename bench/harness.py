"""Shared parts of the side-by-side benchmark (`make bench`, `bench/run_all.py`).

Starts every peer on a free loopback port in its own temp folder and process
group, with the same test CA / server certificate, the same token and the same
ipykernel; samples RSS from /proc; talks the Jupyter kernel WebSocket protocol
(JSON text frames with a `channel` field, the form every peer speaks).

Every process started here is registered and stopped by PID / process group
(plus any descendants it left, e.g. kernels in their own sessions), also on
failure, Ctrl-C or SIGTERM.
"""
from __future__ import annotations

import asyncio
import atexit
import base64
import datetime
import ipaddress
import json
import os
import secrets
import signal
import socket
import ssl
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path
from typing import Callable, Iterable

import requests

ROOT = Path(__file__).resolve().parent.parent
VENV = Path(os.environ.get("BENCH_VENV", ROOT / ".venv"))
VENV_BIN = VENV / "bin"
# Variables these machines set globally; every process we start gets them set
# or unset explicitly for what it means.
GLOBAL_TLS_VARS = ["SSL_CERT_FILE", "SSL_KEY_FILE", "REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE", "SSL_CERT_DIR"]
QUICK = os.environ.get("BENCH_QUICK", "0") not in ("", "0")
WORK = Path(tempfile.mkdtemp(prefix="spin-bench-"))


def log(*parts) -> None:
    print(f"[{time.strftime('%H:%M:%S')}]", *parts, file=sys.stderr, flush=True)


# ----------------------------------------------------------------- numbers

def pct(values: list[float], q: float) -> float:
    """The q-quantile (0..1) by nearest rank; NaN for no values."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    rank = max(1, int(round(q * len(ordered) + 0.4999)))  # ceil(q*n), 1-based
    return ordered[min(len(ordered), rank) - 1]


def loadavg() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def busy_cores(seconds: float = 1.0) -> float:
    """Cores' worth of CPU the whole machine used over the next `seconds` (/proc/stat)."""
    def sample():
        fields = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
        idle = fields[3] + fields[4]  # idle + iowait
        return sum(fields[:8]) - idle, sum(fields[:8])
    busy0, total0 = sample()
    time.sleep(seconds)
    busy1, total1 = sample()
    cores = os.cpu_count() or 1
    return cores * (busy1 - busy0) / max(total1 - total0, 1)


SETTLED = 0.3  # cores busy, machine-wide, below which a scenario may start


def settle(limit: float = SETTLED, timeout: float = 30.0) -> float:
    """Waits (up to `timeout`) until the machine uses less than `limit` cores, e.g. until
    the kernels of the scenario before have exited; returns the last reading."""
    deadline = time.monotonic() + timeout
    while True:
        busy = busy_cores()
        if busy < limit or time.monotonic() > deadline:
            return busy


# ----------------------------------------------------------------- processes

def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def clean_env(extra: dict | None = None) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in GLOBAL_TLS_VARS and not k.startswith(("SPIN_", "JUPYTER", "KG_"))}
    env["PATH"] = f"{VENV_BIN}:{env.get('PATH', '/usr/bin:/bin')}"
    env["JUPYTER_PATH"] = str(VENV / "share" / "jupyter")
    env["PYTHONUNBUFFERED"] = "1"
    env.update(extra or {})
    return env


def _proc_table() -> dict[int, int]:
    """pid -> ppid of every live process."""
    table = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
                if fields[0] != "Z":
                    table[int(entry.name)] = int(fields[1])
            except (OSError, IndexError, ValueError):
                pass
    return table


def descendants(pid: int) -> list[int]:
    table = _proc_table()
    children: dict[int, list[int]] = {}
    for child, parent in table.items():
        children.setdefault(parent, []).append(child)
    out, todo = [], [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            out.append(child)
            todo.append(child)
    return out


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except OSError:
        return False
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def wait_gone(pids: Iterable[int], timeout: float) -> list[int]:
    deadline = time.monotonic() + timeout
    left = [p for p in pids if alive(p)]
    while left and time.monotonic() < deadline:
        time.sleep(0.05)
        left = [p for p in left if alive(p)]
    return left


class Proc:
    """One started process in its own process group, with a log file."""

    registry: list["Proc"] = []

    def __init__(self, name: str, argv: list[str], env: dict, cwd: Path, stop_signal=signal.SIGTERM):
        self.name = name
        self.cwd = Path(cwd)
        self.cwd.mkdir(parents=True, exist_ok=True)
        self.log_path = self.cwd / f"{name}.log"
        self._log = open(self.log_path, "ab")
        self.stop_signal = stop_signal
        self.popen = subprocess.Popen(argv, env=env, cwd=self.cwd, stdout=self._log, stderr=subprocess.STDOUT,
                                      stdin=subprocess.DEVNULL, start_new_session=True)
        self.pid = self.popen.pid
        self.known: set[int] = set()
        Proc.registry.append(self)

    def running(self) -> bool:
        return self.popen.poll() is None

    def remember_descendants(self) -> list[int]:
        if self.running():
            self.known.update(descendants(self.pid))
        return sorted(self.known)

    def log_tail(self, n=4000) -> str:
        try:
            return self.log_path.read_text(errors="replace")[-n:]
        except OSError:
            return ""

    def stop(self, timeout: float = 20) -> None:
        if self in Proc.registry:
            Proc.registry.remove(self)
        extra = self.remember_descendants()
        if self.running():
            try:
                os.killpg(self.pid, self.stop_signal)
            except ProcessLookupError:
                pass
            try:
                self.popen.wait(timeout)
            except subprocess.TimeoutExpired:
                try:
                    os.killpg(self.pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
                self.popen.wait()
        # Kernels and executors live in their own process groups: whatever the
        # graceful stop left behind is ended by PID.
        left = wait_gone(extra, 5)
        for pid in left:
            try:
                os.kill(pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
        for pid in wait_gone(left, 3):
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        self._log.close()

    @classmethod
    def stop_all(cls) -> None:
        for proc in list(reversed(cls.registry)):
            try:
                proc.stop(timeout=10)
            except Exception as error:  # keep stopping the others
                log(f"stopping {proc.name}: {error}")


def _on_signal(signum, _frame):
    raise KeyboardInterrupt(f"signal {signum}")


def install_cleanup() -> None:
    if os.environ.get("BENCH_KEEP", "0") in ("", "0"):
        import shutil
        atexit.register(shutil.rmtree, WORK, True)  # runs after stop_all (atexit is LIFO)
    atexit.register(Proc.stop_all)
    signal.signal(signal.SIGTERM, _on_signal)


def wait_for(predicate: Callable[[], bool], what: str, proc: Proc | None = None, timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    last = None
    while time.monotonic() < deadline:
        if proc is not None and not proc.running():
            raise RuntimeError(f"{proc.name} exited ({proc.popen.returncode}) while waiting for {what}:\n{proc.log_tail()}")
        try:
            if predicate():
                return
        except Exception as error:  # not up yet
            last = error
        time.sleep(0.1)
    raise RuntimeError(f"timed out waiting for {what} ({last})" + (f":\n{proc.log_tail()}" if proc else ""))


# ----------------------------------------------------------------- memory

def rss_kb(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def rss_mb(pids: Iterable[int]) -> float:
    return sum(rss_kb(p) for p in pids) / 1024


def cpu_seconds(pids: Iterable[int]) -> float:
    """utime + stime of `pids` (their own threads, not children), in seconds."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])
        except (OSError, IndexError, ValueError):
            pass
    return total / tick


def memory_mb(pids: Iterable[int]) -> dict:
    """VmRSS, PSS (shared pages divided among their users) and anonymous
    (private heap and stacks) memory of `pids`, summed, from smaps_rollup."""
    out = {"rss": 0.0, "pss": 0.0, "anon": 0.0, "file_rss": 0.0}
    for pid in pids:
        try:
            fields = {l.split(":")[0]: int(l.split()[1]) for l in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines()[1:]}
        except (OSError, ValueError, IndexError):
            continue
        out["rss"] += fields.get("Rss", 0) / 1024
        out["pss"] += fields.get("Pss", 0) / 1024
        out["anon"] += fields.get("Anonymous", 0) / 1024
        out["file_rss"] += (fields.get("Rss", 0) - fields.get("Anonymous", 0)) / 1024
    return out


class RSSSampler:
    """Samples the summed RSS of `pids()` every `interval` s in a thread; keeps the peak."""

    def __init__(self, pids: Callable[[], list[int]], interval: float = 0.02):
        self.pids, self.interval = pids, interval
        self.peak_mb = 0.0
        self.per_pid_peak: dict[int, float] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self):
        while not self._stop.is_set():
            total = 0.0
            for pid in self.pids():
                mb = rss_kb(pid) / 1024
                total += mb
                self.per_pid_peak[pid] = max(self.per_pid_peak.get(pid, 0.0), mb)
            self.peak_mb = max(self.peak_mb, total)
            self._stop.wait(self.interval)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()


# ----------------------------------------------------------------- TLS

class TLSMaterial:
    """A test CA and one server certificate for 127.0.0.1/localhost (ECDSA P-256), used by every peer."""

    def __init__(self, folder: Path):
        from cryptography import x509
        from cryptography.hazmat.primitives import hashes, serialization
        from cryptography.hazmat.primitives.asymmetric import ec
        from cryptography.x509.oid import NameOID

        folder.mkdir(parents=True, exist_ok=True)
        now = datetime.datetime.now(datetime.timezone.utc)
        name = lambda cn: x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, cn)])  # noqa: E731
        ca_key = ec.generate_private_key(ec.SECP256R1())
        ca = (x509.CertificateBuilder().subject_name(name("SPIN Bench CA")).issuer_name(name("SPIN Bench CA"))
              .public_key(ca_key.public_key()).serial_number(x509.random_serial_number())
              .not_valid_before(now - datetime.timedelta(minutes=5)).not_valid_after(now + datetime.timedelta(days=2))
              .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
              .sign(ca_key, hashes.SHA256()))
        key = ec.generate_private_key(ec.SECP256R1())
        cert = (x509.CertificateBuilder().subject_name(name("localhost")).issuer_name(ca.subject)
                .public_key(key.public_key()).serial_number(x509.random_serial_number())
                .not_valid_before(now - datetime.timedelta(minutes=5)).not_valid_after(now + datetime.timedelta(days=1))
                .add_extension(x509.SubjectAlternativeName([x509.DNSName("localhost"),
                                                            x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), critical=False)
                .sign(ca_key, hashes.SHA256()))
        self.ca = folder / "ca.pem"
        self.cert = folder / "server.pem"
        self.key = folder / "server.key"
        self.ca.write_bytes(ca.public_bytes(serialization.Encoding.PEM))
        self.cert.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
        self.key.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                               serialization.NoEncryption()))
        self.key.chmod(0o600)

    def client_context(self) -> ssl.SSLContext:
        ctx = ssl.create_default_context(cafile=str(self.ca))
        return ctx


# ----------------------------------------------------------------- peers

class Peer:
    """A server that offers the Jupyter kernels REST API and kernel WebSockets."""

    label = "peer"
    ws_subprotocols: list[str] | None = None

    def __init__(self, tls: TLSMaterial | None, token: str):
        self.tls, self.token = tls, token
        self.port = free_port()
        self.scheme = "https" if tls else "http"
        self.base = f"{self.scheme}://127.0.0.1:{self.port}"
        self.proc: Proc | None = None
        self.http = requests.Session()
        self.http.trust_env = False  # REQUESTS_CA_BUNDLE from the machine must not replace the test CA
        self.http.verify = str(tls.ca) if tls else True
        self.http.headers["Authorization"] = f"token {token}"

    # REST
    def post_kernel(self, name: str = "python3") -> str:
        r = self.http.post(self.base + "/api/kernels", json={"name": name}, timeout=120)
        r.raise_for_status()
        return r.json()["id"]

    def delete_kernel(self, kernel_id: str) -> None:
        try:
            self.http.delete(self.base + f"/api/kernels/{kernel_id}", timeout=60)
        except requests.RequestException as error:
            log(f"{self.label}: delete kernel {kernel_id}: {error}")

    # WebSocket
    def ws_url(self, kernel_id: str, session: str) -> str:
        ws = "wss" if self.tls else "ws"
        return f"{ws}://127.0.0.1:{self.port}/api/kernels/{kernel_id}/channels?session_id={session}"

    def ws_connect(self, kernel_id: str, session: str | None = None):
        from websockets.asyncio.client import connect
        return connect(self.ws_url(kernel_id, session or uuid.uuid4().hex),
                       ssl=self.tls.client_context() if self.tls else None,
                       additional_headers=self.ws_headers(), subprotocols=self.ws_subprotocols,
                       max_size=None, max_queue=None, compression=None, ping_interval=None, open_timeout=120,
                       close_timeout=5)

    def ws_headers(self) -> dict:
        return {"Authorization": f"token {self.token}"}

    def server_pids(self) -> list[int]:
        """The server's own processes (kernels excluded: they are the same ipykernel for every peer)."""
        return [self.proc.pid] if self.proc and self.proc.running() else []

    def stop(self) -> None:
        if self.proc:
            self.proc.stop()
            self.proc = None


class RuntimePeer(Peer):
    """spin-gateway (TLS, token) spawning spin-executor on a Unix socket."""

    repeat_stream = True  # scenario 2 samples it five times against the floor

    def __init__(self, tls, token, bin_dir: Path, pool: int = 1, label: str = "SPIN runtime (gateway, TLS)"):
        super().__init__(tls, token)
        self.label = label
        self.bin_dir, self.pool = bin_dir, pool
        self.dir = WORK / f"runtime-{self.port}"
        self.home = self.dir / "home"
        self.socket = str(self.home / "run" / "executor.sock")
        # A browser's way: the token as an extra offered subprotocol beside the real one.
        b64 = base64.urlsafe_b64encode(token.encode()).decode().rstrip("=")
        self.ws_subprotocols = ["spin.json", f"spin.token.{b64}"]

    def ws_headers(self) -> dict:
        return {}

    def start(self) -> "RuntimePeer":
        self.home.mkdir(parents=True, exist_ok=True)
        env = clean_env({
            "SPIN_TOKEN": self.token, "SPIN_HOME": str(self.home), "SPIN_BIND": "127.0.0.1",
            "SPIN_PORT": str(self.port), "SPIN_KERNEL_POOL": str(self.pool), "SPIN_LOG_LEVEL": "info",
        })
        if self.tls:
            env["SSL_CERT_FILE"], env["SSL_KEY_FILE"] = str(self.tls.cert), str(self.tls.key)
        self.proc = Proc("spin-gateway", [str(self.bin_dir / "spin-gateway")], env, self.dir)
        wait_for(lambda: self.http.get(self.base + "/readyz", timeout=5).status_code == 200, "gateway /readyz", self.proc)
        if self.pool:
            wait_for(self.pool_ready, "the pool kernel", self.proc)
        return self

    def pool_ready(self) -> bool:
        """The pool's kernel process exists (a python child of the executor)."""
        pid = self.executor_pid()
        return pid is not None and any(b"ipykernel" in Path(f"/proc/{c}/cmdline").read_bytes()
                                       for c in descendants(pid) if Path(f"/proc/{c}/cmdline").exists())

    def executor_pid(self) -> int | None:
        if not self.proc:
            return None
        for pid in descendants(self.proc.pid):
            try:
                if Path(f"/proc/{pid}/exe").resolve().name == "spin-executor":
                    return pid
            except OSError:
                pass
        return None

    def server_pids(self) -> list[int]:
        pids = super().server_pids()
        executor = self.executor_pid()
        return pids + ([executor] if executor else [])


class ExecutorSocketPeer(Peer):
    """The same runtime's executor, reached directly on its Unix socket (no TLS, no token)."""

    label = "SPIN executor socket (direct)"
    ws_subprotocols = ["spin.json"]
    repeat_stream = True

    def __init__(self, runtime: RuntimePeer):
        super().__init__(None, runtime.token)
        self.runtime = runtime

    def post_kernel(self, name="python3"):
        return self.runtime.post_kernel(name)

    def delete_kernel(self, kernel_id):
        self.runtime.delete_kernel(kernel_id)

    def ws_connect(self, kernel_id, session=None):
        from websockets.asyncio.client import unix_connect
        return unix_connect(self.runtime.socket, f"ws://localhost/api/kernels/{kernel_id}/channels?session_id={session or uuid.uuid4().hex}",
                            subprotocols=self.ws_subprotocols, max_size=None, max_queue=None, compression=None,
                            ping_interval=None, close_timeout=5)

    def server_pids(self):
        executor = self.runtime.executor_pid()
        return [executor] if executor else []

    def stop(self):
        pass


NODELAY_LAUNCHER = '''\
"""Jupyter Server with TCP_NODELAY on kernel WebSockets (Tornado leaves it off)."""
from jupyter_server.services.kernels.websocket import KernelWebsocketHandler

_open = KernelWebsocketHandler.open


async def open(self, *args, **kwargs):
    self.set_nodelay(True)
    return await _open(self, *args, **kwargs)


KernelWebsocketHandler.open = open

from jupyter_server.serverapp import main  # noqa: E402

main()
'''


class JupyterServerPeer(Peer):
    def __init__(self, tls, token, nodelay: bool = False):
        super().__init__(tls, token)
        self.nodelay = nodelay
        self.label = "Jupyter Server 2 + TCP_NODELAY" if nodelay else "Jupyter Server 2 (stock)"
        self.dir = WORK / f"jupyter-server-{self.port}"

    def start(self):
        self.dir.mkdir(parents=True, exist_ok=True)
        (self.dir / "root").mkdir(exist_ok=True)
        if self.nodelay:
            launcher = self.dir / "jupyter_server_nodelay.py"
            launcher.write_text(NODELAY_LAUNCHER)
            argv = [str(VENV_BIN / "python"), str(launcher)]
        else:
            argv = [str(VENV_BIN / "python"), "-m", "jupyter_server"]
        argv += [f"--ServerApp.ip=127.0.0.1", f"--ServerApp.port={self.port}", "--ServerApp.port_retries=0",
                 f"--IdentityProvider.token={self.token}", "--ServerApp.open_browser=False", "--allow-root",
                 f"--ServerApp.root_dir={self.dir / 'root'}"]
        if self.tls:
            argv += [f"--ServerApp.certfile={self.tls.cert}", f"--ServerApp.keyfile={self.tls.key}"]
        env = clean_env({"JUPYTER_CONFIG_DIR": str(self.dir / "config"), "JUPYTER_DATA_DIR": str(self.dir / "data"),
                         "JUPYTER_RUNTIME_DIR": str(self.dir / "runtime")})
        env["JUPYTER_PATH"] = str(VENV / "share" / "jupyter")
        self.proc = Proc("jupyter-server", argv, env, self.dir)
        wait_for(lambda: self.http.get(self.base + "/api/status", timeout=5).status_code == 200, f"{self.label} /api/status", self.proc)
        return self


class KernelGatewayPeer(Peer):
    label = "Kernel Gateway 3 (stock)"

    def __init__(self, tls, token):
        super().__init__(tls, token)
        self.dir = WORK / f"kernel-gateway-{self.port}"

    def start(self):
        self.dir.mkdir(parents=True, exist_ok=True)
        argv = [str(VENV_BIN / "python"), "-m", "kernel_gateway", "--KernelGatewayApp.ip=127.0.0.1",
                f"--KernelGatewayApp.port={self.port}", "--KernelGatewayApp.port_retries=0",
                f"--KernelGatewayApp.auth_token={self.token}"]
        if self.tls:
            argv += [f"--KernelGatewayApp.certfile={self.tls.cert}", f"--KernelGatewayApp.keyfile={self.tls.key}"]
        env = clean_env({"JUPYTER_CONFIG_DIR": str(self.dir / "config"), "JUPYTER_DATA_DIR": str(self.dir / "data"),
                         "JUPYTER_RUNTIME_DIR": str(self.dir / "runtime")})
        self.proc = Proc("kernel-gateway", argv, env, self.dir)
        wait_for(lambda: self.http.get(self.base + "/api", timeout=5).status_code == 200, f"{self.label} /api", self.proc)
        return self


NGINX_CONF = """\
worker_processes auto;
daemon off;
master_process on;
user root root;
pid {dir}/nginx.pid;
error_log {dir}/error.log warn;
events {{ worker_connections 4096; }}
http {{
    access_log {dir}/access.log;
    client_body_temp_path {dir}/tmp/body;
    proxy_temp_path {dir}/tmp/proxy;
    fastcgi_temp_path {dir}/tmp/fastcgi;
    uwsgi_temp_path {dir}/tmp/uwsgi;
    scgi_temp_path {dir}/tmp/scgi;
    map $http_upgrade $connection_upgrade {{ default upgrade; '' ''; }}
    upstream executor {{
        server unix:{socket};
        keepalive 64;
    }}
    # Kernel WebSockets on fresh upstream connections, as the gateway dials them:
    # the executor answers an upgrade on a reused keep-alive connection with 307.
    upstream executor_ws {{
        server unix:{socket};
    }}
    server {{
        listen 127.0.0.1:{port} ssl;
        ssl_certificate {cert};
        ssl_certificate_key {key};
        ssl_protocols TLSv1.2 TLSv1.3;
        location ~ ^/api/kernels/[^/]+/channels$ {{
            if ($http_authorization != "token {token}") {{ return 401; }}
            proxy_pass http://executor_ws;
            proxy_http_version 1.1;
            proxy_set_header Host $host;
            proxy_set_header Upgrade $http_upgrade;
            proxy_set_header Connection $connection_upgrade;
            proxy_read_timeout 3600s;
            proxy_buffering off;
        }}
        location / {{
            # The same check the gateway makes (a plain compare, not constant time).
            if ($http_authorization != "token {token}") {{ return 401; }}
            proxy_pass http://executor;
            proxy_http_version 1.1;
            proxy_set_header Host $host;
            proxy_set_header Upgrade $http_upgrade;
            proxy_set_header Connection $connection_upgrade;
            proxy_set_header X-Forwarded-For $remote_addr;
            proxy_set_header X-Forwarded-Proto https;
            proxy_read_timeout 3600s;
            proxy_buffering off;
        }}
    }}
}}
"""


class NginxPeer(Peer):
    """nginx as TLS terminator in front of the runtime's executor socket (same cert). No token check."""

    label = "nginx TLS -> executor socket"

    def __init__(self, tls, token, socket_path: str):
        super().__init__(tls, token)
        self.socket_path = socket_path
        self.dir = WORK / f"nginx-{self.port}"

    ws_subprotocols = ["spin.json"]

    def start(self):
        (self.dir / "tmp").mkdir(parents=True, exist_ok=True)
        conf = self.dir / "nginx.conf"
        conf.write_text(NGINX_CONF.format(dir=self.dir, socket=self.socket_path, port=self.port, cert=self.tls.cert, key=self.tls.key, token=self.token))
        self.proc = Proc("nginx", ["nginx", "-p", str(self.dir), "-e", str(self.dir / "error.log"), "-c", str(conf)],
                         clean_env(), self.dir, stop_signal=signal.SIGQUIT)
        wait_for(lambda: self.http.get(self.base + "/api", timeout=5).status_code == 200, "nginx /api", self.proc)
        return self

    def server_pids(self):
        return ([self.proc.pid] + descendants(self.proc.pid)) if self.proc and self.proc.running() else []


# ----------------------------------------------------------------- kernel protocol

def execute_request(code: str, session: str = "bench") -> tuple[str, str]:
    msg_id = uuid.uuid4().hex
    return msg_id, json.dumps({
        "channel": "shell",
        "header": {"msg_id": msg_id, "msg_type": "execute_request", "session": session, "username": "bench",
                   "date": datetime.datetime.now(datetime.timezone.utc).isoformat(), "version": "5.3"},
        "parent_header": {}, "metadata": {},
        "content": {"code": code, "silent": False, "store_history": False, "user_expressions": {},
                    "allow_stdin": False, "stop_on_error": True},
    })


def kernel_info_request(session: str = "bench") -> tuple[str, str]:
    msg_id = uuid.uuid4().hex
    return msg_id, json.dumps({
        "channel": "shell",
        "header": {"msg_id": msg_id, "msg_type": "kernel_info_request", "session": session, "username": "bench",
                   "date": datetime.datetime.now(datetime.timezone.utc).isoformat(), "version": "5.3"},
        "parent_header": {}, "metadata": {}, "content": {},
    })


class ExecuteResult:
    __slots__ = ("reply", "result", "idle", "stream_bytes", "messages", "busy_at", "idle_at")

    def __init__(self):
        self.reply = self.result = self.idle = False
        self.stream_bytes = 0
        self.messages = 0
        # The kernel's own clock: when it went busy and idle for this request.
        self.busy_at = self.idle_at = None

    def note_status(self, m: dict) -> None:
        state = m["content"]["execution_state"]
        date = m["header"].get("date")
        if isinstance(date, str):
            date = datetime.datetime.fromisoformat(date)
        if state == "busy":
            self.busy_at = date
        elif state == "idle":
            self.idle = True
            self.idle_at = date

    @property
    def kernel_seconds(self) -> float | None:
        """How long the kernel worked on the request, by its own message stamps."""
        if self.busy_at is None or self.idle_at is None:
            return None
        return (self.idle_at - self.busy_at).total_seconds()


async def run_cell(ws, code: str, need_result: bool = True, timeout: float = 60) -> ExecuteResult:
    """Sends one execute_request and reads until its reply, idle (and result)."""
    msg_id, text = execute_request(code)
    await ws.send(text)
    out = ExecuteResult()
    async with asyncio.timeout(timeout):
        while not (out.reply and out.idle and (out.result or not need_result)):
            m = json.loads(await ws.recv())
            if m.get("parent_header", {}).get("msg_id") != msg_id:
                continue
            out.messages += 1
            kind = m.get("msg_type") or m["header"]["msg_type"]
            if kind == "execute_reply":
                out.reply = True
            elif kind == "execute_result":
                out.result = True
            elif kind == "stream":
                out.stream_bytes += len(m["content"]["text"])
            elif kind == "status":
                out.note_status(m)
    return out


async def wait_kernel_info(ws, timeout: float = 60) -> None:
    """Sends kernel_info_request until the reply comes (a kernel may still be starting)."""
    async with asyncio.timeout(timeout):
        while True:
            msg_id, text = kernel_info_request()
            await ws.send(text)
            try:
                async with asyncio.timeout(1.0):
                    while True:
                        m = json.loads(await ws.recv())
                        kind = m.get("msg_type") or m["header"]["msg_type"]
                        if kind == "kernel_info_reply" and m.get("parent_header", {}).get("msg_id") == msg_id:
                            return
            except TimeoutError:
                continue


# ----------------------------------------------------------------- facts

def machine_facts(bin_dir: Path) -> dict:
    def cmd(argv):
        try:
            return subprocess.run(argv, capture_output=True, text=True, timeout=30).stdout.strip() or \
                subprocess.run(argv, capture_output=True, text=True, timeout=30).stderr.strip()
        except Exception as error:
            return f"({error})"

    def version(pkg):
        out = cmd([str(VENV_BIN / "python"), "-c", f"import importlib.metadata as m; print(m.version('{pkg}'))"])
        return out.splitlines()[-1] if out else "?"

    cpu = next((l.split(":", 1)[1].strip() for l in Path("/proc/cpuinfo").read_text().splitlines() if l.startswith("model name")), "?")
    mem = next((l.split()[1] for l in Path("/proc/meminfo").read_text().splitlines() if l.startswith("MemTotal")), "0")
    return {
        "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "nproc": os.cpu_count(),
        "cpu": cpu,
        "memory": f"{int(mem) // 1024} MiB",
        "kernel": cmd(["uname", "-r"]),
        "load average at start": loadavg(),
        "commit": cmd(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"]),
        "swift": cmd(["swift", "--version"]).splitlines()[0] if cmd(["swift", "--version"]) else "?",
        "runtime binaries": str(bin_dir),
        "python": cmd([str(VENV_BIN / "python"), "--version"]),
        "ipykernel": version("ipykernel"),
        "jupyter_client": version("jupyter_client"),
        "jupyter_server": version("jupyter_server"),
        "jupyter_kernel_gateway": version("jupyter_kernel_gateway"),
        "tornado": version("tornado"),
        "websockets": version("websockets"),
        "nginx": cmd(["nginx", "-v"]),
        "wrk": cmd(["wrk", "-v"]).splitlines()[0] if cmd(["wrk", "-v"]) else "?",
    }


def have_module(name: str) -> bool:
    return subprocess.run([str(VENV_BIN / "python"), "-c", f"import {name}"], capture_output=True).returncode == 0


def new_token() -> str:
    return secrets.token_urlsafe(36)


# ----------------------------------------------------------------- the floor

class ZmqFloor:
    """A kernel started and driven by jupyter_client straight over ZeroMQ: the floor."""

    label = "jupyter_client over ZeroMQ (floor)"

    async def __aenter__(self):
        from jupyter_client.manager import start_new_async_kernel
        self.km, self.kc = await start_new_async_kernel(kernel_name="python3")
        return self

    async def __aexit__(self, *exc):
        self.kc.stop_channels()
        await self.km.shutdown_kernel(now=True)

    async def run_cell(self, code: str, need_result: bool = True, timeout: float = 60) -> ExecuteResult:
        kc = self.kc
        out = ExecuteResult()
        msg_id = kc.execute(code, store_history=False)

        async def iopub():
            while not (out.idle and (out.result or not need_result)):
                m = await kc.get_iopub_msg(timeout=timeout)
                if m["parent_header"].get("msg_id") != msg_id:
                    continue
                out.messages += 1
                kind = m["msg_type"]
                if kind == "execute_result":
                    out.result = True
                elif kind == "stream":
                    out.stream_bytes += len(m["content"]["text"])
                elif kind == "status":
                    out.note_status(m)

        async def shell():
            while not out.reply:
                r = await kc.get_shell_msg(timeout=timeout)
                out.reply = r["parent_header"].get("msg_id") == msg_id

        await asyncio.gather(iopub(), shell())
        return out
