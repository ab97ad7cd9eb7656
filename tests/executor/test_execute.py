"""Cells through the executor's WebSocket against a real ipykernel (issue 2,
"Tests (real parts)"): results, streams, errors, interrupt, restart,
automatic restart after a crash, several clients, buffered replay."""

from __future__ import annotations

import asyncio
import json

import pytest

from spin_harness import (
    PROTOCOLS,
    SPIN_JSON_PROTOCOL,
    TIMEOUT,
    V1_PROTOCOL,
    Executor,
    KernelWS,
    Msg,
    connect_ws,
    decode_v1,
    encode_v1,
    new_header,
    run,
)

ALL_PROTOCOLS = list(PROTOCOLS)


async def open_ready(executor: Executor, kernel_id: str, protocol: str = "v1", **kw) -> KernelWS:
    kc = await connect_ws(executor.socket_path, kernel_id, subprotocols=PROTOCOLS[protocol], **kw)
    await kc.wait_ready()
    return kc


# ---------------------------------------------------------------------------
# Protocol selection
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "offered, selected",
    [
        ([V1_PROTOCOL], V1_PROTOCOL),
        ([SPIN_JSON_PROTOCOL, V1_PROTOCOL], V1_PROTOCOL),  # v1 is preferred
        ([V1_PROTOCOL, SPIN_JSON_PROTOCOL], V1_PROTOCOL),
        (["x.unknown.protocol", V1_PROTOCOL], V1_PROTOCOL),
        ([SPIN_JSON_PROTOCOL], SPIN_JSON_PROTOCOL),
        (None, None),
    ],
    ids=["v1", "json-then-v1", "v1-then-json", "unknown-then-v1", "spin.json", "none"],
)
def test_subprotocol_selection(executor: Executor, kernel: dict, offered, selected) -> None:
    async def main() -> None:
        kc = await connect_ws(executor.socket_path, kernel["id"], subprotocols=offered)
        try:
            assert kc.subprotocol == selected, f"offered {offered}, server selected {kc.subprotocol!r}"
            await kc.wait_ready()
            res = await kc.execute("6*7")
            assert res.result_text() == "42", res.describe()
        finally:
            await kc.close()

    run(main())


def test_v1_frames_are_binary_and_json_frames_are_text(executor: Executor, kernel: dict) -> None:
    """The v1 subprotocol really is the binary framing; the JSON form is text
    frames with a channel field."""

    async def main() -> None:
        v1 = await connect_ws(executor.socket_path, kernel["id"], subprotocols=[V1_PROTOCOL])
        js = await connect_ws(executor.socket_path, kernel["id"])
        try:
            for kc, want in ((v1, bytes), (js, str)):
                header = await kc.send("shell", "kernel_info_request", {})
                while True:  # raw frames until the reply
                    raw = await asyncio.wait_for(kc.ws.recv(), TIMEOUT)
                    assert isinstance(raw, want), f"{kc.subprotocol!r}: got a {type(raw).__name__} frame"
                    if isinstance(raw, bytes):
                        msg = Msg.from_dict(decode_v1(raw))
                    else:
                        doc = json.loads(raw)
                        assert doc.get("channel") in ("shell", "iopub", "stdin", "control"), doc
                        msg = Msg.from_dict(doc)
                    if msg.msg_type == "kernel_info_reply" and msg.parent_id == header["msg_id"]:
                        assert msg.channel == "shell"
                        assert msg.content.get("status") == "ok", msg.content
                        assert msg.content.get("language_info", {}).get("name") == "python"
                        break
        finally:
            await v1.close()
            await js.close()

    run(main())


