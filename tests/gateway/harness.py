"""Starts the real spin-gateway binary on loopback for integration tests."""

import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import requests

REPO = Path(__file__).resolve().parents[2]
STAND_IN = Path(__file__).resolve().parent / "stand_in_executor.py"
# Variables these machines set globally; every start sets or unsets them explicitly.
GLOBAL_TLS_VARS = ["SSL_CERT_FILE", "SSL_KEY_FILE", "REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE", "SSL_CERT_DIR"]


def build_dir():
    return Path(os.environ.get("SPIN_BUILD_DIR", REPO / ".build" / "debug"))


def gateway_binary():
    return Path(os.environ.get("SPIN_GATEWAY_BIN", build_dir() / "spin-gateway"))


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def clean_env(extra=None):
    env = {k: v for k, v in os.environ.items() if k not in GLOBAL_TLS_VARS and not k.startswith("SPIN_")}
    env.update(extra or {})
    return env


def write_stand_in_launcher(folder: Path) -> Path:
    """A script that runs the Python stand-in executor (used as SPIN_EXECUTOR_BINARY)."""
    launcher = folder / "stand-in-executor"
    launcher.write_text(f"#!/bin/sh\nexec {sys.executable} {STAND_IN}\n")
    launcher.chmod(0o755)
    return launcher


class Gateway:
    """One gateway process with its own SPIN_HOME; `executor` is stand-in, real or external."""

    def __init__(self, tmp: Path, executor="stand-in", tls=None, env=None, token=None):
        self.tmp = Path(tmp)
        self.home = self.tmp / "home"
        self.home.mkdir(parents=True, exist_ok=True)
        self.token = token or secrets.token_urlsafe(36)
        self.port = free_port()
        self.tls = tls
        self.scheme = "https" if tls else "http"
        self.url = f"{self.scheme}://127.0.0.1:{self.port}"
        self.log_path = self.tmp / "gateway.log"
        self.socket = str(self.home / "run" / "executor.sock")
        self.env = self._environment(executor, env or {})
        self.proc = None

    def _environment(self, executor, extra):
        env = clean_env({
            "SPIN_TOKEN": self.token, "SPIN_HOME": str(self.home), "SPIN_BIND": "127.0.0.1",
            "SPIN_PORT": str(self.port), "SPIN_LOG_LEVEL": "debug",
        })
        if executor == "real":
            # The real spin-executor beside the gateway, with the venv's ipykernel.
            env["JUPYTER_PATH"] = str(Path(sys.prefix) / "share" / "jupyter")
            env["PATH"] = f"{Path(sys.prefix) / 'bin'}:{env.get('PATH', '')}"
            env["SPIN_KERNEL_POOL"] = "0"
        elif executor == "stand-in":
            env["SPIN_EXECUTOR_BINARY"] = str(write_stand_in_launcher(self.tmp))
        elif executor == "external":
            env["SPIN_EXECUTOR"] = "external"
        if self.tls:
            env["SSL_CERT_FILE"], env["SSL_KEY_FILE"] = str(self.tls.cert), str(self.tls.key)
        env.update(extra)
        return env

    def start(self, wait_ready=True):
        self.log_file = open(self.log_path, "ab")
        self.proc = subprocess.Popen([str(gateway_binary())], env=self.env, stdout=self.log_file, stderr=subprocess.STDOUT, cwd=self.tmp)
        self.wait_for(lambda: self.get("/healthz").status_code == 200, "gateway /healthz")
        if wait_ready:
            self.wait_for(lambda: self.get("/readyz").status_code == 200, "gateway /readyz")
        return self

    def session(self):
        s = requests.Session()
        s.trust_env = False  # REQUESTS_CA_BUNDLE from the machine must not replace the test CA
        s.verify = str(self.tls.ca) if self.tls else True
        return s

    def get(self, path, **kwargs):
        kwargs.setdefault("timeout", 10)
        kwargs.setdefault("verify", str(self.tls.ca) if self.tls else True)
        return requests.get(self.url + path, **kwargs)

    def auth(self):
        return {"Authorization": f"Bearer {self.token}"}

    def wait_for(self, predicate, what, timeout=60):
        deadline = time.monotonic() + timeout
        last = None
        while time.monotonic() < deadline:
            if self.proc and self.proc.poll() is not None:
                raise AssertionError(f"gateway exited with {self.proc.returncode} while waiting for {what}:\n{self.log()}")
            try:
                if predicate():
                    return
            except Exception as error:  # not up yet
                last = error
            time.sleep(0.1)
        raise AssertionError(f"timed out waiting for {what} ({last}):\n{self.log()}")

    def log(self):
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def children(self):
        """PIDs of the gateway's direct children."""
        return children_of(self.proc.pid)

    def stop(self, sig=signal.SIGTERM, timeout=60):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(sig)
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        if getattr(self, "log_file", None):
            self.log_file.close()
        return self.proc.returncode if self.proc else None


def run_gateway_expecting_exit(env, timeout=20):
    """Runs the gateway to completion (configuration errors); returns (code, stderr)."""
    result = subprocess.run([str(gateway_binary())], env=env, capture_output=True, timeout=timeout, text=True)
    return result.returncode, result.stderr, result.stdout


def children_of(pid):
    """PIDs of a process's direct children (from every thread's list)."""
    children = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            children += [int(p) for p in (task / "children").read_text().split()]
        except OSError:
            pass
    return sorted(set(children))


def _stat_fields(pid):
    """/proc/PID/stat after the command name (state first), or None once it is gone."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return None


def running(pid):
    """The process exists and is not a zombie."""
    fields = _stat_fields(pid)
    return fields is not None and fields[0] not in ("Z", "X")


def process_group_members(pgid):
    members = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            fields = _stat_fields(entry.name)
            try:
                if fields and int(fields[2]) == pgid and fields[0] != "Z":
                    members.append(int(entry.name))
            except (IndexError, ValueError):
                pass
    return members
