"""Test harness for spin-executor: process control, HTTP over the Unix socket,
and a Jupyter WebSocket client speaking both the JSON form and the binary
``v1.kernel.websocket.jupyter.org`` subprotocol.

Nothing here asserts durations: every wait has a generous deadline (the machine
is shared) and fails with what was observed so far.
"""

from __future__ import annotations

import asyncio
import base64
import datetime as _dt
import http.client
import json
import os
import signal
import socket
import subprocess
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable

from websockets.asyncio.client import ClientConnection, unix_connect

REPO_ROOT = Path(__file__).resolve().parents[2]
TOKEN = "secret-token-should-not-leak"
V1_PROTOCOL = "v1.kernel.websocket.jupyter.org"
SPIN_JSON_PROTOCOL = "spin.json"
TIMEOUT = 30.0  # seconds; generous on purpose, never asserted as a duration
STOP_TIMEOUT = 45.0  # SIGTERM: grace (default 10 s) plus kernel shutdown
MAX_WS_MESSAGE = 64 * 1024 * 1024


class HarnessError(AssertionError):
    """A wait or a protocol step of the harness failed; the message says what was seen."""


# ---------------------------------------------------------------------------
# Locating things
# ---------------------------------------------------------------------------


def executor_binary() -> Path:
    raw = os.environ.get("SPIN_EXECUTOR_BIN")
    path = Path(raw) if raw else Path(".build/debug/spin-executor")
    if not path.is_absolute():
        path = REPO_ROOT / path
    return path


def venv_dir() -> Path:
    return REPO_ROOT / ".venv"


# ---------------------------------------------------------------------------
# /proc helpers
# ---------------------------------------------------------------------------


@dataclass
class ProcInfo:
    pid: int
    ppid: int
    state: str
    cmdline: list[str]

    @property
    def alive(self) -> bool:
        return self.state not in ("Z", "X")


def read_proc(pid: int) -> ProcInfo | None:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
        raw = Path(f"/proc/{pid}/cmdline").read_bytes()
    except (FileNotFoundError, ProcessLookupError, PermissionError):
        return None
    # "pid (comm) state ppid ..." -- comm may contain spaces and parentheses.
    rest = stat[stat.rfind(")") + 2 :].split()
    cmdline = [p.decode("utf-8", "replace") for p in raw.split(b"\0") if p]
    return ProcInfo(pid=pid, ppid=int(rest[1]), state=rest[0], cmdline=cmdline)


def all_processes() -> list[ProcInfo]:
    out = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            info = read_proc(int(entry))
            if info is not None:
                out.append(info)
    return out


