"""Shell, SQL (SQLite) and HTTP cells, and the connections panel (SPEC §5, §6).

These need the cell processors and the connections API in the executor.
"""

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from selenium.webdriver.support.ui import Select

pytestmark = pytest.mark.typed_cells

HOSTILE = "<img src=x onerror=alert(1)>"


@pytest.fixture
def json_server():
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            body = json.dumps({"fruit": "apple", "count": 3, "path": self.path}).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def add_connection(console, name, kind, fields):
    console.tab("connections")
    console.find("#connections-add").click()
    console.find("#cf-name").send_keys(name)
    Select(console.find("#cf-type")).select_by_value(kind)
    for field, value in fields.items():
        console.find(f"#cf-{field}").send_keys(value)
    console.find("#cf-save").click()
    console.wait(lambda: console.find_all(f"#connections-body tr[data-connection='{name}']"), f"{name} listed")
    return console.find(f"#connections-body tr[data-connection='{name}']")


def test_shell_cell(console, runtime, shot):
    console.open().sign_in(runtime.token)
    console.run(0, 'echo "shell says $((6*7))"\necho "to stderr" >&2', cell_type="Shell", connection="local")
    console.wait_output(0, "shell says 42")
    console.wait_output(0, "to stderr")
    assert console.wait_done(0) == "done"
    console.run(1, "exit 3", cell_type="Shell", connection="local")
    assert console.wait_done(1) == "error"
    assert "3" in console.find("pre.error", console.cell(1)).text
    shot("shell-cell")


def test_sqlite_cell_through_a_connection_added_in_the_page(console, runtime, shot):
    console.open().sign_in(runtime.token)
    database = runtime.home / "shop.db"
    row = add_connection(console, "shop", "sqlite", {"path": str(database)})
    console.find("button[aria-label='Test connection shop']", row).click()
    console.wait(lambda: "Test passed for shop" in console.find("#connections-message").text, "test passed")
    shot("connections-panel")
    console.tab("notebook")
    console.run(0, "import sqlite3\ndb = sqlite3.connect(%r)\n"
                   "db.execute('create table items (name text, qty integer)')\n"
                   "db.executemany('insert into items values (?, ?)', [('apple', 3), ('pear', 5), (%r, 7)])\n"
                   "db.commit()\nprint('rows written')" % (str(database), HOSTILE))
    console.wait_output(0, "rows written")
    console.run(1, "SELECT name, qty FROM items ORDER BY qty", cell_type="SQL", connection="shop", variable="items_df")
    assert console.wait_done(1) == "done", console.output(1)
    table = console.wait(lambda: console.find_all("table.result-table", console.cell(1)), "result table")[0]
    assert [th.text for th in table.find_elements("css selector", "thead th")] == ["name", "qty"]
    rows = [[td.text for td in tr.find_elements("css selector", "td")] for tr in table.find_elements("css selector", "tbody tr")]
    assert rows == [["apple", "3"], ["pear", "5"], [HOSTILE, "7"]]
    assert not console.find_all("img", table)  # cell data stays text
    console.run(2, "print(len(items_df))")
    console.wait_output(2, "3")
    shot("sql-cell")


def test_http_cell(console, runtime, json_server, shot):
    console.open().sign_in(runtime.token)
    console.run(0, f"GET {json_server}/items.json?q=1\nAccept: application/json", cell_type="HTTP")
    assert console.wait_done(0) == "done", console.output(0)
    pre = console.wait(lambda: console.find_all("pre.json", console.cell(0)), "JSON output")[0]
    assert '"fruit": "apple"' in pre.text and '"path": "/items.json?q=1"' in pre.text
    shot("http-cell")


def test_secret_fields_are_write_only(console, runtime, shot):
    console.open().sign_in(runtime.token)
    row = add_connection(console, "warehouse", "postgres",
                         {"host": "127.0.0.1", "port": "5432", "user": "app", "password": "s3cret-pw", "database": "shop"})
    assert "password: set" in row.text and "s3cret-pw" not in console.driver.page_source
    console.find("button[aria-label='Edit connection warehouse']", row).click()
    password = console.find("#cf-password")
    assert password.get_attribute("type") == "password" and password.get_attribute("value") == ""
    assert "set" in password.get_attribute("placeholder")
    assert console.find("#cf-host").get_attribute("value") == "127.0.0.1"
    shot("connection-edit")
    stored = runtime.session().get(runtime.url + "/spin/v1/connections/warehouse", headers=runtime.auth()).json()
    assert "password" not in stored and stored["secrets_set"] == ["password"]


def test_a_port_can_be_a_runtime_env_placeholder_and_an_edit_keeps_it(console, runtime):
    console.open().sign_in(runtime.token)

    def stored(name):
        return runtime.session().get(runtime.url + f"/spin/v1/connections/{name}", headers=runtime.auth()).json()

    row = add_connection(console, "fromenv", "postgres", {"host": "db", "port": "{{runtime_env:PGPORT}}"})
    assert stored("fromenv")["port"] == "{{runtime_env:PGPORT}}"
    console.find("button[aria-label='Edit connection fromenv']", row).click()
    assert console.find("#cf-port").get_attribute("value") == "{{runtime_env:PGPORT}}"
    console.find("#cf-save").click()
    console.wait(lambda: "Connection fromenv saved" in console.find("#connections-message").text, "saved again")
    assert stored("fromenv")["port"] == "{{runtime_env:PGPORT}}"
    add_connection(console, "numeric", "postgres", {"host": "db", "port": "5433"})
    assert stored("numeric")["port"] == 5433
