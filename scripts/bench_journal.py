"""Throughput of a stdout-heavy cell with the output journal on and off, in the
same run, and the journal's disk bytes per output byte.

    .venv/bin/python scripts/bench_journal.py [--rounds 3] [--messages 20000]

Uses the executor binary of SPIN_EXECUTOR_BIN (default .build/debug).
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "executor"))

from spin_harness import V1_PROTOCOL, Executor, connect_ws, run  # noqa: E402


def cell(messages: int, width: int) -> str:
    # One stream message per line: flush after each print.
    return (
        "import sys\n"
        f"line = 'x' * {width}\n"
        f"for i in range({messages}):\n"
        "    print(i, line, flush=True)\n"
    )


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def measure(journal: str, messages: int, width: int) -> tuple[float, int, int, int, float]:
    home = Path(tempfile.mkdtemp(prefix="spin-b-", dir="/tmp"))
    ex = Executor(home / "home", pool=0, extra_env={"SPIN_JOURNAL": journal}).start()
    try:
        kid = ex.create_kernel()["id"]

        async def main() -> tuple[float, int, int, float]:
            kc = await connect_ws(ex.socket_path, kid, subprotocols=[V1_PROTOCOL])
            try:
                await kc.wait_ready()
                cpu_before = cpu_seconds(ex.pid)
                start = time.monotonic()
                res = await kc.execute(cell(messages, width), timeout=600)
                elapsed = time.monotonic() - start
                streams = res.of_type("stream")
                texts = sum(len(m.content.get("text", "").encode()) for m in streams)
                return elapsed, len(streams), texts, cpu_seconds(ex.pid) - cpu_before
            finally:
                await kc.close()

        elapsed, count, text_bytes, cpu = run(main())
        time.sleep(0.2)  # let the writer finish its last batch
        ex.stop(check=False)
        folder = home / "home" / "var" / "journal" / kid
        disk = sum(p.stat().st_size for p in folder.rglob("*") if p.is_file()) if folder.exists() else 0
        return elapsed, count, text_bytes, disk, cpu
    finally:
        if ex.alive():
            ex.stop(check=False)
        shutil.rmtree(home, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--messages", type=int, default=20000)
    parser.add_argument("--width", type=int, default=80)
    args = parser.parse_args()
    results: dict[str, list[float]] = {"on": [], "off": []}
    for round_ in range(args.rounds):
        for journal in ("off", "on") if round_ % 2 else ("on", "off"):
            elapsed, count, text_bytes, disk, cpu = measure(journal, args.messages, args.width)
            results[journal].append(count / elapsed)
            ratio = f", disk {disk} B = {disk / text_bytes:.2f} B per output byte" if disk else ""
            print(f"journal {journal:3}: {count} stream messages, {text_bytes} B in {elapsed:.2f} s "
                  f"= {count / elapsed:.0f} msg/s, executor CPU {cpu:.2f} s{ratio}", flush=True)
    for journal, rates in results.items():
        rates.sort()
        print(f"journal {journal}: median {rates[len(rates) // 2]:.0f} msg/s over {len(rates)} rounds")


if __name__ == "__main__":
    main()
