"""libssh2 and libcurl (and OpenSSL, GnuTLS, LDAP… behind them) are opened by the
first SSH or HTTP cell, not at start-up: an executor that never runs one does not map
them (about 6 MB of its idle memory, bench/findings.md scenario 6)."""

from __future__ import annotations

import getpass
from pathlib import Path

from cells import ok, open_kernel, put_connection, run_cell
from spin_harness import Executor, run


def mapped(executor: Executor) -> str:
    return Path(f"/proc/{executor.proc.pid}/maps").read_text()


def test_ssh_and_http_libraries_are_opened_by_their_first_cell(home, sshd, https_server):
    executor = Executor(home / "home-native", pool=0,
                        extra_env={"REQUESTS_CA_BUNDLE": str(https_server.ca.ca)}).start()
    try:
        kernel = executor.create_kernel()
        key = sshd.keygen("id_native", "ed25519")
        sshd.authorize(key)
        put_connection(executor, "box", {"type": "ssh", "host": "127.0.0.1", "port": sshd.port,
                                         "username": getpass.getuser(), "private_key": key.read_text()})

        async def go():
            kc = await open_kernel(executor, kernel["id"])
            ok(await run_cell(kc, "1+1"))
            at_start = mapped(executor)
            assert "libssh2.so" not in at_start and "libcurl.so" not in at_start, at_start

            ssh = ok(await run_cell(kc, "echo over-ssh", "shell", connection="box"))
            assert ssh.stream("stdout") == "over-ssh\n"
            after_ssh = mapped(executor)
            assert "libssh2.so" in after_ssh and "libcurl.so" not in after_ssh

            http = ok(await run_cell(kc, f"GET {https_server.url}/json?q=2", "http"))
            assert http.of_type("execute_result")[0].content["data"]["application/json"]["path"] == "/json?q=2"
            assert "libcurl.so" in mapped(executor)
            await kc.close()

        run(go())
    finally:
        executor.stop(check=True)
