"""What one relay hop costs when the machine is idle between messages, as it is in
scenario 1 (the kernel runs ~5.5 ms between a request and its answers, long enough for
every thread on the path to go to sleep): WebSocket round trips of a malformed frame
the executor answers itself, one at a time with a pause before each, through the TLS
gateway, through nginx in front of the same executor socket, and on that socket
directly. Prints p50 / p99 per front, rounds alternating.

    .venv/bin/python bench/cold_relay.py [--gap-ms 5] [--rounds 4] [--n 400] [--bin DIR]

Needs `make release` (and nginx, which `make bench` installs). Measures only.
"""

from __future__ import annotations

import argparse
import asyncio
import secrets
import time
from pathlib import Path

from harness import ROOT, WORK, ExecutorSocketPeer, NginxPeer, RuntimePeer, TLSMaterial, install_cleanup, pct, settle


async def idle_round_trips(peer, kernel: str, n: int, gap: float) -> tuple[float, float]:
    times = []
    async with peer.ws_connect(kernel) as ws:
        for i in range(n + 10):
            await asyncio.sleep(gap)
            start = time.perf_counter()
            await ws.send("not json")
            await ws.recv()
            if i >= 10:
                times.append((time.perf_counter() - start) * 1000)
    return pct(times, 0.5), pct(times, 0.99)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--gap-ms", type=float, default=5.0)
    parser.add_argument("--rounds", type=int, default=4)
    parser.add_argument("--n", type=int, default=400)
    parser.add_argument("--bin", type=Path, default=ROOT / ".build" / "release")
    args = parser.parse_args()
    install_cleanup()
    tls = TLSMaterial(WORK / "tls-cold")
    token = secrets.token_hex(24)
    runtime = RuntimePeer(tls, token, args.bin, pool=0).start()
    nginx = NginxPeer(tls, token, runtime.socket).start()
    direct = ExecutorSocketPeer(runtime)
    fronts = [runtime, nginx, direct]
    kernel = runtime.post_kernel()
    try:
        time.sleep(3)  # the kernel's own start-up
        settle()
        results: dict[str, list[tuple[float, float]]] = {peer.label: [] for peer in fronts}
        for round_ in range(args.rounds):
            for peer in fronts if round_ % 2 == 0 else reversed(fronts):
                results[peer.label].append(asyncio.run(idle_round_trips(peer, kernel, args.n, args.gap_ms / 1000)))
        for label, rows in results.items():
            print(f"{label:40s} p50 {' '.join(f'{a:.3f}' for a, _ in rows)} ms   p99 {' '.join(f'{b:.3f}' for _, b in rows)} ms")
    finally:
        runtime.delete_kernel(kernel)
        nginx.stop()
        runtime.stop()


if __name__ == "__main__":
    main()
