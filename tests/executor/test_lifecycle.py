"""The executor process: its socket, start-up and SIGTERM, kernel launch
details (connection file, environment) and the SPIN_TOKEN rule (SPEC §1, §2, §7)."""

from __future__ import annotations

import asyncio
import json
import os
import socket
import stat
import subprocess
import time
from pathlib import Path

from spin_harness import (
    TIMEOUT,
    TOKEN,
    V1_PROTOCOL,
    Executor,
    connect_ws,
    read_proc,
    run,
)


def kernel_connection_file(proc_cmdline: list[str]) -> Path:
    assert "-f" in proc_cmdline, proc_cmdline
    return Path(proc_cmdline[proc_cmdline.index("-f") + 1])


def wait_for_kernel_processes(ex: Executor, n: int, timeout: float = TIMEOUT) -> list:
    deadline = time.monotonic() + timeout
    while True:
        procs = ex.python_kernel_processes()
        if len(procs) >= n or time.monotonic() > deadline:
            return procs
        time.sleep(0.2)


def test_socket_is_private_and_state_folder_exists(short_tmp: Path) -> None:
    ex = Executor(short_tmp / "home").start()
    try:
        st = os.stat(ex.socket_path)
        assert stat.S_ISSOCK(st.st_mode), f"{ex.socket_path} is not a socket"
        assert stat.S_IMODE(st.st_mode) == 0o600, f"socket mode is {oct(stat.S_IMODE(st.st_mode))}, expected 0o600"
        assert (ex.home / "var").is_dir(), f"no state folder {ex.home / 'var'}"
    finally:
        ex.stop()


def test_stale_socket_file_is_replaced(short_tmp: Path) -> None:
    home = short_tmp / "home"
    sock_path = home / "run" / "executor.sock"
    sock_path.parent.mkdir(parents=True)
    stale = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    stale.bind(str(sock_path))
    stale.close()  # leaves the socket file behind with nobody listening
    assert sock_path.exists()
    ex = Executor(home, socket_path=sock_path).start()
    try:
        assert ex.request("GET", "/api").status == 200
    finally:
        ex.stop()


def test_second_executor_on_live_socket_is_refused(short_tmp: Path) -> None:
    first = Executor(short_tmp / "one").start()
    try:
        inode = os.stat(first.socket_path).st_ino
        second = Executor(short_tmp / "two", socket_path=first.socket_path, log_name="second.log")
        second.start(wait=False)
        try:
            rc = second.proc.wait(timeout=TIMEOUT)
        except subprocess.TimeoutExpired:
            second.proc.kill()
            second.proc.wait()
            raise AssertionError(
                f"a second executor on a live socket kept running; its log:\n{second.log_text()}"
            )
        output = second.log_text()
        assert rc != 0, f"second executor exited 0; output:\n{output}"
        assert output.strip(), "second executor failed without saying why"
        assert str(first.socket_path) in output or "already" in output.lower() or "in use" in output.lower(), (
            f"the message does not say the socket is in use:\n{output}"
        )
        assert TOKEN not in output
        # The first executor and its socket are untouched.
        assert os.stat(first.socket_path).st_ino == inode, "the live socket file was replaced"
        assert first.alive()
        assert first.request("GET", "/api").status == 200
    finally:
        first.stop()


def test_connection_files_are_private_local_and_keyed_per_kernel(short_tmp: Path) -> None:
    ex = Executor(short_tmp / "home").start()
    try:
        k1 = ex.create_kernel()["id"]
        k2 = ex.create_kernel()["id"]
        procs = wait_for_kernel_processes(ex, 2)
        assert len(procs) >= 2, [p.cmdline for p in procs]
        keys = set()
        for p in procs:
            path = kernel_connection_file(p.cmdline)
            assert path.is_absolute()
            assert str(path).startswith(str(ex.home / "var") + os.sep), f"connection file {path} not under $SPIN_HOME/var"
            mode = stat.S_IMODE(os.stat(path).st_mode)
            assert mode == 0o600, f"{path} has mode {oct(mode)}"
            info = json.loads(path.read_text())
            assert info["ip"] == "127.0.0.1", info
            assert info["transport"] == "tcp"
            assert info["signature_scheme"] == "hmac-sha256", info
            assert len(info["key"]) >= 32, "HMAC key too short"
            keys.add(info["key"])
        assert len(keys) == len(procs), "kernels share an HMAC key"
        ex.delete_kernel(k1)
        ex.delete_kernel(k2)
    finally:
        ex.stop()


