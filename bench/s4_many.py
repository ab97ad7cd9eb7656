"""Scenario 4: many clients. K kernels x C WebSocket clients each (own
session ids), every client running M `1+1` cells one after the other, all
clients at once. Counts, per client, the execute_replies and idle statuses
for its own requests (lost = expected - received within the timeout; a client
stops at its first lost cell, its remaining cells counted lost), the
p99 of all round trips, and the servers' peak RSS meanwhile."""
from __future__ import annotations

import asyncio
import json
import time

from harness import QUICK, RSSSampler, execute_request, log, memory_mb, pct, rss_mb


async def _client(ws, m: int, times: list, counts: dict, timeout: float):
    for _ in range(m):
        msg_id, text = execute_request("1+1")
        start = time.perf_counter()
        await ws.send(text)
        reply = idle = False
        try:
            async with asyncio.timeout(timeout):
                while not (reply and idle):
                    msg = json.loads(await ws.recv())
                    if msg.get("parent_header", {}).get("msg_id") != msg_id:
                        continue
                    kind = msg.get("msg_type") or msg["header"]["msg_type"]
                    if kind == "execute_reply":
                        reply = True
                    elif kind == "status" and msg["content"]["execution_state"] == "idle":
                        idle = True
        except TimeoutError:
            pass
        counts["replies"] += reply
        counts["idles"] += idle
        if not (reply and idle):
            # A peer that lost this cell's answers: its later cells count as lost too,
            # rather than each waiting out the timeout (up to M x timeout per client).
            return
        times.append((time.perf_counter() - start) * 1000)


async def _run(peer, kernels: int, clients: int, m: int, timeout: float) -> dict:
    ids = []
    try:
        # Start kernels a few at a time (a start is CPU-heavy on a small machine).
        for batch in range(0, kernels, 5):
            ids += await asyncio.gather(*[asyncio.to_thread(peer.post_kernel) for _ in range(min(5, kernels - batch))])
        sockets = []
        for kernel in ids:
            for _ in range(clients):
                sockets.append(await peer.ws_connect(kernel))
        times: list[float] = []
        counts = {"replies": 0, "idles": 0}
        with RSSSampler(peer.server_pids, interval=0.05) as sampler:
            start = time.perf_counter()
            await asyncio.gather(*[_client(ws, m, times, counts, timeout) for ws in sockets])
            elapsed = time.perf_counter() - start
        expected = kernels * clients * m
        loaded = memory_mb(peer.server_pids())  # all clients still connected, kernels running
        await asyncio.gather(*[ws.close() for ws in sockets])
        return {"clients": len(sockets), "expected": expected, "replies": counts["replies"], "idles": counts["idles"],
                "lost": 2 * expected - counts["replies"] - counts["idles"], "p50": pct(times, 0.5), "p99": pct(times, 0.99),
                "seconds": elapsed, "executes_per_s": counts["replies"] / elapsed,
                "server_rss_peak_mb": sampler.peak_mb, "memory_after_mb": loaded}
    finally:
        await asyncio.gather(*[asyncio.to_thread(peer.delete_kernel, k) for k in ids])


# A peer that stops answering (Jupyter Server once gave up on one kernel's kernel_info
# and then made each of its ten WebSocket opens wait 60 s) is reported as an error row
# after this long; the runtime takes ~11 s, Jupyter Server ~40 s.
DEADLINE = 300


def run(peers, kernels: int = 20, clients: int = 10, m: int | None = None) -> dict:
    m = m or (3 if QUICK else 10)
    rows = {}
    for peer in peers:
        log(f"scenario 4: {peer.label}: {kernels} kernels x {clients} clients x {m} cells")
        idle_before = rss_mb(peer.server_pids())
        try:
            rows[peer.label] = asyncio.run(asyncio.wait_for(_run(peer, kernels, clients, m, timeout=120), DEADLINE))
            rows[peer.label]["server_rss_idle_before_mb"] = idle_before
        except TimeoutError:
            rows[peer.label] = {"error": f"TimeoutError: no result within {DEADLINE} s"}
        except Exception as error:
            rows[peer.label] = {"error": f"{type(error).__name__}: {error}"}
        log(f"scenario 4: {peer.label}: {rows[peer.label]}")
    return {"kernels": kernels, "clients": clients, "cells": m, "rows": rows}
