#!/usr/bin/env python3
"""Verify frames written by a Swift test with Jupyter's reference implementations.

Usage::

    verify_frames.py FILE.json

FILE.json is one of:

* ``{"kind": "session", "key": "...", "messages": [{"frames_b64": [...],
  "expect": {...}}]}`` -- ZeroMQ multipart frames, starting at ``<IDS|MSG>``
  (routing identities before it are allowed). Each must pass
  ``jupyter_client.session.Session(key=..., signature_scheme="hmac-sha256")
  .deserialize`` (after ``feed_identities``).
* ``{"kind": "ws_v1", "messages": [{"frame_b64": "...", "expect": {...}}]}`` --
  ``v1.kernel.websocket.jupyter.org`` frames. Each must pass jupyter_server's
  ``deserialize_msg_from_ws_v1``, be well-formed (offsets consistent with the
  frame) and carry JSON header / parent_header / metadata / content.

``expect`` may contain any of: ``msg_type``, ``msg_id``, ``session``,
``channel`` (ws_v1 only), ``header``, ``parent_header``, ``metadata``,
``content``, ``buffers_b64``, ``identities_b64`` (session only). Dict values
are compared for JSON equality; ``header`` / ``parent_header`` / ``metadata``
expectations are compared as subsets (every expected key must be present with
the expected value), everything else exactly.

Exit status: 0 when every message verifies, 1 when any does not (each failure is
printed as ``FAIL [index name]: reason``), 2 when the input file is unusable.
"""

from __future__ import annotations

import base64
import binascii
import json
import sys
from pathlib import Path
from typing import Any

from jupyter_client.session import DELIM, Session
from jupyter_server.services.kernels.connection.base import deserialize_msg_from_ws_v1

SUBSET_KEYS = ("header", "parent_header", "metadata")
EXACT_KEYS = ("content",)


class VerifyError(Exception):
    pass


def unb64(value: Any, what: str) -> bytes:
    if not isinstance(value, str):
        raise VerifyError(f"{what} must be a base64 string, got {type(value).__name__}")
    try:
        return base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise VerifyError(f"{what} is not valid base64: {exc}") from exc


def parse_json_part(raw: bytes, what: str) -> Any:
    try:
        return json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise VerifyError(f"{what} is not UTF-8 JSON: {exc}; bytes={raw[:80]!r}") from exc


def is_subset(expected: Any, actual: Any) -> bool:
    if not isinstance(expected, dict) or not isinstance(actual, dict):
        return expected == actual
    return all(k in actual and actual[k] == v for k, v in expected.items())


def check_expect(expect: dict[str, Any], actual: dict[str, Any]) -> None:
    """Compare expectations against the values decoded from the frames."""
    problems = []
    for key, want in expect.items():
        if key not in actual:
            problems.append(f"unknown expect key {key!r} (allowed: {sorted(actual)})")
            continue
        got = actual[key]
        ok = is_subset(want, got) if key in SUBSET_KEYS else got == want
        if not ok:
            problems.append(
                f"{key}: expected {json.dumps(want, ensure_ascii=False)[:400]}, "
                f"got {json.dumps(got, ensure_ascii=False, default=str)[:400]}"
            )
    if problems:
        raise VerifyError("; ".join(problems))


def verify_session(index: int, key: bytes, entry: dict[str, Any]) -> None:
    frames_b64 = entry.get("frames_b64")
    if not isinstance(frames_b64, list) or not frames_b64:
        raise VerifyError("frames_b64 must be a non-empty list")
    frames = [unb64(f, f"frames_b64[{i}]") for i, f in enumerate(frames_b64)]
    if DELIM not in frames:
        raise VerifyError(f"no {DELIM!r} delimiter frame among {len(frames)} frames")
    # A fresh Session per message: Session.deserialize rejects a signature it
    # has already seen (replay protection), which is not what we test here.
    session = Session(key=key, signature_scheme="hmac-sha256")
    identities, msg_list = session.feed_identities(frames)
    if len(msg_list) < 5:
        raise VerifyError(
            f"after the delimiter there must be at least 5 frames (signature, header, "
            f"parent_header, metadata, content), got {len(msg_list)}"
        )
    sig = msg_list[0]
    expected_sig = session.sign(msg_list[1:5])
    if sig != expected_sig:
        raise VerifyError(
            f"signature mismatch: frame has {sig[:80]!r}, Jupyter computes {expected_sig.decode()}"
        )
    try:
        msg = session.deserialize(msg_list)
    except Exception as exc:  # noqa: BLE001 - report whatever Jupyter rejects
        raise VerifyError(f"Session.deserialize rejected the frames: {type(exc).__name__}: {exc}") from exc
    header = parse_json_part(msg_list[1], "header")
    actual = {
        "msg_type": msg["msg_type"],
        "msg_id": msg["msg_id"],
        "session": header.get("session"),
        "header": header,
        "parent_header": parse_json_part(msg_list[2], "parent_header"),
        "metadata": parse_json_part(msg_list[3], "metadata"),
        "content": msg["content"],
        "buffers_b64": [base64.b64encode(bytes(b)).decode("ascii") for b in msg["buffers"]],
        "identities_b64": [base64.b64encode(i).decode("ascii") for i in identities],
    }
    for field in ("msg_id", "msg_type", "session", "username", "date", "version"):
        if field not in header:
            raise VerifyError(f"header lacks {field!r}: {header}")
    check_expect(entry.get("expect") or {}, actual)