# ---------------------------------------------------------------------------
# Basic cells, in every protocol
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("protocol", ALL_PROTOCOLS)
def test_one_plus_one_gives_execute_result_2(executor: Executor, kernel: dict, protocol: str) -> None:
    async def main() -> None:
        kc = await open_ready(executor, kernel["id"], protocol)
        try:
            res = await kc.execute("1+1")
            assert res.reply is not None and res.reply.content.get("status") == "ok", res.describe()
            results = res.of_type("execute_result")
            assert len(results) == 1, res.describe()
            assert results[0].channel == "iopub"
            assert results[0].content["data"]["text/plain"] == "2"
            assert isinstance(res.reply.content.get("execution_count"), int)
            assert results[0].content.get("execution_count") == res.reply.content["execution_count"]
            # busy ... idle bracket on iopub, with execute_input
            states = [m.content.get("execution_state") for m in res.of_type("status")]
            assert states[0] == "busy" and states[-1] == "idle", states
            assert [m.content.get("code") for m in res.of_type("execute_input")] == ["1+1"]
        finally:
            await kc.close()

    run(main())


@pytest.mark.parametrize("protocol", ALL_PROTOCOLS)
def test_print_gives_stream_stdout(executor: Executor, kernel: dict, protocol: str) -> None:
    async def main() -> None:
        kc = await open_ready(executor, kernel["id"], protocol)
        try:
            res = await kc.execute("print('hello from spin')\nimport sys; print('to stderr', file=sys.stderr)")
            assert res.stream("stdout") == "hello from spin\n", res.describe()
            assert res.stream("stderr") == "to stderr\n", res.describe()
            assert all(m.channel == "iopub" for m in res.of_type("stream"))
            assert res.reply.content["status"] == "ok"
            assert res.of_type("execute_result") == []
        finally:
            await kc.close()

    run(main())


@pytest.mark.parametrize("protocol", ALL_PROTOCOLS)
def test_exception_gives_error_and_error_reply(executor: Executor, kernel: dict, protocol: str) -> None:
    async def main() -> None:
        kc = await open_ready(executor, kernel["id"], protocol)
        try:
            res = await kc.execute("1/0")
            errors = res.of_type("error")
            assert len(errors) == 1, res.describe()
            assert errors[0].channel == "iopub"
            assert errors[0].content["ename"] == "ZeroDivisionError"
            assert isinstance(errors[0].content.get("traceback"), list)
            assert res.reply.content["status"] == "error", res.reply.content
            assert res.reply.content["ename"] == "ZeroDivisionError"
            # the kernel carries on
            res = await kc.execute("2+3")
            assert res.result_text() == "5", res.describe()
        finally:
            await kc.close()

    run(main())


@pytest.mark.parametrize("protocol", ALL_PROTOCOLS)
def test_unicode_round_trip(executor: Executor, kernel: dict, protocol: str) -> None:
    async def main() -> None:
        kc = await open_ready(executor, kernel["id"], protocol)
        try:
            res = await kc.execute("s = 'ü 日本 🚀'\nprint(s)\ns")
            assert res.stream() == "ü 日本 🚀\n", res.describe()
            assert res.result_text() == "'ü 日本 🚀'", res.describe()
        finally:
            await kc.close()

    run(main())


@pytest.mark.parametrize("protocol", ["json", "spin.json"])
def test_text_frames_stay_utf8_when_the_kernel_sends_a_lone_surrogate(executor: Executor, kernel: dict, protocol: str) -> None:
    """`print('\\udcff')`: jupyter_client encodes it with surrogateescape as the
    raw byte 0xFF, which is not UTF-8. A text frame carrying it would make the
    client (a browser, Python websockets) fail the connection; the runtime
    sends U+FFFD instead and the socket keeps working. The journal API's JSON
    is repaired the same way."""
    async def main() -> None:
        kc = await open_ready(executor, kernel["id"], protocol)
        try:
            res = await kc.execute("print('a\\udcffb')")
            assert res.stream() == "a\ufffdb\n", res.describe()
            after = await kc.execute("1+1")
            assert after.result_text() == "2", after.describe()
        finally:
            await kc.close()

    run(main())
    resp = executor.request("GET", f"/spin/v1/kernels/{kernel['id']}/journal?after=0")
    assert resp.status == 200, resp.describe()
    texts = [m["content"].get("text", "") for m in resp.json() if m.get("msg_type") == "stream"]
    assert "a\ufffdb\n" in texts, texts


