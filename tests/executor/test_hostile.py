"""Hostile input (SPEC §8, issue 2): malformed HTTP bodies, unknown ids,
garbage and oversized WebSocket frames get clear errors; the executor stays up
and a bystander kernel keeps its state and keeps working.

The tests of this module share one executor and run in file order; the last
one checks the bystander."""

from __future__ import annotations

import asyncio
import json
import socket
import uuid
from typing import Iterator

import pytest
from websockets.exceptions import ConnectionClosed, InvalidStatus

from spin_harness import (
    PROTOCOLS,
    TIMEOUT,
    V1_PROTOCOL,
    Executor,
    KernelWS,
    Msg,
    assert_json_error,
    connect_ws,
    encode_v1,
    encode_v1_parts,
    http_request_large_body,
    new_header,
    run,
)

TWENTY_MB = 20 * 1024 * 1024


@pytest.fixture(scope="module")
def bystander(executor: Executor) -> Iterator[dict]:
    """A kernel with some state, started before any hostile input."""
    kid = executor.create_kernel()["id"]

    async def setup() -> str:
        kc = await connect_ws(executor.socket_path, kid, subprotocols=[V1_PROTOCOL])
        try:
            await kc.wait_ready()
            res = await kc.execute("import os\nx = 7\nos.getpid()")
            assert res.reply.content["status"] == "ok", res.describe()
            return res.result_text()
        finally:
            await kc.close()

    pid = run(setup())
    yield {"id": kid, "pid": pid}


def test_bystander_is_running(bystander: dict) -> None:
    assert bystander["pid"] and bystander["pid"].isdigit()


# ---------------------------------------------------------------------------
# HTTP
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "method, path, body",
    [
        ("POST", "/api/kernels", b'{"name": '),
        ("POST", "/api/kernels", b"not json at all"),
        ("POST", "/api/kernels", b"\xff\xfe\x00garbage"),
        ("POST", "/api/sessions", b'{"path": "a.ipynb", "type": "notebook", "kernel": {"name": "python3"'),
    ],
    ids=["truncated", "text", "binary", "session-truncated"],
)
def test_malformed_json_body_is_400(executor: Executor, method: str, path: str, body: bytes) -> None:
    resp = executor.request(method, path, body=body, headers={"Content-Type": "application/json"})
    assert_json_error(resp, 400)


def test_malformed_patch_session_body_is_400(executor: Executor) -> None:
    resp = executor.request(
        "POST", "/api/sessions",
        {"path": "hostile.ipynb", "name": "hostile.ipynb", "type": "notebook", "kernel": {"name": "python3"}},
    )
    assert resp.status == 201, resp.describe()
    sid = resp.json()["id"]
    try:
        bad = executor.request("PATCH", f"/api/sessions/{sid}", body=b"{{{", headers={"Content-Type": "application/json"})
        assert_json_error(bad, 400)
        bad = executor.request("PATCH", f"/api/sessions/{sid}", {"path": 12})
        assert_json_error(bad, 400)
        # the session is unchanged
        assert executor.request("GET", f"/api/sessions/{sid}").json()["path"] == "hostile.ipynb"
    finally:
        executor.request("DELETE", f"/api/sessions/{sid}")


@pytest.mark.parametrize(
    "path, body",
    [
        ("/api/kernels", {"name": 5}),
        ("/api/kernels", {"name": ["python3"]}),
        ("/api/kernels", {"name": {"x": 1}}),
        ("/api/kernels", [1, 2, 3]),
        ("/api/kernels", "python3"),
        ("/api/sessions", {"path": 5, "name": "a", "type": "notebook", "kernel": {"name": "python3"}}),
        ("/api/sessions", {"path": "a.ipynb", "name": "a", "type": "notebook", "kernel": "python3"}),
        ("/api/sessions", {"path": "a.ipynb", "name": "a", "type": "notebook", "kernel": {"name": 3}}),
        ("/api/sessions", [{"path": "a.ipynb"}]),
    ],
    ids=[
        "kernel-name-int", "kernel-name-list", "kernel-name-object", "kernel-body-array", "kernel-body-string",
        "session-path-int", "session-kernel-string", "session-kernel-name-int", "session-body-array",
    ],
)
def test_wrong_field_types_are_400(executor: Executor, path: str, body) -> None:
    before = {k["id"] for k in executor.request("GET", "/api/kernels").json()}
    assert_json_error(executor.request("POST", path, body), 400)
    after = {k["id"] for k in executor.request("GET", "/api/kernels").json()}
    assert after == before, "a rejected request started a kernel"


