#!/usr/bin/env python3
"""Scenario 2 against the executor alone: the floor (jupyter_client over
ZeroMQ) and spin-executor's Unix socket, alternating, with the executor's RSS
before, at its peak and after each cell. No gateway, no other peers: for
working on the executor's streaming path.

    SPIN_BUILD_DIR=.build/release .venv/bin/python bench/s2_executor.py --mb 100 --runs 2
"""
from __future__ import annotations

import argparse
import asyncio
import http.client
import json
import os
import socket
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import harness  # noqa: E402
from harness import ROOT, WORK, Proc, RSSSampler, ZmqFloor, clean_env, install_cleanup, log, rss_mb, run_cell, wait_for  # noqa: E402
from s2_stream import code  # noqa: E402


class UnixHTTP(http.client.HTTPConnection):
    def __init__(self, path: str):
        super().__init__("localhost", timeout=120)
        self.path = path

    def connect(self):
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.settimeout(120)
        self.sock.connect(self.path)


class Executor:
    def __init__(self, bin_dir: Path):
        self.home = WORK / "executor-home"
        self.socket = str(self.home / "run" / "executor.sock")
        env = clean_env({"SPIN_HOME": str(self.home), "SPIN_KERNEL_POOL": "1", "SPIN_LOG_LEVEL": "info"})
        self.proc = Proc("spin-executor", [str(bin_dir / "spin-executor")], env, WORK / "executor")
        wait_for(lambda: os.path.exists(self.socket) and self.request("GET", "/api/status")[0] == 200,
                 "executor socket", self.proc)

    def request(self, method: str, path: str, body: dict | None = None) -> tuple[int, dict]:
        conn = UnixHTTP(self.socket)
        try:
            conn.request(method, path, body=json.dumps(body) if body is not None else None,
                         headers={"Content-Type": "application/json"})
            response = conn.getresponse()
            data = response.read()
            return response.status, (json.loads(data) if data else {})
        finally:
            conn.close()

    def ws(self, kernel_id: str):
        from websockets.asyncio.client import unix_connect
        return unix_connect(self.socket, f"ws://localhost/api/kernels/{kernel_id}/channels?session_id=s2",
                            subprotocols=["spin.json"], max_size=None, max_queue=None, compression=None,
                            ping_interval=None, close_timeout=5)


async def executor_run(ex: Executor, size: int) -> dict:
    status, kernel = ex.request("POST", "/api/kernels", {"name": "python3"})
    assert status in (200, 201), (status, kernel)
    pid = ex.proc.pid
    try:
        async with ex.ws(kernel["id"]) as ws:
            await run_cell(ws, "1+1")
            before = rss_mb([pid])
            cpu = harness.cpu_seconds([pid])
            with RSSSampler(lambda: [pid]) as sampler:
                start = time.perf_counter()
                res = await run_cell(ws, code(size), need_result=False, timeout=900)
                elapsed = time.perf_counter() - start
            cpu = harness.cpu_seconds([pid]) - cpu
            await asyncio.sleep(2)
            after = rss_mb([pid])
        return {"seconds": elapsed, "bytes": res.stream_bytes, "mb_per_s": res.stream_bytes / 1e6 / elapsed,
                "delivered": res.stream_bytes / size, "rss_before_mb": before, "rss_peak_mb": sampler.peak_mb,
                "rss_after_mb": after, "cpu_s": cpu}
    finally:
        ex.request("DELETE", f"/api/kernels/{kernel['id']}")


async def floor_run(size: int) -> dict:
    async with ZmqFloor() as floor:
        await floor.run_cell("1+1")
        start = time.perf_counter()
        res = await floor.run_cell(code(size), need_result=False, timeout=900)
        elapsed = time.perf_counter() - start
    return {"seconds": elapsed, "bytes": res.stream_bytes, "mb_per_s": res.stream_bytes / 1e6 / elapsed}


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--mb", type=int, default=100)
    parser.add_argument("--runs", type=int, default=2)
    args = parser.parse_args()
    install_cleanup()
    for name in harness.GLOBAL_TLS_VARS:
        os.environ.pop(name, None)
    os.environ["JUPYTER_PATH"] = str(harness.VENV / "share" / "jupyter")
    os.environ["PATH"] = f"{harness.VENV_BIN}:{os.environ['PATH']}"
    bin_dir = Path(os.environ.get("SPIN_BUILD_DIR", ROOT / ".build" / "release"))
    size = args.mb * 1_000_000
    ex = Executor(bin_dir)
    log(f"executor {bin_dir / 'spin-executor'} pid {ex.proc.pid}, idle RSS {rss_mb([ex.proc.pid]):.1f} MB")
    try:
        for run in range(args.runs):
            f = asyncio.run(floor_run(size))
            e = asyncio.run(executor_run(ex, size))
            ratio = e["mb_per_s"] / f["mb_per_s"]
            print(json.dumps({"run": run, "floor": f, "executor": e, "ratio": round(ratio, 3)}), flush=True)
            log(f"run {run}: floor {f['mb_per_s']:.1f} MB/s; executor {e['mb_per_s']:.1f} MB/s ({ratio:.2f}x), "
                f"delivered {e['delivered']:.3f}, RSS before/peak/after {e['rss_before_mb']:.0f}/"
                f"{e['rss_peak_mb']:.0f}/{e['rss_after_mb']:.0f} MB, executor CPU {e['cpu_s']:.2f} s")
    finally:
        Proc.stop_all()
    return 0


if __name__ == "__main__":
    sys.exit(main())
