"""SPEC §6 and §8: /spin/v1/connections — validation per field, write-only
secrets stored 0600, hostile bodies, persistence and schema versions."""

from __future__ import annotations

import json
import os
import stat

import pytest

from spin_harness import Executor, assert_json_error, http_request_large_body

PG = {"type": "postgres", "host": "db.internal", "port": 5432, "user": "app", "password": "Very-Secret-pw", "database": "sales"}


def test_crud_with_write_only_secrets(executor):
    created = executor.request("PUT", "/spin/v1/connections/sales", PG)
    assert created.status == 201, created.describe()
    view = created.json()
    assert view["name"] == "sales" and view["type"] == "postgres" and view["host"] == "db.internal"
    assert "password" not in view and view["secrets_set"] == ["password"]
    listed = executor.request("GET", "/spin/v1/connections").json()["connections"]
    names = [c["name"] for c in listed]
    assert "local" in names and "sales" in names
    # A client sends back what it read: the password stays as it was.
    again = executor.request("PUT", "/spin/v1/connections/sales", {**view, "database": "sales2"})
    assert again.status == 200 and again.json()["database"] == "sales2" and again.json()["secrets_set"] == ["password"]
    removed = executor.request("PUT", "/spin/v1/connections/sales", {**view, "password": None})
    assert removed.json()["secrets_set"] == []
    folder = executor.home / "var" / "connections"
    for name in ("connections.json", "secrets.json"):
        mode = stat.S_IMODE(os.stat(folder / name).st_mode)
        assert mode == 0o600, (name, oct(mode))
    assert stat.S_IMODE(os.stat(folder).st_mode) == 0o700
    executor.request("PUT", "/spin/v1/connections/sales", PG)
    assert "Very-Secret-pw" not in (folder / "connections.json").read_text()
    assert "Very-Secret-pw" in (folder / "secrets.json").read_text()
    assert executor.request("DELETE", "/spin/v1/connections/sales").status == 204
    assert_json_error(executor.request("GET", "/spin/v1/connections/sales"), 404)
    assert_json_error(executor.request("DELETE", "/spin/v1/connections/sales"), 404)
    assert "Very-Secret-pw" not in executor.log_text()


def test_url_password_moves_to_the_secret(executor):
    view = executor.request("PUT", "/spin/v1/connections/byurl", {"type": "postgres", "url": "postgres://app:p%40ss@h:5432/db?sslmode=require"}).json()
    assert view["url"] == "postgres://app@h:5432/db?sslmode=require" and view["secrets_set"] == ["password"]


@pytest.mark.parametrize("name,body,field", [
    ("x", {"host": "h"}, "type"),
    ("x", {"type": "oracle"}, "type"),
    ("x", {"type": "postgres", "port": "5432", "host": "h"}, "port"),
    ("x", {"type": "postgres", "port": 70000, "host": "h"}, "port"),
    ("x", {"type": "postgres", "host": 5}, "host"),
    ("x", {"type": "postgres"}, "host"),
    ("x", {"type": "postgres", "host": "h", "sslmode": "maybe"}, "sslmode"),
    ("x", {"type": "postgres", "host": "h", "colour": "red"}, "colour"),
    ("x", {"type": "sqlite"}, "path"),
    ("x", {"type": "sqlite", "path": "../../etc/passwd"}, "path"),
    ("x", {"type": "ssh", "host": "h", "username": "u"}, "private_key"),
    ("x", {"type": "ssh", "host": "h", "username": "u", "private_key": "k", "host_key_fingerprint": "md5:00"}, "host_key_fingerprint"),
    ("x", {"type": "http", "base_url": "ftp://x"}, "base_url"),
    ("x", {"type": "http", "base_url": "https://x", "headers": {"X-A": "a\r\nInjected: 1"}}, "headers"),
    ("x", {"type": "http", "base_url": "https://x", "headers": ["a"]}, "headers"),
    ("x", {"type": "sqlite", "path": "a\u0000b"}, "path"),
    ("runtime-host", {"type": "postgres", "host": "h"}, "type"),
])
def test_invalid_fields_get_clear_errors(executor, name, body, field):
    resp = executor.request("PUT", f"/spin/v1/connections/{name}", body)
    error = assert_json_error(resp, 400)
    assert field in error["message"], error


@pytest.mark.parametrize("raw", [b"", b"{", b"[]", b"\"text\"", b"null", b"{\"type\": \"sqlite\", \"path\": \"a\"", b"\xff\xfe"])
def test_malformed_bodies(executor, raw):
    resp = executor.request("PUT", "/spin/v1/connections/m", body=raw, headers={"Content-Type": "application/json"})
    assert_json_error(resp, 400)


def test_names_builtins_and_oversized_bodies(executor):
    assert_json_error(executor.request("PUT", "/spin/v1/connections/bad%20name", {"type": "sqlite", "path": "a"}), 400)
    assert_json_error(executor.request("PUT", "/spin/v1/connections/" + "n" * 65, {"type": "sqlite", "path": "a"}), 400)
    assert_json_error(executor.request("PUT", "/spin/v1/connections/local", {"type": "sqlite", "path": "a"}), 409)
    assert_json_error(executor.request("DELETE", "/spin/v1/connections/local"), 409)
    assert executor.request("GET", "/spin/v1/connections/local").json()["type"] == "local"
    resp = http_request_large_body(executor.socket_path, "PUT", "/spin/v1/connections/huge", 200_000)
    assert_json_error(resp, 413)
    result = executor.request("POST", "/spin/v1/connections/nope/test").json()
    assert result["ok"] is False and "nope" in result["message"]
    assert executor.alive()


def test_connections_and_pins_survive_a_restart(short_home):
    ex = Executor(short_home, pool=0).start()
    try:
        ex.request("PUT", "/spin/v1/connections/kept", {"type": "sqlite", "path": "kept.db"})
    finally:
        ex.stop(check=True)
    ex = Executor(short_home, pool=0).start()
    try:
        assert ex.request("GET", "/spin/v1/connections/kept").json()["path"] == "kept.db"
    finally:
        ex.stop(check=True)


def test_older_state_is_migrated_and_newer_state_refused(short_home):
    var = short_home / "var"
    (var / "journal").mkdir(parents=True)
    (var / "schema-version").write_text("1\n")
    ex = Executor(short_home, pool=0).start()
    try:
        assert ex.request("GET", "/spin/v1/connections").status == 200
        ex.request("PUT", "/spin/v1/connections/after", {"type": "sqlite", "path": "a.db"})
    finally:
        ex.stop(check=True)
    assert (var / "schema-version").read_text().strip() == "2"
    store = json.loads((var / "connections" / "connections.json").read_text())
    store["schema"] = 99
    (var / "connections" / "connections.json").write_text(json.dumps(store))
    ex = Executor(short_home, pool=0).start(wait=False)
    code = ex.proc.wait(30)
    assert code != 0 and "newer runtime" in ex.log_text()


@pytest.fixture
def short_home(home):
    import tempfile
    from pathlib import Path
    path = Path(tempfile.mkdtemp(prefix="spin-h-", dir="/tmp")) / "home"
    yield path
    import shutil
    shutil.rmtree(path.parent, ignore_errors=True)
