"""Idle memory of the gateway and its executor (scenario 6's processes), measured the
way bench/findings.md's step tables are: a release build with one pooled kernel,
/proc/PID/smaps_rollup 8 s after /readyz answers 200 and the pool's kernel has
started (the kernel itself not counted).
With --poll, /readyz is asked every 2 s meanwhile, as a Kubernetes probe would.

    .venv/bin/python bench/idle_memory.py [--poll] [--bin DIR]   # make release first
"""
from __future__ import annotations

import argparse
import os
import secrets
import time
from pathlib import Path

from harness import ROOT, RuntimePeer, install_cleanup, memory_mb


def own_code_mb(pid: int) -> float:
    """Resident MB of the process's own code (its binary's r-xp mappings)."""
    program, total, inside = os.readlink(f"/proc/{pid}/exe"), 0, False
    for line in Path(f"/proc/{pid}/smaps").read_text().splitlines():
        fields = line.split()
        if "-" in fields[0] and len(fields) >= 5:
            inside = fields[1] == "r-xp" and fields[-1] == program
        elif inside and fields[0] == "Rss:":
            total += int(fields[1])
    return total / 1024


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--poll", action="store_true", help="ask /readyz every 2 s while idle")
    parser.add_argument("--bin", type=Path, default=ROOT / ".build" / "release")
    args = parser.parse_args()
    install_cleanup()
    runtime = RuntimePeer(None, secrets.token_hex(16), args.bin.resolve(), pool=1).start()
    try:
        for _ in range(4):
            time.sleep(2)
            if args.poll:
                runtime.http.get(runtime.base + "/readyz", timeout=5)
        gateway, executor = runtime.server_pids()
        for name, pid in (("gateway", gateway), ("executor", executor)):
            memory = memory_mb([pid])
            print(f"{name:<9} VmRSS {memory['rss']:5.1f} MB  PSS {memory['pss']:5.1f} MB  "
                  f"own code resident {own_code_mb(pid):4.1f} MB")
        polled = " (/readyz every 2 s)" if args.poll else ""
        print(f"{'pair':<9} VmRSS {memory_mb([gateway, executor])['rss']:5.1f} MB{polled}")
    finally:
        runtime.stop()


if __name__ == "__main__":
    main()
