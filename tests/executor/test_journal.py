"""The output journal (SPEC §4 "Output journal", issue 6): every message for
clients carries a per-kernel `metadata.spin_seq`, is journaled under
$SPIN_HOME/var/journal, is served by GET /spin/v1/kernels/{id}/journal and
replayed to a WebSocket opened with ?after=N -- with no gap and no duplicate,
across page reloads, second viewers and runtime restarts.

Nothing here asserts a duration: every wait has a generous deadline and fails
with what it saw."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import struct
import time
import uuid
import zlib
from pathlib import Path
from typing import Any, Iterator

import pytest
from websockets.exceptions import InvalidStatus

from spin_harness import (
    PROTOCOLS,
    TIMEOUT,
    V1_PROTOCOL,
    Executor,
    HarnessError,
    KernelWS,
    Msg,
    assert_json_error,
    connect_ws,
    run,
)
from test_metrics import metric

LINES = 2000
# Prints 1..LINES with small sleeps, flushing each line: a long, steady stream.
COUNTING_CELL = (
    "import sys, time\n"
    f"for i in range(1, {LINES + 1}):\n"
    "    print(i)\n"
    "    sys.stdout.flush()\n"
    "    time.sleep(0.002)\n"
)
EXPECTED_TEXT = "".join(f"{i}\n" for i in range(1, LINES + 1))


# ---------------------------------------------------------------------------
# Helpers
# ---------------------------------------------------------------------------


def seq_of(m: Msg) -> int:
    seq = m.metadata.get("spin_seq")
    assert isinstance(seq, int) and not isinstance(seq, bool), f"no integer metadata.spin_seq: {m.short()} {m.metadata!r}"
    return seq


def stream_text(messages: list[Msg], parent: str) -> str:
    return "".join(
        m.content.get("text", "")
        for m in messages
        if m.msg_type == "stream" and m.parent_id == parent and m.content.get("name") == "stdout"
    )


def is_idle_of(parent: str):
    return lambda m: m.channel == "iopub" and m.msg_type == "status" and m.parent_id == parent and (
        m.content.get("execution_state") == "idle"
    )


def journal_get(ex: Executor, kernel_id: str, query: str = "after=0") -> list[dict[str, Any]]:
    resp = ex.request("GET", f"/spin/v1/kernels/{kernel_id}/journal?{query}")
    assert resp.status == 200, resp.describe()
    assert "json" in resp.headers.get("content-type", ""), resp.headers
    doc = resp.json()
    assert isinstance(doc, list), doc
    return doc


def journal_all(ex: Executor, kernel_id: str, page: int = 500) -> list[dict[str, Any]]:
    """Every journaled message, paging with after/limit."""
    out: list[dict[str, Any]] = []
    after = 0
    while True:
        chunk = journal_get(ex, kernel_id, f"after={after}&limit={page}")
        if not chunk:
            return out
        out += chunk
        after = chunk[-1]["metadata"]["spin_seq"]


def journal_dir(home: Path, kernel_id: str) -> Path:
    return home / "var" / "journal" / kernel_id


def parse_segment(data: bytes) -> tuple[list[tuple[int, bytes]], int]:
    """An independent reader of the documented segment format (docs/journal.md):
    magic, then u32 length | u32 crc32 | payload, little-endian. Returns the
    intact records (seq, payload) and the offset after the last one."""
    assert data[:8] == b"SPINJNL1", f"segment does not start with the magic: {data[:16]!r}"
    offset, records = 8, []
    while offset + 8 <= len(data):
        length, crc = struct.unpack_from("<II", data, offset)
        payload = data[offset + 8 : offset + 8 + length]
        if len(payload) < length or zlib.crc32(payload) != crc:
            break
        records.append((struct.unpack_from("<Q", payload, 0)[0], payload))
        offset += 8 + length
    return records, offset


def segments(home: Path, kernel_id: str) -> list[Path]:
    folder = journal_dir(home, kernel_id)
    return sorted(folder.glob("*.seg")) if folder.is_dir() else []


def folder_bytes(path: Path) -> int:
    # Retention deletes segments (and folders) while we look: what vanished
    # between listing and stat counts as 0 bytes.
    total = 0
    for folder, _, files in os.walk(path):
        for name in files:
            try:
                total += os.stat(os.path.join(folder, name)).st_size
            except FileNotFoundError:
                pass
    return total


def read_if_present(path: Path) -> bytes:
    # Retention may delete a segment between listing and reading it.
    try:
        return path.read_bytes()
    except FileNotFoundError:
        return b""


def wait_on_disk(home: Path, kernel_id: str, msg_id: str, timeout: float = TIMEOUT) -> None:
    """Until the writer has put the message with msg_id into a segment file."""
    deadline = time.monotonic() + timeout
    needle = msg_id.encode()
    while time.monotonic() < deadline:
        if any(needle in read_if_present(p) for p in segments(home, kernel_id)):
            return
        time.sleep(0.05)
    raise HarnessError(f"message {msg_id} not in the journal files of {kernel_id} after {timeout} s: {segments(home, kernel_id)}")


def eventually(check, what: str, timeout: float = TIMEOUT) -> None:
    """Waits until check() is true (the writer works in the background)."""
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise HarnessError(f"not true after {timeout} s: {what}")
        time.sleep(0.05)


async def open_ready(ex: Executor, kernel_id: str, protocol: str = "v1", **kw: Any) -> KernelWS:
    kc = await connect_ws(ex.socket_path, kernel_id, subprotocols=PROTOCOLS[protocol], **kw)
    await kc.wait_ready()
    return kc


async def read_until_line(kc: KernelWS, parent: str, line: int) -> None:
    """Reads until the cell's stdout has reached `line` (or it ended)."""
    while True:
        m = await kc.recv()
        if is_idle_of(parent)(m):
            return
        text = stream_text(kc.received, parent)
        if text.endswith("\n") and text.count("\n") >= line:
            return


