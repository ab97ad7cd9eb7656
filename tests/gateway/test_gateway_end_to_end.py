"""Through the gateway to the real spin-executor and a real ipykernel."""

import asyncio
import base64
import json
import os
import re
import signal
import socket
import ssl
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests
import websockets

from harness import clean_env, free_port, process_group_members
from jupyter_messages import run_cell
from tls_material import TLSFiles

JUPYTER = "v1.kernel.websocket.jupyter.org"


def token_protocol(token):
    return "spin.token." + base64.urlsafe_b64encode(token.encode()).decode().rstrip("=")


def start_kernel(gateway, session):
    response = session.post(gateway.url + "/api/kernels", json={"name": "python3"}, headers=gateway.auth(), timeout=60)
    assert response.status_code in (200, 201), response.text
    return response.json()["id"]


@pytest.fixture
def real_gateway(make_gateway):
    return make_gateway(executor="real").start()


@pytest.fixture
def real_tls_gateway(make_gateway, test_ca):
    return make_gateway(executor="real", tls=TLSFiles(test_ca)).start()


def test_wss_executes_a_cell_with_the_v1_protocol_and_subprotocol_token(real_tls_gateway):
    gateway = real_tls_gateway
    kernel = start_kernel(gateway, gateway.session())

    async def scenario():
        context = ssl.create_default_context(cafile=str(gateway.tls.ca))
        url = f"wss://localhost:{gateway.port}/api/kernels/{kernel}/channels?session_id=e2e"
        async with websockets.connect(url, ssl=context, subprotocols=[JUPYTER, token_protocol(gateway.token)], max_size=None) as ws:
            assert ws.subprotocol == JUPYTER
            stdout, reply = await run_cell(ws, "print(6 * 7)", binary=True)
            assert stdout.strip() == "42"
            assert reply["status"] == "ok"
    asyncio.run(asyncio.wait_for(scenario(), 120))


def test_json_protocol_without_subprotocol(real_gateway):
    kernel = start_kernel(real_gateway, real_gateway.session())

    async def scenario():
        url = real_gateway.url.replace("http", "ws", 1) + f"/api/kernels/{kernel}/channels"
        async with websockets.connect(url, additional_headers=real_gateway.auth(), max_size=None) as ws:
            assert ws.subprotocol is None
            stdout, _ = await run_cell(ws, "import os; print(os.environ.get('SPIN_TOKEN', 'no token'))")
            assert stdout.strip() == "no token"
    asyncio.run(asyncio.wait_for(scenario(), 120))
    # One /metrics: the gateway's own series and the executor's (kernels, executions).
    metrics = real_gateway.get("/metrics", headers=real_gateway.auth()).text
    assert "spin_gateway_requests_total" in metrics
    assert "spin_kernels" in metrics and "spin_executions_total" in metrics


def test_websocket_to_an_unknown_kernel_is_404_with_a_json_body(real_gateway):
    async def scenario():
        url = real_gateway.url.replace("http", "ws", 1) + "/api/kernels/no-such-kernel/channels"
        from websockets.exceptions import InvalidStatus

        with pytest.raises(InvalidStatus) as info:
            await websockets.connect(url, additional_headers=real_gateway.auth(), subprotocols=[JUPYTER])
        response = info.value.response
        assert response.status_code == 404, (response.status_code, bytes(response.body))
        assert json.loads(bytes(response.body))["error"]["code"] == "kernel_not_found"
    asyncio.run(asyncio.wait_for(scenario(), 60))
    assert real_gateway.get("/healthz").status_code == 200