def test_v1_buffers_reach_the_kernel(executor: Executor, kernel: dict) -> None:
    """Binary buffers of a v1 message arrive intact: a comm_msg with two
    buffers is recorded by a comm target in the kernel."""

    async def main() -> None:
        kc = await open_ready(executor, kernel["id"], "v1")
        try:
            setup = (
                "received = []\n"
                "def _target(comm, open_msg):\n"
                "    @comm.on_msg\n"
                "    def _on(msg):\n"
                "        received.append([bytes(b) for b in msg['buffers']])\n"
                "get_ipython().kernel.comm_manager.register_target('spin.test', _target)\n"
            )
            res = await kc.execute(setup)
            assert res.reply.content["status"] == "ok", res.describe()
            comm_id = "c0ffee"
            for msg_type, content, bufs in (
                ("comm_open", {"comm_id": comm_id, "target_name": "spin.test", "data": {}}, []),
                ("comm_msg", {"comm_id": comm_id, "data": {"x": 1}}, [b"\x00\x01\xff", bytes(range(256))]),
            ):
                await kc.ws.send(encode_v1("shell", new_header(msg_type, kc.session_id), {}, {}, content, bufs))
            # comm messages have no reply; poll the kernel until it saw the message
            for _ in range(50):
                res = await kc.execute("print(received)")
                if res.stream().strip() != "[]":
                    break
            assert res.stream().strip() == repr([[b"\x00\x01\xff", bytes(range(256))]]), res.describe()
        finally:
            await kc.close()

    run(main())


# ---------------------------------------------------------------------------
# Interrupt, restart, crash
# ---------------------------------------------------------------------------


def test_interrupt_via_rest_stops_sleep(executor: Executor, kernel: dict) -> None:
    kid = kernel["id"]

    async def main() -> None:
        kc = await open_ready(executor, kid)
        try:
            msg_id = await kc.send_execute("import time\nprint('sleeping', flush=True)\ntime.sleep(60)")
            await kc.wait_for(
                lambda m: m.parent_id == msg_id and m.msg_type == "stream" and "sleeping" in m.content.get("text", ""),
                "the cell to start sleeping",
            )
            state = executor.request("GET", f"/api/kernels/{kid}").json()["execution_state"]
            assert state == "busy", f"kernel model during a running cell says {state!r}"
            resp = executor.request("POST", f"/api/kernels/{kid}/interrupt")
            assert resp.status == 204, resp.describe()
            # Well before the 60 s sleep could end on its own.
            res = await kc.collect(msg_id, timeout=TIMEOUT)
            assert res.reply.content["status"] == "error", res.describe()
            assert res.reply.content["ename"] == "KeyboardInterrupt", res.reply.content
            assert [m.content["ename"] for m in res.of_type("error")] == ["KeyboardInterrupt"]
            # still the same, working kernel
            res = await kc.execute("1+1")
            assert res.result_text() == "2"
        finally:
            await kc.close()

    run(main())


def test_restart_via_rest(executor: Executor, kernel: dict) -> None:
    kid = kernel["id"]

    async def main() -> None:
        kc = await open_ready(executor, kid)
        try:
            res = await kc.execute("import os\nx = 41\nos.getpid()")
            pid_before = res.result_text()
            assert (await kc.execute("x + 1")).result_text() == "42"

            resp = executor.request("POST", f"/api/kernels/{kid}/restart")
            assert resp.status == 200, resp.describe()
            model = resp.json()
            assert model["id"] == kid and model["name"] == "python3", model

            # same, still open WebSocket
            await kc.wait_ready()
            res = await kc.execute("x")
            assert res.reply.content["status"] == "error", res.describe()
            assert res.reply.content["ename"] == "NameError", res.reply.content
            res = await kc.execute("import os\nos.getpid()")
            assert res.result_text() != pid_before, "restart kept the same kernel process"
            assert (await kc.execute("1+1")).result_text() == "2"
        finally:
            await kc.close()

    run(main())
    resp = executor.request("GET", f"/api/kernels/{kid}")
    assert resp.status == 200 and resp.json()["execution_state"] != "dead", resp.describe()


