"""A reload while a cell prints: the output is complete afterwards (journal catch-up)."""

LINES = 10
SOURCE = f"import time\nfor i in range({LINES}):\n    print(f'line {{i}}', flush=True)\n    time.sleep(0.4)\n"


def lines_of(text):
    return [line for line in text.splitlines() if line.startswith("line ")]


def test_reload_mid_output_keeps_the_whole_output(console, runtime, shot):
    console.open().sign_in(runtime.token)
    console.write(0, SOURCE)
    console.run(1, "print('second cell')", keyboard=False)
    console.wait_output(1, "second cell")
    console.run(0, SOURCE, keyboard=False)
    console.wait_output(0, "line 1")
    assert console.state(0) in ("queued", "running")
    shot("reload-before")
    console.driver.refresh()
    console.wait(lambda: console.find("#app").is_displayed(), "signed in after reload (sessionStorage)")
    console.wait_output(0, f"line {LINES - 1}")
    assert console.wait_done(0) == "done"
    assert lines_of(console.output(0)) == [f"line {i}" for i in range(LINES)]
    assert "second cell" in console.output(1)
    assert console.find("textarea.source", console.cell(0)).get_attribute("value") == SOURCE
    shot("reload-after")
