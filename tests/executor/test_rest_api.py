"""Jupyter Server 2.x REST models on the executor's Unix socket (SPEC §4)."""

from __future__ import annotations

import email.utils
import re
import time

import pytest

from spin_harness import Executor, assert_json_error

KERNEL_KEYS = {"id", "name", "last_activity", "execution_state", "connections"}


def assert_kernel_model(model: dict, name: str = "python3") -> None:
    assert isinstance(model, dict), model
    missing = KERNEL_KEYS - model.keys()
    assert not missing, f"kernel model lacks {missing}: {model}"
    assert model["name"] == name
    assert isinstance(model["id"], str) and model["id"]
    assert isinstance(model["execution_state"], str) and model["execution_state"]
    assert isinstance(model["connections"], int)
    assert isinstance(model["last_activity"], str) and model["last_activity"]


def test_api_root_reports_version(executor: Executor) -> None:
    resp = executor.request("GET", "/api")
    assert resp.status == 200, resp.describe()
    doc = resp.json()
    assert isinstance(doc.get("version"), str) and doc["version"], doc


IMF_FIXDATE = re.compile(r"(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d\d (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4} \d\d:\d\d:\d\d GMT")


@pytest.mark.parametrize("path", ["/api", "/api/nope"])
def test_answers_carry_date_and_server(executor: Executor, path: str) -> None:
    """RFC 9110 §6.6.1: an origin server with a clock sends `Date` in IMF-fixdate form."""
    resp = executor.request("GET", path)
    date = resp.headers.get("date", "")
    assert IMF_FIXDATE.fullmatch(date), f"Date header {date!r}"
    # Same clock, so the header names this minute (a wide margin, not a timing check).
    when = email.utils.parsedate_to_datetime(date)
    assert abs(when.timestamp() - time.time()) < 120, date
    assert date[:3] == when.strftime("%a"), f"weekday does not match the date: {date!r}"
    assert resp.headers.get("server") == "spin-executor", resp.headers


def test_api_status(executor: Executor) -> None:
    resp = executor.request("GET", "/api/status")
    assert resp.status == 200, resp.describe()
    assert isinstance(resp.json(), dict)


def test_kernelspecs_lists_python3(executor: Executor) -> None:
    resp = executor.request("GET", "/api/kernelspecs")
    assert resp.status == 200, resp.describe()
    doc = resp.json()
    assert doc.get("default") == "python3", doc
    specs = doc.get("kernelspecs")
    assert isinstance(specs, dict) and "python3" in specs, doc
    py = specs["python3"]
    assert py["name"] == "python3"
    assert isinstance(py.get("resources"), dict), py
    spec = py["spec"]
    assert isinstance(spec.get("argv"), list) and "{connection_file}" in spec["argv"], spec
    assert spec.get("display_name") == "Python 3 (ipykernel)", spec
    assert spec.get("language") == "python", spec


def test_kernelspec_by_name(executor: Executor) -> None:
    resp = executor.request("GET", "/api/kernelspecs/python3")
    assert resp.status == 200, resp.describe()
    doc = resp.json()
    assert doc["name"] == "python3" and doc["spec"]["language"] == "python", doc
    assert_json_error(executor.request("GET", "/api/kernelspecs/no-such-spec"), 404)


def test_kernel_crud(executor: Executor) -> None:
    resp = executor.request("POST", "/api/kernels", {"name": "python3"})
    assert resp.status == 201, resp.describe()
    model = resp.json()
    assert_kernel_model(model)
    kid = model["id"]

    resp = executor.request("GET", "/api/kernels")
    assert resp.status == 200, resp.describe()
    listed = resp.json()
    assert isinstance(listed, list)
    assert kid in [k["id"] for k in listed], listed
    for k in listed:
        assert_kernel_model(k)

    resp = executor.request("GET", f"/api/kernels/{kid}")
    assert resp.status == 200, resp.describe()
    assert_kernel_model(resp.json())
    assert resp.json()["id"] == kid

    resp = executor.request("DELETE", f"/api/kernels/{kid}")
    assert resp.status == 204, resp.describe()
    assert resp.body == b""

    assert_json_error(executor.request("GET", f"/api/kernels/{kid}"), 404)
    assert kid not in [k["id"] for k in executor.request("GET", "/api/kernels").json()]