def descendants(pid: int, procs: list[ProcInfo] | None = None) -> list[ProcInfo]:
    procs = procs if procs is not None else all_processes()
    children: dict[int, list[ProcInfo]] = {}
    for p in procs:
        children.setdefault(p.ppid, []).append(p)
    out, todo = [], [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            out.append(child)
            todo.append(child.pid)
    return out


# ---------------------------------------------------------------------------
# HTTP over the Unix socket
# ---------------------------------------------------------------------------


class UnixHTTPConnection(http.client.HTTPConnection):
    def __init__(self, socket_path: str | Path, timeout: float = TIMEOUT) -> None:
        super().__init__("localhost", timeout=timeout)
        self.socket_path = str(socket_path)

    def connect(self) -> None:
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        sock.settimeout(self.timeout)
        sock.connect(self.socket_path)
        self.sock = sock


@dataclass
class Response:
    status: int
    headers: dict[str, str]
    body: bytes

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", "replace")

    def json(self) -> Any:
        try:
            return json.loads(self.body)
        except ValueError as exc:
            raise HarnessError(
                f"expected a JSON body, got status {self.status} "
                f"content-type {self.headers.get('content-type')!r} body {self.body[:300]!r}"
            ) from exc

    def describe(self) -> str:
        return f"HTTP {self.status} {self.body[:500]!r}"


_NO_BODY = object()


def http_request(
    socket_path: str | Path,
    method: str,
    path: str,
    json_body: Any = _NO_BODY,
    *,
    body: bytes | None = None,
    headers: dict[str, str] | None = None,
    timeout: float = TIMEOUT,
) -> Response:
    hdrs = dict(headers or {})
    if json_body is not _NO_BODY:
        body = json.dumps(json_body).encode()
        hdrs.setdefault("Content-Type", "application/json")
    conn = UnixHTTPConnection(socket_path, timeout=timeout)
    try:
        conn.request(method, path, body=body, headers=hdrs)
        resp = conn.getresponse()
        data = resp.read()
        return Response(resp.status, {k.lower(): v for k, v in resp.getheaders()}, data)
    finally:
        conn.close()


def http_request_large_body(
    socket_path: str | Path,
    method: str,
    path: str,
    size: int,
    *,
    content_type: str = "application/json",
    timeout: float = TIMEOUT,
) -> Response:
    """Send a body of `size` bytes; the server may answer (413) and close before
    reading all of it, so a broken pipe while sending is tolerated and the
    response is read anyway."""
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    sock.settimeout(timeout)
    sock.connect(str(socket_path))
    try:
        head = (
            f"{method} {path} HTTP/1.1\r\nHost: localhost\r\n"
            f"Content-Type: {content_type}\r\nContent-Length: {size}\r\n\r\n"
        ).encode()
        sock.sendall(head)
        chunk = b'{"name": "' + b"x" * (1024 * 1024)
        sent = 0
        try:
            while sent < size:
                piece = chunk[: size - sent]
                sock.sendall(piece)
                sent += len(piece)
        except (BrokenPipeError, ConnectionResetError, socket.timeout):
            pass
        resp = http.client.HTTPResponse(sock, method=method)
        try:
            resp.begin()
        except (ConnectionResetError, http.client.RemoteDisconnected) as exc:
            raise HarnessError(
                f"server closed the connection after {sent} of {size} body bytes without an HTTP response: {exc!r}"
            ) from exc
        data = resp.read()
        return Response(resp.status, {k.lower(): v for k, v in resp.getheaders()}, data)
    finally:
        sock.close()


def assert_json_error(resp: Response, status: int) -> dict[str, Any]:
    """SPEC §8: {"error": {"code": "snake_case", "message": "..."}} with the status."""
    assert resp.status == status, f"expected HTTP {status}, got {resp.describe()}"
    ctype = resp.headers.get("content-type", "")
    assert "json" in ctype, f"error answer must be JSON, content-type was {ctype!r}: {resp.describe()}"
    doc = resp.json()
    assert isinstance(doc, dict) and isinstance(doc.get("error"), dict), f"no error object: {doc!r}"
    err = doc["error"]
    code, message = err.get("code"), err.get("message")
    assert isinstance(code, str) and code, f"error.code missing: {doc!r}"
    assert code == code.lower() and all(c.isalnum() or c == "_" for c in code), (
        f"error.code must be snake_case: {code!r}"
    )
    assert isinstance(message, str) and message.strip(), f"error.message missing: {doc!r}"
    return err


# ---------------------------------------------------------------------------
# The executor process
# ---------------------------------------------------------------------------


class Executor:
    """One spin-executor process with its own SPIN_HOME."""

    def __init__(
        self,
        home: Path,
        *,
        pool: int = 0,
        extra_env: dict[str, str] | None = None,
        socket_path: Path | None = None,
        log_name: str = "executor.log",
    ) -> None:
        self.home = Path(home)
        self.home.mkdir(parents=True, exist_ok=True)
        self.socket_path = socket_path or (self.home / "run" / "executor.sock")
        self.log_path = self.home.parent / f"{self.home.name}-{log_name}"
        self.binary = executor_binary()
        env = {k: v for k, v in os.environ.items() if not k.startswith("SPIN_")}
        env.pop("JUPYTER_PATH", None)
        # The kernelspec's argv is ["python", "-m", "ipykernel_launcher", ...]:
        # "python" must be the project venv's interpreter (as with `make run`).
        venv = venv_dir()
        env["PATH"] = f"{venv / 'bin'}{os.pathsep}{env.get('PATH', '')}"
        env["VIRTUAL_ENV"] = str(venv)
        env.update(
            {
                "SPIN_HOME": str(self.home),
                "SPIN_EXECUTOR_SOCKET": str(self.socket_path),
                "JUPYTER_PATH": str(venv / "share" / "jupyter"),
                "SPIN_KERNEL_POOL": str(pool),
                "SPIN_LOG_FORMAT": "text",
                "SPIN_TOKEN": TOKEN,
            }
        )
        env.update(extra_env or {})
        self.env = env
        self.proc: subprocess.Popen[bytes] | None = None
        self._log_file = None
        self.returncode: int | None = None
        self.seen_kernel_pids: set[int] = set()
        self.sigterm_sent = False

    # -- lifecycle ---------------------------------------------------------

    def start(self, *, wait: bool = True, pass_fds: tuple[int, ...] = ()) -> "Executor":
        if not self.binary.exists():
            raise HarnessError(
                f"spin-executor binary not found at {self.binary} "
                "(build it with `swift build` or set SPIN_EXECUTOR_BIN)"
            )
        self._log_file = open(self.log_path, "ab")
        self.proc = subprocess.Popen(
            [str(self.binary)],
            env=self.env,
            pass_fds=pass_fds,
            stdin=subprocess.DEVNULL,
            stdout=self._log_file,
            stderr=subprocess.STDOUT,
            cwd=str(self.home),
        )
        if wait:
            self.wait_ready()
        return self

    def wait_ready(self, timeout: float = TIMEOUT) -> None:
        assert self.proc is not None
        deadline = time.monotonic() + timeout
        last = "socket not created"
        while time.monotonic() < deadline:
            rc = self.proc.poll()
            if rc is not None:
                raise HarnessError(f"spin-executor exited with {rc} during start-up; log:\n{self.log_text()}")
            if self.socket_path.exists():
                try:
                    resp = self.request("GET", "/api", timeout=5)
                    if resp.status == 200:
                        return
                    last = f"GET /api -> {resp.describe()}"
                except OSError as exc:
                    last = f"GET /api failed: {exc!r}"
            time.sleep(0.1)
        raise HarnessError(f"spin-executor not ready after {timeout} s ({last}); log:\n{self.log_text()}")

    def sigterm(self) -> None:
        """Send SIGTERM once (a second one could mean "hurry" to a server)."""
        assert self.proc is not None
        self.kernel_processes()  # remember the kernels for the leftover check
        self.sigterm_sent = True
        self.proc.send_signal(signal.SIGTERM)

    @property
    def pid(self) -> int:
        assert self.proc is not None
        return self.proc.pid

    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def log_text(self) -> str:
        try:
            return self.log_path.read_text(encoding="utf-8", errors="replace")
        except FileNotFoundError:
            return ""

    def kernel_processes(self) -> list[ProcInfo]:
        """Processes that look like this executor's kernels: its live descendants,
        and any live process whose command line mentions this SPIN_HOME (the
        connection files live under it), the executor itself excluded."""
        procs = all_processes()
        found: dict[int, ProcInfo] = {}
        if self.proc is not None and self.proc.poll() is None:
            for p in descendants(self.proc.pid, procs):
                if p.alive:
                    found[p.pid] = p
        home = str(self.home)
        for p in procs:
            if p.alive and p.pid != os.getpid() and (self.proc is None or p.pid != self.proc.pid):
                if any(home in arg for arg in p.cmdline) and p.pid not in found:
                    found[p.pid] = p
        self.seen_kernel_pids.update(found)
        return sorted(found.values(), key=lambda p: p.pid)

    def python_kernel_processes(self) -> list[ProcInfo]:
        return [p for p in self.kernel_processes() if any("ipykernel" in a for a in p.cmdline)]

    def stop(self, *, check: bool = True, timeout: float = STOP_TIMEOUT) -> int:
        """SIGTERM; with check: exit code 0, no kernel left, token never logged."""
        assert self.proc is not None
        before = self.kernel_processes() if self.proc.poll() is None else []
        if self.proc.poll() is None and not self.sigterm_sent:
            self.sigterm()
        try:
            rc = self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(timeout=10)
            self._cleanup_leftovers()
            raise HarnessError(f"spin-executor did not exit within {timeout} s of SIGTERM; log:\n{self.log_text()}")
        finally:
            if self._log_file is not None:
                self._log_file.close()
                self._log_file = None
        self.returncode = rc
        self._keep_log()
        leftovers = self._wait_kernels_gone(before)
        if check:
            problems = []
            if rc != 0:
                problems.append(f"exit code {rc} after SIGTERM (expected 0)")
            if leftovers:
                problems.append(
                    "kernel processes left running: "
                    + "; ".join(f"{p.pid}: {' '.join(p.cmdline)}" for p in leftovers)
                )
            if TOKEN in self.log_text():
                problems.append("SPIN_TOKEN value appears in the executor's output")
            if problems:
                self._cleanup_leftovers(leftovers)
                raise HarnessError("; ".join(problems) + f"\nlog:\n{self.log_text()[-6000:]}")
        self._cleanup_leftovers(leftovers)
        return rc

    def _keep_log(self) -> None:
        """With SPIN_TEST_LOG_DIR set, keep a copy of this executor's output
        there (the temporary SPIN_HOME is deleted after the test)."""
        keep = os.environ.get("SPIN_TEST_LOG_DIR")
        if keep:
            dest = Path(keep)
            dest.mkdir(parents=True, exist_ok=True)
            stamp = time.strftime("%Y%m%dT%H%M%S")
            (dest / f"{stamp}-{self.home.parent.name}-{self.log_path.name}").write_text(self.log_text())

    def _wait_kernels_gone(self, before: Iterable[ProcInfo], timeout: float = 15.0) -> list[ProcInfo]:
        pids = {p.pid for p in before} | self.seen_kernel_pids
        deadline = time.monotonic() + timeout
        while True:
            left = [info for pid in sorted(pids) if (info := read_proc(pid)) is not None and info.alive]
            # A recycled pid would not mention our SPIN_HOME; keep only real leftovers.
            home = str(self.home)
            left = [p for p in left if any(home in a for a in p.cmdline) or "ipykernel" in " ".join(p.cmdline)]
            left += [p for p in self.kernel_processes() if p.pid not in {q.pid for q in left}]
            if not left or time.monotonic() > deadline:
                return left
            time.sleep(0.2)

    def _cleanup_leftovers(self, leftovers: Iterable[ProcInfo] | None = None) -> None:
        for p in leftovers or []:
            try:
                os.kill(p.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass

    # -- HTTP --------------------------------------------------------------

    def request(self, method: str, path: str, json_body: Any = _NO_BODY, **kw: Any) -> Response:
        return http_request(self.socket_path, method, path, json_body, **kw)

    def create_kernel(self, name: str = "python3") -> dict[str, Any]:
        resp = self.request("POST", "/api/kernels", {"name": name})
        assert resp.status == 201, f"POST /api/kernels: {resp.describe()}"
        model = resp.json()
        assert isinstance(model.get("id"), str) and model["id"], model
        return model

    def delete_kernel(self, kernel_id: str) -> None:
        resp = self.request("DELETE", f"/api/kernels/{kernel_id}")
        assert resp.status == 204, f"DELETE /api/kernels/{kernel_id}: {resp.describe()}"


# ---------------------------------------------------------------------------
# Jupyter messages and the two WebSocket encodings
# ---------------------------------------------------------------------------


def now_iso() -> str:
    return _dt.datetime.now(_dt.timezone.utc).isoformat().replace("+00:00", "Z")


def new_header(msg_type: str, session_id: str) -> dict[str, Any]:
    return {
        "msg_id": uuid.uuid4().hex,
        "msg_type": msg_type,
        "username": "spin-test",
        "session": session_id,
        "date": now_iso(),
        "version": "5.3",
    }


def _pack(obj: Any) -> bytes:
    return json.dumps(obj, ensure_ascii=False).encode("utf-8")


def encode_v1(channel: str, header: Any, parent_header: Any, metadata: Any, content: Any,
              buffers: Iterable[bytes] = ()) -> bytes:
    """Same layout as jupyter_server's serialize_msg_to_ws_v1: little-endian
    uint64 offset count, the offsets, then channel, header, parent_header,
    metadata, content and buffers."""
    parts = [_pack(header), _pack(parent_header), _pack(metadata), _pack(content), *buffers]
    return encode_v1_parts(channel, parts)


def encode_v1_parts(channel: str | bytes, parts: list[bytes]) -> bytes:
    chan = channel if isinstance(channel, bytes) else channel.encode("utf-8")
    offsets = [8 * (1 + 1 + len(parts) + 1)]
    offsets.append(offsets[-1] + len(chan))
    for part in parts:
        offsets.append(offsets[-1] + len(part))
    table = len(offsets).to_bytes(8, "little") + b"".join(o.to_bytes(8, "little") for o in offsets)
    return table + chan + b"".join(parts)


def decode_v1(frame: bytes) -> dict[str, Any]:
    if len(frame) < 8:
        raise HarnessError(f"v1 frame too short: {frame!r}")
    count = int.from_bytes(frame[:8], "little")
    if count < 6 or 8 * (count + 1) > len(frame):
        raise HarnessError(f"v1 frame has a bad offset count {count} (frame of {len(frame)} bytes)")
    offsets = [int.from_bytes(frame[8 * (i + 1) : 8 * (i + 2)], "little") for i in range(count)]
    if offsets[0] != 8 * (count + 1) or offsets[-1] != len(frame) or offsets != sorted(offsets):
        raise HarnessError(f"v1 frame has inconsistent offsets {offsets} for {len(frame)} bytes")
    channel = frame[offsets[0] : offsets[1]].decode("utf-8")
    parts = [frame[offsets[i] : offsets[i + 1]] for i in range(1, count - 1)]
    header, parent, metadata, content = (json.loads(p) for p in parts[:4])
    return {
        "channel": channel,
        "header": header,
        "parent_header": parent,
        "metadata": metadata,
        "content": content,
        "buffers": parts[4:],
    }


def _decode_legacy_binary(frame: bytes) -> dict[str, Any]:
    """jupyter_server's JSON-protocol binary form (serialize_binary_message)."""
    import struct

    nbufs = struct.unpack("!i", frame[:4])[0]
    offsets = list(struct.unpack("!" + "I" * nbufs, frame[4 : 4 * (nbufs + 1)])) + [None]
    bufs = [frame[a:b] for a, b in zip(offsets[:-1], offsets[1:])]
    msg = json.loads(bufs[0].decode("utf-8"))
    msg["buffers"] = bufs[1:]
    return msg


@dataclass
class Msg:
    channel: str
    header: dict[str, Any]
    parent_header: dict[str, Any]
    metadata: dict[str, Any]
    content: dict[str, Any]
    buffers: list[bytes] = field(default_factory=list)

    @property
    def msg_type(self) -> str:
        return self.header.get("msg_type", "")

    @property
    def msg_id(self) -> str:
        return self.header.get("msg_id", "")

    @property
    def parent_id(self) -> str | None:
        return (self.parent_header or {}).get("msg_id")

    def short(self) -> str:
        content = json.dumps(self.content, ensure_ascii=False)[:160]
        return f"{self.channel}/{self.msg_type} parent={self.parent_id} {content}"

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> "Msg":
        if not isinstance(d, dict):
            raise HarnessError(f"message is not an object: {d!r}")
        return cls(
            channel=d.get("channel") or "",
            header=d.get("header") or {},
            parent_header=d.get("parent_header") or {},
            metadata=d.get("metadata") or {},
            content=d.get("content") if isinstance(d.get("content"), dict) else {},
            buffers=list(d.get("buffers") or []),
        )


class WSClosed(HarnessError):
    def __init__(self, code: int | None, reason: str, seen: list[Msg]) -> None:
        self.code, self.reason = code, reason
        super().__init__(f"WebSocket closed (code {code}, reason {reason!r}); last messages: "
                         + "; ".join(m.short() for m in seen[-8:]))


class KernelWS:
    """A client of /api/kernels/{id}/channels."""

    def __init__(self, ws: ClientConnection, kernel_id: str, session_id: str) -> None:
        self.ws = ws
        self.kernel_id = kernel_id
        self.session_id = session_id
        self.binary = ws.subprotocol == V1_PROTOCOL
        self.received: list[Msg] = []
        self.pending: list[Msg] = []  # received but not consumed by a wait_for

    @property
    def subprotocol(self) -> str | None:
        return self.ws.subprotocol

    # -- sending -----------------------------------------------------------

    async def send(
        self,
        channel: str,
        msg_type: str,
        content: dict[str, Any],
        *,
        metadata: dict[str, Any] | None = None,
        parent_header: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        header = new_header(msg_type, self.session_id)
        msg = {
            "header": header,
            "parent_header": parent_header or {},
            "metadata": metadata or {},
            "content": content,
        }
        if self.binary:
            await self.ws.send(encode_v1(channel, msg["header"], msg["parent_header"], msg["metadata"], msg["content"]))
        else:
            await self.ws.send(json.dumps({"channel": channel, **msg, "buffers": []}))
        return header

    async def send_raw(self, data: str | bytes) -> None:
        await self.ws.send(data)

    async def send_execute(self, code: str, *, metadata: dict[str, Any] | None = None,
                           stop_on_error: bool = True, allow_stdin: bool = False) -> str:
        header = await self.send(
            "shell",
            "execute_request",
            {
                "code": code,
                "silent": False,
                "store_history": True,
                "user_expressions": {},
                "allow_stdin": allow_stdin,
                "stop_on_error": stop_on_error,
            },
            metadata=metadata,
        )
        return header["msg_id"]

    # -- receiving ---------------------------------------------------------

    async def _recv_one(self, timeout: float) -> Msg:
        from websockets.exceptions import ConnectionClosed

        try:
            data = await asyncio.wait_for(self.ws.recv(), timeout)
        except ConnectionClosed as exc:
            rcvd = exc.rcvd
            raise WSClosed(rcvd.code if rcvd else None, rcvd.reason if rcvd else "", self.received) from exc
        if isinstance(data, bytes):
            msg = Msg.from_dict(decode_v1(data) if self.binary else _decode_legacy_binary(data))
        else:
            try:
                msg = Msg.from_dict(json.loads(data))
            except ValueError as exc:
                raise HarnessError(f"server sent a text frame that is not JSON: {data[:300]!r}") from exc
        self.received.append(msg)
        return msg

    async def recv(self, timeout: float = TIMEOUT) -> Msg:
        if self.pending:
            return self.pending.pop(0)
        try:
            return await self._recv_one(timeout)
        except asyncio.TimeoutError as exc:
            raise HarnessError(
                f"no message within {timeout} s; last messages: "
                + "; ".join(m.short() for m in self.received[-8:])
            ) from exc

    async def wait_for(self, pred: Callable[[Msg], bool], what: str, timeout: float = TIMEOUT) -> Msg:
        """Return the first message matching pred; others stay pending in order."""
        for i, m in enumerate(self.pending):
            if pred(m):
                return self.pending.pop(i)
        skipped: list[Msg] = []
        deadline = time.monotonic() + timeout
        try:
            while True:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise HarnessError(
                        f"waited {timeout} s for {what}; saw: " + "; ".join(m.short() for m in skipped[-12:])
                    )
                try:
                    m = await self._recv_one(left)
                except asyncio.TimeoutError:
                    continue
                if pred(m):
                    return m
                skipped.append(m)
        finally:
            self.pending.extend(skipped)

    async def drain(self, quiet: float) -> list[Msg]:
        """Collect everything that arrives until nothing came for `quiet` seconds."""
        out = list(self.pending)
        self.pending.clear()
        while True:
            try:
                out.append(await self._recv_one(quiet))
            except asyncio.TimeoutError:
                return out

    async def wait_ready(self, timeout: float = TIMEOUT) -> Msg:
        """What Jupyter clients do on connect: kernel_info_request, wait for the reply."""
        header = await self.send("shell", "kernel_info_request", {})
        return await self.wait_for(
            lambda m: m.msg_type == "kernel_info_reply" and m.parent_id == header["msg_id"],
            "kernel_info_reply",
            timeout,
        )

    async def execute(self, code: str, *, timeout: float = TIMEOUT, **kw: Any) -> "ExecResult":
        msg_id = await self.send_execute(code, **kw)
        return await self.collect(msg_id, timeout=timeout)

    async def collect(self, msg_id: str, *, timeout: float = TIMEOUT, need_reply: bool = True) -> "ExecResult":
        """Messages with parent msg_id until execute_reply (if need_reply) and
        iopub status idle have both arrived."""
        result = ExecResult(msg_id)
        deadline = time.monotonic() + timeout
        keep: list[Msg] = []
        try:
            while not (result.idle and (result.reply is not None or not need_reply)):
                left = deadline - time.monotonic()
                if left <= 0:
                    raise HarnessError(
                        f"cell {msg_id}: no {'execute_reply and ' if need_reply else ''}status idle within "
                        f"{timeout} s; got for this cell: {[m.short() for m in result.messages]}; "
                        f"other: {[m.short() for m in keep[-8:]]}"
                    )
                if self.pending:
                    m = self.pending.pop(0)
                else:
                    try:
                        m = await self._recv_one(left)
                    except asyncio.TimeoutError:
                        continue
                if m.parent_id != msg_id:
                    keep.append(m)
                    continue
                result.add(m)
        finally:
            self.pending.extend(keep)
        return result

    async def close(self) -> None:
        await self.ws.close()


@dataclass
class ExecResult:
    msg_id: str
    messages: list[Msg] = field(default_factory=list)
    reply: Msg | None = None
    idle: bool = False

    def add(self, m: Msg) -> None:
        self.messages.append(m)
        if m.msg_type == "execute_reply" and m.channel == "shell":
            self.reply = m
        if m.channel == "iopub" and m.msg_type == "status" and m.content.get("execution_state") == "idle":
            self.idle = True

    def of_type(self, msg_type: str) -> list[Msg]:
        return [m for m in self.messages if m.msg_type == msg_type]

    def stream(self, name: str = "stdout") -> str:
        return "".join(m.content.get("text", "") for m in self.of_type("stream") if m.content.get("name") == name)

    def result_text(self) -> str | None:
        results = self.of_type("execute_result")
        return results[-1].content.get("data", {}).get("text/plain") if results else None

    def describe(self) -> str:
        return "; ".join(m.short() for m in self.messages)


async def connect_ws(
    socket_path: str | Path,
    kernel_id: str,
    *,
    session_id: str | None = None,
    subprotocols: list[str] | None = None,
    query: str = "",
) -> KernelWS:
    session_id = session_id or uuid.uuid4().hex
    uri = f"ws://localhost/api/kernels/{kernel_id}/channels?session_id={session_id}{query}"
    ws = await unix_connect(
        str(socket_path),
        uri,
        subprotocols=subprotocols,
        open_timeout=TIMEOUT,
        max_size=MAX_WS_MESSAGE,
        proxy=None,
        close_timeout=10,
    )
    return KernelWS(ws, kernel_id, session_id)


PROTOCOLS = {
    "json": None,
    "spin.json": [SPIN_JSON_PROTOCOL],
    "v1": [V1_PROTOCOL],
}


def run(coro: Any) -> Any:
    """Run a coroutine to completion (tests use plain asyncio.run, no plugin)."""
    return asyncio.run(coro)


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode()
