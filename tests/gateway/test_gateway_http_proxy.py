"""The gateway's HTTP proxy on one connection: order, keep-alive, refusals, cut answers.

Raw sockets where a client library would hide what is tested (pipelining, HEAD framing,
an answer that ends early).
"""

import json
import os
import signal
import socket
import time

import requests


def connect(gateway):
    sock = socket.create_connection(("127.0.0.1", gateway.port), timeout=10)
    return sock, sock.makefile("rb")


def request(path, token=None, method="GET", body=b"", extra=""):
    lines = [f"{method} {path} HTTP/1.1", "Host: gateway.test"]
    if token:
        lines.append(f"Authorization: Bearer {token}")
    if body or method == "POST":
        lines.append(f"Content-Length: {len(body)}")
    if extra:
        lines.append(extra)
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


def read_response_head(rfile):
    """(status, headers with lower-case names, None) of one response."""
    status_line = rfile.readline()
    assert status_line.startswith(b"HTTP/1.1 "), status_line
    headers = {}
    while (line := rfile.readline()) not in (b"\r\n", b""):
        name, value = line.decode().split(":", 1)
        headers[name.strip().lower()] = value.strip()
    return int(status_line.split()[1]), headers, None


def exchange(sock, rfile, data):
    """Sends `data` (one request) and reads its response."""
    sock.sendall(data)
    return read_response(rfile)


def read_response(rfile, head_request=False):
    """(status, headers with lower-case names, body) of one response, framing honoured."""
    status, headers, _ = read_response_head(rfile)
    if head_request:
        body = b""
    elif "content-length" in headers:
        body = rfile.read(int(headers["content-length"]))
    elif headers.get("transfer-encoding") == "chunked":
        body = b""
        while (size := int(rfile.readline().strip(), 16)) > 0:
            body += rfile.read(size)
            rfile.readline()
        rfile.readline()
    else:
        body = b""
    return status, headers, body


def test_pipelined_requests_on_both_paths_are_answered_in_order(gateway):
    sock, rfile = connect(gateway)
    sock.sendall(
        request("/echo/one", gateway.token) + request("/healthz") + request("/echo/two", gateway.token)
        + request("/echo/three", "wrong-token") + request("/echo/four", gateway.token)
    )
    answers = [read_response(rfile) for _ in range(5)]
    assert [status for status, _, _ in answers] == [200, 200, 200, 401, 200]
    assert json.loads(answers[0][2])["path"] == "/echo/one"
    assert json.loads(answers[1][2]) == {"status": "ok"}
    assert json.loads(answers[2][2])["path"] == "/echo/two"
    assert json.loads(answers[3][2])["error"]["code"] == "unauthorized"
    assert json.loads(answers[4][2])["path"] == "/echo/four"
    sock.close()


def test_one_browser_connection_reuses_one_executor_connection(gateway):
    with requests.Session() as session:
        seen = {session.get(gateway.url + f"/echo/k{i}", headers=gateway.auth(), timeout=10).json()["connection"] for i in range(20)}
    assert len(seen) == 1


def test_connection_close_is_honoured(gateway):
    sock, rfile = connect(gateway)
    status, headers, body = exchange(sock, rfile, request("/echo/bye", gateway.token, extra="Connection: close"))
    assert status == 200 and json.loads(body)["path"] == "/echo/bye"
    assert headers.get("connection") == "close"
    assert rfile.read() == b""  # closed by the gateway
    sock.close()


def test_a_refused_request_with_a_body_leaves_the_connection_usable(gateway):
    sock, rfile = connect(gateway)
    sock.sendall(request("/echo/x", "wrong-token", method="POST", body=b"hello") + request("/echo/y", gateway.token))
    first, second = read_response(rfile), read_response(rfile)
    assert first[0] == 401
    assert second[0] == 200 and json.loads(second[2])["path"] == "/echo/y"
    sock.close()


def test_head_gets_headers_only_and_the_connection_goes_on(gateway):
    sock, rfile = connect(gateway)
    sock.sendall(request("/echo/h", gateway.token, method="HEAD") + request("/echo/g", gateway.token))
    status, headers, _ = read_response(rfile, head_request=True)
    assert status == 200 and int(headers["content-length"]) > 0
    status, _, body = read_response(rfile)
    assert status == 200 and json.loads(body)["path"] == "/echo/g"
    sock.close()


def test_an_answer_cut_by_the_executor_is_not_passed_off_as_complete(gateway):
    sock, rfile = connect(gateway)
    sock.sendall(request("/cut", gateway.token))
    status_line = rfile.readline()
    assert b" 200 " in status_line
    rest = rfile.read()  # until the gateway closes the connection
    assert b"the start of an answer" in rest
    assert not rest.endswith(b"0\r\n\r\n")  # no final chunk: the client knows it is incomplete
    sock.close()
    assert requests.get(gateway.url + "/echo/after-cut", headers=gateway.auth(), timeout=10).status_code == 200


