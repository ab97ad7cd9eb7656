"""Shell cells on `local`: bash in the runtime, output streamed as produced,
exit codes as errors, secrets kept out, large output with bounded memory."""

from __future__ import annotations

import asyncio
from pathlib import Path

from cells import error_of, ok, open_kernel, run_cell
from spin_harness import TOKEN, run


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def test_output_is_streamed_while_the_script_runs(executor, kernel, home):
    gate = home / "gate"

    async def go():
        kc = await open_kernel(executor, kernel["id"])
        # The script cannot finish before the test opens the gate, and the
        # test opens it only after it has received the first line.
        msg_id = await kc.send_execute(
            f"echo first; while [ ! -e {gate} ]; do sleep 0.05; done; echo second >&2; echo third",
            metadata={"spin": {"cell_type": "shell"}},
        )
        await kc.wait_for(lambda m: m.msg_type == "stream" and "first" in m.content.get("text", ""), "first line", timeout=60)
        gate.touch()
        result = ok(await kc.collect(msg_id))
        assert result.stream("stdout").endswith("third\n")
        assert result.stream("stderr") == "second\n"
        await kc.close()

    run(go())


def test_non_zero_exit_names_the_code(executor, kernel):
    async def go():
        kc = await open_kernel(executor, kernel["id"])
        result = await run_cell(kc, "echo partial; exit 7", "shell")
        assert "exited with code 7" in error_of(result)["evalue"]
        assert result.stream() == "partial\n"
        killed = await run_cell(kc, "kill -9 $$", "shell")
        assert "SIGKILL" in error_of(killed)["evalue"]
        await kc.close()

    run(go())


def test_the_token_and_tls_files_never_reach_a_shell_cell(executor, kernel):
    async def go():
        kc = await open_kernel(executor, kernel["id"])
        result = ok(await run_cell(kc, "env", "shell"))
        assert "SPIN_TOKEN" not in result.stream() and TOKEN not in result.stream()
        assert "GREETING=hello from env" in result.stream()
        await kc.close()

    run(go())


def test_background_process_holding_the_pipe_does_not_hang_the_cell(executor, kernel):
    async def go():
        kc = await open_kernel(executor, kernel["id"])
        result = ok(await run_cell(kc, "sleep 30 & echo done", "shell", timeout=30))
        assert result.stream() == "done\n"
        await kc.close()

    run(go())


def test_200_mb_of_output_arrives_in_bounded_chunks_with_bounded_memory(executor, kernel):
    async def go():
        kc = await open_kernel(executor, kernel["id"])
        msg_id = await kc.send_execute("yes 0123456789abcdefghijklmnopqrstuvwxyz | head -c 200000000",
                                       metadata={"spin": {"cell_type": "shell"}})
        total, largest, peak = 0, 0, 0.0
        while True:
            m = await kc.recv(timeout=120)
            if m.parent_id != msg_id:
                continue
            if m.msg_type == "stream":
                size = len(m.content["text"])
                total += size
                largest = max(largest, size)
                if total % (20 << 20) < size:
                    peak = max(peak, rss_mb(executor.pid))
            if m.msg_type == "status" and m.content["execution_state"] == "idle":
                break
        assert total == 200_000_000, total
        assert largest <= 1 << 20, largest
        assert peak < 400, f"executor RSS reached {peak:.0f} MB while streaming"
        assert ok(await run_cell(kc, "echo still here", "shell")).stream() == "still here\n"
        await kc.close()

    run(go())
