"""Context switches and CPU the executor spends per `1+1` execute, per thread: a
figure that says how many thread wake-ups carry a message, which the shared
machine's noise moves far less than it moves latency.

    .venv/bin/python bench/executor_wakeups.py [N] [--bin DIR]   # default 500; make release first

Starts the release gateway (plain HTTP, pool of one kernel), runs N executes over
the executor's socket after a warm-up, and reads the executor's threads from /proc
before and after.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import secrets
from pathlib import Path

from harness import ROOT, ExecutorSocketPeer, RuntimePeer, install_cleanup, run_cell, wait_kernel_info


def thread_switches(pid: int) -> dict[str, int]:
    """Voluntary plus involuntary context switches, summed per thread name."""
    out: dict[str, int] = {}
    for tid in os.listdir(f"/proc/{pid}/task"):
        try:
            name = Path(f"/proc/{pid}/task/{tid}/comm").read_text().strip()
            status = Path(f"/proc/{pid}/task/{tid}/status").read_text().splitlines()
        except OSError:
            continue  # the thread ended meanwhile
        count = sum(int(line.split()[1]) for line in status if "ctxt_switches" in line)
        out[name] = out.get(name, 0) + count
    return out


def cpu_ms(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) * 1000 / os.sysconf("SC_CLK_TCK")


async def measure(executor: ExecutorSocketPeer, pid: int, n: int) -> None:
    kernel_id = executor.post_kernel()
    async with executor.ws_connect(kernel_id) as ws:
        await wait_kernel_info(ws)
        for _ in range(50):
            await run_cell(ws, "1+1")
        before, cpu_before = thread_switches(pid), cpu_ms(pid)
        for _ in range(n):
            await run_cell(ws, "1+1")
        after, cpu_after = thread_switches(pid), cpu_ms(pid)
    per_thread = {name: (count - before.get(name, 0)) / n for name, count in after.items()}
    total = sum(per_thread.values())
    print(f"executor, per execute (n={n}): {total:.1f} context switches, {(cpu_after - cpu_before) / n:.2f} ms CPU")
    for name, count in sorted(per_thread.items(), key=lambda item: -item[1]):
        if count >= 0.1:
            print(f"  {count:5.1f}  {name}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("n", type=int, nargs="?", default=500)
    parser.add_argument("--bin", type=Path, default=ROOT / ".build" / "release")
    args = parser.parse_args()
    install_cleanup()
    runtime = RuntimePeer(None, secrets.token_hex(16), args.bin.resolve(), pool=1).start()
    try:
        pid = runtime.executor_pid()
        assert pid, "no executor process"
        asyncio.run(measure(ExecutorSocketPeer(runtime), pid, args.n))
    finally:
        runtime.stop()


if __name__ == "__main__":
    main()