def test_a_kept_alive_connection_outlives_an_executor_restart(gateway):
    with requests.Session() as session:
        assert session.get(gateway.url + "/echo/before", headers=gateway.auth(), timeout=10).status_code == 200
        gateway.wait_for(lambda: len(gateway.children()) == 1, "one executor child")
        os.kill(gateway.children()[0], signal.SIGKILL)
        statuses = []

        def answered():
            statuses.append(session.get(gateway.url + "/echo/after", headers=gateway.auth(), timeout=10).status_code)
            return statuses[-1] == 200

        gateway.wait_for(answered, "the same connection answered again after the restart", timeout=30)
        assert set(statuses) <= {200, 503}


def vm_rss(pid):
    for line in open(f"/proc/{pid}/status"):
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    raise AssertionError("no VmRSS")


def test_a_client_that_does_not_read_keeps_gateway_memory_bounded(gateway):
    """The executor is not read while the browser cannot take more: a 128 MiB answer
    to a client that stops reading waits in the executor's socket, not in the gateway."""
    sock, rfile = connect(gateway)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 65536)
    sock.sendall(request("/big?mb=128", gateway.token))
    baseline = vm_rss(gateway.proc.pid)
    peak = baseline
    for _ in range(30):
        time.sleep(0.1)
        peak = max(peak, vm_rss(gateway.proc.pid))
    assert peak - baseline < 32 * 1024 * 1024, f"gateway grew by {(peak - baseline) >> 20} MiB"
    status, headers, _ = read_response_head(rfile)
    assert status == 200
    remaining, index = int(headers["content-length"]), 0
    while remaining:
        block = rfile.read(65536)
        assert len(block) == 65536 and int.from_bytes(block[:4], "big") == index
        remaining -= len(block)
        index += 1
    assert index == 128 * 16
    sock.close()


def test_an_early_answer_during_an_upload_leaves_the_connection_usable(gateway):
    """The executor answers before it read a large body: the browser gets the answer, the
    rest of the body is still taken (and dropped), and the connection serves the next request."""
    import threading

    size = 24 * 1024 * 1024  # under SPIN_MAX_BODY_BYTES, far more than the sockets hold
    sock, rfile = connect(gateway)
    sock.settimeout(30)
    sock.sendall(f"POST /early HTTP/1.1\r\nHost: gw.test\r\nAuthorization: Bearer {gateway.token}\r\n"
                 f"Content-Length: {size}\r\n\r\n".encode())
    sender = threading.Thread(target=lambda: sock.sendall(bytes(size)), daemon=True)
    sender.start()
    status, _, body = read_response(rfile)
    assert status == 409 and json.loads(body)["answered"] == "before reading the body"
    sender.join(30)
    assert not sender.is_alive(), "the gateway stopped reading the rest of the body"
    status, _, body = exchange(sock, rfile, request("/echo/after-early", gateway.token))
    assert status == 200 and json.loads(body)["path"] == "/echo/after-early"
    sock.close()


def test_a_client_that_half_closes_still_gets_the_whole_answer(gateway):
    sock, rfile = connect(gateway)
    sock.sendall(request("/stream", gateway.token))
    sock.shutdown(socket.SHUT_WR)  # as `nc -N` and some HTTP/1.0 tools do
    status, _, body = read_response(rfile)
    assert status == 200
    assert body == b"".join(f"part-{i}\n".encode() for i in range(5))
    sock.close()


def test_an_answer_that_does_not_begin_in_time_gets_504_and_the_connection_goes_on(make_gateway):
    """SPIN_EXECUTOR_TIMEOUT=1: quick requests for longer than the timeout, then a slow one
    on the same connection. The slow one gets 504 (the connection's one timer moves on to
    the later request's deadline); the connection stays usable; an answer that has begun
    (a stream longer than the timeout) is not cut."""
    gateway = make_gateway(env={"SPIN_EXECUTOR_TIMEOUT": "1"}).start()
    sock, rfile = connect(gateway)
    with sock:
        started = time.monotonic()
        while time.monotonic() - started < 1.5:
            assert exchange(sock, rfile, request("/echo/x", token=gateway.token))[0] == 200
            time.sleep(0.1)
        sent = time.monotonic()
        status, headers, body = exchange(sock, rfile, request("/slow?s=4", token=gateway.token))
        assert status == 504, body
        assert json.loads(body)["error"]["code"] == "executor_timeout"
        assert time.monotonic() - sent < 3.5
        assert exchange(sock, rfile, request("/echo/x", token=gateway.token))[0] == 200
        status, _, body = exchange(sock, rfile, request("/stream?n=3&delay=0.6", token=gateway.token))
        assert status == 200 and body.count(b"\n") >= 3, body
