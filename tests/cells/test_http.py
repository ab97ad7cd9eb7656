"""HTTP cells through libcurl and `requests` in kernels, against a local
HTTPS server, for the four REQUESTS_CA_BUNDLE cases of SPEC §2."""

from __future__ import annotations

import json

import pytest

from cells import error_of, ok, open_kernel, put_connection, run_cell
from spin_harness import Executor, run

CASES = ["unset", "right-file", "unrelated-file", "rehashed-folder", "unrelated-folder"]
TRUSTED = {"unset": True, "right-file": True, "unrelated-file": False, "rehashed-folder": True, "unrelated-folder": False}


def bundle(case, server):
    return {"unset": None, "right-file": server.ca.ca, "unrelated-file": server.unrelated.ca,
            "rehashed-folder": server.ca_dir, "unrelated-folder": server.unrelated_dir}[case]


@pytest.fixture(scope="module", params=CASES)
def case_executor(request, home, https_server):
    case = request.param
    extra = {}
    if bundle(case, https_server) is not None:
        extra["REQUESTS_CA_BUNDLE"] = str(bundle(case, https_server))
    ex = Executor(home / f"home-{case}", pool=0, extra_env=extra).start()
    try:
        yield case, ex
    finally:
        ex.stop(check=True)


def test_http_cell_and_requests_follow_requests_ca_bundle(case_executor, https_server):
    case, executor = case_executor
    kernel = executor.create_kernel()

    async def go():
        kc = await open_kernel(executor, kernel["id"])
        cell = await run_cell(kc, f"GET {https_server.url}/json?q=1", "http")
        kernel_side = ok(await run_cell(kc, (
            "import requests\n"
            "try:\n"
            f"    print('status', requests.get({https_server.url + '/json'!r}, timeout=20).status_code)\n"
            "except requests.exceptions.SSLError as e:\n"
            "    print('ssl-error')\n")))
        if TRUSTED[case]:
            ok(cell)
            data = cell.of_type("execute_result")[0].content["data"]
            assert data["application/json"]["path"] == "/json?q=1"
            assert kernel_side.stream().strip() == "status 200"
        else:
            err = error_of(cell)
            assert "certificate" in err["evalue"].lower() and "REQUESTS_CA_BUNDLE" in err["evalue"]
            assert kernel_side.stream().strip() == "ssl-error"
        await kc.close()

    run(go())
    if case == "unset":
        assert "REQUESTS_CA_BUNDLE is not set" in executor.log_text()
        assert executor.log_text().count("REQUESTS_CA_BUNDLE is not set") == 1


def test_http_cell_with_connection_headers_body_and_variable(case_executor, https_server):
    case, executor = case_executor
    if case != "right-file":
        pytest.skip("one CA case is enough for the request format")
    put_connection(executor, "api", {"type": "http", "base_url": https_server.url,
                                     "headers": {"Authorization": "Bearer {{runtime_env:API_TOKEN_UNSET_X}}"}})
    put_connection(executor, "api2", {"type": "http", "base_url": https_server.url + "/", "headers": {"Authorization": "Bearer abc"}})
    kernel = executor.create_kernel()

    async def go():
        kc = await open_kernel(executor, kernel["id"])
        unset = error_of(await run_cell(kc, "GET /json", "http", connection="api"))
        assert "API_TOKEN_UNSET_X" in unset["evalue"]
        got = ok(await run_cell(kc, "GET json", "http", connection="api2", variable="answer"))
        assert got.of_type("execute_result")[0].content["data"]["application/json"]["auth"] == "Bearer abc"
        posted = ok(await run_cell(kc, 'POST /echo\nContent-Type: application/json\n\n{"n": 5}', "http", connection="api2", variable="echoed"))
        assert any("201" in json.dumps(m.content.get("data", {})) for m in posted.messages if m.msg_type in ("display_data", "execute_result")), posted.describe()
        check = ok(await run_cell(kc, "print(answer['auth'], echoed['received']['n'])"))
        assert check.stream().strip() == "Bearer abc 5"
        big = error_of(await run_cell(kc, f"GET {https_server.url}/big", "http"))
        assert "MiB" in big["evalue"] or "limit" in big["evalue"].lower()
        bad = error_of(await run_cell(kc, "GET file:///etc/passwd", "http"))
        assert "http" in bad["evalue"].lower()
        await kc.close()

    run(go())