async def collect_until_idle(kc: KernelWS, parent: str) -> None:
    await kc.wait_for(is_idle_of(parent), f"status idle of {parent}", timeout=120)


def assert_strictly_increasing(messages: list[Msg]) -> None:
    seqs = [seq_of(m) for m in messages]
    assert all(a < b for a, b in zip(seqs, seqs[1:])), f"spin_seq not strictly increasing: {seqs[:40]}..."


def kill_hard(ex: Executor) -> None:
    """SIGKILL the executor; then its orphaned kernels (no leftovers)."""
    kernels = ex.kernel_processes()
    assert ex.proc is not None
    ex.proc.send_signal(signal.SIGKILL)
    ex.proc.wait(timeout=TIMEOUT)
    for p in kernels:
        try:
            os.kill(p.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    if ex._log_file is not None:
        ex._log_file.close()
        ex._log_file = None


# ---------------------------------------------------------------------------
# Numbering and the GET endpoint
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("protocol", list(PROTOCOLS))
def test_every_message_carries_an_increasing_spin_seq_and_is_served_by_get(
    executor: Executor, kernel: dict, protocol: str
) -> None:
    async def main() -> tuple[list[Msg], str]:
        kc = await open_ready(executor, kernel["id"], protocol)
        try:
            res = await kc.execute("print('hello'); 6*7")
            assert res.result_text() == "42", res.describe()
            return list(kc.received), res.msg_id
        finally:
            await kc.close()

    seen, msg_id = run(main())
    assert_strictly_increasing(seen)
    journal = journal_all(executor, kernel["id"])
    by_seq = {m["metadata"]["spin_seq"]: m for m in journal}
    seqs = [m["metadata"]["spin_seq"] for m in journal]
    assert seqs == sorted(set(seqs)), "journal not in order or with duplicates"
    for m in seen:  # everything the client saw is journaled, identically
        entry = by_seq.get(seq_of(m))
        assert entry is not None, f"seq {seq_of(m)} ({m.short()}) missing from the journal"
        assert entry["channel"] == m.channel and entry["header"] == m.header, entry
        assert entry["content"] == m.content and entry["metadata"] == m.metadata, entry
        assert entry["parent_header"] == m.parent_header
    reply = [m for m in journal if m["msg_type"] == "execute_reply" and m["parent_header"].get("msg_id") == msg_id]
    assert len(reply) == 1 and reply[0]["channel"] == "shell", "the shell reply is journaled too"
    # Paging: after=N returns exactly what follows N.
    middle = seqs[len(seqs) // 2]
    assert [m["metadata"]["spin_seq"] for m in journal_get(executor, kernel["id"], f"after={middle}&limit=10000")] == [
        s for s in seqs if s > middle
    ]
    assert [m["metadata"]["spin_seq"] for m in journal_get(executor, kernel["id"], "after=0&limit=2")] == seqs[:2]
    assert journal_get(executor, kernel["id"], f"after={seqs[-1] + 1000}") == []


# ---------------------------------------------------------------------------
# Reload and second viewer
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "protocol, same_session", [("v1", False), ("json", False), ("v1", True)],
    ids=["v1-new-session", "json-new-session", "v1-same-session"],
)
def test_reload_midway_on_a_new_session_gets_every_line_exactly_once(
    executor: Executor, kernel: dict, protocol: str, same_session: bool
) -> None:
    """With the same session id, what the detached session buffered must not
    be replayed on top of the journal catch-up."""

    async def main() -> None:
        first = await open_ready(executor, kernel["id"], protocol)
        parent = await first.send_execute(COUNTING_CELL)
        await read_until_line(first, parent, LINES // 4)
        await first.close()
        last_seen = seq_of(first.received[-1])
        before = stream_text(first.received, parent)
        assert len(before) < len(EXPECTED_TEXT), "the cell ended before the reload; the test needs it running"

        second = await connect_ws(
            executor.socket_path, kernel["id"], subprotocols=PROTOCOLS[protocol],
            session_id=first.session_id if same_session else uuid.uuid4().hex, query=f"&after={last_seen}",
        )
        try:
            await collect_until_idle(second, parent)
            assert second.received, "nothing after reconnecting"
            assert seq_of(second.received[0]) > last_seen, "the catch-up repeated a message already seen"
            assert_strictly_increasing(first.received + second.received)
            after = stream_text(second.received, parent)
            assert before + after == EXPECTED_TEXT, (
                f"lines lost or repeated: {len(before)}+{len(after)} chars, expected {len(EXPECTED_TEXT)}; "
                f"first got ...{before[-30:]!r}, second starts {after[:30]!r}"
            )
        finally:
            await second.close()

    run(main())


def test_second_viewer_with_after_0_sees_the_full_output_then_the_live_tail(executor: Executor, kernel: dict) -> None:
    async def main() -> None:
        owner = await open_ready(executor, kernel["id"])
        parent = await owner.send_execute(COUNTING_CELL)
        await read_until_line(owner, parent, LINES // 4)
        viewer = await connect_ws(executor.socket_path, kernel["id"], subprotocols=[V1_PROTOCOL], query="&after=0")
        try:
            await collect_until_idle(viewer, parent)
            await collect_until_idle(owner, parent)
            assert_strictly_increasing(viewer.received)
            assert stream_text(viewer.received, parent) == EXPECTED_TEXT
            # The viewer saw every iopub message the owner saw, same numbers.
            owner_iopub = [seq_of(m) for m in owner.received if m.channel == "iopub"]
            viewer_seqs = {seq_of(m) for m in viewer.received}
            assert not [s for s in owner_iopub if s not in viewer_seqs]
            assert min(viewer_seqs) == 1, "after=0 starts at the kernel's first message"
            # And the viewer stays live: a later cell reaches it without a catch-up.
            res = await owner.execute("print('tail')")
            await viewer.wait_for(
                lambda m: m.msg_type == "stream" and m.parent_id == res.msg_id, "the live tail", timeout=TIMEOUT
            )
            assert_strictly_increasing(viewer.received)
        finally:
            await viewer.close()
            await owner.close()

    run(main())


# ---------------------------------------------------------------------------
# Runtime restart and crash recovery
# ---------------------------------------------------------------------------


def run_cell_and_close(ex: Executor, kernel_id: str, code: str) -> tuple[list[Msg], str]:
    async def main() -> tuple[list[Msg], str]:
        kc = await open_ready(ex, kernel_id)
        try:
            res = await kc.execute(code, timeout=120)
            assert res.reply is not None and res.reply.content["status"] == "ok", res.describe()
            return list(kc.received), res.msg_id
        finally:
            await kc.close()

    return run(main())


def test_journal_survives_sigkill_of_the_runtime(short_tmp: Path) -> None:
    home = short_tmp / "home"
    first = Executor(home, pool=0, log_name="first.log").start()
    try:
        kid = first.create_kernel()["id"]
        seen, msg_id = run_cell_and_close(first, kid, "for i in range(300): print('row', i)")
        last = seen[-1]
        wait_on_disk(home, kid, last.msg_id)
    finally:
        kill_hard(first)

    second = Executor(home, pool=0, log_name="second.log").start()
    try:
        assert second.request("GET", f"/api/kernels/{kid}").status == 404, "the old kernel does not run any more"
        journal = journal_all(second, kid)
        seqs = [m["metadata"]["spin_seq"] for m in journal]
        assert seqs == list(range(1, len(seqs) + 1)), f"gaps or disorder: {seqs[:20]}..."
        tail = journal[-1]
        assert tail["metadata"]["spin_seq"] == seq_of(last)
        assert tail["header"] == last.header and tail["content"] == last.content, "the last record is intact"
        text = "".join(
            m["content"].get("text", "") for m in journal
            if m["msg_type"] == "stream" and m["content"].get("name") == "stdout"
        )
        assert text == "".join(f"row {i}\n" for i in range(300))
    finally:
        second.stop(check=True)


def test_a_segment_truncated_mid_record_is_recovered_on_open(short_tmp: Path) -> None:
    home = short_tmp / "home"
    first = Executor(home, pool=0, log_name="first.log").start()
    try:
        kid = first.create_kernel()["id"]
        seen, _ = run_cell_and_close(first, kid, "for i in range(50): print('row', i, flush=True)")
        wait_on_disk(home, kid, seen[-1].msg_id)
        first.delete_kernel(kid)
    finally:
        first.stop(check=True)

    last_segment = segments(home, kid)[-1]
    data = last_segment.read_bytes()
    records, end = parse_segment(data)
    assert end == len(data) and len(records) >= 2, "a cleanly stopped journal ends at a record boundary"
    last_seq = records[-1][0]
    cut = len(data) - len(records[-1][1]) // 2  # the middle of the last record
    with open(last_segment, "r+b") as handle:
        handle.truncate(cut)

    second = Executor(home, pool=0, log_name="second.log").start()
    try:
        journal = journal_all(second, kid)
        seqs = [m["metadata"]["spin_seq"] for m in journal]
        assert seqs == list(range(1, last_seq)), f"expected 1..{last_seq - 1}, got ...{seqs[-5:]}"
        boundary_before = end - 8 - len(records[-1][1])
        eventually(lambda: last_segment.stat().st_size == boundary_before, "the torn tail cut back on open")
        repaired = last_segment.read_bytes()
        kept, boundary = parse_segment(repaired)
        assert boundary == len(repaired), "the torn tail was cut back to a record boundary"
        assert [s for s, _ in kept] == [s for s, _ in records[:-1]]
        # New output after recovery still lands after the repaired tail.
        new = second.create_kernel()["id"]
        run_cell_and_close(second, new, "print('after recovery')")
        assert any(m["msg_type"] == "stream" for m in journal_all(second, new))
    finally:
        second.stop(check=True)


# ---------------------------------------------------------------------------
# Retention
# ---------------------------------------------------------------------------


DISPLAYS = (
    "from IPython.display import display\n"
    "for i in range(200):\n"
    "    display({'text/plain': str(i).rjust(2000, '.')}, raw=True)\n"
)


def test_retention_limits_per_kernel_and_in_total(short_tmp: Path) -> None:
    home = short_tmp / "home"
    per_kernel, total = 64 * 1024, 96 * 1024
    ex = Executor(
        home, pool=0,
        extra_env={"SPIN_JOURNAL_MAX_KERNEL_BYTES": str(per_kernel), "SPIN_JOURNAL_MAX_TOTAL_BYTES": str(total)},
    ).start()
    try:
        older = ex.create_kernel()["id"]
        seen, _ = run_cell_and_close(ex, older, DISPLAYS)
        wait_on_disk(home, older, seen[-1].msg_id)
        eventually(lambda: folder_bytes(journal_dir(home, older)) <= per_kernel,
                   f"one kernel's journal within {per_kernel} bytes")
        older_bytes = folder_bytes(journal_dir(home, older))
        assert older_bytes > 0
        journal = journal_all(ex, older)
        seqs = [m["metadata"]["spin_seq"] for m in journal]
        assert seqs[0] > 1, "the oldest records went first"
        assert seqs[-1] == seq_of(seen[-1]), "the newest records stay"
        assert seqs == list(range(seqs[0], seqs[-1] + 1)), "what remains is contiguous"

        newer = ex.create_kernel()["id"]
        seen, _ = run_cell_and_close(ex, newer, DISPLAYS)
        wait_on_disk(home, newer, seen[-1].msg_id)
        eventually(lambda: folder_bytes(home / "var" / "journal") <= total, f"the journal within {total} bytes")
        assert folder_bytes(journal_dir(home, newer)) <= per_kernel
        assert folder_bytes(journal_dir(home, older)) < older_bytes, "the least recently written kernel gave way"
        assert folder_bytes(journal_dir(home, newer)) > 0
        text = ex.request("GET", "/metrics").text
        assert 0 < (metric(text, "spin_journal_bytes") or 0) <= total, text
        assert (metric(text, "spin_journal_records") or 0) > 0, text
    finally:
        ex.stop(check=True)


# ---------------------------------------------------------------------------
# Hostile parameters, errors, metrics, turning it off
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "query",
    [
        "after=-1", "after=abc", "after=1e3", "after=", "after=%201", "after=0x10", "after=+5", "after=1.0",
        "after=99999999999999999999999999", "after=1&after=2", "limit=0", "limit=-5", "limit=10001",
        "limit=abc", "limit=", "after=0&limit=99999999999999999999",
    ],
)
def test_hostile_query_parameters_are_400(executor: Executor, kernel: dict, query: str) -> None:
    err = assert_json_error(executor.request("GET", f"/spin/v1/kernels/{kernel['id']}/journal?{query}"), 400)
    assert err["code"] == "invalid_parameter", err


@pytest.mark.parametrize("kid", [str(uuid.uuid4()), "no-such-kernel", "..", "%2e%2e%2fvar", "-rf", "a" * 300])
def test_unknown_kernel_journal_is_404(executor: Executor, kernel: dict, kid: str) -> None:
    assert executor.request("GET", f"/spin/v1/kernels/{kernel['id']}/journal?after=0").status == 200
    assert_json_error(executor.request("GET", f"/spin/v1/kernels/{kid}/journal?after=0"), 404)


def test_websocket_with_bad_after_is_refused_and_huge_after_is_empty(executor: Executor, kernel: dict) -> None:
    async def main() -> None:
        for bad in ("-1", "abc", "1e9"):
            with pytest.raises(InvalidStatus) as info:
                await connect_ws(executor.socket_path, kernel["id"], query=f"&after={bad}")
            assert info.value.response.status_code == 400
        kc = await connect_ws(executor.socket_path, kernel["id"], query="&after=18446744073709551615")
        try:
            reply = await kc.wait_ready()  # nothing replayed; live messages flow
            assert seq_of(reply) > 0
            assert not [m for m in kc.received if m.msg_type == "status" and m.parent_id is None]
        finally:
            await kc.close()

    run(main())
    assert journal_get(executor, kernel["id"], "after=18446744073709551615") == []


def test_catchup_requests_are_counted(executor: Executor, kernel: dict) -> None:
    def counts() -> tuple[float, float]:
        text = executor.request("GET", "/metrics").text
        return (
            metric(text, "spin_journal_catchup_requests_total", transport="http") or 0,
            metric(text, "spin_journal_catchup_requests_total", transport="websocket") or 0,
        )

    http_before, ws_before = counts()
    journal_get(executor, kernel["id"])

    async def main() -> None:
        kc = await connect_ws(executor.socket_path, kernel["id"], query="&after=0")
        try:
            await kc.wait_ready()
        finally:
            await kc.close()

    run(main())
    http_after, ws_after = counts()
    assert http_after == http_before + 1 and ws_after == ws_before + 1


def test_spin_journal_off_turns_it_off(short_tmp: Path) -> None:
    ex = Executor(short_tmp / "home", pool=0, extra_env={"SPIN_JOURNAL": "off"}).start()
    try:
        kid = ex.create_kernel()["id"]
        seen, _ = run_cell_and_close(ex, kid, "print('x')")
        assert not [m for m in seen if "spin_seq" in m.metadata]
        err = assert_json_error(ex.request("GET", f"/spin/v1/kernels/{kid}/journal?after=0"), 404)
        assert err["code"] == "journal_disabled"
        assert not journal_dir(ex.home, kid).exists()
    finally:
        ex.stop(check=True)


def test_a_journal_that_cannot_be_written_never_stops_delivery(short_tmp: Path) -> None:
    """Disk full, folder gone: here the journal folder is a regular file, so
    every write fails. Cells still run, clients still get every message
    (numbered), and recent output is still served from memory."""
    home = short_tmp / "home"
    (home / "var").mkdir(parents=True)
    (home / "var" / "journal").write_text("not a folder")
    ex = Executor(home, pool=0).start()
    try:
        kid = ex.create_kernel()["id"]
        seen, msg_id = run_cell_and_close(ex, kid, "for i in range(100): print(i, flush=True)")
        assert stream_text(seen, msg_id) == "".join(f"{i}\n" for i in range(100))
        assert_strictly_increasing(seen)
        served = [m["metadata"]["spin_seq"] for m in journal_all(ex, kid)]
        assert all(seq_of(m) in served for m in seen)
        eventually(lambda: (metric(ex.request("GET", "/metrics").text, "spin_journal_write_errors_total") or 0) > 0,
                   "write errors counted")
        assert "journal: cannot write" in ex.log_text()
    finally:
        ex.stop(check=True)
