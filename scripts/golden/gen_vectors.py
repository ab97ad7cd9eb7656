#!/usr/bin/env python3
"""Generate golden vectors for the Jupyter wire protocol from Jupyter's own code.

Writes two fixtures (byte-for-byte stable across runs):

* ``session_vectors.json`` -- ZeroMQ multipart frames produced by
  ``jupyter_client.session.Session.serialize`` (HMAC-SHA256 signed).
* ``ws_v1_vectors.json`` -- ``v1.kernel.websocket.jupyter.org`` binary frames
  produced by jupyter_server's ``serialize_msg_to_ws_v1``.

Usage::

    gen_vectors.py [--out-dir DIR]

The default output folder is ``Tests/JupyterProtocolTests/Fixtures`` of the
repository this script lives in. Every id, session and date is fixed, so the
output only changes when this script (or Jupyter's serialisation) changes.
"""

from __future__ import annotations

import argparse
import base64
import json
from pathlib import Path
from typing import Any

from jupyter_client.session import DELIM, Session
from jupyter_server.services.kernels.connection.base import serialize_msg_to_ws_v1

KEY = b"spin-golden-key-0123456789abcdef"
SESSION_ID = "5f1d0c1e-golden-session-0000000000a1"
KERNEL_SESSION_ID = "9a8b7c6d-golden-kernel-session-00000b2"
USERNAME = "golden"
DATE = "2026-01-02T03:04:05.678901Z"
DATE_2 = "2026-01-02T03:04:06.000123Z"
PROTOCOL_VERSION = "5.3"

REPO_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_OUT_DIR = REPO_ROOT / "Tests" / "JupyterProtocolTests" / "Fixtures"


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def header(msg_id: str, msg_type: str, *, session: str = SESSION_ID, date: str = DATE) -> dict[str, Any]:
    # Same key order as jupyter_client.session.msg_header.
    return {
        "msg_id": msg_id,
        "msg_type": msg_type,
        "username": USERNAME,
        "session": session,
        "date": date,
        "version": PROTOCOL_VERSION,
    }


def make_session() -> Session:
    return Session(
        key=KEY,
        signature_scheme="hmac-sha256",
        session=SESSION_ID,
        username=USERNAME,
    )


# --------------------------------------------------------------------------
# Messages shared by both fixtures
# --------------------------------------------------------------------------

EXECUTE_REQUEST_HEADER = header("golden-msg-0001-execute-request", "execute_request")

EXECUTE_REQUEST = {
    "header": EXECUTE_REQUEST_HEADER,
    "parent_header": {},
    "metadata": {},
    "content": {
        "code": "1+1",
        "silent": False,
        "store_history": True,
        "user_expressions": {},
        "allow_stdin": True,
        "stop_on_error": True,
    },
    "buffers": [],
}

EXECUTE_REPLY = {
    "header": header(
        "golden-msg-0002-execute-reply", "execute_reply", session=KERNEL_SESSION_ID, date=DATE_2
    ),
    "parent_header": EXECUTE_REQUEST_HEADER,
    "metadata": {
        "started": DATE,
        "dependencies_met": True,
        "engine": "3c1b3a48-golden-engine",
        "status": "ok",
    },
    "content": {
        "status": "ok",
        "execution_count": 1,
        "user_expressions": {},
        "payload": [],
    },
    "buffers": [],
}

STREAM = {
    "header": header("golden-msg-0003-stream", "stream", session=KERNEL_SESSION_ID, date=DATE_2),
    "parent_header": EXECUTE_REQUEST_HEADER,
    "metadata": {},
    "content": {"name": "stdout", "text": "hello, world\n"},
    "buffers": [],
}

