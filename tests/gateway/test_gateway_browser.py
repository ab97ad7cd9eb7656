"""CORS, Private Network Access, open routes, console."""

import requests


def test_open_routes(gateway):
    assert gateway.get("/healthz").json() == {"status": "ok"}
    ready = gateway.get("/readyz")
    assert ready.status_code == 200 and ready.json()["kernelspecs"] >= 1
    console = gateway.get("/console/")
    assert console.status_code == 200 and "text/html" in console.headers["Content-Type"]
    assert gateway.get("/console", allow_redirects=False).status_code == 301


def test_metrics_needs_the_token(gateway):
    assert gateway.get("/metrics").status_code == 401
    requests.get(gateway.url + "/api", headers={"Authorization": "Bearer wrong"}, timeout=10)
    text = gateway.get("/metrics", headers=gateway.auth()).text
    assert "spin_gateway_requests_total" in text
    assert "spin_gateway_auth_failures_total" in text
    assert "spin_gateway_open_websockets" in text
    assert 'route="health"' in text
    assert 'spin_kernels{state="idle"} 0' in text  # the executor's metrics are appended


def test_preflight_with_private_network_access(make_gateway):
    gateway = make_gateway(env={"SPIN_ALLOWED_ORIGINS": "https://app.example"}).start()
    response = requests.options(gateway.url + "/api/kernels", headers={
        "Origin": "https://app.example", "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "authorization,content-type",
        "Access-Control-Request-Private-Network": "true",
    }, timeout=10)
    assert response.status_code == 204
    assert response.headers["Access-Control-Allow-Origin"] == "https://app.example"
    assert response.headers["Access-Control-Allow-Private-Network"] == "true"
    assert "POST" in response.headers["Access-Control-Allow-Methods"]
    assert "authorization" in response.headers["Access-Control-Allow-Headers"].lower()


def test_allowed_and_disallowed_origins(make_gateway):
    gateway = make_gateway(env={"SPIN_ALLOWED_ORIGINS": "https://app.example"}).start()
    allowed = requests.get(gateway.url + "/echo/o", headers={**gateway.auth(), "Origin": "https://app.example"}, timeout=10)
    assert allowed.headers["Access-Control-Allow-Origin"] == "https://app.example"
    other = requests.get(gateway.url + "/echo/o", headers={**gateway.auth(), "Origin": "https://evil.example"}, timeout=10)
    assert "Access-Control-Allow-Origin" not in other.headers
    refused = requests.options(gateway.url + "/api", headers={"Origin": "https://evil.example", "Access-Control-Request-Method": "GET"}, timeout=10)
    assert "Access-Control-Allow-Origin" not in refused.headers


def test_default_allows_any_origin(gateway):
    response = requests.get(gateway.url + "/echo/o", headers={**gateway.auth(), "Origin": "http://localhost:5173"}, timeout=10)
    assert response.headers["Access-Control-Allow-Origin"] == "http://localhost:5173"
