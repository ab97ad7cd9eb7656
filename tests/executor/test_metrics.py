"""The executor's /metrics: kernels by state, executions by cell type and the
execute latency histogram, as Prometheus text."""

from __future__ import annotations

import re

from spin_harness import V1_PROTOCOL, Executor, connect_ws, run


def metric(text: str, name: str, **labels: str) -> float | None:
    for line in text.splitlines():
        if line.startswith("#") or not line.startswith(name):
            continue
        match = re.match(r"^([a-z_]+)(\{([^}]*)\})?\s+([0-9.eE+-]+)$", line)
        if not match or match.group(1) != name:
            continue
        found = dict(re.findall(r'(\w+)="([^"]*)"', match.group(3) or ""))
        if all(found.get(k) == v for k, v in labels.items()):
            return float(match.group(4))
    return None


def test_metrics_count_kernels_and_executions(executor: Executor) -> None:
    before = executor.request("GET", "/metrics")
    assert before.status == 200, before.describe()
    assert before.headers.get("content-type", "").startswith("text/plain")
    ok_before = metric(before.text, "spin_executions_total", cell_type="python", status="ok") or 0
    error_before = metric(before.text, "spin_executions_total", cell_type="python", status="error") or 0

    kid = executor.create_kernel()["id"]

    async def main() -> None:
        kc = await connect_ws(executor.socket_path, kid, subprotocols=[V1_PROTOCOL])
        try:
            await kc.wait_ready()
            assert (await kc.execute("1+1")).result_text() == "2"
            await kc.execute("1/0")
        finally:
            await kc.close()

    run(main())
    text = executor.request("GET", "/metrics").text
    assert metric(text, "spin_executions_total", cell_type="python", status="ok") == ok_before + 1, text
    assert metric(text, "spin_executions_total", cell_type="python", status="error") == error_before + 1, text
    assert (metric(text, "spin_kernels", state="idle") or 0) >= 1, text
    assert metric(text, "spin_kernels", state="dead") == 0, text
    count = metric(text, "spin_execute_duration_seconds_count", cell_type="python")
    assert count is not None and count >= 2, text
    executor.request("DELETE", f"/api/kernels/{kid}")