def test_executor_sigkill_then_readyz_recovers_and_a_new_kernel_works(real_gateway):
    gateway = real_gateway
    gateway.wait_for(lambda: len(gateway.children()) == 1, "executor child")
    os.kill(gateway.children()[0], signal.SIGKILL)
    gateway.wait_for(lambda: gateway.get("/readyz").status_code == 503, "/readyz 503")
    gateway.wait_for(lambda: gateway.get("/readyz").status_code == 200, "/readyz 200 again")
    kernel = start_kernel(gateway, gateway.session())

    async def scenario():
        url = gateway.url.replace("http", "ws", 1) + f"/api/kernels/{kernel}/channels"
        async with websockets.connect(url, subprotocols=[JUPYTER, token_protocol(gateway.token)], max_size=None) as ws:
            stdout, _ = await run_cell(ws, "print('after restart')", binary=True)
            assert stdout.strip() == "after restart"
    asyncio.run(asyncio.wait_for(scenario(), 120))


def test_journal_outlives_an_executor_killed_under_the_gateway(real_gateway):
    """Issue 6's restart case end to end: kill -9 the executor, the gateway
    starts a new one, and the old kernel's output is still served, intact."""
    gateway = real_gateway
    kernel = start_kernel(gateway, gateway.session())

    async def scenario():
        url = gateway.url.replace("http", "ws", 1) + f"/api/kernels/{kernel}/channels"
        async with websockets.connect(url, subprotocols=[JUPYTER, token_protocol(gateway.token)], max_size=None) as ws:
            stdout, _ = await run_cell(ws, "for i in range(50): print('line', i)", binary=True)
            assert stdout.count("line") == 50
    asyncio.run(asyncio.wait_for(scenario(), 120))
    before = gateway.get(f"/spin/v1/kernels/{kernel}/journal?after=0&limit=10000", headers=gateway.auth())
    assert before.status_code == 200, before.text

    gateway.wait_for(lambda: len(gateway.children()) == 1, "executor child")
    time.sleep(1)  # the journal writes in batches within a bounded delay (20 ms); leave it that
    os.kill(gateway.children()[0], signal.SIGKILL)
    gateway.wait_for(lambda: gateway.get("/readyz").status_code == 503, "/readyz 503")
    gateway.wait_for(lambda: gateway.get("/readyz").status_code == 200, "/readyz 200 again")

    after = gateway.get(f"/spin/v1/kernels/{kernel}/journal?after=0&limit=10000", headers=gateway.auth())
    assert after.status_code == 200, after.text
    messages = after.json()
    text = "".join(m["content"].get("text", "") for m in messages
                   if m["msg_type"] == "stream" and m["content"].get("name") == "stdout")
    assert [f"line {i}" for i in range(50)] == text.splitlines()
    seqs = [m["metadata"]["spin_seq"] for m in messages]
    assert seqs == sorted(seqs) and len(set(seqs)) == len(seqs)
    assert seqs == [m["metadata"]["spin_seq"] for m in before.json()], "records lost or changed by the crash"


def test_sigterm_with_a_running_kernel_leaves_no_process_behind(real_gateway):
    gateway = real_gateway
    start_kernel(gateway, gateway.session())
    gateway.wait_for(lambda: len(gateway.children()) == 1, "executor child")
    executor = gateway.children()[0]
    assert gateway.stop(signal.SIGTERM) == 0
    assert process_group_members(os.getpgid(executor) if os.path.exists(f"/proc/{executor}") else executor) == []


def wait_http(url, headers, timeout=90):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if requests.get(url, headers=headers, timeout=5).status_code == 200:
                return
        except requests.exceptions.RequestException:
            pass
        time.sleep(0.3)
    raise AssertionError(f"{url} did not come up")


