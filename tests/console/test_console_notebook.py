"""Sign in, see the runtime, run Python cells, manage kernels."""

import json
import sys
from pathlib import Path

from console_support import ConsolePage

REPLY_FIRST_KERNEL = Path(__file__).resolve().parent / "kernels" / "reply_first_kernel.py"

# A JSON display and a 120x40 PNG made without any imaging library.
PICTURE = """import struct, zlib
from IPython.display import JSON, Image, display
display(JSON({'fruit': 'apple', 'count': 3}))
w, h = 120, 40
raw = b''.join(b'\\x00' + b''.join(bytes((2 * x, 6 * y, 200)) for x in range(w)) for y in range(h))
chunk = lambda t, d: struct.pack('>I', len(d)) + t + d + struct.pack('>I', zlib.crc32(t + d))
head = struct.pack('>IIBBBBB', w, h, 8, 2, 0, 0, 0)
display(Image(data=b'\\x89PNG\\r\\n\\x1a\\n' + chunk(b'IHDR', head) + chunk(b'IDAT', zlib.compress(raw)) + chunk(b'IEND', b'')))"""


def test_sign_in_and_runtime_status(console, runtime, shot):
    console.open()
    assert console.find("#login-token").get_attribute("type") == "password"
    shot("login-prompt")
    console.sign_in(runtime.token)
    assert runtime.token not in console.driver.current_url
    stored = console.driver.execute_script("return sessionStorage.getItem('spin.console.token')")
    assert stored == runtime.token
    console.wait(lambda: console.find("#st-ready").text == "ready", "readiness shown")
    console.wait(lambda: console.find("#st-version").text not in ("—", "unknown", ""), "version shown")
    assert console.find("#st-uptime").text.endswith(("s", "min", "h", "d"))
    shot("signed-in")


def test_python_cells_render_every_output_kind(console, runtime, shot):
    console.open().sign_in(runtime.token)
    console.run(0, "print('hello from python')\n6 * 7")
    console.wait_output(0, "hello from python")
    console.wait_output(0, "42")
    assert console.wait_done(0) == "done"
    assert console.find(".cell-state", console.cell(0)).text == "[1]"

    console.run(1, PICTURE)
    console.wait(lambda: console.find_all("pre.json", console.cell(1)), "JSON output")
    assert '"fruit": "apple"' in console.find("pre.json", console.cell(1)).text
    image = console.wait(lambda: console.find_all("img.image", console.cell(1)), "image output")[0]
    assert image.get_attribute("src").startswith("data:image/png;base64,")
    console.wait(lambda: console.driver.execute_script("return arguments[0].naturalWidth", image) == 120, "image decoded")

    console.run(2, "print('<b>not bold</b>')\nraise ValueError('bad \\x1b[31mred\\x1b[0m value')")
    console.wait_output(2, "ValueError")
    assert console.wait_done(2) == "error"
    error = console.find("pre.error", console.cell(2)).text
    assert "Traceback" in error and "bad red value" in error and "\x1b" not in error and "[0;31m" not in error
    assert "<b>not bold</b>" in console.output(2)
    assert not console.find_all(".outputs b", console.cell(2))
    assert console.find("#nb-busy").text == "idle"
    shot("python-cells")


def test_busy_indicator_and_interrupt(console, runtime, shot):
    console.open().sign_in(runtime.token)
    console.run(0, "import time\nprint('sleeping', flush=True)\ntime.sleep(120)")
    console.wait_output(0, "sleeping")
    console.wait(lambda: console.find("#nb-busy").text == "busy", "busy shown")
    shot("kernel-busy")
    console.find("#nb-interrupt").click()
    console.wait_output(0, "KeyboardInterrupt")
    console.wait(lambda: console.find("#nb-busy").text == "idle", "idle again")


def test_run_all_runs_in_order(console, runtime):
    console.open().sign_in(runtime.token)
    console.write(0, "x = 20")
    console.write(1, "x += 1")
    console.write(2, "print(x * 2)")
    console.find("#nb-run-all").click()
    console.wait_output(2, "42")
    assert [console.wait_done(i) for i in range(3)] == ["done"] * 3


def test_kernels_panel_lists_and_controls_kernels(console, runtime, shot):
    console.open().sign_in(runtime.token)
    console.run(0, "print('in use')")
    console.wait_output(0, "in use")
    console.tab("kernels")
    kernel_id = runtime.session().get(runtime.url + "/api/kernels", headers=runtime.auth()).json()[0]["id"]
    row_css = f"#kernels-body tr[data-kernel='{kernel_id}']"
    console.wait(lambda: console.find_all(row_css), "kernel row")
    cells = lambda: [td.text for td in console.find_all(f"{row_css} td")]  # noqa: E731
    console.wait(lambda: cells()[2] == "idle", "kernel idle in the list")
    assert cells()[3] == "1" and cells()[4].endswith("ago")
    row = console.find(row_css)
    shot("kernels-panel")
    console.find("button[aria-label^='Restart kernel']", row).click()
    console.wait(lambda: "restarted" in console.find("#kernels-message").text, "restart confirmed")
    console.find("#kernels-start").click()
    console.wait(lambda: len(console.find_all("#kernels-body tr[data-kernel]")) == 2, "second kernel listed")
    other = [r for r in console.find_all("#kernels-body tr[data-kernel]") if r.get_attribute("data-kernel") != kernel_id][0]
    other_id = other.get_attribute("data-kernel")
    console.find("button[aria-label^='Open']", other).click()
    console.tab("notebook")
    console.wait(lambda: console.find("#nb-kernel").text == other_id[:8], "notebook on the other kernel")
    console.run(0, "print('on the other kernel')", keyboard=False)
    console.wait_output(0, "on the other kernel")
    console.tab("kernels")
    console.find("button[aria-label^='Shut down']", console.find(row_css)).click()
    console.driver.switch_to.alert.accept()
    console.wait(lambda: len(console.find_all("#kernels-body tr[data-kernel]")) == 1, "kernel shut down")
    assert console.find("#kernels-body tr[data-kernel]").get_attribute("data-kernel") == other_id


def test_a_cell_stays_finished_when_its_reply_comes_before_its_busy_status(browser, make_runtime, tmp_path):
    """iopub and shell are not ordered against each other: a kernel's reply can reach the
    console before the same run's busy and execute_input (a CI run once saw this with
    ipykernel). The test kernel sends that order every time; the cell must end as done."""
    spec = tmp_path / "jupyter" / "kernels" / "python3"
    spec.mkdir(parents=True)
    (spec / "kernel.json").write_text(json.dumps({
        "argv": [sys.executable, str(REPLY_FIRST_KERNEL), "{connection_file}"],
        "display_name": "Reply first", "language": "python",
    }))
    runtime = make_runtime(env={"JUPYTER_PATH": str(tmp_path / "jupyter")})
    console = ConsolePage(browser, f"{runtime.url}/console/").open().sign_in(runtime.token)
    console.run(0, "anything")
    console.wait_output(0, "ran: anything")
    console.wait(lambda: console.find("#nb-busy").text == "idle", "the late iopub messages all arrived")
    assert console.state(0) == "done"