@pytest.mark.parametrize(
    "method, suffix",
    [("GET", ""), ("DELETE", ""), ("POST", "/interrupt"), ("POST", "/restart")],
)
@pytest.mark.parametrize("kid", ["no-such-kernel", str(uuid.uuid4())], ids=["word", "uuid"])
def test_unknown_kernel_id_is_404(executor: Executor, method: str, suffix: str, kid: str) -> None:
    assert_json_error(executor.request(method, f"/api/kernels/{kid}{suffix}"), 404)


def test_websocket_to_unknown_kernel_is_refused(executor: Executor) -> None:
    # Hummingbird answers a refused upgrade with a bare 400 (its upgrade path
    # writes that response itself); the gateway checks the kernel first and
    # answers 404 with the JSON body. Here: refused, and the executor stays up.
    async def main() -> None:
        with pytest.raises(InvalidStatus) as info:
            await connect_ws(executor.socket_path, str(uuid.uuid4()), subprotocols=[V1_PROTOCOL])
        response = info.value.response
        assert response.status_code == 400, f"got HTTP {response.status_code} {bytes(response.body)[:200]!r}"

    run(main())
    assert executor.request("GET", "/api").status == 200


def test_oversized_body_is_413(executor: Executor) -> None:
    before = {k["id"] for k in executor.request("GET", "/api/kernels").json()}
    resp = http_request_large_body(executor.socket_path, "POST", "/api/kernels", TWENTY_MB)
    assert_json_error(resp, 413)
    assert {k["id"] for k in executor.request("GET", "/api/kernels").json()} == before


def raw_exchange(executor: Executor, raw: bytes) -> bytes:
    """Sends `raw` and reads until the executor closes the connection."""
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
        sock.settimeout(TIMEOUT)
        sock.connect(str(executor.socket_path))
        sock.sendall(raw)
        answer = b""
        while chunk := sock.recv(65536):
            answer += chunk
    return answer


@pytest.mark.parametrize(
    "raw",
    [
        b"GARBAGE\r\n\r\n",
        b"GET /api HTTP/1.1\r\nHost: x\r\nContent-Length: -5\r\n\r\n",
        b"GET /api HTTP/1.1\r\nHost\x00: x\r\n\r\n",
        b"GET /api/kernels/x/channels HTTP/1.1\r\nUpgrade: websocket\r\nContent-Length: zz\r\n\r\n",
        b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03" + bytes(range(32)),  # a TLS ClientHello
    ],
    ids=["no-request-line", "negative-length", "nul-in-header", "upgrade-bad-length", "tls-hello"],
)
def test_malformed_request_head_is_400_and_connection_closed(executor: Executor, raw: bytes) -> None:
    answer = raw_exchange(executor, raw)
    assert answer.startswith(b"HTTP/1.1 400"), answer[:200]
    assert b"connection: close" in answer.lower(), answer[:200]
    assert executor.request("GET", "/api").status == 200


@pytest.mark.parametrize("path", ["/api/kernels", "/api/sessions"])
def test_broken_body_framing_is_400_json_and_nothing_created(executor: Executor, path: str) -> None:
    before = {k["id"] for k in executor.request("GET", "/api/kernels").json()}
    raw = (
        f"POST {path} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
        "Transfer-Encoding: chunked\r\n\r\n5\r\n{\"a\":\r\nQQ\r\n"
    ).encode()
    answer = raw_exchange(executor, raw)
    head, _, body = answer.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 400"), answer[:300]
    assert b"connection: close" in head.lower(), head
    assert json.loads(body)["error"]["code"] == "malformed_request", body
    assert {k["id"] for k in executor.request("GET", "/api/kernels").json()} == before