UNICODE = {
    "header": header(
        "golden-msg-0004-execute-result-unicode",
        "execute_result",
        session=KERNEL_SESSION_ID,
        date=DATE_2,
    ),
    "parent_header": EXECUTE_REQUEST_HEADER,
    "metadata": {"ünïcødé-key": "wert ü"},
    "content": {
        "execution_count": 2,
        "data": {
            "text/plain": "'ü 日本 🚀'",
            "text/html": "<b>ü 日本 🚀</b> &amp; \"quotes\" \\ back/slash\ttab\nnewline \u0001 ctrl",
        },
        "metadata": {},
    },
    "buffers": [],
}

BUFFERS = {
    "header": header("golden-msg-0005-comm-msg-buffers", "comm_msg"),
    "parent_header": {},
    "metadata": {},
    "content": {
        "comm_id": "golden-comm-0001",
        "data": {"method": "update", "state": {"value": 42}, "buffer_paths": [["a"], ["b"]]},
    },
    "buffers": [b"\x00\x01\x02\xff\xfe binary\x00", bytes(range(256))],
}

NESTED = {
    "header": header("golden-msg-0006-nested-empty", "comm_open"),
    "parent_header": {},
    "metadata": {},
    "content": {
        "comm_id": "golden-comm-0002",
        "target_name": "golden.target",
        "data": {
            "empty_object": {},
            "empty_list": [],
            "empty_string": "",
            "nested": {"a": {"b": {"c": [1, -2, 2.5, 1e-07, 4294967296, True, False, None, {}, []]}}},
            "list_of_objects": [{"x": 1}, {}, {"y": {"z": {}}}],
        },
    },
    "buffers": [],
}

KERNEL_INFO_REQUEST = {
    "header": header("golden-msg-0007-kernel-info", "kernel_info_request"),
    "parent_header": {},
    "metadata": {},
    "content": {},
    "buffers": [],
}

STATUS_IDLE = {
    "header": header("golden-msg-0008-status", "status", session=KERNEL_SESSION_ID, date=DATE_2),
    "parent_header": EXECUTE_REQUEST_HEADER,
    "metadata": {},
    "content": {"execution_state": "idle"},
    "buffers": [],
}

INPUT_REQUEST = {
    "header": header(
        "golden-msg-0009-input-request", "input_request", session=KERNEL_SESSION_ID, date=DATE_2
    ),
    "parent_header": EXECUTE_REQUEST_HEADER,
    "metadata": {},
    "content": {"prompt": "Name? ", "password": False},
    "buffers": [],
}

INTERRUPT_REQUEST = {
    "header": header("golden-msg-0010-interrupt-request", "interrupt_request"),
    "parent_header": {},
    "metadata": {},
    "content": {},
    "buffers": [],
}

INPUT_REPLY = {
    "header": header("golden-msg-0011-input-reply", "input_reply"),
    "parent_header": INPUT_REQUEST["header"],
    "metadata": {},
    "content": {"value": "Ada ü"},
    "buffers": [],
}

# (name, message, identities). Identities are what a ROUTER socket prepends:
# a 5-byte binary routing id (0x00 + 4 bytes) or an iopub topic.
SESSION_CASES: list[tuple[str, dict[str, Any], list[bytes]]] = [
    ("execute_request", EXECUTE_REQUEST, []),
    ("execute_request_with_identity", EXECUTE_REQUEST, [b"\x00k\x8bEg"]),
    ("execute_reply_with_parent", EXECUTE_REPLY, [b"\x00k\x8bEg"]),
    ("stream_stdout", STREAM, [b"kernel.9a8b7c6d.stream"]),
    ("unicode_content", UNICODE, [b"kernel.9a8b7c6d.execute_result"]),
    ("two_binary_buffers", BUFFERS, []),
    ("nested_and_empty_dicts", NESTED, []),
    ("kernel_info_request_empty_content", KERNEL_INFO_REQUEST, [b"ident-a", b"ident-b"]),
    ("status_idle", STATUS_IDLE, [b"kernel.9a8b7c6d.status"]),
]

