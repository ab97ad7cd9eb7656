"""Browser tests of the console: the real gateway and executor, headless Chromium.

Screenshots land in test-artifacts/console/<name>.png. SPIN_CONSOLE_FROM=static
serves console/ from a second loopback origin (pointed at the runtime with
`?runtime=`) instead of the gateway's embedded copy — for working on the page
against an older gateway binary.
"""

import os
import shutil
import sys
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent / "gateway"))

from harness import GLOBAL_TLS_VARS, REPO, Gateway, gateway_binary  # noqa: E402
from console_support import ConsolePage, StaticSite, new_browser  # noqa: E402

ARTIFACTS = REPO / "test-artifacts" / "console"
CHROMEDRIVER = os.environ.get("SPIN_CHROMEDRIVER", "/usr/bin/chromedriver")


def pytest_configure(config):
    for name in GLOBAL_TLS_VARS:
        os.environ.pop(name, None)
    config.addinivalue_line("markers", "typed_cells: needs the cell processors and connections API (SPEC §5, §6)")


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if report.when == "call":
        item.failed_call = report.failed


@pytest.fixture
def browser(request):
    if not Path(CHROMEDRIVER).exists() or not shutil.which("chromium"):
        pytest.fail("chromium and chromium-driver are required: run scripts/install-deps.sh", pytrace=False)
    driver = new_browser(CHROMEDRIVER)
    yield driver
    if getattr(request.node, "failed_call", False):
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        driver.save_screenshot(str(ARTIFACTS / f"failed-{request.node.name}.png"))
        for entry in driver.get_log("browser"):
            print("browser:", entry.get("level"), entry.get("message"))
    driver.quit()


@pytest.fixture
def shot(browser):
    """shot("name") saves test-artifacts/console/name.png."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)

    def save(name):
        # The whole page, not only the viewport: grow the window to the content, then restore it.
        height = browser.execute_script("return document.documentElement.scrollHeight")
        browser.set_window_size(1440, min(max(900, height + 140), 4000))
        browser.save_screenshot(str(ARTIFACTS / f"{name}.png"))
        browser.set_window_size(1440, 900)

    return save


@pytest.fixture
def static_site():
    """A second loopback origin serving console/ and tests/console/pages/."""
    site = StaticSite({"/console/": REPO / "console", "/pages/": HERE / "pages"}).start()
    yield site
    site.stop()


@pytest.fixture
def make_runtime(tmp_path):
    if not gateway_binary().exists():
        pytest.fail(f"{gateway_binary()} not found: run `swift build` first", pytrace=False)
    started = []

    def factory(env=None):
        gateway = Gateway(tmp_path / f"rt{len(started)}", executor="real", env=env or {})
        started.append(gateway)
        return gateway.start()

    yield factory
    for gateway in started:
        gateway.stop()


@pytest.fixture
def runtime(make_runtime):
    return make_runtime()


@pytest.fixture
def console(browser, runtime, static_site):
    """The console page for `runtime`, not yet signed in."""
    if os.environ.get("SPIN_CONSOLE_FROM") == "static":
        url = f"{static_site.url}/console/index.html?runtime={runtime.url}"
    else:
        url = f"{runtime.url}/console/"
    return ConsolePage(browser, url)
