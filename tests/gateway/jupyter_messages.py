"""Jupyter messages for the end-to-end tests (JSON and v1 WebSocket forms)."""

import asyncio
import datetime
import json
import uuid

from jupyter_server.services.kernels.connection.base import deserialize_msg_from_ws_v1, serialize_msg_to_ws_v1


def execute_request(code, session):
    return {
        "header": {"msg_id": uuid.uuid4().hex, "msg_type": "execute_request", "username": "test", "session": session,
                   "date": datetime.datetime.now(datetime.timezone.utc).isoformat(), "version": "5.3"},
        "parent_header": {}, "metadata": {}, "channel": "shell", "buffers": [],
        "content": {"code": code, "silent": False, "store_history": True, "user_expressions": {}, "allow_stdin": False, "stop_on_error": True},
    }


def to_v1(message):
    parts = [json.dumps(message[key]).encode() for key in ("header", "parent_header", "metadata", "content")]
    return serialize_msg_to_ws_v1(parts, message["channel"])


def from_v1(frame):
    channel, parts = deserialize_msg_from_ws_v1(frame)
    header, parent, metadata, content = (json.loads(part) for part in parts[:4])
    return {"channel": channel, "header": header, "parent_header": parent, "metadata": metadata, "content": content}


async def run_cell(ws, code, binary=False, timeout=60):
    """Sends an execute_request; returns (stdout text, execute_reply content)."""
    request = execute_request(code, session=uuid.uuid4().hex)
    await ws.send(to_v1(request) if binary else json.dumps(request))
    stdout, reply, idle = "", None, False
    while not (reply and idle):
        raw = await asyncio.wait_for(ws.recv(), timeout)
        message = from_v1(raw) if binary else json.loads(raw)
        if message.get("parent_header", {}).get("msg_id") != request["header"]["msg_id"]:
            continue
        kind = message["header"]["msg_type"]
        if kind == "stream":
            stdout += message["content"]["text"]
        elif kind == "execute_reply":
            reply = message["content"]
        elif kind == "status" and message["content"]["execution_state"] == "idle":
            idle = True
    return stdout, reply
