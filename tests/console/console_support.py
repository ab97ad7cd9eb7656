"""Helpers for the console's browser tests: Chromium, a static site, the page."""

import threading
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import Select, WebDriverWait

TIMEOUT = 60  # generous: the machine is shared; nothing here asserts timing


def new_browser(chromedriver):
    options = webdriver.ChromeOptions()
    options.binary_location = "/usr/bin/chromium"
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                 "--window-size=1440,900", "--lang=en-US"):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    return webdriver.Chrome(service=Service(chromedriver), options=options)


class _Handler(SimpleHTTPRequestHandler):
    mounts: dict = {}

    def translate_path(self, path):
        clean = path.split("?", 1)[0].split("#", 1)[0]
        for prefix, folder in self.mounts.items():
            if clean.startswith(prefix):
                target = (Path(folder) / clean[len(prefix):]).resolve()
                if Path(folder).resolve() in target.parents or target == Path(folder).resolve():
                    return str(target / "index.html" if target.is_dir() else target)
        return "/nonexistent"

    def log_message(self, *args):
        pass


class StaticSite:
    """Serves folders on another loopback origin (stands in for the product's cloud page)."""

    def __init__(self, mounts):
        handler = type("Handler", (_Handler,), {"mounts": mounts})
        handler.extensions_map = {**SimpleHTTPRequestHandler.extensions_map, ".js": "text/javascript"}
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"

    def start(self):
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def stop(self):
        self.server.shutdown()
        self.server.server_close()


class ConsolePage:
    """The console as a person uses it: sign in, write cells, run them, read outputs."""

    def __init__(self, driver, url):
        self.driver = driver
        self.url = url

    def wait(self, predicate, message="", timeout=TIMEOUT):
        return WebDriverWait(self.driver, timeout).until(lambda d: predicate(), message)

    def find(self, css, root=None):
        return (root or self.driver).find_element(By.CSS_SELECTOR, css)

    def find_all(self, css, root=None):
        return (root or self.driver).find_elements(By.CSS_SELECTOR, css)

    def open(self):
        self.driver.get(self.url)
        self.wait(lambda: self.find("#login").is_displayed() or self.find("#app").is_displayed(), "page loaded")
        return self

    def sign_in(self, token, expect_success=True):
        field = self.find("#login-token")
        field.clear()
        field.send_keys(token)
        self.find("#login-submit").click()
        if expect_success:
            self.wait_connected()
        return self

    def wait_connected(self):
        self.wait(lambda: self.find("#nb-link").text == "connected", "kernel WebSocket connected")
        self.wait(lambda: self.find("#nb-busy").text == "idle", "kernel idle")

    def login_message(self):
        node = self.find("#login-message")
        self.wait(lambda: node.is_displayed() and node.text and not node.text.startswith("Checking"), "a sign-in message")
        return node.text

    def cells(self):
        return self.find_all("#cells section.cell")

    def cell(self, index):
        while len(self.cells()) <= index:
            self.find("#nb-add").click()
        return self.cells()[index]

    def write(self, index, source, cell_type="Python", connection=None, variable=None):
        cell = self.cell(index)
        Select(self.find("select[id$='-type']", cell)).select_by_visible_text(cell_type)
        if connection is not None:
            self.wait(lambda: any(o.get_attribute("value") == connection
                                  for o in self.find_all("select[id$='-conn'] option", cell)), f"connection {connection} offered")
            Select(self.find("select[id$='-conn']", cell)).select_by_value(connection)
        if variable is not None:
            self.find("input[id$='-var']", cell).send_keys(variable)
        area = self.find("textarea.source", cell)
        area.clear()
        area.send_keys(source)
        return cell

    def run(self, index, source, cell_type="Python", connection=None, variable=None, keyboard=True):
        cell = self.write(index, source, cell_type, connection, variable)
        if keyboard:
            self.find("textarea.source", cell).send_keys(Keys.SHIFT, Keys.ENTER)
        else:
            self.find("button.run", cell).click()
        return cell

    def state(self, index):
        return self.cell(index).get_attribute("data-state")

    def wait_done(self, index):
        self.wait(lambda: self.state(index) in ("done", "error", "aborted"), f"cell {index} finished")
        return self.state(index)

    def output(self, index):
        return self.find(".outputs", self.cell(index)).text

    def wait_output(self, index, text):
        self.wait(lambda: text in self.output(index), f"cell {index} shows {text!r}")
        return self.output(index)

    def tab(self, name):
        self.find(f"#tab-{name}").click()
        self.wait(lambda: self.find(f"#view-{name}").is_displayed(), f"{name} tab shown")