def test_kernel_environment_has_no_secrets(short_tmp: Path) -> None:
    cert = short_tmp / "cert.pem"
    key = short_tmp / "key.pem"
    cert.write_text("not really a cert\n")
    key.write_text("not really a key\n")
    ex = Executor(
        short_tmp / "home",
        extra_env={
            "SSL_CERT_FILE": str(cert),
            "SSL_KEY_FILE": str(key),
            "SPIN_TEST_VISIBLE": "visible-value",
            "SPIN_LOG_LEVEL": "debug",  # no configuration dump may show the token either
        },
    ).start()
    try:
        kid = ex.create_kernel()["id"]

        async def main() -> None:
            kc = await connect_ws(ex.socket_path, kid, subprotocols=[V1_PROTOCOL])
            try:
                await kc.wait_ready()
                res = await kc.execute("import os; print('SPIN_TOKEN' in os.environ)")
                assert res.stream() == "False\n", res.describe()
                res = await kc.execute(
                    "import os\n"
                    "print(sorted(k for k in ('SPIN_TOKEN', 'SSL_CERT_FILE', 'SSL_KEY_FILE') if k in os.environ))\n"
                    f"print(any({TOKEN!r} in v for v in os.environ.values()))\n"
                    "print(os.environ.get('SPIN_TEST_VISIBLE'))"
                )
                # Other variables are ordinary kernel environment (SPEC §2).
                assert res.stream() == "[]\nFalse\nvisible-value\n", res.describe()
            finally:
                await kc.close()

        run(main())
        procs = ex.python_kernel_processes()
        assert procs
        for p in procs:
            raw = Path(f"/proc/{p.pid}/environ").read_bytes()
            names = {entry.split(b"=", 1)[0] for entry in raw.split(b"\0") if entry}
            assert b"SPIN_TOKEN" not in names and TOKEN.encode() not in raw, f"kernel {p.pid} has the token"
            assert b"SSL_KEY_FILE" not in names and b"SSL_CERT_FILE" not in names, sorted(names)
            assert b"SPIN_TEST_VISIBLE" in names
    finally:
        ex.stop()  # asserts the token never appears in the executor's output
    assert TOKEN not in ex.log_text()


def test_sigterm_lets_running_cell_finish_then_exits_0_without_kernels(short_tmp: Path) -> None:
    ex = Executor(short_tmp / "home").start()
    k_busy = ex.create_kernel()["id"]
    ex.create_kernel()  # an idle one, no client
    procs = wait_for_kernel_processes(ex, 2)
    assert len(procs) >= 2, [p.cmdline for p in procs]

    async def main() -> list:
        kc = await connect_ws(ex.socket_path, k_busy, subprotocols=[V1_PROTOCOL])
        await kc.wait_ready()
        msg_id = await kc.send_execute("import time\nprint('begun', flush=True)\ntime.sleep(2)\nprint('finished')")
        await kc.wait_for(
            lambda m: m.parent_id == msg_id and m.msg_type == "stream" and "begun" in m.content.get("text", ""),
            "the cell to start",
        )
        ex.sigterm()
        try:
            res = await kc.collect(msg_id, timeout=TIMEOUT)
        finally:
            try:
                await asyncio.wait_for(kc.close(), 15)
            except Exception:
                pass
        return [res]

    res = run(main())[0]
    # "begun" was consumed by the wait above; the rest must still arrive.
    assert res.stream() == "finished\n", f"the running cell was cut short by SIGTERM: {res.describe()}"
    assert res.reply.content["status"] == "ok"
    ex.stop(check=True)  # exit 0, every kernel process gone
    assert ex.returncode == 0
    for p in procs:
        info = read_proc(p.pid)
        assert info is None or not info.alive, f"kernel {p.pid} still running: {p.cmdline}"


def test_sigterm_with_idle_kernels_exits_0_and_kernels_gone(short_tmp: Path) -> None:
    ex = Executor(short_tmp / "home").start()
    for _ in range(2):
        ex.create_kernel()
    procs = wait_for_kernel_processes(ex, 2)
    assert len(procs) >= 2
    ex.stop(check=True)
    assert ex.returncode == 0
    for p in procs:
        info = read_proc(p.pid)
        assert info is None or not info.alive, f"kernel {p.pid} still running: {p.cmdline}"


