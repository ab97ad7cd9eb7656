"""A small stand-in for spin-executor: HTTP + WebSocket on a Unix socket.

It echoes what it received so tests can check what the gateway forwarded:
- GET /api/kernelspecs           -> one kernelspec (readiness); STAND_IN_KERNELSPECS picks
                                    a broken answer instead: none, status500, garbage, huge,
                                    hang, close
- any /echo/...                  -> JSON with method, path, query, headers, body size and
                                    which executor-side connection carried it
- GET /stream?n=N&delay=S         -> a chunked body of N lines, S seconds apart (defaults 5, 0.01)
- GET /cut                       -> the start of a chunked body, then the connection is cut
- GET /big?mb=N                  -> N MiB of numbered 64 KiB blocks, as fast as the gateway takes them
- POST /early                    -> 409 at once, without reading the request body
- GET /slow?s=N                  -> 200 after N seconds
- GET /metrics                   -> a Prometheus line, appended by the gateway to its own
- WS  /api/kernels/{id}/channels -> echoes frames (text/binary kept); selects
                                    v1.kernel.websocket.jupyter.org, else spin.json, when offered;
                                    a text "close:<code>" makes it close with that code;
                                    "flood:<count>:<size>" sends numbered binary frames as fast
                                    as the gateway takes them, "burst:<count>" small numbered text
                                    frames, "garbage" a malformed frame
- WS  /api/kernels/missing/channels -> 404 JSON
Run: python stand_in_executor.py  (socket from SPIN_EXECUTOR_SOCKET)
"""

import asyncio
import json
import os
import signal

from aiohttp import WSMsgType, web

PROTOCOLS = ["v1.kernel.websocket.jupyter.org", "spin.json"]


async def kernelspecs(request):
    mode = os.environ.get("STAND_IN_KERNELSPECS", "ok")
    if mode == "none":
        return web.json_response({"default": "python3", "kernelspecs": {}})
    if mode == "status500":
        return web.json_response({"error": "boom"}, status=500)
    if mode == "garbage":
        return web.Response(body=b'{"kernelspecs": {"python3": ', content_type="application/json")
    if mode == "huge":  # over the gateway's 4 MiB limit for its own requests
        return web.Response(body=b'{"kernelspecs": {"python3": {}}, "pad": "' + b"x" * (5 << 20) + b'"}')
    if mode == "hang":
        await asyncio.sleep(3600)
    if mode == "close":
        request.transport.close()
        await asyncio.sleep(1)
    return web.json_response({"default": "python3", "kernelspecs": {"python3": {"name": "python3", "spec": {}},
                                                                    "ir": {"name": "ir", "spec": {}}}})


async def metrics(_request):
    return web.Response(text="# TYPE spin_kernels gauge\nspin_kernels{state=\"idle\"} 0\n", content_type="text/plain")


async def echo(request):
    body = await request.read()
    return web.json_response({
        "method": request.method,
        "path": request.path,
        "query": request.query_string,
        "headers": {k: v for k, v in request.headers.items()},
        "body_bytes": len(body),
        "connection": str(id(request.transport)),
    })


async def stream(request):
    response = web.StreamResponse()
    await response.prepare(request)
    for index in range(int(request.query.get("n", "5"))):
        await response.write(f"part-{index}\n".encode())
        await asyncio.sleep(float(request.query.get("delay", "0.01")))
    await response.write_eof()
    return response


async def big(request):
    blocks = int(request.query.get("mb", "1")) * 16
    response = web.StreamResponse(headers={"Content-Length": str(blocks * 65536)})
    await response.prepare(request)
    for index in range(blocks):
        await response.write(index.to_bytes(4, "big") + bytes(65532))
    await response.write_eof()
    return response


async def slow(request):
    await asyncio.sleep(float(request.query.get("s", "5")))
    return web.json_response({"slept": True})


async def early(_request):
    return web.json_response({"answered": "before reading the body"}, status=409)


async def cut(request):
    response = web.StreamResponse()
    await response.prepare(request)
    await response.write(b"the start of an answer\n")
    await asyncio.sleep(0.05)
    request.transport.abort()
    return response


async def channels(request):
    if request.match_info["kernel"] == "missing":
        return web.json_response({"error": {"code": "kernel_not_found", "message": "No such kernel."}}, status=404)
    offered = [p.strip() for p in request.headers.get("Sec-WebSocket-Protocol", "").split(",") if p.strip()]
    socket = web.WebSocketResponse(protocols=[p for p in PROTOCOLS if p in offered], max_msg_size=64 * 1024 * 1024)
    await socket.prepare(request)
    await socket.send_str(json.dumps({"hello": True, "offered": offered, "headers": dict(request.headers), "query": request.query_string}))
    async for message in socket:
        if message.type == WSMsgType.TEXT:
            if await relay_command(socket, request, message.data):
                continue
            if message.data.startswith("close:"):
                await socket.close(code=int(message.data.split(":")[1]), message=b"bye")
                break
            await socket.send_str(message.data)
        elif message.type == WSMsgType.BINARY:
            await socket.send_bytes(message.data)
    return socket


async def relay_command(socket, request, text):
    """Commands for the relay tests; returns whether `text` was one."""
    command, _, argument = text.partition(":")
    if command == "flood":
        count, size = (int(part) for part in argument.split(":"))
        for index in range(count):
            await socket.send_bytes(index.to_bytes(4, "big") + b"x" * (size - 4))
        return True
    if command == "burst":
        for index in range(int(argument)):
            await socket.send_str(str(index))
        return True
    if command == "garbage":
        request.transport.write(b"\x09\x00")  # a ping without fin: control frames must not be fragmented
        return True
    return False


def main():
    path = os.environ["SPIN_EXECUTOR_SOCKET"]
    os.makedirs(os.path.dirname(path), exist_ok=True)
    if os.path.exists(path):
        os.unlink(path)
    app = web.Application(client_max_size=1024 ** 3)
    app.router.add_get("/api/kernelspecs", kernelspecs)
    app.router.add_get("/stream", stream)
    app.router.add_get("/cut", cut)
    app.router.add_get("/big", big)
    app.router.add_post("/early", early)
    app.router.add_get("/slow", slow)
    app.router.add_get("/metrics", metrics)
    app.router.add_get("/api/kernels/{kernel}/channels", channels)
    app.router.add_route("*", "/echo/{tail:.*}", echo)
    with open(os.path.join(os.path.dirname(path), "stand-in.env"), "w") as out:
        json.dump(dict(os.environ), out)
    signal.signal(signal.SIGTERM, lambda *_: (_ for _ in ()).throw(SystemExit(0)))
    web.run_app(app, path=path, print=None, handle_signals=False)


if __name__ == "__main__":
    main()