def test_kernel_crash_is_restarted_on_the_open_websocket(executor: Executor, kernel: dict) -> None:
    kid = kernel["id"]

    async def main() -> None:
        kc = await open_ready(executor, kid)
        try:
            pid_before = (await kc.execute("import os\nos.getpid()")).result_text()
            await kc.execute("crash_marker = 1")
            await kc.send_execute("import os; os._exit(1)")
            await kc.wait_for(
                lambda m: m.channel == "iopub" and m.msg_type == "status"
                and m.content.get("execution_state") == "restarting",
                "iopub status 'restarting' after the kernel died",
            )
            await kc.wait_for(
                lambda m: m.channel == "iopub" and m.msg_type == "status"
                and m.content.get("execution_state") in ("starting", "idle"),
                "iopub status 'starting' or 'idle' after 'restarting'",
            )
            await kc.wait_ready()
            res = await kc.execute("import os\nos.getpid()")
            assert res.reply.content["status"] == "ok", res.describe()
            assert res.result_text() != pid_before, "the kernel process did not change"
            res = await kc.execute("crash_marker")
            assert res.reply.content.get("ename") == "NameError", "state survived a crash?"
            assert (await kc.execute("1+1")).result_text() == "2"
        finally:
            await kc.close()

    run(main())
    resp = executor.request("GET", f"/api/kernels/{kid}")
    assert resp.status == 200, resp.describe()
    assert resp.json()["execution_state"] not in ("dead", "restarting"), resp.json()


# ---------------------------------------------------------------------------
# Several clients, reconnect
# ---------------------------------------------------------------------------


def test_two_clients_both_see_iopub_only_sender_gets_reply(executor: Executor, kernel: dict) -> None:
    kid = kernel["id"]

    async def main() -> None:
        a = await open_ready(executor, kid, "v1")
        b = await open_ready(executor, kid, "json")
        try:
            assert a.session_id != b.session_id
            for sender, other in ((a, b), (b, a)):
                tag = f"shared-output-from-{sender.session_id[:6]}"
                msg_id = await sender.send_execute(f"print('{tag}')")
                res_sender = await sender.collect(msg_id)
                assert res_sender.stream() == f"{tag}\n", res_sender.describe()
                assert res_sender.reply.content["status"] == "ok"

                res_other = await other.collect(msg_id, need_reply=False)
                assert res_other.stream() == f"{tag}\n", res_other.describe()
                assert res_other.of_type("execute_input"), res_other.describe()
                # Give a misrouted reply every chance to show up, then check.
                late = await other.drain(quiet=2.0)
                other.pending.extend(late)
                replies = [m for m in res_other.messages + late if m.parent_id == msg_id and m.channel == "shell"]
                assert replies == [], f"execute_reply leaked to the other client: {[m.short() for m in replies]}"
            # kernel_info_reply of a's wait_ready never reached b either
            leaked = [m for m in b.received if m.msg_type == "kernel_info_reply" and m.parent_header.get("session") == a.session_id]
            assert leaked == [], [m.short() for m in leaked]
        finally:
            await a.close()
            await b.close()

    run(main())
    resp = executor.request("GET", f"/api/kernels/{kid}")
    assert resp.status == 200


@pytest.mark.parametrize("protocol", ["v1", "json"])
def test_reconnect_with_same_session_replays_missed_messages(executor: Executor, kernel: dict, protocol: str) -> None:
    kid = kernel["id"]
    code = (
        "import time\n"
        "print('start', flush=True)\n"
        "time.sleep(1.5)\n"
        "for i in range(5):\n"
        "    print(i, flush=True)\n"
        "    time.sleep(0.2)\n"
        "'done'"
    )

    async def main() -> None:
        a = await open_ready(executor, kid, protocol)
        observer = await open_ready(executor, kid, "v1")
        session_id = a.session_id
        try:
            msg_id = await a.send_execute(code)
            await a.wait_for(
                lambda m: m.parent_id == msg_id and m.msg_type == "stream" and "start" in m.content.get("text", ""),
                "the first print",
            )
            before = [m for m in a.received if m.parent_id == msg_id]
            await a.close()

            # The cell finishes while `a` is away.
            seen = await observer.collect(msg_id, need_reply=False)
            assert seen.stream() == "start\n0\n1\n2\n3\n4\n", seen.describe()

            a2 = await connect_ws(executor.socket_path, kid, session_id=session_id, subprotocols=PROTOCOLS[protocol])
            try:
                missed = await a2.collect(msg_id)
                assert missed.reply is not None and missed.reply.content["status"] == "ok", missed.describe()
                assert missed.result_text() == "'done'", missed.describe()
                text = "".join(
                    m.content.get("text", "") for m in before + missed.messages
                    if m.msg_type == "stream" and m.content.get("name") == "stdout"
                )
                assert text == "start\n0\n1\n2\n3\n4\n", (
                    f"missed output not replayed exactly once; before={[m.short() for m in before]} "
                    f"after={missed.describe()}"
                )
                # and the reconnected client is live again
                assert (await a2.execute("1+1")).result_text() == "2"
            finally:
                await a2.close()
        finally:
            await observer.close()

    run(main())