def test_delete_kernel_stops_its_process(short_tmp: Path) -> None:
    ex = Executor(short_tmp / "home").start()
    try:
        keep = ex.create_kernel()["id"]
        gone = ex.create_kernel()["id"]
        procs = wait_for_kernel_processes(ex, 2)
        by_id = {p.pid: kernel_connection_file(p.cmdline).name for p in procs}
        victim = [pid for pid, name in by_id.items() if gone in name]
        assert len(victim) == 1, f"cannot tell which process is kernel {gone}: {by_id}"
        ex.delete_kernel(gone)
        deadline = time.monotonic() + TIMEOUT
        while time.monotonic() < deadline:
            info = read_proc(victim[0])
            if info is None or not info.alive:
                break
            time.sleep(0.2)
        info = read_proc(victim[0])
        assert info is None or not info.alive, "DELETE /api/kernels/{id} left the kernel process running"
        assert ex.request("GET", f"/api/kernels/{keep}").status == 200
        assert [k["id"] for k in ex.request("GET", "/api/kernels").json()] == [keep]
    finally:
        ex.stop()


def _write_kernelspec(root: Path, name: str, argv: list[str], **extra) -> None:
    spec_dir = root / "kernels" / name
    spec_dir.mkdir(parents=True)
    spec = {
        "argv": argv,
        "display_name": f"Test {name}",
        "language": "python",
        **extra,
    }
    (spec_dir / "kernel.json").write_text(json.dumps(spec))


def test_kernelspecs_from_every_jupyter_path_entry_and_message_interrupt(short_tmp: Path) -> None:
    """JUPYTER_PATH with two entries; a kernelspec with interrupt_mode
    "message" is interrupted with interrupt_request on control.

    The kernel runs under a non-exec'ing /bin/sh wrapper, so a SIGINT sent to
    the launched process would hit the shell, not the kernel: only the
    control-channel message can interrupt the cell. This also checks that
    {connection_file} is substituted inside a larger argv string, as
    jupyter_client does."""
    from spin_harness import venv_dir

    extra_root = short_tmp / "share" / "jupyter"
    python = venv_dir() / "bin" / "python"
    argv = ["/bin/sh", "-c", f"'{python}' -m ipykernel_launcher -f '{{connection_file}}'; exit $?"]
    _write_kernelspec(extra_root, "py-msg", argv, interrupt_mode="message")
    jupyter_path = f"{extra_root}{os.pathsep}{venv_dir() / 'share' / 'jupyter'}"
    ex = Executor(short_tmp / "home", extra_env={"JUPYTER_PATH": jupyter_path}).start()
    try:
        specs = ex.request("GET", "/api/kernelspecs").json()["kernelspecs"]
        assert {"python3", "py-msg"} <= set(specs), sorted(specs)
        assert specs["py-msg"]["spec"].get("interrupt_mode") == "message", specs["py-msg"]
        resp = ex.request("POST", "/api/kernels", {"name": "py-msg"})
        assert resp.status == 201, resp.describe()
        kid = resp.json()["id"]
        assert resp.json()["name"] == "py-msg"

        async def main() -> None:
            kc = await connect_ws(ex.socket_path, kid, subprotocols=[V1_PROTOCOL])
            try:
                await kc.wait_ready()
                await kc.execute("marker = 'still here'")
                launched = ex.kernel_processes()
                assert any(p.cmdline[:2] == ["/bin/sh", "-c"] for p in launched), [p.cmdline for p in launched]
                msg_id = await kc.send_execute("import time\nprint('sleeping', flush=True)\ntime.sleep(60)")
                await kc.wait_for(lambda m: m.parent_id == msg_id and m.msg_type == "stream", "the sleep to start")
                r = ex.request("POST", f"/api/kernels/{kid}/interrupt")
                assert r.status == 204, r.describe()
                res = await kc.collect(msg_id)
                assert res.reply.content.get("ename") == "KeyboardInterrupt", res.describe()
                # No signal hit the launched process (the sh wrapper): it and the
                # kernel's state are intact, no restart happened.
                for p in launched:
                    info = read_proc(p.pid)
                    assert info is not None and info.alive, (
                        f"process {p.pid} {p.cmdline[:3]} died: interrupt_mode 'message' must not send a signal"
                    )
                res = await kc.execute("print(marker)")
                assert res.stream() == "still here\n", res.describe()
            finally:
                await kc.close()

        run(main())
    finally:
        ex.stop()


