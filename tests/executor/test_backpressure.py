"""Flow control between a kernel's output and its WebSocket clients
(issue #8, scenario 2): the executor reads a kernel's iopub no faster than its
fastest client takes it, so its memory stays bounded whatever the kernel
prints; a client that stops reading is disconnected as "too slow" once it is
64 MiB behind, and the other clients of the kernel get everything.

Bounds on memory and byte counts only: nothing here asserts a duration."""

from __future__ import annotations

import asyncio
import uuid
from pathlib import Path

from websockets.asyncio.client import unix_connect

from spin_harness import TIMEOUT, KernelWS, WSClosed, run

MB = 1_000_000


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def printing(megabytes: int) -> str:
    """A cell that prints `megabytes` MB as 1 MB stream messages (each flush sends one)."""
    return ("import sys\n_c = ('x' * 99 + '\\n') * 10_000\n"
            f"for _i in range({megabytes}):\n    sys.stdout.write(_c)\n    sys.stdout.flush()\n")


async def connect(executor, kernel_id: str, *, max_queue: int | None) -> KernelWS:
    """A JSON-form client whose library stops reading the socket once
    `max_queue` frames wait unread (None: reads everything at once)."""
    session = uuid.uuid4().hex
    ws = await unix_connect(
        str(executor.socket_path), f"ws://localhost/api/kernels/{kernel_id}/channels?session_id={session}",
        open_timeout=TIMEOUT, max_size=None, max_queue=max_queue, proxy=None, close_timeout=10,
    )
    return KernelWS(ws, kernel_id, session)


async def stream_bytes_until_idle(kc: KernelWS, msg_id: str, *, pause: float = 0.0, sample=None) -> int:
    total = 0
    while True:
        m = await kc.recv(timeout=120)
        if sample:
            sample()
        if m.parent_id != msg_id:
            continue
        if m.msg_type == "stream":
            total += len(m.content["text"])
        elif m.msg_type == "status" and m.content["execution_state"] == "idle":
            return total
        if pause:
            await asyncio.sleep(pause)


def test_a_slow_client_gets_everything_and_the_executor_stays_bounded(executor, kernel):
    peak = [0.0]

    def sample():
        peak[0] = max(peak[0], rss_mb(executor.pid))

    async def go():
        kc = await connect(executor, kernel["id"], max_queue=2)
        await kc.wait_ready()
        msg_id = await kc.send_execute(printing(200))
        total = await stream_bytes_until_idle(kc, msg_id, pause=0.03, sample=sample)
        assert total == 200 * MB, total
        await kc.close()

    run(go())
    # Without flow control the executor held the whole output (twice) while
    # this client lagged: 400+ MB. With it: budgets of 16 MiB plus libzmq's
    # small read-ahead.
    assert peak[0] < 250, f"executor RSS reached {peak[0]:.0f} MB behind a slow client"


def test_a_client_that_stops_reading_is_dropped_and_the_others_get_everything(executor, kernel):
    async def go():
        stalled = await connect(executor, kernel["id"], max_queue=1)
        await stalled.wait_ready()
        reader = await connect(executor, kernel["id"], max_queue=None)
        await reader.wait_ready()
        msg_id = await reader.send_execute(printing(150))
        assert await stream_bytes_until_idle(reader, msg_id) == 150 * MB
        # The stalled client now reads what was queued for it, then the close.
        seen = 0
        try:
            while True:
                m = await stalled.recv(timeout=60)
                if m.msg_type == "stream":
                    seen += len(m.content["text"])
        except WSClosed as closed:
            assert closed.code == 1008, closed
            assert "too slow" in closed.reason
        assert seen < 150 * MB
        # The kernel is still fine for the client that kept reading.
        res = await reader.execute("print('still here')")
        assert "still here" in "".join(m.content.get("text", "") for m in res.of_type("stream"))
        await reader.close()

    run(go())
