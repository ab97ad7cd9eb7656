"""Scenario 3: kernel start. POST /api/kernels -> WebSocket open ->
kernel_info_request -> first kernel_info_reply, per peer. The kernel is
deleted after each sample; between samples the runtime's pool gets time to
start its replacement (as it would between users), so a pooled sample
measures handing out a warm kernel."""
from __future__ import annotations

import asyncio
import time

from harness import QUICK, log, pct, wait_kernel_info


async def _sample(peer) -> float:
    start = time.perf_counter()
    kernel = await asyncio.to_thread(peer.post_kernel)
    try:
        async with peer.ws_connect(kernel) as ws:
            await wait_kernel_info(ws)
        return (time.perf_counter() - start) * 1000
    finally:
        await asyncio.to_thread(peer.delete_kernel, kernel)


def run(peers, samples: int | None = None, pause: float = 3.0) -> dict:
    samples = samples or (3 if QUICK else 8)
    log(f"scenario 3: {samples} kernel starts per peer")
    rows = {}
    for peer in peers:
        times = []
        for _ in range(samples):
            time.sleep(pause)  # the pool refills; the machine settles
            times.append(asyncio.run(_sample(peer)))
        rows[peer.label] = {"n": len(times), "p50": pct(times, 0.5), "max": max(times), "min": min(times),
                            "all_ms": [round(t, 1) for t in times]}
        log(f"scenario 3: {peer.label}: {[round(t) for t in times]} ms")
    return {"rows": rows}
