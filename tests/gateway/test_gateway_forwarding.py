"""HTTP forwarding to the executor's Unix socket."""

import os
import socket

import requests


def test_forwarded_headers(gateway):
    response = requests.get(gateway.url + "/echo/h", headers={**gateway.auth(), "X-Request-Id": "client-req-0001", "X-Forwarded-For": "203.0.113.5"}, timeout=10)
    seen = response.json()["headers"]
    assert seen["X-Forwarded-For"] == "203.0.113.5, 127.0.0.1"
    assert seen["X-Forwarded-Proto"] == "http"
    assert seen["X-Request-ID"] == "client-req-0001"
    assert response.headers["X-Request-Id"] == "client-req-0001"


def test_a_request_id_is_made_when_missing(gateway):
    response = requests.get(gateway.url + "/echo/i", headers=gateway.auth(), timeout=10)
    assert response.json()["headers"]["X-Request-ID"] == response.headers["X-Request-Id"]
    # The access line is written once the response is on its way.
    gateway.wait_for(lambda: response.headers["X-Request-Id"] in gateway.log(), "the request id in the log", timeout=10)


def test_request_and_response_bodies_stream(gateway):
    def chunks():
        for _ in range(64):
            yield b"x" * 65536
    response = requests.post(gateway.url + "/echo/upload", data=chunks(), headers=gateway.auth(), timeout=30)
    assert response.status_code == 200
    assert response.json()["body_bytes"] == 64 * 65536
    streamed = requests.get(gateway.url + "/stream", headers=gateway.auth(), stream=True, timeout=10)
    assert b"".join(streamed.iter_content(None)) == b"".join(f"part-{i}\n".encode() for i in range(5))


def test_a_50_mb_body_is_refused_with_413(gateway):
    body = b"\0" * (50 * 1024 * 1024)
    response = requests.post(gateway.url + "/echo/big", data=body, headers=gateway.auth(), timeout=60)
    assert response.status_code == 413
    assert response.json()["error"]["code"] == "body_too_large"
    assert gateway.get("/healthz").status_code == 200


def test_a_chunked_body_over_the_limit_is_refused_with_413(make_gateway):
    gateway = make_gateway(env={"SPIN_MAX_BODY_BYTES": "1000000"}).start()

    def chunks():
        for _ in range(40):
            yield b"y" * 65536
    response = requests.post(gateway.url + "/echo/big", data=chunks(), headers=gateway.auth(), timeout=60)
    assert response.status_code == 413


def test_executor_unreachable_is_503_json_and_not_a_hang(make_gateway):
    gateway = make_gateway(executor="external").start(wait_ready=False)
    response = requests.get(gateway.url + "/api/kernels", headers=gateway.auth(), timeout=20)
    assert response.status_code == 503
    assert response.json()["error"]["code"] == "executor_unavailable"
    assert gateway.get("/readyz").status_code == 503
    assert gateway.get("/readyz").json()["error"]["code"] == "executor_not_ready"


def test_external_mode_connects_to_an_executor_it_did_not_start(make_gateway, tmp_path):
    import subprocess
    import sys
    from harness import STAND_IN, clean_env
    gateway = make_gateway(executor="external")
    executor = subprocess.Popen([sys.executable, str(STAND_IN)], env=clean_env({"SPIN_EXECUTOR_SOCKET": gateway.socket}))
    try:
        gateway.start()
        assert gateway.children() == []
        assert requests.get(gateway.url + "/echo/x", headers=gateway.auth(), timeout=10).status_code == 200
    finally:
        executor.terminate()
        executor.wait()


def test_spawned_executor_gets_socket_but_no_token(gateway):
    import json
    env = json.loads((gateway.home / "run" / "stand-in.env").read_text())
    assert env["SPIN_EXECUTOR_SOCKET"] == gateway.socket
    assert "SPIN_TOKEN" not in env
    assert gateway.token not in json.dumps(env)
    assert oct(os.stat(gateway.home / "run").st_mode & 0o777) == "0o700"
