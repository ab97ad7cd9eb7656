"""Executor supervision and shutdown."""

import os
import signal
import time
from pathlib import Path

import requests

from harness import children_of, process_group_members, running


def executor_pid(gateway):
    gateway.wait_for(lambda: len(gateway.children()) == 1, "one executor child")
    return gateway.children()[0]


def test_executor_killed_is_restarted_and_readiness_follows(gateway):
    first = executor_pid(gateway)
    os.kill(first, signal.SIGKILL)
    gateway.wait_for(lambda: gateway.get("/readyz").status_code == 503, "/readyz 503 after the executor died")
    gateway.wait_for(lambda: gateway.get("/readyz").status_code == 200, "/readyz 200 after the restart")
    second = executor_pid(gateway)
    assert second != first
    assert requests.get(gateway.url + "/echo/after-restart", headers=gateway.auth(), timeout=10).status_code == 200
    assert "restarting" in gateway.log()
    metrics = gateway.get("/metrics", headers=gateway.auth()).text
    assert "spin_gateway_executor_restarts_total 1" in metrics


def test_sigterm_exits_zero_and_leaves_no_children(gateway):
    child = executor_pid(gateway)
    pgid = os.getpgid(child)
    assert pgid == child  # the executor leads its own process group (kernels included)
    assert gateway.stop(signal.SIGTERM) == 0
    assert process_group_members(pgid) == []
    assert "Stopping spin-executor" in gateway.log()


def test_gateway_killed_outright_takes_its_executor_and_kernels_with_it(make_gateway):
    """SIGKILL (or a crash) leaves the gateway no chance to stop its child: the
    executor notices the lifeline pipe close and shuts down, kernels included."""
    gateway = make_gateway(executor="real", env={"SPIN_KERNEL_POOL": "1"}).start()
    executor = executor_pid(gateway)
    gateway.wait_for(lambda: any(running(pid) for pid in children_of(executor)), "the pooled kernel")
    kernels = [pid for pid in children_of(executor) if running(pid)]
    gateway.proc.send_signal(signal.SIGKILL)
    gateway.proc.wait(30)
    deadline = time.monotonic() + 90
    while any(running(pid) for pid in [executor, *kernels]) and time.monotonic() < deadline:
        time.sleep(0.2)
    left = [pid for pid in [executor, *kernels] if running(pid)]
    for pid in left:
        os.kill(pid, signal.SIGKILL)
    assert left == [], f"still running after the gateway was killed: {left}\n{gateway.log()}"
    assert "has gone; shutting down" in gateway.log()


def test_sigterm_closes_open_websockets_with_going_away(gateway):
    import asyncio
    import websockets

    async def scenario():
        async with websockets.connect(gateway.url.replace("http", "ws", 1) + "/api/kernels/k1/channels", additional_headers=gateway.auth()) as ws:
            await ws.recv()
            gateway.proc.send_signal(signal.SIGTERM)
            try:
                while True:
                    await ws.recv()
            except websockets.ConnectionClosed as closed:
                return closed.rcvd.code if closed.rcvd else None
    code = asyncio.run(asyncio.wait_for(scenario(), 60))
    assert code == 1001
    assert gateway.stop() == 0


def test_sigterm_with_an_idle_keepalive_connection_still_exits(gateway):
    session = requests.Session()
    assert session.get(gateway.url + "/healthz", timeout=10).status_code == 200
    assert gateway.stop(signal.SIGTERM) == 0


def nio_loops(pid: int) -> int:
    """Threads of NIO's singleton event-loop group in `pid`."""
    count = 0
    for task in Path(f"/proc/{pid}/task").iterdir():
        try:
            count += (task / "comm").read_text().startswith("NIO-SGLTN-")
        except OSError:  # the thread ended meanwhile
            pass
    return count


def test_the_gateway_runs_one_event_loop_per_four_cores_unless_told_otherwise(make_gateway, monkeypatch):
    """The gateway relays on one loop per four cores (docs/gateway.md, "Threads"); the
    executor keeps NIO's one per core, as NIO counts cores (cgroup limits included).
    NIO's own NIO_SINGLETON_GROUP_LOOP_COUNT decides for both when set."""
    monkeypatch.delenv("NIO_SINGLETON_GROUP_LOOP_COUNT", raising=False)
    default = make_gateway(executor="real").start()
    try:
        executor_loops = nio_loops(executor_pid(default))
        assert executor_loops >= 1
        assert nio_loops(default.proc.pid) == max(1, executor_loops // 4)
        assert requests.get(default.url + "/api/status", headers=default.auth(), timeout=10).status_code == 200
    finally:
        default.stop(signal.SIGTERM)
    told = make_gateway(executor="real", env={"NIO_SINGLETON_GROUP_LOOP_COUNT": "3"}).start()
    try:
        assert nio_loops(told.proc.pid) == 3
        assert nio_loops(executor_pid(told)) == 3
        assert requests.get(told.url + "/api/status", headers=told.auth(), timeout=10).status_code == 200
    finally:
        told.stop(signal.SIGTERM)