def test_jupyter_server_in_gateway_mode_runs_code_on_the_runtime(real_gateway, tmp_path):
    gateway = real_gateway
    port, token = free_port(), "jupyter-server-token"
    env = clean_env({"JUPYTER_CONFIG_DIR": str(tmp_path / "jcfg"), "JUPYTER_DATA_DIR": str(tmp_path / "jdata"),
                     "JUPYTER_RUNTIME_DIR": str(tmp_path / "jrt"), "HOME": str(tmp_path)})
    log = open(tmp_path / "jupyter-server.log", "wb")
    server = subprocess.Popen([
        sys.executable, "-m", "jupyter_server", "--no-browser", "--allow-root", f"--port={port}", "--ip=127.0.0.1",
        f"--ServerApp.token={token}", f"--ServerApp.root_dir={tmp_path}",
        f"--gateway-url={gateway.url}", f"--GatewayClient.auth_token={gateway.token}",
    ], env=env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    headers = {"Authorization": f"token {token}"}
    try:
        wait_http(base + "/api/status", headers)
        specs = requests.get(base + "/api/kernelspecs", headers=headers, timeout=30).json()
        assert "python3" in specs["kernelspecs"]
        created = requests.post(base + "/api/kernels", json={"name": "python3"}, headers=headers, timeout=60)
        assert created.status_code == 201, created.text
        kernel = created.json()["id"]
        runtime_kernels = requests.get(gateway.url + "/api/kernels", headers=gateway.auth(), timeout=10).json()
        assert kernel in [k["id"] for k in runtime_kernels]

        async def scenario():
            url = f"ws://127.0.0.1:{port}/api/kernels/{kernel}/channels?token={token}"
            async with websockets.connect(url, max_size=None) as ws:
                stdout, reply = await run_cell(ws, "print(sum(range(10)))")
                assert stdout.strip() == "45"
                assert reply["status"] == "ok"
        asyncio.run(asyncio.wait_for(scenario(), 120))
    finally:
        server.terminate()
        try:
            server.wait(30)
        except subprocess.TimeoutExpired:
            server.kill()
        log.close()


def test_start_up_pages_are_handed_back_and_both_processes_keep_working(make_gateway):
    """Each process releases its start-up pages once (the gateway when its executor
    first answers ready, the executor when its warm pool is ready) and splits its code
    into small mappings; code that runs afterwards faults its pages back in: a pooled
    kernel still executes through both."""
    gateway = make_gateway(executor="real", env={"SPIN_KERNEL_POOL": "1"}).start()
    released = re.compile(r"(spin\.gateway|spin\.executor): start-up pages released bytes=(\d+) code_mappings=(\d+)")
    gateway.wait_for(lambda: len(released.findall(gateway.log())) == 2, "both processes' release")
    amounts = {label: int(count) for label, count, _ in released.findall(gateway.log())}
    assert set(amounts) == {"spin.gateway", "spin.executor"}
    assert all(count > 1 << 20 for count in amounts.values()), amounts
    if Path("/sys/kernel/mm/transparent_hugepage").exists():  # the split's flag needs it
        # 16 KiB each: a process's ~20 MB of code in more than a thousand mappings.
        executor = next(pid for pid in gateway.children() if "spin-executor" in Path(f"/proc/{pid}/exe").resolve().name)
        for pid in (gateway.proc.pid, executor):
            assert code_mappings(pid) > 1000, pid
        assert "code not split" not in gateway.log()
    log = gateway.log()
    assert log.index("kernel process started") < log.index("spin.executor: start-up pages released")
    assert log.index("spin.gateway: executor ready") < log.index("spin.gateway: start-up pages released")
    kernel = start_kernel(gateway, gateway.session())

    async def scenario():
        url = gateway.url.replace("http", "ws", 1) + f"/api/kernels/{kernel}/channels"
        async with websockets.connect(url, subprotocols=[JUPYTER, token_protocol(gateway.token)], max_size=None) as ws:
            stdout, reply = await run_cell(ws, "print(6 * 7)", binary=True)
            assert stdout.strip() == "42" and reply["status"] == "ok"
    asyncio.run(asyncio.wait_for(scenario(), 120))
    assert len(released.findall(gateway.log())) == 2  # once per process, not per request


def code_mappings(pid: int) -> int:
    """The process's mappings of its own binary's code, as the kernel lists them."""
    program = os.readlink(f"/proc/{pid}/exe")
    return sum(1 for line in Path(f"/proc/{pid}/maps").read_text().splitlines()
               if line.split()[1] == "r-xp" and line.endswith(program))
