"""A little of every kind of traffic, for scripts/link/generate-order.sh: readiness and
status requests, a kernel started, three cells run over its WebSocket, the kernel deleted.

    SPIN_TOKEN=... traffic.py PORT
"""
import asyncio
import json
import os
import ssl
import sys
import urllib.request
import uuid

import websockets

PORT, TOKEN = sys.argv[1], os.environ["SPIN_TOKEN"]  # not in argv, where `ps` shows it
TLS = ssl.create_default_context()
TLS.check_hostname = False
TLS.verify_mode = ssl.CERT_NONE  # the script's own throwaway certificate


def http(method: str, path: str, body=None):
    request = urllib.request.Request(
        f"https://127.0.0.1:{PORT}{path}", method=method,
        data=None if body is None else json.dumps(body).encode(),
        headers={"Authorization": f"token {TOKEN}", "Content-Type": "application/json"})
    with urllib.request.urlopen(request, context=TLS, timeout=300) as response:
        return json.loads(response.read() or b"null")


async def run_cell(ws, code: str) -> None:
    msg_id = uuid.uuid4().hex
    await ws.send(json.dumps({
        "header": {"msg_id": msg_id, "msg_type": "execute_request", "username": "", "session": "link-order",
                   "date": "", "version": "5.3"},
        "parent_header": {}, "metadata": {}, "channel": "shell",
        "content": {"code": code, "silent": False}}))
    seen = set()
    while len(seen) < 2:
        message = json.loads(await asyncio.wait_for(ws.recv(), 300))
        if message.get("parent_header", {}).get("msg_id") != msg_id:
            continue
        if message["msg_type"] == "execute_reply":
            seen.add("reply")
        elif message["msg_type"] == "status" and message["content"]["execution_state"] == "idle":
            seen.add("idle")


async def main() -> None:
    for _ in range(3):
        http("GET", "/readyz")  # what health checks and `make run` poll
    for _ in range(5):
        http("GET", "/api/status")
    kernel = http("POST", "/api/kernels", {"name": "python3"})
    url = f"wss://127.0.0.1:{PORT}/api/kernels/{kernel['id']}/channels?token={TOKEN}"
    async with websockets.connect(url, ssl=TLS, max_size=None, open_timeout=300) as ws:
        for code in ("1+1", "print('x' * 1000)", "for i in range(3): print(i)"):
            await run_cell(ws, code)
    http("DELETE", f"/api/kernels/{kernel['id']}")
    for _ in range(5):
        http("GET", "/api/status")


asyncio.run(main())
