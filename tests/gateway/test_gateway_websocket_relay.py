"""The WebSocket relay under pressure: a browser that does not read, bursts of frames,
malformed frames from either side."""

import asyncio
import time
from pathlib import Path

import websockets

from ws_raw import handshake, read_frame, send_frame

FLOOD_FRAMES = 1024
FLOOD_FRAME_BYTES = 64 * 1024  # 64 MiB in all


def ws_url(gateway, path):
    return gateway.url.replace("http", "ws", 1) + path


def rss_bytes(pid):
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    raise AssertionError("no VmRSS")


def close_code(payload):
    return int.from_bytes(payload[:2], "big")


def read_until_close(sock, rest):
    while True:
        opcode, payload, rest = read_frame(sock, rest)
        if opcode == 0x8:
            return payload


def test_a_browser_that_does_not_read_keeps_gateway_memory_bounded(gateway):
    sock, head, rest = handshake(gateway.port, "/api/kernels/k1/channels", gateway.auth())
    try:
        assert head.startswith("HTTP/1.1 101")
        _, hello, rest = read_frame(sock, rest)
        assert b"hello" in hello
        baseline = rss_bytes(gateway.proc.pid)
        send_frame(sock, 0x1, f"flood:{FLOOD_FRAMES}:{FLOOD_FRAME_BYTES}".encode())
        peak = baseline
        for _ in range(30):  # not reading for ~3 s while the executor pushes 64 MiB
            time.sleep(0.1)
            peak = max(peak, rss_bytes(gateway.proc.pid))
        assert peak - baseline < 32 * 1024 * 1024, f"gateway grew by {(peak - baseline) >> 20} MiB"
        for index in range(FLOOD_FRAMES):  # then everything arrives, in order
            opcode, payload, rest = read_frame(sock, rest)
            while opcode == 0x9:  # keep-alive pings may come in between
                opcode, payload, rest = read_frame(sock, rest)
            assert opcode == 0x2
            assert len(payload) == FLOOD_FRAME_BYTES
            assert int.from_bytes(payload[:4], "big") == index
    finally:
        sock.close()


def test_bursts_and_pipelined_frames_arrive_in_order(gateway):
    async def scenario():
        async with websockets.connect(ws_url(gateway, "/api/kernels/k1/channels"), additional_headers=gateway.auth()) as ws:
            await ws.recv()
            await ws.send("burst:500")
            assert [await ws.recv() for _ in range(500)] == [str(index) for index in range(500)]
            for index in range(200):
                await ws.send(f"echo-{index}")
            assert [await ws.recv() for _ in range(200)] == [f"echo-{index}" for index in range(200)]
    asyncio.run(asyncio.wait_for(scenario(), 60))


def test_a_malformed_browser_frame_is_a_protocol_error_and_the_gateway_goes_on(gateway):
    sock, head, rest = handshake(gateway.port, "/api/kernels/k1/channels", gateway.auth())
    try:
        assert head.startswith("HTTP/1.1 101")
        send_frame(sock, 0x9, b"", fin=False)  # control frames must not be fragmented
        assert close_code(read_until_close(sock, rest)) == 1002
    finally:
        sock.close()
    assert_echo_still_works(gateway)


def test_a_malformed_executor_frame_closes_the_browser_side_with_1011(gateway):
    sock, head, rest = handshake(gateway.port, "/api/kernels/k1/channels", gateway.auth())
    try:
        assert head.startswith("HTTP/1.1 101")
        send_frame(sock, 0x1, b"garbage")
        assert close_code(read_until_close(sock, rest)) == 1011
    finally:
        sock.close()
    assert_echo_still_works(gateway)


def assert_echo_still_works(gateway):
    async def scenario():
        async with websockets.connect(ws_url(gateway, "/api/kernels/k1/channels"), additional_headers=gateway.auth()) as ws:
            await ws.recv()
            await ws.send("still here")
            assert await ws.recv() == "still here"
    asyncio.run(asyncio.wait_for(scenario(), 60))
