"""The benchmark harness itself works: run_all.py in its quick mode, scenario 1
(a few round trips per peer) and the idle part of 6. Measures nothing that is
asserted — only that every peer started, answered and was stopped again."""
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


def test_run_all_quick_smoke(tmp_path):
    gateway = Path(os.environ.get("SPIN_GATEWAY_BIN", REPO / ".build" / "debug" / "spin-gateway"))
    if not gateway.exists():
        pytest.skip(f"{gateway} is not built")
    env = {k: v for k, v in os.environ.items()}
    env.update(BENCH_QUICK="1", SPIN_BUILD_DIR=str(gateway.parent), BENCH_VENV=str(Path(sys.prefix)))
    before = {p.name for p in Path("/tmp").glob("spin-bench-*")}
    result = subprocess.run([sys.executable, str(REPO / "bench" / "run_all.py"), "--scenarios", "1,6", "--n", "6", "--no-write"],
                            env=env, capture_output=True, text=True, timeout=150)
    assert result.returncode == 0, result.stderr[-4000:]
    assert "| 1 execute `1+1` | SPIN runtime (gateway, TLS) |" in result.stdout
    assert "| 6 idle memory (server processes only) | SPIN gateway + executor |" in result.stdout
    quick = json.loads((REPO / "bench" / "results" / "quick.json").read_text())
    rows = quick["scenarios"]["1"]["rows"]
    assert all(row["n"] >= 6 for row in rows.values()), rows
    # Every process and temp folder the harness made is gone.
    assert {p.name for p in Path("/tmp").glob("spin-bench-*")} <= before
