"""The gateway serves the embedded console: fresh, typed, strict headers."""

import http.client
import json
import subprocess
import sys

import requests

from harness import REPO


def test_embedded_console_is_up_to_date():
    result = subprocess.run([sys.executable, str(REPO / "scripts" / "embed-console.py"), "--check"],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


def test_console_files_are_served_with_strict_headers(runtime):
    index = requests.get(runtime.url + "/console/", timeout=10)
    assert index.status_code == 200 and index.headers["Content-Type"] == "text/html; charset=utf-8"
    assert index.content == (REPO / "console" / "index.html").read_bytes()
    policy = index.headers["Content-Security-Policy"]
    assert "default-src 'self'" in policy and "script-src 'self'" in policy and "unsafe-inline" not in policy
    assert index.headers["X-Content-Type-Options"] == "nosniff"
    assert index.headers["Cache-Control"] == "no-cache"
    for path in sorted((REPO / "console").iterdir()):
        answer = requests.get(f"{runtime.url}/console/{path.name}", timeout=10)
        assert answer.status_code == 200 and answer.content == path.read_bytes(), path.name
        expected = {".js": "text/javascript", ".css": "text/css", ".html": "text/html"}[path.suffix]
        assert answer.headers["Content-Type"].startswith(expected)
        assert answer.headers["X-Content-Type-Options"] == "nosniff"
    again = requests.get(runtime.url + "/console/", headers={"If-None-Match": index.headers["ETag"]}, timeout=10)
    assert again.status_code == 304 and not again.content


def test_unknown_console_paths_are_json_404(runtime):
    for path in ("/console/nope.js", "/console/../Package.swift", "/console/%2e%2e/Package.swift", "/console/sub/index.html"):
        # http.client sends the path as written (requests would resolve the dot segments).
        connection = http.client.HTTPConnection("127.0.0.1", runtime.port, timeout=10)
        connection.request("GET", path)
        answer = connection.getresponse()
        body = answer.read()
        connection.close()
        assert answer.status == 404, path
        assert answer.getheader("Content-Type") == "application/json"
        assert json.loads(body)["error"]["code"] == "not_found"
    head = requests.head(runtime.url + "/console/app.js", timeout=10)
    assert head.status_code == 200 and int(head.headers["Content-Length"]) > 0 and not head.content
