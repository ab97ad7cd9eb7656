"""Hostile input: the gateway answers clearly or closes, and stays up."""

import socket
import time

import requests


def raw_exchange(port, payload, timeout=30):
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as sock:
        sock.sendall(payload)
        data = b""
        try:
            while True:
                chunk = sock.recv(65536)
                if not chunk:
                    break
                data += chunk
        except (ConnectionResetError, socket.timeout):
            pass
        return data


def test_oversized_headers(gateway):
    huge = "x" * (200 * 1024)
    try:
        response = requests.get(gateway.url + "/api", headers={**gateway.auth(), "X-Huge": huge}, timeout=30)
        assert 400 <= response.status_code < 500
    except requests.exceptions.ConnectionError:
        pass
    many = {f"X-H{i}": "v" for i in range(500)}
    try:
        response = requests.get(gateway.url + "/api", headers={**gateway.auth(), **many}, timeout=30)
        assert 400 <= response.status_code < 500
    except requests.exceptions.ConnectionError:
        pass
    assert gateway.get("/healthz").status_code == 200


def test_garbage_request_line(gateway):
    answer = raw_exchange(gateway.port, b"\x16\x03\x01\x02\x00garbage\r\n\r\n")
    assert answer == b"" or answer.startswith(b"HTTP/1.1 400")
    assert gateway.get("/healthz").status_code == 200


def read_one_answer(sock):
    """One HTTP/1.1 answer with a Content-Length body, read from a raw socket."""
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(65536)
        assert chunk, data
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    length = next(int(line.split(b":", 1)[1]) for line in head.split(b"\r\n") if line.lower().startswith(b"content-length:"))
    while len(body) < length:
        chunk = sock.recv(65536)
        assert chunk, data
        body += chunk
    return head


def test_garbage_after_an_answered_request_gets_400_and_the_connection_closes(gateway):
    # The first request is answered by the proxy (forwarded) or by the gateway's own
    # routes; the broken one after it, on the same connection, gets NIO's plain 400.
    for first in (f"GET /api/kernelspecs HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {gateway.token}\r\n\r\n", "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"):
        with socket.create_connection(("127.0.0.1", gateway.port), timeout=30) as sock:
            sock.sendall(first.encode())
            assert read_one_answer(sock).startswith(b"HTTP/1.1 200")
            sock.sendall(b"BROKEN\x00 REQUEST\r\n\r\n")
            rest = b""
            while chunk := sock.recv(65536):
                rest += chunk
            assert rest.startswith(b"HTTP/1.1 400"), rest[:200]
            assert b"connection: close" in rest.lower()
    assert gateway.get("/healthz").status_code == 200


def test_malformed_upgrades(gateway):
    auth = f"Authorization: Bearer {gateway.token}\r\n".encode()
    no_key = b"GET /api/kernels/k1/channels HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\n" + auth + b"\r\n"
    answer = raw_exchange(gateway.port, no_key)
    assert answer.startswith(b"HTTP/1.1 400"), answer[:200]
    bad_version = b"GET /api/kernels/k1/channels HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 8\r\n" + auth + b"\r\n"
    answer = raw_exchange(gateway.port, bad_version)
    assert answer.startswith(b"HTTP/1.1 4"), answer[:200]
    no_token = b"GET /api/kernels/k1/channels HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n"
    answer = raw_exchange(gateway.port, no_token)
    assert answer.startswith(b"HTTP/1.1 401"), answer[:200]
    assert b'"unauthorized"' in answer
    assert gateway.get("/healthz").status_code == 200


def test_slow_loris_is_cut_by_the_header_timeout(make_gateway):
    gateway = make_gateway(env={"SPIN_HEADER_TIMEOUT": "2"}).start()
    sock = socket.create_connection(("127.0.0.1", gateway.port), timeout=60)
    sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n")
    closed = False
    try:
        for _ in range(60):
            try:
                sock.sendall(b"X-a: b\r\n")
            except (BrokenPipeError, ConnectionResetError):
                closed = True
                break
            sock.settimeout(0.5)
            try:
                if sock.recv(1024) == b"":
                    closed = True
                    break
            except socket.timeout:
                pass
            except ConnectionResetError:
                closed = True
                break
    finally:
        sock.close()
    assert closed, "the gateway kept a never-ending request head open"
    assert gateway.get("/healthz").status_code == 200


def test_many_idle_connections_do_not_block_service(make_gateway):
    gateway = make_gateway(env={"SPIN_HEADER_TIMEOUT": "5"}).start()
    idle = [socket.create_connection(("127.0.0.1", gateway.port)) for _ in range(200)]
    try:
        assert gateway.get("/healthz").status_code == 200
        assert requests.get(gateway.url + "/echo/x", headers=gateway.auth(), timeout=10).status_code == 200
    finally:
        for sock in idle:
            sock.close()