def test_wrapper_kernel_crash_restarts_cleanly_and_sigterm_leaves_nothing(short_tmp: Path) -> None:
    """A kernelspec whose argv is a shell wrapper (as conda/venv activation
    wrappers are): when the launched process dies, the kernel below it must not
    be orphaned (it holds the kernel's ports), the kernel restarts and works,
    and SIGTERM still exits 0 with no kernel process left."""
    import signal as _signal

    from spin_harness import venv_dir

    extra_root = short_tmp / "share" / "jupyter"
    python = venv_dir() / "bin" / "python"
    argv = ["/bin/sh", "-c", f"'{python}' -m ipykernel_launcher -f '{{connection_file}}'; exit $?"]
    _write_kernelspec(extra_root, "py-sh", argv)
    jupyter_path = f"{extra_root}{os.pathsep}{venv_dir() / 'share' / 'jupyter'}"
    ex = Executor(short_tmp / "home", extra_env={"JUPYTER_PATH": jupyter_path}).start()
    try:
        resp = ex.request("POST", "/api/kernels", {"name": "py-sh"})
        assert resp.status == 201, resp.describe()
        kid = resp.json()["id"]

        async def main() -> None:
            kc = await connect_ws(ex.socket_path, kid, subprotocols=[V1_PROTOCOL])
            try:
                await kc.wait_ready()
                old_pid = (await kc.execute("import os\nos.getpid()")).result_text()
                wrappers = [p for p in ex.kernel_processes() if p.cmdline[:2] == ["/bin/sh", "-c"]]
                assert len(wrappers) == 1, [p.cmdline for p in ex.kernel_processes()]
                os.kill(wrappers[0].pid, _signal.SIGKILL)
                await kc.wait_for(
                    lambda m: m.msg_type == "status" and m.content.get("execution_state") == "restarting",
                    "status 'restarting' after the kernel's process died",
                )
                await kc.wait_for(
                    lambda m: m.msg_type == "status" and m.content.get("execution_state") in ("starting", "idle"),
                    "status 'starting' or 'idle' after 'restarting'",
                )
                await kc.wait_ready()
                res = await kc.execute("import os\nos.getpid()")
                assert res.reply.content["status"] == "ok", res.describe()
                assert res.result_text() != old_pid, "still talking to the orphaned old kernel"
                info = read_proc(int(old_pid))
                assert info is None or not info.alive, f"the old kernel {old_pid} was orphaned and is still running"
            finally:
                await kc.close()

        run(main())
    finally:
        ex.stop()  # exit 0 within the grace, nothing left running


def _open_pipes(pid: int) -> set[str]:
    links = set()
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        try:
            links.add(os.readlink(fd))
        except OSError:
            pass
    return links


def test_lifeline_closing_shuts_down_like_sigterm_and_kernels_never_hold_it(short_tmp: Path) -> None:
    """SPIN_LIFELINE_FD (what the gateway passes): bytes on the pipe change nothing;
    when its write end closes (the gateway gone, however it died) the executor
    shuts down gracefully, kernels included. Kernels inherit neither the pipe
    nor the variable."""
    read_end, write_end = os.pipe()
    lifeline = f"pipe:[{os.fstat(read_end).st_ino}]"
    ex = Executor(short_tmp / "home", extra_env={"SPIN_LIFELINE_FD": str(read_end)})
    try:
        ex.start(pass_fds=(read_end,))
    finally:
        os.close(read_end)
    try:
        ex.create_kernel()
        kernels = wait_for_kernel_processes(ex, 1)
        assert kernels, "no kernel process started"
        assert lifeline in _open_pipes(ex.pid)
        for kernel in kernels:
            assert lifeline not in _open_pipes(kernel.pid), f"kernel {kernel.pid} inherited the lifeline"
            assert b"SPIN_LIFELINE_FD=" not in Path(f"/proc/{kernel.pid}/environ").read_bytes()
        os.write(write_end, b"\0" * 4096)
        assert ex.request("GET", "/api", timeout=10).status == 200
        assert ex.alive()
    finally:
        os.close(write_end)
    ex.proc.wait(timeout=60)
    ex.stop(check=True)  # exit code 0, no kernel left
    assert "has gone; shutting down" in ex.log_text()
    assert not ex.socket_path.exists()


def test_lifeline_variable_that_names_no_open_descriptor_is_refused(short_tmp: Path) -> None:
    ex = Executor(short_tmp / "home")
    for value, message in (
        ("57", "SPIN_LIFELINE_FD=57 is not an open descriptor"),
        ("three", "SPIN_LIFELINE_FD must be a descriptor number above 2, not 'three'"),
        ("1", "SPIN_LIFELINE_FD must be a descriptor number above 2, not '1'"),
        ("9" * 40, "SPIN_LIFELINE_FD must be a descriptor number above 2"),
    ):
        result = subprocess.run([str(ex.binary)], env={**ex.env, "SPIN_LIFELINE_FD": value}, capture_output=True, text=True, timeout=60)
        assert result.returncode == 2, result
        assert message in result.stderr, result.stderr
        assert not ex.socket_path.exists()