def verify_ws_v1(index: int, entry: dict[str, Any]) -> None:
    frame = unb64(entry.get("frame_b64"), "frame_b64")
    if len(frame) < 8:
        raise VerifyError(f"frame is {len(frame)} bytes, shorter than the offset count")
    # Structural checks that jupyter_server's decoder silently assumes.
    count = int.from_bytes(frame[:8], "little")
    if count < 6:
        raise VerifyError(
            f"offset count {count} < 6 (channel + header, parent_header, metadata, content need 6 offsets)"
        )
    if 8 * (count + 1) > len(frame):
        raise VerifyError(f"offset table ({count} offsets) runs past the frame ({len(frame)} bytes)")
    offsets = [int.from_bytes(frame[8 * (i + 1) : 8 * (i + 2)], "little") for i in range(count)]
    if offsets[0] != 8 * (count + 1):
        raise VerifyError(f"first offset is {offsets[0]}, expected {8 * (count + 1)} (right after the table)")
    if any(b < a for a, b in zip(offsets, offsets[1:])):
        raise VerifyError(f"offsets are not non-decreasing: {offsets}")
    if offsets[-1] != len(frame):
        raise VerifyError(f"last offset {offsets[-1]} != frame length {len(frame)}")
    try:
        channel, msg_list = deserialize_msg_from_ws_v1(frame)
    except Exception as exc:  # noqa: BLE001
        raise VerifyError(f"deserialize_msg_from_ws_v1 failed: {type(exc).__name__}: {exc}") from exc
    if channel not in ("shell", "iopub", "stdin", "control"):
        raise VerifyError(f"unknown channel {channel!r}")
    if len(msg_list) < 4:
        raise VerifyError(f"expected at least 4 message parts, got {len(msg_list)}")
    header = parse_json_part(msg_list[0], "header")
    if not isinstance(header, dict) or "msg_type" not in header or "msg_id" not in header:
        raise VerifyError(f"header lacks msg_type/msg_id: {header}")
    actual = {
        "channel": channel,
        "msg_type": header["msg_type"],
        "msg_id": header["msg_id"],
        "session": header.get("session"),
        "header": header,
        "parent_header": parse_json_part(msg_list[1], "parent_header"),
        "metadata": parse_json_part(msg_list[2], "metadata"),
        "content": parse_json_part(msg_list[3], "content"),
        "buffers_b64": [base64.b64encode(b).decode("ascii") for b in msg_list[4:]],
    }
    check_expect(entry.get("expect") or {}, actual)


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print(f"usage: {argv[0]} FILE.json", file=sys.stderr)
        return 2
    path = Path(argv[1])
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        print(f"error: cannot read {path}: {exc}", file=sys.stderr)
        return 2
    kind = doc.get("kind") if isinstance(doc, dict) else None
    messages = doc.get("messages") if isinstance(doc, dict) else None
    if kind not in ("session", "ws_v1") or not isinstance(messages, list) or not messages:
        print(
            f'error: {path} must be {{"kind": "session"|"ws_v1", "messages": [...non-empty...]}}',
            file=sys.stderr,
        )
        return 2
    key = b""
    if kind == "session":
        if not isinstance(doc.get("key"), str) or not doc["key"]:
            print(f'error: {path}: kind "session" needs a non-empty "key" string', file=sys.stderr)
            return 2
        key = doc["key"].encode("utf-8")

    failures = 0
    for index, entry in enumerate(messages):
        label = f"{index}" + (f" {entry.get('name')}" if isinstance(entry, dict) and entry.get("name") else "")
        try:
            if not isinstance(entry, dict):
                raise VerifyError("message entry is not an object")
            if kind == "session":
                verify_session(index, key, entry)
            else:
                verify_ws_v1(index, entry)
        except VerifyError as exc:
            failures += 1
            print(f"FAIL [{label}]: {exc}")
        else:
            print(f"ok   [{label}]")
    total = len(messages)
    if failures:
        print(f"{failures} of {total} {kind} messages failed verification against Jupyter's implementation")
        return 1
    print(f"all {total} {kind} messages verified against Jupyter's implementation")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
