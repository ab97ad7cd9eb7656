"""SPIN_KERNEL_POOL=1: a kernel is started ahead and handed out warm, then the
pool is refilled (SPEC §2, issue 2). Asserted by state, not by time."""

from __future__ import annotations

import time
from pathlib import Path

from jupyter_client.blocking.client import BlockingKernelClient

from spin_harness import TIMEOUT, V1_PROTOCOL, Executor, connect_ws, run
from test_lifecycle import kernel_connection_file, wait_for_kernel_processes


def wait_kernel_answers(connection_file: Path) -> None:
    kc = BlockingKernelClient(connection_file=str(connection_file))
    kc.load_connection_file()
    kc.start_channels()
    try:
        kc.wait_for_ready(timeout=TIMEOUT)
    finally:
        kc.stop_channels()


def test_pool_hands_out_a_started_idle_kernel_and_refills(short_tmp: Path) -> None:
    ex = Executor(short_tmp / "home", pool=1).start()
    try:
        procs = wait_for_kernel_processes(ex, 1)
        assert len(procs) == 1, f"expected one pre-started kernel, found {[p.cmdline for p in procs]}"
        pool_pid = procs[0].pid
        # The pooled kernel is up and answering; give the executor's own
        # readiness handshake (started earlier than ours) time to complete.
        wait_kernel_answers(kernel_connection_file(procs[0].cmdline))
        time.sleep(2)

        listed = ex.request("GET", "/api/kernels").json()
        assert listed == [], f"the pooled kernel must not be listed before it is handed out: {listed}"

        resp = ex.request("POST", "/api/kernels", {"name": "python3"})
        assert resp.status == 201, resp.describe()
        model = resp.json()
        kid = model["id"]
        state = model["execution_state"]
        if state != "idle":
            state = ex.request("GET", f"/api/kernels/{kid}").json()["execution_state"]
        assert state == "idle", f"a pooled kernel should be idle when handed out, got {model}"

        async def main() -> str:
            kc = await connect_ws(ex.socket_path, kid, subprotocols=[V1_PROTOCOL])
            try:
                await kc.wait_ready()
                res = await kc.execute("import os\nos.getpid()")
                assert res.reply.content["status"] == "ok", res.describe()
                return res.result_text()
            finally:
                await kc.close()

        assert run(main()) == str(pool_pid), "POST /api/kernels started a new kernel instead of using the pool"

        # Refilled: a second kernel process appears for the next hand-out.
        procs = wait_for_kernel_processes(ex, 2)
        assert len(procs) == 2 and pool_pid in [p.pid for p in procs], (
            f"pool not refilled after the hand-out: {[(p.pid, p.cmdline) for p in procs]}"
        )
        listed = ex.request("GET", "/api/kernels").json()
        assert [k["id"] for k in listed] == [kid], listed
    finally:
        ex.stop()