WS_V1_CASES: list[tuple[str, str, dict[str, Any]]] = [
    ("shell_execute_request", "shell", EXECUTE_REQUEST),
    ("shell_execute_reply", "shell", EXECUTE_REPLY),
    ("iopub_stream", "iopub", STREAM),
    ("iopub_unicode", "iopub", UNICODE),
    ("iopub_status_idle", "iopub", STATUS_IDLE),
    ("iopub_comm_msg_two_buffers", "iopub", BUFFERS),
    ("shell_comm_msg_two_buffers", "shell", BUFFERS),
    ("shell_nested_and_empty", "shell", NESTED),
    ("stdin_input_request", "stdin", INPUT_REQUEST),
    ("stdin_input_reply", "stdin", INPUT_REPLY),
    ("control_interrupt_request", "control", INTERRUPT_REQUEST),
    ("control_kernel_info_request_empty", "control", KERNEL_INFO_REQUEST),
]


def session_vectors() -> dict[str, Any]:
    session = make_session()
    messages = []
    for name, msg, identities in SESSION_CASES:
        to_send = session.serialize(
            {
                "header": msg["header"],
                "parent_header": msg["parent_header"],
                "metadata": msg["metadata"],
                "content": msg["content"],
            },
            ident=list(identities),
        )
        # Session.serialize leaves buffers to Session.send, which appends them
        # unsigned after the content frame. Do the same.
        to_send.extend(msg["buffers"])
        delim_at = len(identities)
        assert to_send[delim_at] == DELIM
        frames = to_send[delim_at:]
        signature = frames[1].decode("ascii")
        # Self-check: Jupyter's own deserializer accepts what we wrote.
        check = make_session().deserialize(frames[1:])
        assert check["content"] == msg["content"], name
        messages.append(
            {
                "name": name,
                "identities_b64": [b64(i) for i in identities],
                "frames_b64": [b64(f) for f in frames],
                "signature": signature,
                "msg_type": msg["header"]["msg_type"],
                "msg_id": msg["header"]["msg_id"],
                "session": msg["header"]["session"],
                "header": msg["header"],
                "parent_header": msg["parent_header"],
                "metadata": msg["metadata"],
                "content": msg["content"],
                "buffers_b64": [b64(b) for b in msg["buffers"]],
            }
        )
    return {
        "key": KEY.decode("utf-8"),
        "signature_scheme": "hmac-sha256",
        "messages": messages,
    }


def ws_v1_vectors() -> dict[str, Any]:
    session = make_session()
    messages = []
    for name, channel, msg in WS_V1_CASES:
        # What jupyter_server does in ZMQChannelsWebsocketConnection: the ZeroMQ
        # parts after the signature (header, parent, metadata, content, buffers).
        parts = [
            session.pack(msg["header"]),
            session.pack(msg["parent_header"]),
            session.pack(msg["metadata"]),
            session.pack(msg["content"]),
            *msg["buffers"],
        ]
        frame = serialize_msg_to_ws_v1(parts, channel)
        messages.append(
            {
                "name": name,
                "channel": channel,
                "frame_b64": b64(frame),
                "header": msg["header"],
                "parent_header": msg["parent_header"],
                "metadata": msg["metadata"],
                "content": msg["content"],
                "buffers_b64": [b64(b) for b in msg["buffers"]],
            }
        )
    return {"protocol": "v1.kernel.websocket.jupyter.org", "messages": messages}


def dump(obj: Any) -> str:
    return json.dumps(obj, indent=2, ensure_ascii=False) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out-dir", type=Path, default=DEFAULT_OUT_DIR)
    args = parser.parse_args(argv)
    out: Path = args.out_dir
    out.mkdir(parents=True, exist_ok=True)
    (out / "session_vectors.json").write_text(dump(session_vectors()), encoding="utf-8")
    (out / "ws_v1_vectors.json").write_text(dump(ws_v1_vectors()), encoding="utf-8")
    print(f"wrote {out / 'session_vectors.json'} and {out / 'ws_v1_vectors.json'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
