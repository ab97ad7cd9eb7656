#!/usr/bin/env python3
"""Trivial-execute round trip (`1+1`): the executor's Unix socket vs. the
ZeroMQ floor (jupyter_client straight to the same kind of kernel), same run.

Usage: .venv/bin/python bench/execute_roundtrip.py [N]   (default 500)

Starts its own executor (SPIN_EXECUTOR_BIN, default .build/release or
.build/debug) in a temporary SPIN_HOME and prints median and p99 of each
path and their ratio, plus the executor's idle RSS. Measures only; asserts
nothing.
"""
from __future__ import annotations

import asyncio
import json
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

from jupyter_client.manager import start_new_async_kernel
from websockets.asyncio.client import unix_connect

ROOT = Path(__file__).resolve().parent.parent
N = int(sys.argv[1]) if len(sys.argv) > 1 else 500


def executor_binary() -> str:
    if os.environ.get("SPIN_EXECUTOR_BIN"):
        return os.environ["SPIN_EXECUTOR_BIN"]
    for flavour in ("release", "debug"):
        path = ROOT / ".build" / flavour / "spin-executor"
        if path.exists():
            return str(path)
    sys.exit("build spin-executor first (swift build -c release)")


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of `pid` so far (/proc/PID/stat utime + stime)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def execute_request(code: str) -> tuple[str, str]:
    msg_id = uuid.uuid4().hex
    return msg_id, json.dumps({
        "channel": "shell",
        "header": {"msg_id": msg_id, "msg_type": "execute_request", "session": "bench", "username": "bench",
                   "date": "", "version": "5.3"},
        "parent_header": {}, "metadata": {},
        "content": {"code": code, "silent": False, "store_history": False, "user_expressions": {},
                    "allow_stdin": False, "stop_on_error": True},
    })


async def via_executor(socket: str, kernel: str) -> list[float]:
    times = []
    async with unix_connect(socket, f"ws://localhost/api/kernels/{kernel}/channels") as ws:
        for i in range(N + 20):
            msg_id, text = execute_request("1+1")
            start = time.perf_counter()
            await ws.send(text)
            reply = idle = result = False
            while not (reply and idle and result):
                m = json.loads(await ws.recv())
                if m["parent_header"].get("msg_id") != msg_id:
                    continue
                reply |= m["msg_type"] == "execute_reply"
                result |= m["msg_type"] == "execute_result"
                idle |= m["msg_type"] == "status" and m["content"]["execution_state"] == "idle"
            if i >= 20:
                times.append((time.perf_counter() - start) * 1000)
    return times


async def via_zeromq() -> list[float]:
    km, kc = await start_new_async_kernel(kernel_name="python3")
    times = []
    try:
        for i in range(N + 20):
            start = time.perf_counter()
            msg_id = kc.execute("1+1", store_history=False)
            reply = idle = result = False
            while not (reply and idle and result):
                m = await kc.get_iopub_msg(timeout=30) if not (idle and result) else None
                if m and m["parent_header"].get("msg_id") == msg_id:
                    result |= m["msg_type"] == "execute_result"
                    idle |= m["msg_type"] == "status" and m["content"]["execution_state"] == "idle"
                if not reply:
                    r = await kc.get_shell_msg(timeout=30)
                    reply = r["parent_header"].get("msg_id") == msg_id
            if i >= 20:
                times.append((time.perf_counter() - start) * 1000)
    finally:
        kc.stop_channels()
        await km.shutdown_kernel(now=True)
    return times


def request(socket: str, method: str, path: str) -> dict:
    out = subprocess.run(["curl", "-s", "--unix-socket", socket, "-X", method, f"http://localhost{path}"],
                         check=True, capture_output=True, text=True).stdout
    return json.loads(out)


def main() -> None:
    home = Path(tempfile.mkdtemp(prefix="spin-bench-"))
    socket = str(home / "run" / "executor.sock")
    env = {k: v for k, v in os.environ.items() if k not in ("SSL_CERT_FILE", "SSL_KEY_FILE")}
    env.update(SPIN_HOME=str(home), SPIN_KERNEL_POOL="0", JUPYTER_PATH=str(ROOT / ".venv/share/jupyter"))
    proc = subprocess.Popen([executor_binary()], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for _ in range(100):
            if Path(socket).exists():
                break
            time.sleep(0.1)
        time.sleep(0.5)
        idle_rss = rss_mb(proc.pid)
        kernel = request(socket, "POST", "/api/kernels")["id"]
        cpu_before = cpu_seconds(proc.pid)
        executor_times = asyncio.run(via_executor(socket, kernel))
        cpu_ms = (cpu_seconds(proc.pid) - cpu_before) * 1000 / (N + 20)
        floor_times = asyncio.run(via_zeromq())
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(30)
    e50, f50 = statistics.median(executor_times), statistics.median(floor_times)
    e99, f99 = pct(executor_times, 0.99), pct(floor_times, 0.99)
    print(f"trivial execute (1+1), {N} sequential, same run")
    print(f"{'path':<38}{'p50 ms':>9}{'p99 ms':>9}")
    print(f"{'executor Unix socket (WebSocket JSON)':<38}{e50:>9.2f}{e99:>9.2f}")
    print(f"{'jupyter_client over ZeroMQ (floor)':<38}{f50:>9.2f}{f99:>9.2f}")
    print(f"ratio executor/floor: p50 {e50 / f50:.2f}x, p99 {e99 / f99:.2f}x")
    print(f"executor CPU per execute (utime + stime): {cpu_ms:.2f} ms")
    print(f"executor idle RSS (no kernels): {idle_rss:.1f} MB")


if __name__ == "__main__":
    main()
