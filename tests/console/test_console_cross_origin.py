"""The product's own page lives on another origin: a page from a second loopback
origin uses the runtime's API and WebSocket (token as a subprotocol), and is
refused when SPIN_ALLOWED_ORIGINS does not name it."""

from console_support import ConsolePage


def probe(browser, static_site, runtime, kernel_id=""):
    page = ConsolePage(browser, f"{static_site.url}/pages/probe.html")
    browser.get(page.url)
    page.find("#runtime").send_keys(runtime.url)
    page.find("#token").send_keys(runtime.token)
    page.find("#kernel").send_keys(kernel_id)
    page.find("#run").click()
    page.wait(lambda: page.find("#result").get_attribute("data-done") == "true", "probe finished")
    return page


def test_console_from_another_origin_runs_a_cell(browser, make_runtime, static_site, shot):
    runtime = make_runtime(env={"SPIN_ALLOWED_ORIGINS": static_site.url})
    console = ConsolePage(browser, f"{static_site.url}/console/index.html?runtime={runtime.url}").open()
    console.sign_in(runtime.token)
    console.run(0, "print('cross-origin', 6 * 7)")
    console.wait_output(0, "cross-origin 42")
    assert runtime.token not in browser.current_url
    shot("cross-origin-console")


def test_page_from_another_origin_uses_the_subprotocol_token(browser, make_runtime, static_site, shot):
    runtime = make_runtime(env={"SPIN_ALLOWED_ORIGINS": f"http://app.example,{static_site.url}"})
    page = probe(browser, static_site, runtime)
    result = page.find("#result")
    assert result.get_attribute("data-outcome") == "ok", page.find("#log").text
    assert result.get_attribute("data-protocol") == "v1.kernel.websocket.jupyter.org"
    assert "probe 42" in page.find("#output").text
    shot("cross-origin-probe")


def test_other_origin_is_refused(browser, make_runtime, static_site, shot):
    runtime = make_runtime(env={"SPIN_ALLOWED_ORIGINS": "http://app.example"})
    session = runtime.session()
    kernel_id = session.post(runtime.url + "/api/kernels", json={}, headers=runtime.auth()).json()["id"]
    page = probe(browser, static_site, runtime, kernel_id)
    result = page.find("#result")
    assert result.get_attribute("data-outcome") == "refused", page.find("#log").text
    assert result.get_attribute("data-opened") == "false"
    assert "refused" in page.find("#log").text
    metrics = session.get(runtime.url + "/metrics", headers=runtime.auth()).text
    assert 'spin_gateway_auth_failures_total{reason="origin"}' in metrics
    shot("cross-origin-refused")

    console = ConsolePage(browser, f"{static_site.url}/console/index.html?runtime={runtime.url}").open()
    console.sign_in(runtime.token, expect_success=False)
    message = console.login_message()
    assert "Could not reach the runtime" in message and "SPIN_ALLOWED_ORIGINS" in message
    shot("cross-origin-refused-console")
