"""SPEC §5: typed cells share one ordered queue with Python cells, send the
message sequence a kernel would, and fail clearly on bad requests."""

from __future__ import annotations

import asyncio

from cells import error_of, ok, open_kernel, put_connection, run_cell
from spin_harness import run


def test_typed_cell_sends_the_kernel_message_sequence(executor, kernel):
    async def go():
        kc = await open_kernel(executor, kernel["id"])
        first = ok(await run_cell(kc, "1+1"))
        result = ok(await run_cell(kc, "echo typed", "shell"))
        after = ok(await run_cell(kc, "2+2"))
        types = [(m.channel, m.msg_type) for m in result.messages]
        assert types[0] == ("iopub", "status") and result.messages[0].content["execution_state"] == "busy", types
        assert ("iopub", "execute_input") in types and ("shell", "execute_reply") in types, types
        assert types[-1] == ("iopub", "status") and result.messages[-1].content["execution_state"] == "idle", types
        assert types.index(("iopub", "execute_input")) < types.index(("iopub", "stream")) < types.index(("shell", "execute_reply"))
        count = result.reply.content["execution_count"]
        assert result.of_type("execute_input")[0].content["execution_count"] == count
        # Numbering stays continuous across Python and typed cells.
        assert first.reply.content["execution_count"] + 1 == count
        assert after.reply.content["execution_count"] == count + 1
        assert result.stream() == "typed\n"
        await kc.close()

    run(go())


def test_python_then_sql_then_python_run_in_order(executor, kernel, home):
    db = home / "order.db"
    put_connection(executor, "orderdb", {"type": "sqlite", "path": str(db)})

    async def go():
        kc = await open_kernel(executor, kernel["id"])
        # All three are sent at once: the SQL cell must wait for the Python
        # cell that creates the table, the last cell for the DataFrame.
        python_id = await kc.send_execute(
            "import sqlite3, time\ntime.sleep(1)\n"
            f"c = sqlite3.connect({str(db)!r}); c.execute('create table t (n integer, s text)')\n"
            "c.executemany('insert into t values (?, ?)', [(i, f'r{i}') for i in range(5)]); c.commit(); c.close()"
        )
        sql_id = await kc.send_execute("select n, s from t order by n", metadata={"spin": {"cell_type": "sql", "connection": "orderdb", "variable": "rows"}})
        last_id = await kc.send_execute("print(type(rows).__name__, len(rows), list(rows['s'])[-1] if hasattr(rows, 'columns') else rows[-1]['s'])")
        python = await kc.collect(python_id, timeout=120)
        sql = await kc.collect(sql_id, timeout=120)
        last = await kc.collect(last_id, timeout=120)
        ok(python), ok(sql), ok(last)
        assert last.stream().strip() in ("DataFrame 5 r4", "list 5 r4"), last.describe()
        await kc.close()

    run(go())


def test_bad_typed_requests_get_clear_errors_and_the_kernel_keeps_working(executor, kernel):
    async def go():
        kc = await open_kernel(executor, kernel["id"])
        unknown = error_of(await run_cell(kc, "x", "cobol"))
        assert unknown["ename"] == "UnknownCellType" and "cobol" in unknown["evalue"]
        missing = error_of(await run_cell(kc, "select 1", "sql", connection="no-such-db"))
        assert "no-such-db" in missing["evalue"]
        no_connection = error_of(await run_cell(kc, "select 1", "sql"))
        assert "connection" in no_connection["evalue"]
        hostile = error_of(await run_cell(kc, "echo hi", "shell", variable="x; import os"))
        assert hostile["ename"] == "InvalidVariable"
        msg_id = await kc.send_execute("1", metadata={"spin": "sql"})
        malformed = error_of(await kc.collect(msg_id))
        assert "metadata.spin" in malformed["evalue"]
        msg_id = await kc.send_execute("1", metadata={"spin": {"cell_type": "sql", "connection": 42}})
        assert "connection" in error_of(await kc.collect(msg_id))["evalue"]
        unterminated = error_of(await run_cell(kc, "echo {{runtime_env:GREETING", "shell"))
        assert "not closed" in unterminated["evalue"]
        unset = error_of(await run_cell(kc, "echo {{runtime_env:SURELY_NOT_SET_X}}", "shell"))
        assert "SURELY_NOT_SET_X" in unset["evalue"]
        token = error_of(await run_cell(kc, "echo {{runtime_env:SPIN_TOKEN}}", "shell"))
        assert "never available" in token["evalue"]
        assert ok(await run_cell(kc, "6*7")).result_text() == "42"
        await kc.close()

    run(go())


def test_a_failed_typed_cell_aborts_the_cells_queued_behind_it(executor, kernel):
    async def go():
        kc = await open_kernel(executor, kernel["id"])
        failing = await kc.send_execute("exit 3", metadata={"spin": {"cell_type": "shell"}})
        queued = await kc.send_execute("print('should not run')")
        failed = await kc.collect(failing)
        assert "exited with code 3" in error_of(failed)["evalue"]
        aborted = await kc.collect(queued)
        assert aborted.reply.content["status"] == "aborted", aborted.describe()
        assert aborted.stream() == ""
        assert ok(await run_cell(kc, "print('next')")).stream() == "next\n"
        await kc.close()

    run(go())


def test_interrupt_stops_a_running_shell_cell(executor, kernel):
    async def go():
        kc = await open_kernel(executor, kernel["id"])
        msg_id = await kc.send_execute("echo started; sleep 60; echo never", metadata={"spin": {"cell_type": "shell"}})
        await kc.wait_for(lambda m: m.msg_type == "stream" and "started" in m.content.get("text", ""), "first output")
        resp = executor.request("POST", f"/api/kernels/{kernel['id']}/interrupt")
        assert resp.status == 204
        result = await kc.collect(msg_id, timeout=30)
        assert error_of(result)["ename"] == "KeyboardInterrupt"
        assert "never" not in result.stream()
        assert ok(await run_cell(kc, "echo after", "shell")).stream() == "after\n"
        await kc.close()

    run(go())


def test_runtime_env_is_substituted_in_cell_source(executor, kernel):
    async def go():
        kc = await open_kernel(executor, kernel["id"])
        result = ok(await run_cell(kc, "echo '{{runtime_env:GREETING}}' \"{{.Go}}\"", "shell"))
        assert result.stream() == "hello from env {{.Go}}\n"
        await kc.close()

    run(go())
