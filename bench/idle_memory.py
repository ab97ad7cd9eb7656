"""Idle memory of the gateway and its executor (scenario 6's processes), measured the
way bench/findings.md's step tables are: a release build with one pooled kernel,
/proc/PID/smaps_rollup 8 s after /readyz answers 200 and the pool's kernel has
started (the kernel itself not counted).
With --poll, /readyz is asked every 2 s meanwhile, as a Kubernetes probe would.
Per process it also prints its code's resident MB and mappings (the release splits the
code into 16 KiB mappings) and how much of its binary the page cache holds.

    .venv/bin/python bench/idle_memory.py [--poll] [--bin DIR]   # make release first
"""
from __future__ import annotations

import argparse
import ctypes
import mmap
import os
import secrets
import time
from pathlib import Path

from harness import ROOT, RuntimePeer, install_cleanup, memory_mb


def own_code(pid: int) -> tuple[float, int]:
    """Resident MB of the process's own code (its binary's r-xp mappings), and how many
    such mappings there are."""
    program, total, inside, mappings = os.readlink(f"/proc/{pid}/exe"), 0, False, 0
    for line in Path(f"/proc/{pid}/smaps").read_text().splitlines():
        fields = line.split()
        if "-" in fields[0] and len(fields) >= 5:
            inside = fields[1] == "r-xp" and fields[-1] == program
            mappings += inside
        elif inside and fields[0] == "Rss:":
            total += int(fields[1])
    return total / 1024, mappings


def cached_mb(path: str) -> float:
    """MB of the file the page cache holds (mincore on a fresh mapping reads nothing in)."""
    libc = ctypes.CDLL(None, use_errno=True)
    libc.mmap.restype = ctypes.c_void_p
    size = os.path.getsize(path)
    pages = (size + mmap.PAGESIZE - 1) // mmap.PAGESIZE
    vector = (ctypes.c_ubyte * pages)()
    with open(path, "rb") as file:
        address = libc.mmap(None, ctypes.c_size_t(size), mmap.PROT_READ, mmap.MAP_SHARED, file.fileno(), ctypes.c_long(0))
        if address in (None, ctypes.c_void_p(-1).value):
            raise OSError(ctypes.get_errno(), "mmap")
        try:
            if libc.mincore(ctypes.c_void_p(address), ctypes.c_size_t(size), vector) != 0:
                raise OSError(ctypes.get_errno(), "mincore")
        finally:
            libc.munmap(ctypes.c_void_p(address), ctypes.c_size_t(size))
    return sum(v & 1 for v in vector) * mmap.PAGESIZE / 1048576


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
            code_mb, mappings = own_code(pid)
            print(f"{name:<9} VmRSS {memory['rss']:5.1f} MB  PSS {memory['pss']:5.1f} MB  "
                  f"own code resident {code_mb:4.1f} MB in {mappings} mappings  "
                  f"binary cached {cached_mb(os.readlink(f'/proc/{pid}/exe')):4.1f} MB")
        polled = " (/readyz every 2 s)" if args.poll else ""
        print(f"{'pair':<9} VmRSS {memory_mb([gateway, executor])['rss']:5.1f} MB{polled}")
    finally:
        runtime.stop()


if __name__ == "__main__":
    main()
