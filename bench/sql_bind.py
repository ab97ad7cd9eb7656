#!/usr/bin/env python3
"""Binding 1 000 000 PostgreSQL rows (two int, one text, one timestamp column)
into a pandas DataFrame: a SQL cell with `variable` (the executor reads the
rows with postgres-nio and hands the kernel a columnar file) vs.
`pandas.read_sql` with psycopg inside the same kernel. Same run, same server.

Usage: .venv/bin/python bench/sql_bind.py [ROWS] [REPEATS]  (default 1000000, 3)

Starts its own PostgreSQL 15 (as in tests/cells/real_parts.py) and executor;
prints each path's times, their ratio, and the executor's peak RSS while the
SQL cell runs. Measures only; asserts nothing.
"""
from __future__ import annotations

import asyncio
import os
import shutil
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests" / "cells"))
sys.path.insert(0, str(ROOT / "tests" / "executor"))

from cells import ok, open_kernel, put_connection, run_cell  # noqa: E402
from real_parts import Postgres  # noqa: E402
from spin_harness import Executor  # noqa: E402

ROWS = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
REPEATS = int(sys.argv[2]) if len(sys.argv) > 2 else 3
QUERY = "select id, id * 2 as twice, 'customer-' || id as name, timestamp '2024-01-01' + id * interval '1 second' as at from big"


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


class PeakRSS:
    def __init__(self, pid: int) -> None:
        self.pid, self.peak, self.running = pid, 0.0, True
        self.thread = threading.Thread(target=self.sample, daemon=True)

    def sample(self) -> None:
        while self.running:
            self.peak = max(self.peak, rss_mb(self.pid))
            time.sleep(0.02)

    def __enter__(self) -> "PeakRSS":
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.running = False
        self.thread.join()


async def measure(executor: Executor, port: int) -> None:
    kernel = executor.create_kernel()
    kc = await open_kernel(executor, kernel["id"])
    ok(await run_cell(kc, "import pandas, psycopg, time"))
    idle = rss_mb(executor.pid)
    cell_times, read_sql_times, peaks = [], [], []
    for _ in range(REPEATS):
        with PeakRSS(executor.pid) as peak:
            start = time.perf_counter()
            ok(await run_cell(kc, QUERY, "sql", connection="bench", variable="df", timeout=600))
            cell_times.append(time.perf_counter() - start)
        peaks.append(peak.peak)
        check = ok(await run_cell(kc, "print(len(df), list(df.dtypes.astype(str)))"))
        rows_seen = check.stream().strip()
        ok(await run_cell(kc, "del df"))
        result = ok(await run_cell(kc, (
            "t = time.perf_counter()\n"
            f"with psycopg.connect('host=127.0.0.1 port={port} user=postgres password=bench-pw dbname=postgres') as c:\n"
            f"    df2 = pandas.read_sql({QUERY!r}, c)\n"
            "print(time.perf_counter() - t)\n"
            "del df2"), timeout=600))
        read_sql_times.append(float(result.stream().strip().splitlines()[-1]))
    await kc.close()
    cell, read_sql = statistics.median(cell_times), statistics.median(read_sql_times)
    print(f"rows: {ROWS}, repeats: {REPEATS}, DataFrame: {rows_seen}")
    print(f"SQL cell with variable (median): {cell:.2f} s   runs: {', '.join(f'{t:.2f}' for t in cell_times)}")
    print(f"pandas.read_sql + psycopg in the kernel (median): {read_sql:.2f} s   runs: {', '.join(f'{t:.2f}' for t in read_sql_times)}")
    print(f"ratio SQL cell / read_sql: {cell / read_sql:.2f}")
    print(f"executor RSS: idle {idle:.0f} MB, peak during the SQL cell {max(peaks):.0f} MB")


def main() -> None:
    for name in ("SSL_CERT_FILE", "SSL_KEY_FILE", "REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE"):
        os.environ.pop(name, None)
    folder = Path(tempfile.mkdtemp(prefix="spin-bench-pg-", dir="/tmp"))
    pg_folder = Path(tempfile.mkdtemp(prefix="spin-bench-pgdata-", dir="/tmp"))
    postgres = Postgres(pg_folder, "bench-pw").start()
    executor = None
    try:
        postgres.psql(f"create table big as select g as id from generate_series(1, {ROWS}) g")
        executor = Executor(folder / "home", pool=0, extra_env={"PG_BENCH_PASSWORD": "bench-pw"}).start()
        put_connection(executor, "bench", {"type": "postgres", "host": "127.0.0.1", "port": postgres.port, "user": "postgres",
                                           "password": "{{runtime_env:PG_BENCH_PASSWORD}}", "database": "postgres", "sslmode": "disable"})
        asyncio.run(measure(executor, postgres.port))
    finally:
        if executor:
            executor.stop(check=False)
        postgres.stop()
        shutil.rmtree(folder, ignore_errors=True)
        shutil.rmtree(pg_folder, ignore_errors=True)


if __name__ == "__main__":
    main()
