"""Real servers for the cell-processor tests, each started on a free loopback
port in a temp folder and stopped by its PID: PostgreSQL 15, a second sshd,
and an HTTPS server with a test CA."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "gateway"))
from tls_material import TestCA  # noqa: E402

PG_BIN = Path("/usr/lib/postgresql/15/bin")
PG_PASSWORD = "pg-Secret-4242"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_port(port: int, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.1)
    raise AssertionError(f"nothing listens on 127.0.0.1:{port} after {timeout} s")


class Postgres:
    """initdb + pg_ctl as the `postgres` user (initdb refuses root)."""

    def __init__(self, folder: Path, password: str) -> None:
        self.folder = Path(folder)
        self.port = free_port()
        self.password = password

    def _as_postgres(self, command: list[str]) -> None:
        quoted = " ".join(f"'{c}'" for c in command)
        subprocess.run(["su", "postgres", "-s", "/bin/sh", "-c", quoted], check=True, capture_output=True)

    def start(self) -> "Postgres":
        self.folder.mkdir(parents=True, exist_ok=True)
        shutil.chown(self.folder, "postgres", "postgres")
        pwfile = self.folder / "pw"
        pwfile.write_text(self.password)
        shutil.chown(pwfile, "postgres", "postgres")
        self._as_postgres([str(PG_BIN / "initdb"), "-D", str(self.folder / "data"), "-A", "scram-sha-256",
                           "-U", "postgres", f"--pwfile={pwfile}", "--no-sync"])
        self._as_postgres([str(PG_BIN / "pg_ctl"), "-D", str(self.folder / "data"), "-l", str(self.folder / "pg.log"),
                           "-o", f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1 -c fsync=off", "-w", "start"])
        return self

    def psql(self, sql: str) -> str:
        env = dict(os.environ, PGPASSWORD=self.password)
        out = subprocess.run(["psql", "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", "-v", "ON_ERROR_STOP=1",
                              "-Atc", sql], env=env, check=True, capture_output=True, text=True)
        return out.stdout

    def stop(self) -> None:
        try:
            self._as_postgres([str(PG_BIN / "pg_ctl"), "-D", str(self.folder / "data"), "-m", "immediate", "-w", "stop"])
        except subprocess.CalledProcessError:
            pass


class Sshd:
    """A second sshd on loopback with its own config, host key and keys."""

    def __init__(self, folder: Path) -> None:
        self.folder = Path(folder)
        self.port = free_port()
        self.proc: subprocess.Popen | None = None
        self.host_key = self.folder / "host_ed25519"
        self.authorized = self.folder / "authorized_keys"

    def keygen(self, name: str, kind: str, *extra: str, passphrase: str = "") -> Path:
        path = self.folder / name
        subprocess.run(["ssh-keygen", "-q", "-t", kind, "-N", passphrase, "-f", str(path), *extra], check=True)
        return path

    def authorize(self, key: Path) -> None:
        with open(self.authorized, "a") as f:
            f.write(Path(str(key) + ".pub").read_text())

    def host_fingerprint(self) -> str:
        out = subprocess.run(["ssh-keygen", "-lf", str(self.host_key) + ".pub"], check=True, capture_output=True, text=True)
        return out.stdout.split()[1]

    def start(self) -> "Sshd":
        self.folder.mkdir(parents=True, exist_ok=True)
        subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(self.host_key)], check=True)
        self.authorized.touch()
        config = self.folder / "sshd_config"
        config.write_text(
            f"Port {self.port}\nListenAddress 127.0.0.1\nHostKey {self.host_key}\nPidFile {self.folder}/sshd.pid\n"
            f"AuthorizedKeysFile {self.authorized}\nUsePAM no\nStrictModes no\nPasswordAuthentication no\n"
            "KbdInteractiveAuthentication no\nPermitRootLogin prohibit-password\n"
        )
        os.makedirs("/run/sshd", mode=0o755, exist_ok=True)
        self.log = open(self.folder / "sshd.log", "wb")
        self.proc = subprocess.Popen(["/usr/sbin/sshd", "-D", "-e", "-f", str(config)], stdout=self.log, stderr=subprocess.STDOUT)
        wait_port(self.port)
        return self

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(10)


HTTPS_SERVER = r'''
import json, ssl, sys, time
from http.server import ThreadingHTTPServer, BaseHTTPRequestHandler

class Handler(BaseHTTPRequestHandler):
    def log_message(self, *a):
        pass
    def _send(self, status, body, ctype="application/json"):
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
    def do_GET(self):
        if self.path.startswith("/json"):
            self._send(200, json.dumps({"ok": True, "path": self.path, "auth": self.headers.get("Authorization")}).encode())
        elif self.path.startswith("/big"):
            self._send(200, b"x" * (80 << 20), "application/octet-stream")
        else:
            self._send(200, b"plain text body", "text/plain")
    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        self._send(201, json.dumps({"received": json.loads(body or b"null")}).encode())

server = ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1])), Handler)
context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
context.load_cert_chain(sys.argv[2], sys.argv[3])
server.socket = context.wrap_socket(server.socket, server_side=True)
server.serve_forever()
'''


class HttpsServer:
    """A Python HTTPS server whose certificate a test CA signed; also a second,
    unrelated CA and a rehashed CA folder for the REQUESTS_CA_BUNDLE cases."""

    def __init__(self, folder: Path) -> None:
        self.folder = Path(folder)
        self.port = free_port()
        self.proc: subprocess.Popen | None = None

    def start(self) -> "HttpsServer":
        self.ca = TestCA(self.folder / "ca")
        self.ca.issue()
        self.unrelated = TestCA(self.folder / "unrelated", name="Unrelated Test CA")
        self.ca_dir = self.folder / "ca-dir"
        self.ca_dir.mkdir()
        shutil.copy(self.ca.ca, self.ca_dir / "spin-test-ca.pem")
        subprocess.run(["openssl", "rehash", str(self.ca_dir)], check=True)
        self.unrelated_dir = self.folder / "unrelated-dir"
        self.unrelated_dir.mkdir()
        shutil.copy(self.unrelated.ca, self.unrelated_dir / "other-ca.pem")
        subprocess.run(["openssl", "rehash", str(self.unrelated_dir)], check=True)
        script = self.folder / "server.py"
        script.write_text(HTTPS_SERVER)
        self.proc = subprocess.Popen([sys.executable, str(script), str(self.port), str(self.ca.cert), str(self.ca.key_path)])
        wait_port(self.port)
        return self

    @property
    def url(self) -> str:
        return f"https://127.0.0.1:{self.port}"

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(10)