# ---------------------------------------------------------------------------
# stdin, control, the kernel model
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("protocol", ["v1", "json"])
def test_stdin_input_round_trip(executor: Executor, kernel: dict, protocol: str) -> None:
    async def main() -> None:
        kc = await open_ready(executor, kernel["id"], protocol)
        try:
            msg_id = await kc.send_execute("name = input('Name? ')\nprint('hi', name)", allow_stdin=True)
            req = await kc.wait_for(
                lambda m: m.msg_type == "input_request" and m.parent_id == msg_id, "input_request"
            )
            assert req.channel == "stdin", req.short()
            assert req.content.get("prompt") == "Name? "
            await kc.send("stdin", "input_reply", {"value": "Ada ü"}, parent_header=req.header)
            res = await kc.collect(msg_id)
            assert res.reply.content["status"] == "ok", res.describe()
            assert res.stream() == "hi Ada ü\n", res.describe()
        finally:
            await kc.close()

    run(main())


def test_control_channel_request_gets_control_reply(executor: Executor, kernel: dict) -> None:
    async def main() -> None:
        kc = await open_ready(executor, kernel["id"], "v1")
        try:
            header = await kc.send("control", "kernel_info_request", {})
            reply = await kc.wait_for(
                lambda m: m.msg_type == "kernel_info_reply" and m.parent_id == header["msg_id"],
                "kernel_info_reply on control",
            )
            assert reply.channel == "control", reply.short()
            assert reply.content.get("status") == "ok"
        finally:
            await kc.close()

    run(main())


def test_interrupt_request_on_control_channel(executor: Executor, kernel: dict) -> None:
    """A client may also interrupt through the WebSocket (interrupt_request on control)."""

    async def main() -> None:
        kc = await open_ready(executor, kernel["id"], "v1")
        try:
            msg_id = await kc.send_execute("import time\nprint('sleeping', flush=True)\ntime.sleep(60)")
            await kc.wait_for(
                lambda m: m.parent_id == msg_id and m.msg_type == "stream", "the cell to start sleeping"
            )
            header = await kc.send("control", "interrupt_request", {})
            res = await kc.collect(msg_id)
            assert res.reply.content.get("ename") == "KeyboardInterrupt", res.describe()
            await kc.wait_for(
                lambda m: m.msg_type == "interrupt_reply" and m.parent_id == header["msg_id"], "interrupt_reply"
            )
        finally:
            await kc.close()

    run(main())


def test_kernel_model_counts_connections(executor: Executor, kernel: dict) -> None:
    kid = kernel["id"]

    def connections() -> int:
        resp = executor.request("GET", f"/api/kernels/{kid}")
        assert resp.status == 200, resp.describe()
        return resp.json()["connections"]

    async def main() -> None:
        assert connections() == 0
        a = await open_ready(executor, kid, "v1")
        b = await open_ready(executor, kid, "json")
        try:
            assert connections() == 2
        finally:
            await a.close()
            await b.close()
        # closing is asynchronous on the server side: poll (state, not time)
        for _ in range(int(TIMEOUT * 10)):
            if connections() == 0:
                break
            await asyncio.sleep(0.1)
        assert connections() == 0

    run(main())