def test_post_kernel_without_body_uses_default_spec(executor: Executor) -> None:
    # Jupyter Server accepts POST /api/kernels with no body (default kernelspec).
    resp = executor.request("POST", "/api/kernels")
    assert resp.status == 201, resp.describe()
    model = resp.json()
    assert_kernel_model(model)
    executor.delete_kernel(model["id"])


def test_post_kernel_unknown_spec_is_client_error(executor: Executor) -> None:
    resp = executor.request("POST", "/api/kernels", {"name": "no-such-spec"})
    assert resp.status in (400, 404), resp.describe()
    assert_json_error(resp, resp.status)


def test_sessions_crud(executor: Executor) -> None:
    body = {"path": "work/nb.ipynb", "name": "nb.ipynb", "type": "notebook", "kernel": {"name": "python3"}}
    resp = executor.request("POST", "/api/sessions", body)
    assert resp.status == 201, resp.describe()
    sess = resp.json()
    for key in ("id", "path", "name", "type", "kernel"):
        assert key in sess, f"session model lacks {key}: {sess}"
    assert sess["path"] == "work/nb.ipynb"
    assert sess["name"] == "nb.ipynb"
    assert sess["type"] == "notebook"
    assert_kernel_model(sess["kernel"])
    sid, kid = sess["id"], sess["kernel"]["id"]

    # The session's kernel is a real kernel.
    resp = executor.request("GET", f"/api/kernels/{kid}")
    assert resp.status == 200, resp.describe()

    resp = executor.request("GET", "/api/sessions")
    assert resp.status == 200, resp.describe()
    assert sid in [s["id"] for s in resp.json()], resp.json()

    resp = executor.request("GET", f"/api/sessions/{sid}")
    assert resp.status == 200, resp.describe()
    assert resp.json()["id"] == sid and resp.json()["kernel"]["id"] == kid

    resp = executor.request("PATCH", f"/api/sessions/{sid}", {"path": "work/renamed.ipynb", "name": "renamed.ipynb"})
    assert resp.status == 200, resp.describe()
    patched = resp.json()
    assert patched["id"] == sid
    assert patched["path"] == "work/renamed.ipynb", patched
    assert patched["name"] == "renamed.ipynb", patched
    assert patched["kernel"]["id"] == kid
    assert executor.request("GET", f"/api/sessions/{sid}").json()["path"] == "work/renamed.ipynb"

    resp = executor.request("DELETE", f"/api/sessions/{sid}")
    assert resp.status == 204, resp.describe()
    assert_json_error(executor.request("GET", f"/api/sessions/{sid}"), 404)
    assert sid not in [s["id"] for s in executor.request("GET", "/api/sessions").json()]
    # Jupyter Server shuts the session's kernel down with the session.
    assert_json_error(executor.request("GET", f"/api/kernels/{kid}"), 404)


def test_session_with_existing_kernel_id(executor: Executor) -> None:
    kid = executor.create_kernel()["id"]
    body = {"path": "a.ipynb", "name": "a.ipynb", "type": "notebook", "kernel": {"id": kid}}
    resp = executor.request("POST", "/api/sessions", body)
    assert resp.status == 201, resp.describe()
    sess = resp.json()
    assert sess["kernel"]["id"] == kid, sess
    assert executor.request("DELETE", f"/api/sessions/{sess['id']}").status == 204


def test_unknown_session_is_404(executor: Executor) -> None:
    assert_json_error(executor.request("GET", "/api/sessions/no-such-session"), 404)
    assert_json_error(executor.request("DELETE", "/api/sessions/no-such-session"), 404)
