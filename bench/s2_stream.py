"""Scenario 2: output streaming. One cell prints SIZE bytes in 100-byte lines;
time until the client has seen the cell finish (idle), bytes of stream text
that arrived, and the peak RSS of the server processes meanwhile.
The floor is the kernel's own production rate read by jupyter_client."""
from __future__ import annotations

import asyncio
import time

from harness import QUICK, RSSSampler, ZmqFloor, log, run_cell


def code(size: int) -> str:
    lines = size // 100
    return ("import sys\n_l = 'x' * 99 + '\\n'\n"
            f"for _i in range({lines}):\n    sys.stdout.write(_l)\n"
            "sys.stdout.flush()\n")


async def _peer(peer, size: int) -> dict:
    kernel = await asyncio.to_thread(peer.post_kernel)
    try:
        async with peer.ws_connect(kernel) as ws:
            await run_cell(ws, "1+1")
            with RSSSampler(peer.server_pids) as sampler:
                start = time.perf_counter()
                res = await run_cell(ws, code(size), need_result=False, timeout=600)
                elapsed = time.perf_counter() - start
            return {"seconds": elapsed, "bytes": res.stream_bytes, "messages": res.messages,
                    "server_rss_peak_mb": sampler.peak_mb,
                    "per_pid_peak_mb": {str(k): round(v, 1) for k, v in sampler.per_pid_peak.items()}}
    finally:
        await asyncio.to_thread(peer.delete_kernel, kernel)


async def _floor(size: int) -> dict:
    async with ZmqFloor() as floor:
        await floor.run_cell("1+1")
        start = time.perf_counter()
        res = await floor.run_cell(code(size), need_result=False, timeout=600)
        elapsed = time.perf_counter() - start
        return {"seconds": elapsed, "bytes": res.stream_bytes, "messages": res.messages, "server_rss_peak_mb": 0.0}


def run(peers, size: int | None = None) -> dict:
    size = size or (10_000_000 if QUICK else 100_000_000)
    log(f"scenario 2: {size / 1e6:.0f} MB of stdout per peer")
    rows = {ZmqFloor.label: asyncio.run(_floor(size))}
    for peer in peers:
        log(f"scenario 2: {peer.label}")
        try:
            rows[peer.label] = asyncio.run(_peer(peer, size))
        except Exception as error:  # a peer failing is a result, not the end of the run
            rows[peer.label] = {"error": f"{type(error).__name__}: {error}"}
    for row in rows.values():
        if "seconds" in row:
            row["mb_per_s"] = row["bytes"] / 1e6 / row["seconds"]
            row["delivered"] = row["bytes"] / size
    return {"size": size, "rows": rows, "floor": ZmqFloor.label}
