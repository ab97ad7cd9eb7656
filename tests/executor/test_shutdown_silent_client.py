"""SIGTERM must end the executor even when a WebSocket client has gone
silent (it never reads and never answers the close handshake): after the
drain and a margin, what is still open is cancelled (SPEC §7)."""

from __future__ import annotations

import base64
import os
import socket

from spin_harness import Executor


def test_sigterm_exits_despite_a_silent_websocket_client(short_tmp):
    ex = Executor(short_tmp / "home", pool=0, extra_env={"SPIN_SHUTDOWN_GRACE": "1"}).start()
    kernel = ex.create_kernel()
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    sock.connect(str(ex.socket_path))
    key = base64.b64encode(os.urandom(16)).decode()
    sock.sendall((
        f"GET /api/kernels/{kernel['id']}/channels?session_id=silent HTTP/1.1\r\nHost: localhost\r\n"
        f"Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n"
    ).encode())
    head = b""
    while b"\r\n\r\n" not in head:
        head += sock.recv(4096)
    assert head.startswith(b"HTTP/1.1 101"), head
    try:
        # The harness allows 45 s; the executor must be done well within
        # SPIN_SHUTDOWN_GRACE (1 s) plus its 10 s margin and kernel shutdown.
        assert ex.stop(check=False, timeout=40) == 0
    finally:
        sock.close()