@pytest.mark.parametrize("path", ["/api/nope", "/nope", "/api/kernels/x/y/z", "/api/kernelspecs/python3/extra/bits"])
def test_unknown_route_is_404(executor: Executor, path: str) -> None:
    assert_json_error(executor.request("GET", path), 404)


def test_wrong_method_is_405(executor: Executor) -> None:
    assert_json_error(executor.request("PUT", "/api/kernels", {"name": "python3"}), 405)


# ---------------------------------------------------------------------------
# WebSocket
# ---------------------------------------------------------------------------


def is_error_report(m: Msg) -> bool:
    """SPEC §8: "an error message with the reason, e.g. on iopub as a stream to
    stderr or a dedicated spin_error message"."""
    if m.msg_type in ("spin_error", "error"):
        return bool(json.dumps(m.content).strip("{} "))
    return m.msg_type == "stream" and m.content.get("name") == "stderr" and bool(m.content.get("text"))


async def expect_error_report(kc: KernelWS, what: str) -> Msg:
    return await kc.wait_for(is_error_report, f"an error message about {what}", timeout=TIMEOUT)


def valid_header() -> dict:
    return new_header("execute_request", "hostile")


JSON_GARBAGE = [
    "this is not json{",
    "",
    "[]",
    "42",
    '{"channel": "shell"}',
    '{"channel": "shell", "header": "nope", "parent_header": {}, "metadata": {}, "content": {}}',
    json.dumps({"channel": "bogus", "header": valid_header(), "parent_header": {}, "metadata": {}, "content": {}}),
    json.dumps({"channel": 7, "header": valid_header(), "parent_header": {}, "metadata": {}, "content": {}}),
    json.dumps({"header": valid_header(), "parent_header": {}, "metadata": {}, "content": {}}),
    json.dumps({"channel": "shell", "header": valid_header(), "parent_header": {}, "metadata": {}, "content": "nope"}),
    '{"channel": "shell", "header": {"msg_type": "execute_request"',
]


@pytest.mark.parametrize("protocol", ["json", "spin.json"])
def test_garbage_text_frames_answered_and_socket_stays_open(executor: Executor, kernel: dict, protocol: str) -> None:
    async def main() -> None:
        kc = await connect_ws(executor.socket_path, kernel["id"], subprotocols=PROTOCOLS[protocol])
        try:
            await kc.wait_ready()
            for garbage in JSON_GARBAGE:
                await kc.send_raw(garbage)
                await expect_error_report(kc, f"text frame {garbage[:60]!r}")
            # garbage binary frame on a JSON-protocol socket
            await kc.send_raw(b"\x00\xff\x13garbage")
            await expect_error_report(kc, "a binary garbage frame")
            res = await kc.execute("1+1")
            assert res.result_text() == "2", res.describe()
        finally:
            await kc.close()

    run(main())


