"""Token forms, wrong/missing tokens, 429, and the token never leaving the gateway."""

import base64
import json
import subprocess

import requests


def curl(*args):
    result = subprocess.run(["curl", "-s", "-o", "/dev/stderr", "-w", "%{http_code}", *args], capture_output=True, text=True, timeout=30)
    return int(result.stdout), result.stderr


def test_every_token_form_with_curl(gateway):
    url = gateway.url + "/echo/a?x=1"
    assert curl("-H", f"Authorization: Bearer {gateway.token}", url)[0] == 200
    assert curl("-H", f"Authorization: token {gateway.token}", url)[0] == 200
    assert curl(url + f"&token={gateway.token}")[0] == 200


def test_every_token_form_with_requests(gateway):
    for kwargs in (
        {"headers": {"Authorization": f"Bearer {gateway.token}"}},
        {"headers": {"Authorization": f"token {gateway.token}"}},
        {"params": {"token": gateway.token}},
    ):
        response = requests.get(gateway.url + "/echo/b", timeout=10, **kwargs)
        assert response.status_code == 200, response.text


def test_missing_and_wrong_token_get_401_with_json_error(gateway):
    for headers in ({}, {"Authorization": "Bearer wrong"}, {"Authorization": f"Basic {gateway.token}"}):
        response = requests.get(gateway.url + "/api/kernels", headers=headers, timeout=10)
        assert response.status_code == 401
        assert response.headers["WWW-Authenticate"].startswith("Bearer")
        body = response.json()
        assert body["error"]["code"] == "unauthorized"
        assert body["error"]["message"]
        assert body["message"] and body["reason"]
    status, _ = curl(gateway.url + "/api/kernels?token=nope")
    assert status == 401


def test_the_token_is_stripped_before_forwarding(gateway):
    response = requests.get(gateway.url + "/echo/c", params={"token": gateway.token, "keep": "1"}, headers=gateway.auth(), timeout=10)
    seen = response.json()
    assert seen["query"] == "keep=1"
    assert "Authorization" not in seen["headers"]
    assert gateway.token not in json.dumps(seen)


def test_subprotocol_token_on_plain_http_is_accepted_and_stripped(gateway):
    offered = "spin.json, spin.token." + base64.urlsafe_b64encode(gateway.token.encode()).decode().rstrip("=")
    response = requests.get(gateway.url + "/echo/d", headers={"Sec-WebSocket-Protocol": offered}, timeout=10)
    assert response.status_code == 200
    assert gateway.token not in json.dumps(response.json())


def test_more_than_twenty_failures_are_answered_429_until_the_window_passes(gateway):
    for _ in range(20):
        assert requests.get(gateway.url + "/api", headers={"Authorization": "Bearer wrong"}, timeout=10).status_code == 401
    limited = requests.get(gateway.url + "/api", headers={"Authorization": "Bearer wrong"}, timeout=10)
    assert limited.status_code == 429
    assert 0 < int(limited.headers["Retry-After"]) <= 60
    assert limited.json()["error"]["code"] == "too_many_auth_failures"
    # Even the right token waits: a limited client must not learn which guess was right.
    assert requests.get(gateway.url + "/api", headers=gateway.auth(), timeout=10).status_code == 429
    # Open routes stay open.
    assert gateway.get("/healthz").status_code == 200


def test_the_token_never_appears_in_logs(gateway):
    encoded = base64.urlsafe_b64encode(gateway.token.encode()).decode().rstrip("=")
    requests.get(gateway.url + "/echo/e", params={"token": gateway.token}, timeout=10)
    requests.get(gateway.url + "/echo/f", headers=gateway.auth(), timeout=10)
    requests.get(gateway.url + "/echo/" + gateway.token, headers=gateway.auth(), timeout=10)
    requests.get(gateway.url + "/api", headers={"Sec-WebSocket-Protocol": "spin.token." + encoded}, timeout=10)
    gateway.wait_for(lambda: "/echo/[REDACTED]" in gateway.log(), "the last access line", timeout=10)
    log = gateway.log()
    assert "request" in log and "request.id" in log
    assert gateway.token not in log
    assert encoded not in log
