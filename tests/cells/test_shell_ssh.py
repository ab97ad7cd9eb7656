"""Shell cells over SSH against a real sshd: Host SSH Access (`runtime-host`)
and ordinary `ssh` connections, keys, host key pinning, clear errors."""

from __future__ import annotations

import getpass
import json

import pytest

from cells import error_of, ok, open_kernel, put_connection, run_cell
from spin_harness import Executor, run


@pytest.fixture(scope="module")
def executor(home):
    # Host SSH Access finds the host through SPIN_HOST_SSH_HOST.
    ex = Executor(home / "home", pool=0, extra_env={"SPIN_HOST_SSH_HOST": "127.0.0.1"}).start()
    try:
        yield ex
    finally:
        ex.stop(check=True)


@pytest.fixture(scope="module")
def keys(sshd):
    made = {
        "ed25519": sshd.keygen("id_ed25519", "ed25519"),
        "ed25519_pass": sshd.keygen("id_ed25519_pass", "ed25519", passphrase="key-Pass-77"),
        "ecdsa_pem": sshd.keygen("id_ecdsa", "ecdsa", "-m", "PEM"),
        "rsa": sshd.keygen("id_rsa", "rsa", "-b", "2048"),
    }
    for name in ("ed25519", "ed25519_pass", "ecdsa_pem", "rsa"):
        sshd.authorize(made[name])
    made["stranger"] = sshd.keygen("id_stranger", "ed25519")
    return made


def ssh_body(sshd, key, **extra):
    body = {"type": "ssh", "host": "127.0.0.1", "port": sshd.port, "username": getpass.getuser(), "private_key": key.read_text()}
    body.update(extra)
    return body


def test_runtime_host_runs_whoami_and_pins_the_host_key(executor, kernel, sshd, keys):
    put_connection(executor, "runtime-host", {"type": "ssh", "port": sshd.port, "username": getpass.getuser(),
                                               "private_key": keys["ed25519"].read_text()})

    async def go():
        kc = await open_kernel(executor, kernel["id"])
        result = ok(await run_cell(kc, "whoami; echo to-stderr >&2", "shell", connection="runtime-host"))
        assert result.stream("stdout") == getpass.getuser() + "\n"
        assert result.stream("stderr") == "to-stderr\n"
        failed = await run_cell(kc, "echo out; exit 4", "shell", connection="runtime-host")
        assert "exited with code 4" in error_of(failed)["evalue"]
        await kc.close()

    run(go())
    view = executor.request("GET", "/spin/v1/connections/runtime-host").json()
    assert view["host_key_fingerprint"] == sshd.host_fingerprint()
    assert "private_key" not in view and view["secrets_set"] == ["private_key"]
    assert "PRIVATE KEY" not in executor.log_text()


@pytest.mark.parametrize("key,extra", [("ed25519_pass", {"passphrase": "key-Pass-77"}), ("ecdsa_pem", {})])
def test_other_key_kinds_log_in(executor, kernel, sshd, keys, key, extra):
    put_connection(executor, f"box-{key}", ssh_body(sshd, keys[key], **extra))

    async def go():
        kc = await open_kernel(executor, kernel["id"])
        assert ok(await run_cell(kc, "echo $((6*7))", "shell", connection=f"box-{key}")).stream() == "42\n"
        await kc.close()

    run(go())


def test_rsa_key_is_explained(executor, kernel, sshd, keys):
    put_connection(executor, "box-rsa", ssh_body(sshd, keys["rsa"]))

    async def go():
        kc = await open_kernel(executor, kernel["id"])
        err = error_of(await run_cell(kc, "true", "shell", connection="box-rsa"))
        assert "ed25519" in err["evalue"] and "rsa" in err["evalue"].lower()
        await kc.close()

    run(go())


def test_wrong_host_key_is_refused_showing_both_fingerprints(executor, kernel, sshd, keys):
    wrong = "SHA256:" + "A" * 43
    put_connection(executor, "box-pinned", ssh_body(sshd, keys["ed25519"], host_key_fingerprint=wrong))

    async def go():
        kc = await open_kernel(executor, kernel["id"])
        err = error_of(await run_cell(kc, "echo should-not-run", "shell", connection="box-pinned"))
        assert wrong in err["evalue"] and sshd.host_fingerprint() in err["evalue"]
        await kc.close()

    run(go())


def test_wrong_private_key_is_a_clear_auth_error(executor, kernel, sshd, keys):
    put_connection(executor, "box-stranger", ssh_body(sshd, keys["stranger"]))

    async def go():
        kc = await open_kernel(executor, kernel["id"])
        err = error_of(await run_cell(kc, "true", "shell", connection="box-stranger"))
        assert getpass.getuser() in err["evalue"] and "PRIVATE KEY" not in json.dumps(err)
        await kc.close()

    run(go())
    resp = executor.request("POST", "/spin/v1/connections/box-stranger/test")
    assert resp.status == 200 and resp.json()["ok"] is False
    assert executor.request("POST", "/spin/v1/connections/box-ecdsa_pem/test").json()["ok"] is True


def test_interrupt_closes_the_ssh_channel(executor, kernel, sshd, keys):
    put_connection(executor, "box-slow", ssh_body(sshd, keys["ed25519"]))

    async def go():
        kc = await open_kernel(executor, kernel["id"])
        msg_id = await kc.send_execute("echo begun; sleep 60", metadata={"spin": {"cell_type": "shell", "connection": "box-slow"}})
        await kc.wait_for(lambda m: m.msg_type == "stream" and "begun" in m.content.get("text", ""), "first output", timeout=60)
        executor.request("POST", f"/api/kernels/{kernel['id']}/interrupt")
        assert error_of(await kc.collect(msg_id, timeout=30))["ename"] == "KeyboardInterrupt"
        await kc.close()

    run(go())