def _v1_garbage() -> list[tuple[str, bytes]]:
    good = encode_v1("shell", valid_header(), {}, {}, {"code": "1", "silent": False})
    count = int.from_bytes(good[:8], "little")
    huge_count = (2**60).to_bytes(8, "little") + good[8:]
    out_of_range = bytearray(good)
    out_of_range[8 * count : 8 * count + 8] = (len(good) + 1000).to_bytes(8, "little")
    decreasing = bytearray(good)
    decreasing[16:24] = (5).to_bytes(8, "little")
    return [
        ("short", b"garbage"),
        ("empty", b""),
        ("zero-count", (0).to_bytes(8, "little")),
        ("huge-count", huge_count),
        ("offset-past-end", bytes(out_of_range)),
        ("offset-decreasing", bytes(decreasing)),
        ("truncated", good[: len(good) // 2]),
        ("header-not-json", encode_v1_parts("shell", [b"{not json", b"{}", b"{}", b"{}"])),
        ("content-not-utf8", encode_v1_parts("shell", [json.dumps(valid_header()).encode(), b"{}", b"{}", b"\xff\xfe"])),
        ("too-few-parts", encode_v1_parts("shell", [json.dumps(valid_header()).encode(), b"{}"])),
        ("unknown-channel", encode_v1("bogus", valid_header(), {}, {}, {})),
        ("content-not-object", encode_v1_parts("shell", [json.dumps(valid_header()).encode(), b"{}", b"{}", b"[1]"])),
        ("header-not-object", encode_v1_parts("shell", [b'"execute_request"', b"{}", b"{}", b"{}"])),
        ("channel-not-utf8", encode_v1_parts(b"\xff\xfe", [json.dumps(valid_header()).encode(), b"{}", b"{}", b"{}"])),
    ]


def test_garbage_binary_frames_in_v1_answered_and_socket_stays_open(executor: Executor, kernel: dict) -> None:
    async def main() -> None:
        kc = await connect_ws(executor.socket_path, kernel["id"], subprotocols=[V1_PROTOCOL])
        try:
            assert kc.subprotocol == V1_PROTOCOL
            await kc.wait_ready()
            for name, garbage in _v1_garbage():
                await kc.send_raw(garbage)
                await expect_error_report(kc, f"v1 frame '{name}'")
            # a text frame on a v1 socket is malformed too
            await kc.send_raw("{not a v1 frame")
            await expect_error_report(kc, "a text frame on a v1 socket")
            res = await kc.execute("1+1")
            assert res.result_text() == "2", res.describe()
        finally:
            await kc.close()

    run(main())


@pytest.mark.parametrize("protocol", ["v1", "json"])
def test_oversized_frame_closes_with_1009(executor: Executor, kernel: dict, protocol: str) -> None:
    async def main() -> None:
        kc = await connect_ws(executor.socket_path, kernel["id"], subprotocols=PROTOCOLS[protocol])
        await kc.wait_ready()
        code = "#" + "x" * TWENTY_MB
        header = new_header("execute_request", kc.session_id)
        content = {"code": code, "silent": False, "store_history": False, "user_expressions": {}, "allow_stdin": False}
        if kc.binary:
            frame: bytes | str = encode_v1("shell", header, {}, {}, content)
        else:
            frame = json.dumps({"channel": "shell", "header": header, "parent_header": {}, "metadata": {}, "content": content})
        try:
            await kc.ws.send(frame)
            async def until_closed() -> None:
                while True:
                    await kc.ws.recv()
            await asyncio.wait_for(until_closed(), TIMEOUT)
        except ConnectionClosed:
            pass
        except asyncio.TimeoutError:
            raise AssertionError(f"the socket stayed open after a {len(frame)}-byte frame")
        assert kc.ws.close_code == 1009, (
            f"expected close code 1009 (message too big), got {kc.ws.close_code} {kc.ws.close_reason!r}"
        )
        # The kernel and the executor are fine: a new socket to the same kernel works.
        kc2 = await connect_ws(executor.socket_path, kernel["id"], subprotocols=PROTOCOLS[protocol])
        try:
            await kc2.wait_ready()
            assert (await kc2.execute("1+1")).result_text() == "2"
        finally:
            await kc2.close()

    run(main())


# ---------------------------------------------------------------------------
# After all of that
# ---------------------------------------------------------------------------


def test_zz_executor_still_up_and_bystander_kernel_works(executor: Executor, bystander: dict) -> None:
    assert executor.alive(), f"executor died; log:\n{executor.log_text()[-4000:]}"
    resp = executor.request("GET", "/api")
    assert resp.status == 200, resp.describe()
    resp = executor.request("GET", f"/api/kernels/{bystander['id']}")
    assert resp.status == 200, resp.describe()
    assert resp.json()["execution_state"] not in ("dead", "restarting"), resp.json()

    async def main() -> None:
        kc = await connect_ws(executor.socket_path, bystander["id"], subprotocols=[V1_PROTOCOL])
        try:
            await kc.wait_ready()
            res = await kc.execute("import os\nprint(x * 6)\nos.getpid()")
            assert res.reply.content["status"] == "ok", res.describe()
            assert res.stream() == "42\n", "the bystander kernel lost its state"
            assert res.result_text() == bystander["pid"], "the bystander kernel was restarted"
        finally:
            await kc.close()

    run(main())
