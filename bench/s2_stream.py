"""Scenario 2: output streaming. One cell prints SIZE bytes in 100-byte lines;
time until the client has seen the cell finish (idle), bytes of stream text
that arrived, and the peak RSS of the server processes meanwhile.
The floor is the kernel's own production rate read by jupyter_client.

The floor and the runtime's two peers run five times, alternating (each a fresh
kernel); the rate ratio is the median of each repeat's MB/s against the floor sample
just before it. The kernel is CPU-bound while it prints, and its speed moves from
sample to sample on the shared machine: its busy time was 4.2-5.3 s for the same
100 MB in consecutive samples (session 12). So each sample also records the kernel's
busy time (idle minus busy, by the kernel's own message stamps), and each repeat's rate
ratio is split into two factors shown beside it:

- pace: the kernel's busy time over the time the client took to have everything, the
  runtime's over the floor's. Below 1, delivery trailed the kernel;
- kernel speed: the floor sample's busy time over the runtime sample's. Below 1, the
  kernel ran slower in the runtime's sample, from the machine's noise or from CPU the
  runtime took from it (pace cannot see the latter: ipykernel's IOPub never waits).

The verdict takes the rate ratio, as the target names it. Jupyter Server and Kernel
Gateway run once: they drop the output either way."""
from __future__ import annotations

import asyncio
import statistics
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
                    "kernel_seconds": res.kernel_seconds, "server_rss_peak_mb": sampler.peak_mb,
                    "per_pid_peak_mb": {str(k): round(v, 1) for k, v in sampler.per_pid_peak.items()}}
    finally:
        await asyncio.to_thread(peer.delete_kernel, kernel)


async def _floor(size: int) -> dict:
    async with ZmqFloor() as floor:
        await floor.run_cell("1+1")
        start = time.perf_counter()
        res = await floor.run_cell(code(size), need_result=False, timeout=600)
        elapsed = time.perf_counter() - start
        return {"seconds": elapsed, "bytes": res.stream_bytes, "messages": res.messages,
                "kernel_seconds": res.kernel_seconds, "server_rss_peak_mb": 0.0}


def run(peers, size: int | None = None) -> dict:
    size = size or (10_000_000 if QUICK else 100_000_000)
    log(f"scenario 2: {size / 1e6:.0f} MB of stdout per peer")
    runs: dict[str, list[dict]] = {ZmqFloor.label: []}
    repeated = [peer for peer in peers if getattr(peer, "repeat_stream", False)]
    for repeat in range(1 if QUICK else 5):
        runs[ZmqFloor.label].append(_sample(lambda: _floor(size), size))
        for peer in (peers if repeat == 0 else repeated):
            log(f"scenario 2: {peer.label}")
            runs.setdefault(peer.label, []).append(_sample(lambda: _peer(peer, size), size))
    rows = {label: _median_run(samples) for label, samples in runs.items()}
    floors = runs[ZmqFloor.label]
    for label, samples in runs.items():
        if label == ZmqFloor.label or len(samples) < 2:
            continue
        # Repeat by repeat against the floor sample just before it; a failed sample on
        # either side leaves its repeat out (and the row keeps the count of failures).
        pairs = [(s, f) for s, f in zip(samples, floors) if "mb_per_s" in s and f.get("mb_per_s")]
        if pairs:
            each = [s["mb_per_s"] / f["mb_per_s"] for s, f in pairs]
            rows[label]["paired"] = {"each": each, "median": statistics.median(each)}
            timed = [(s, f) for s, f in pairs if s.get("pace") and f.get("pace")]
            if len(timed) == len(pairs):
                paced = [s["pace"] / f["pace"] for s, f in timed]
                speed = [f["kernel_seconds"] / s["kernel_seconds"] for s, f in timed]
                rows[label]["paced"] = {"each": paced, "median": statistics.median(paced)}
                rows[label]["kernel_speed"] = {"each": speed, "median": statistics.median(speed)}
    return {"size": size, "rows": rows, "floor": ZmqFloor.label}


def _sample(measure, size: int) -> dict:
    """One sample, rated; a failure is a result, not the end of the run."""
    try:
        row = asyncio.run(measure())
    except Exception as error:
        return {"error": f"{type(error).__name__}: {error}"}
    row["mb_per_s"] = row["bytes"] / 1e6 / row["seconds"]
    row["delivered"] = row["bytes"] / size
    if row.get("kernel_seconds"):
        row["pace"] = row["kernel_seconds"] / row["seconds"]
    return row


def _median_run(samples: list[dict]) -> dict:
    """The sample with the median rate, with what the verdict needs of all of them: the
    lowest share delivered, the highest RSS peak, how many samples failed."""
    good = [s for s in samples if "error" not in s]
    if not good:
        return dict(samples[0])
    chosen = dict(sorted(good, key=lambda s: s["mb_per_s"])[len(good) // 2])
    if len(samples) > 1:
        chosen["runs"] = samples
        chosen["delivered"] = min(s["delivered"] for s in good)
        chosen["server_rss_peak_mb"] = max(s["server_rss_peak_mb"] for s in good)
        chosen.pop("per_pid_peak_mb", None)
        chosen["failed_samples"] = len(samples) - len(good)
    return chosen
