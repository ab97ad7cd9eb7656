"""WebSocket forwarding: token forms, subprotocol negotiation, frames and close codes, Origin."""

import asyncio
import base64
import json

import pytest
import websockets

from ws_raw import handshake, read_frame

JUPYTER = "v1.kernel.websocket.jupyter.org"


def token_protocol(token):
    return "spin.token." + base64.urlsafe_b64encode(token.encode()).decode().rstrip("=")


def ws_url(gateway, path):
    return gateway.url.replace("http", "ws", 1) + path


def run(coro):
    return asyncio.run(asyncio.wait_for(coro, 60))


def test_subprotocol_token_and_end_to_end_negotiation(gateway):
    async def scenario():
        offered = [JUPYTER, token_protocol(gateway.token)]
        async with websockets.connect(ws_url(gateway, "/api/kernels/k1/channels?session_id=s1"), subprotocols=offered, max_size=None) as ws:
            assert ws.subprotocol == JUPYTER
            hello = json.loads(await ws.recv())
            assert hello["offered"] == [JUPYTER]  # the token protocol was stripped
            assert hello["query"] == "session_id=s1"
            assert gateway.token not in json.dumps(hello)
            await ws.send("text frame")
            assert await ws.recv() == "text frame"
            await ws.send(b"\x00\x01binary")
            assert await ws.recv() == b"\x00\x01binary"
            big = "z" * (3 * 1024 * 1024)
            await ws.send(big)
            assert await ws.recv() == big
    run(scenario())


def test_spin_json_is_selected_when_offered_alone(gateway):
    async def scenario():
        async with websockets.connect(ws_url(gateway, "/api/kernels/k1/channels"), subprotocols=["spin.json", token_protocol(gateway.token)]) as ws:
            assert ws.subprotocol == "spin.json"
    run(scenario())


@pytest.mark.parametrize("form", ["header", "query"])
def test_header_and_query_token_forms(gateway, form):
    async def scenario():
        path = "/api/kernels/k1/channels"
        kwargs = {}
        if form == "header":
            kwargs["additional_headers"] = gateway.auth()
        else:
            path += "?token=" + gateway.token
        async with websockets.connect(ws_url(gateway, path), **kwargs) as ws:
            assert ws.subprotocol is None
            hello = json.loads(await ws.recv())
            assert "Authorization" not in hello["headers"]
            assert gateway.token not in json.dumps(hello)
    run(scenario())


def test_close_codes_pass_through(gateway):
    async def scenario():
        async with websockets.connect(ws_url(gateway, "/api/kernels/k1/channels"), additional_headers=gateway.auth()) as ws:
            await ws.recv()
            await ws.send("close:4001")
            with pytest.raises(websockets.ConnectionClosed) as closed:
                await ws.recv()
            assert closed.value.rcvd.code == 4001
            assert closed.value.rcvd.reason == "bye"
    run(scenario())


def test_missing_token_and_unknown_kernel_are_refused_with_json(gateway):
    async def scenario():
        with pytest.raises(websockets.InvalidStatus) as unauthorized:
            async with websockets.connect(ws_url(gateway, "/api/kernels/k1/channels"), subprotocols=[JUPYTER]):
                pass
        assert unauthorized.value.response.status_code == 401
        assert json.loads(unauthorized.value.response.body)["error"]["code"] == "unauthorized"
        with pytest.raises(websockets.InvalidStatus) as missing:
            async with websockets.connect(ws_url(gateway, "/api/kernels/missing/channels"), additional_headers=gateway.auth()):
                pass
        assert missing.value.response.status_code == 404
    run(scenario())


def test_disallowed_origin_is_refused_with_403(make_gateway):
    gateway = make_gateway(env={"SPIN_ALLOWED_ORIGINS": "https://app.example"}).start()

    async def scenario():
        with pytest.raises(websockets.InvalidStatus) as refused:
            async with websockets.connect(ws_url(gateway, "/api/kernels/k1/channels"), origin="https://evil.example",
                                          subprotocols=[JUPYTER, token_protocol(gateway.token)]):
                pass
        assert refused.value.response.status_code == 403
        async with websockets.connect(ws_url(gateway, "/api/kernels/k1/channels"), origin="https://app.example",
                                      subprotocols=[JUPYTER, token_protocol(gateway.token)]) as ws:
            assert ws.subprotocol == JUPYTER
    run(scenario())


def test_the_browser_side_is_pinged(make_gateway):
    gateway = make_gateway(env={"SPIN_WS_PING_INTERVAL": "1"}).start()
    sock, head, rest = handshake(gateway.port, "/api/kernels/k1/channels", gateway.auth())
    try:
        assert head.startswith("HTTP/1.1 101")
        opcodes = []
        while 0x9 not in opcodes and len(opcodes) < 20:
            opcode, _, rest = read_frame(sock, rest)
            opcodes.append(opcode)
        assert 0x9 in opcodes
    finally:
        sock.close()


def test_open_websockets_are_counted(gateway):
    async def scenario():
        async with websockets.connect(ws_url(gateway, "/api/kernels/k1/channels"), additional_headers=gateway.auth()) as ws:
            await ws.recv()
            metrics = gateway.get("/metrics", headers=gateway.auth()).text
            assert "spin_gateway_open_websockets 1" in metrics
    run(scenario())
