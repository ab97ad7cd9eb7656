"""HTTPS: verification against a test CA, TLS 1.2+ only, certificates reloaded from disk, wss://."""

import asyncio
import json
import socket
import ssl
import subprocess
import time

import requests
import websockets
from cryptography import x509


def served_serial(gateway):
    context = ssl.create_default_context(cafile=str(gateway.tls.ca))
    with socket.create_connection(("127.0.0.1", gateway.port), timeout=10) as raw:
        with context.wrap_socket(raw, server_hostname="localhost") as tls:
            return x509.load_der_x509_certificate(tls.getpeercert(binary_form=True)).serial_number


def s_client(gateway, *flags):
    return subprocess.run(
        ["openssl", "s_client", "-connect", f"127.0.0.1:{gateway.port}", "-CAfile", str(gateway.tls.ca), *flags],
        input="", capture_output=True, text=True, timeout=30,
    )


def test_https_verifies_against_the_test_ca(tls_gateway):
    response = requests.get(tls_gateway.url + "/echo/tls", headers=tls_gateway.auth(), verify=str(tls_gateway.tls.ca), timeout=10)
    assert response.status_code == 200
    assert response.json()["headers"]["X-Forwarded-Proto"] == "https"
    curl = subprocess.run(["curl", "-s", "--cacert", str(tls_gateway.tls.ca), tls_gateway.url + "/healthz"], capture_output=True, text=True, timeout=30)
    assert json.loads(curl.stdout) == {"status": "ok"}


def test_plain_http_on_the_tls_port_does_not_get_through(tls_gateway):
    try:
        response = requests.get(f"http://127.0.0.1:{tls_gateway.port}/healthz", timeout=10)
        assert response.status_code != 200
    except requests.exceptions.ConnectionError:
        pass
    assert tls_gateway.get("/healthz").status_code == 200


def test_tls_1_1_is_refused_and_1_2_and_1_3_work(tls_gateway):
    assert s_client(tls_gateway, "-tls1_1").returncode != 0
    assert s_client(tls_gateway, "-tls1").returncode != 0
    twelve = s_client(tls_gateway, "-tls1_2")
    assert twelve.returncode == 0 and "Verify return code: 0 (ok)" in twelve.stdout
    assert s_client(tls_gateway, "-tls1_3").returncode == 0


def test_weak_ciphers_are_refused(tls_gateway):
    assert s_client(tls_gateway, "-tls1_2", "-cipher", "AES128-SHA").returncode != 0
    assert s_client(tls_gateway, "-tls1_2", "-cipher", "ECDHE-ECDSA-AES128-SHA").returncode != 0


def test_a_certificate_swapped_on_disk_is_served_to_the_next_connection(tls_gateway, test_ca):
    first = served_serial(tls_gateway)
    session = tls_gateway.session()
    assert session.get(tls_gateway.url + "/healthz", timeout=10).status_code == 200
    new_serial = test_ca.issue()
    deadline = time.monotonic() + 30
    while served_serial(tls_gateway) != new_serial:
        assert time.monotonic() < deadline, "the new certificate was never served"
        time.sleep(0.2)
    assert first != new_serial
    # The connection opened before the swap keeps working.
    assert session.get(tls_gateway.url + "/healthz", timeout=10).status_code == 200
    assert "Reloaded TLS certificate" in tls_gateway.log()


def test_a_broken_replacement_keeps_the_previous_certificate(tls_gateway, test_ca):
    serial = served_serial(tls_gateway)
    test_ca.stray_key(test_ca.key_path)  # key no longer matches the certificate
    time.sleep(1.5)
    assert served_serial(tls_gateway) == serial
    assert "Keeping the previous TLS certificate" in tls_gateway.log()


def test_wss_with_the_test_ca(tls_gateway):
    async def scenario():
        context = ssl.create_default_context(cafile=str(tls_gateway.tls.ca))
        url = f"wss://localhost:{tls_gateway.port}/api/kernels/k1/channels"
        async with websockets.connect(url, ssl=context, additional_headers=tls_gateway.auth(), subprotocols=["v1.kernel.websocket.jupyter.org"]) as ws:
            assert ws.subprotocol == "v1.kernel.websocket.jupyter.org"
            hello = json.loads(await ws.recv())
            assert hello["headers"]["X-Forwarded-Proto"] == "https"
            await ws.send("over tls")
            assert await ws.recv() == "over tls"
    asyncio.run(asyncio.wait_for(scenario(), 60))
