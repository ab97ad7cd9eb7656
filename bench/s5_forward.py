"""Scenario 5: gateway forwarding vs nginx as TLS terminator, both in front of
the same executor Unix socket with the same certificate and an
Authorization-header check. Six repeats, the order of the two peers swapped from one
repeat to the next (ABBA: a load that rises or falls over the scenario weighs on both,
and each order runs three times, so the median is not the majority order's), after
waiting for the machine to settle (scenario 4's forty kernels may still be exiting);
the verdicts use the median of the per-repeat ratios (each run against the other peer's
run next to it).

HTTP: wrk, keep-alive, GET /api/status with the token header.
WebSocket: frames the executor answers itself (a malformed message gets a
`spin_error` reply on the same socket), so no kernel is in the loop: C
connections each doing R sequential round trips (1 × 2 000 once per repeat, then
8 × 2 000 in WS_PAIRS alternating pairs: with 8 × 500, each sample lasted ~0.3 s, and
the per-repeat ratios were 0.62, 1.00 and 0.44 in one run, 0.83, 0.77 and 1.49 in
another). The 8-connection verdicts use the median over all pairs.
"""
from __future__ import annotations

import asyncio
import re
import statistics
import subprocess
import time

from harness import QUICK, SETTLED, cpu_seconds, log, pct, settle

PATH = "/api/status"
# 8-connection WebSocket samples per peer per repeat, in alternating pairs. One pair per
# repeat gave per-pair p99 ratios spread 0.57-1.56 (sd ~0.25) around a median near 0.9:
# six pairs left the verdict to chance (1.05x, 0.83x, 1.18x in runs Q, R, S); 24 pairs
# halve the median's spread for ~50 s more.
WS_PAIRS = 1 if QUICK else 4


def proxy_pids(peer) -> list[int]:
    """The forwarding processes only: the gateway, or nginx's master and workers (the
    executor behind both is the same process)."""
    pids = peer.server_pids()
    executor = getattr(peer, "executor_pid", lambda: None)()
    return [pid for pid in pids if pid != executor]


def _wrk(peer, seconds: int, connections: int, threads: int, executor: int | None) -> dict:
    argv = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--latency", "--timeout", "10s",
            "-H", f"Authorization: token {peer.token}", peer.base + PATH]
    pids = proxy_pids(peer)
    behind = [executor] if executor else []
    cpu_before, behind_before = cpu_seconds(pids), cpu_seconds(behind)
    out = subprocess.run(argv, capture_output=True, text=True, timeout=seconds + 60).stdout
    cpu, behind_cpu = cpu_seconds(pids) - cpu_before, cpu_seconds(behind) - behind_before
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    requests = int(re.search(r"(\d+) requests in", out).group(1))

    def ms(label):
        m = re.search(rf"^\s+{label}%\s+([\d.]+)(us|ms|s)\s*$", out, re.M)
        value, unit = float(m.group(1)), m.group(2)
        return value / 1000 if unit == "us" else value * 1000 if unit == "s" else value

    errors = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    socket_errors = re.search(r"Socket errors: (.*)", out)
    return {"rps": rps, "p50": ms("50"), "p99": ms("99"), "non_2xx": int(errors.group(1)) if errors else 0,
            "proxy_cpu_us": cpu * 1e6 / max(requests, 1), "executor_cpu_us": behind_cpu * 1e6 / max(requests, 1),
            "socket_errors": socket_errors.group(1) if socket_errors else "", "raw": out}


async def _ws_echo(peer, kernel: str, connections: int, rounds: int) -> dict:
    times: list[float] = []

    async def one():
        async with peer.ws_connect(kernel) as ws:
            for i in range(rounds + 10):
                start = time.perf_counter()
                await ws.send("not json")
                await ws.recv()
                if i >= 10:
                    times.append((time.perf_counter() - start) * 1000)

    start = time.perf_counter()
    await asyncio.gather(*[one() for _ in range(connections)])
    elapsed = time.perf_counter() - start
    return {"round_trips": len(times), "per_s": len(times) / elapsed, "p50": pct(times, 0.5), "p99": pct(times, 0.99)}


def run(gateway, nginx, kernel_peer) -> dict:
    seconds = 3 if QUICK else 10
    rounds = 200 if QUICK else 2000
    rows: dict[str, dict] = {}
    kernel = kernel_peer.post_kernel()
    time.sleep(3)  # the kernel's own start-up (imports) would otherwise load the first run only
    busy = settle()
    log(f"scenario 5: {'machine settled' if busy < SETTLED else 'machine still busy after 30 s'} at {busy:.2f} cores busy")
    try:
        for repeat in range(1 if QUICK else 6):
            for peer in ((gateway, nginx) if repeat % 2 == 0 else (nginx, gateway)):
                log(f"scenario 5: wrk {seconds}s against {peer.label}")
                r = _wrk(peer, seconds, connections=16, threads=1, executor=gateway.executor_pid())
                row = rows.setdefault(peer.label, {"http": [], "ws": [], "ws1": []})
                row["http"].append(r)
                log(f"scenario 5: {peer.label}: {r['rps']:.0f} req/s p99 {r['p99']:.2f} ms non-2xx {r['non_2xx']} "
                    f"proxy CPU {r['proxy_cpu_us']:.0f} us/request, executor behind it {r['executor_cpu_us']:.0f}")
                row["ws1"].append(asyncio.run(_ws_echo(peer, kernel, 1, rounds)))
                log(f"scenario 5: {peer.label}: ws 1 conn {row['ws1'][-1]}")
            for pair in range(WS_PAIRS):
                for peer in ((gateway, nginx) if (repeat + pair) % 2 == 0 else (nginx, gateway)):
                    row = rows[peer.label]
                    row["ws"].append(asyncio.run(_ws_echo(peer, kernel, 8, rounds)))
                    log(f"scenario 5: {peer.label}: ws 8 conns {row['ws'][-1]}")
    finally:
        kernel_peer.delete_kernel(kernel)
    summary = {}
    for label, row in rows.items():
        best = lambda items, key, f=max: f(i[key] for i in items)  # noqa: E731
        summary[label] = {
            "http_rps": best(row["http"], "rps"), "http_p50": best(row["http"], "p50", min),
            "http_p99": best(row["http"], "p99", min), "http_non_2xx": sum(i["non_2xx"] for i in row["http"]),
            "http_proxy_cpu_us": best(row["http"], "proxy_cpu_us", min),
            "http_executor_cpu_us": best(row["http"], "executor_cpu_us", min),
            "ws_per_s": best(row["ws"], "per_s"), "ws_p99": best(row["ws"], "p99", min),
            "ws1_p50": best(row["ws1"], "p50", min), "ws1_p99": best(row["ws1"], "p99", min),
            "runs": row,
        }
    if gateway.label in rows and nginx.label in rows:
        summary[gateway.label]["paired"] = paired_ratios(rows[gateway.label], rows[nginx.label])
    return {"path": PATH, "seconds": seconds, "rows": summary}


def paired_ratios(mine: dict, theirs: dict) -> dict:
    """Each repeat's ratio against the peer's run next to it, and their medians. On a
    shared machine the load moves between repeats; a run and its neighbour share it."""
    def pairs(kind, key):
        return [a[key] / b[key] for a, b in zip(mine[kind], theirs[kind]) if b[key]]

    out = {"http_rps": pairs("http", "rps"), "http_p99": pairs("http", "p99"),
           "ws_per_s": pairs("ws", "per_s"), "ws_p99": pairs("ws", "p99")}
    return {key: {"each": values, "median": statistics.median(values) if values else float("nan")} for key, values in out.items()}
