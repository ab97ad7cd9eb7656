"""Scenario 1: trivial execute round trip (`1+1`), N sequential per peer.

Each peer gets one kernel and one WebSocket for the whole scenario; the N runs
are split into rounds that rotate over the peers, so that a noisy neighbour
hits every peer alike. Time = send execute_request -> execute_reply,
execute_result and status idle all received.
"""
from __future__ import annotations

import asyncio
import time

from harness import QUICK, ZmqFloor, cpu_seconds, log, pct, run_cell

CODE = "1+1"


async def _rounds(peers, n: int, rounds: int, warmup: int) -> dict:
    times = {p.label: [] for p in peers}
    times[ZmqFloor.label] = []
    cpu = {label: 0.0 for label in times}  # server CPU seconds spent during each peer's runs
    pids = {p.label: p.server_pids() for p in peers}
    pids[ZmqFloor.label] = []
    kernels, sockets = {}, {}
    try:
        for peer in peers:
            kernels[peer.label] = await asyncio.to_thread(peer.post_kernel)
            sockets[peer.label] = await peer.ws_connect(kernels[peer.label])
            for _ in range(warmup):
                await run_cell(sockets[peer.label], CODE)
        async with ZmqFloor() as floor:
            for _ in range(warmup):
                await floor.run_cell(CODE)
            per_round = max(1, n // rounds)
            for r in range(rounds):
                for label in [ZmqFloor.label] + [p.label for p in peers]:
                    cpu_before = cpu_seconds(pids[label])
                    for _ in range(per_round):
                        start = time.perf_counter()
                        if label == ZmqFloor.label:
                            res = await floor.run_cell(CODE)
                        else:
                            res = await run_cell(sockets[label], CODE)
                        elapsed = (time.perf_counter() - start) * 1000
                        assert res.reply and res.result and res.idle
                        times[label].append(elapsed)
                    cpu[label] += cpu_seconds(pids[label]) - cpu_before
                log(f"scenario 1: round {r + 1}/{rounds} done")
    finally:
        for peer in peers:
            if peer.label in sockets:
                await sockets[peer.label].close()
            if peer.label in kernels:
                await asyncio.to_thread(peer.delete_kernel, kernels[peer.label])
    return times, cpu


def run(peers, n: int | None = None) -> dict:
    n = n or (100 if QUICK else 2000)
    rounds = 2 if QUICK else 4
    log(f"scenario 1: {n} x `1+1` per peer, {rounds} rotating rounds")
    times, cpu = asyncio.run(_rounds(peers, n, rounds, warmup=5 if QUICK else 20))
    out = {label: {"n": len(t), "p50": pct(t, 0.5), "p99": pct(t, 0.99), "mean": sum(t) / len(t),
                   "server_cpu_ms_per_execute": cpu[label] * 1000 / len(t)} for label, t in times.items()}
    return {"n": n, "rows": out, "floor": ZmqFloor.label}
