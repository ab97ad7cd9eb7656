"""SPIN_RUN_AS, as the image uses it: started as root, the gateway opens a private key
only root may read (mode 0600, what `openssl` writes), then becomes another user before
it serves. The executor it starts never runs as root, does not inherit the key's
descriptor, and a key rewritten in place is still reloaded."""

import json
import os
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

import pytest
import requests

from harness import Gateway, build_dir, children_of, clean_env, run_gateway_expecting_exit
from test_gateway_tls import served_serial
import tls_material

RUN_AS = 65534  # nobody: any uid other than root's


def ids(pid, field):
    """The real, effective, saved and filesystem ids ("Uid" or "Gid") of a process."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return set(int(value) for value in line.split()[1:])
    raise AssertionError(f"no {field} for {pid}")


def open_paths(pid):
    paths = []
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        try:
            paths.append(os.readlink(fd))
        except OSError:
            pass
    return paths


def rewrite_in_place(source: Path, target: Path):
    """Overwrites `target`'s bytes without a new file (mode and owner stay)."""
    with open(target, "r+b") as handle:
        handle.truncate(0)
        handle.write(source.read_bytes())


def executor_for(user_folder: Path) -> dict:
    """The real executor and a kernelspec where the gateway's user can reach them: the
    checkout (and its .venv) may sit in a folder only root may enter, as a `mktemp -d`
    clone does. No kernel is started here; readiness needs only the kernelspec."""
    binary = user_folder / "bin" / "spin-executor"
    binary.parent.mkdir(mode=0o755)
    shutil.copy2(os.environ.get("SPIN_EXECUTOR_BIN", build_dir() / "spin-executor"), binary)
    binary.chmod(0o755)
    spec = user_folder / "jupyter" / "kernels" / "python3"
    spec.mkdir(parents=True)
    (spec / "kernel.json").write_text(json.dumps({
        "argv": ["python", "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": "Python 3", "language": "python",
    }))
    for path in (user_folder / "jupyter", user_folder / "jupyter" / "kernels", spec):
        path.chmod(0o755)
    return {"SPIN_EXECUTOR_BINARY": str(binary), "JUPYTER_PATH": str(user_folder / "jupyter")}


@pytest.fixture
def root_only_key():
    if os.geteuid() != 0:
        pytest.skip("starting the gateway as root needs root")
    folder = Path(tempfile.mkdtemp(prefix="spin-run-as-"))
    folder.chmod(0o755)
    ca = tls_material.TestCA(folder / "pki")
    (folder / "pki").chmod(0o755)
    ca.issue()
    os.chmod(ca.key_path, 0o600)  # owned by root, as written by `openssl`
    yield folder, ca
    shutil.rmtree(folder, ignore_errors=True)


def test_started_as_root_the_gateway_serves_a_root_only_key_as_another_user(root_only_key):
    folder, ca = root_only_key
    work = folder / "gw"
    # The real executor: the stand-in's Python lives where another user may not run it.
    env = {"SPIN_RUN_AS": f"{RUN_AS}:{RUN_AS}", **executor_for(folder)}
    gateway = Gateway(work, executor="real", tls=tls_material.TLSFiles(ca), env=env)
    work.chmod(0o755)
    shutil.chown(gateway.home, RUN_AS, RUN_AS)
    try:
        gateway.start()  # inside: a gateway that never gets ready is stopped too
        assert ids(gateway.proc.pid, "Uid") == {RUN_AS} and ids(gateway.proc.pid, "Gid") == {RUN_AS}
        executors = children_of(gateway.proc.pid)
        assert executors, gateway.log()
        for pid in executors:
            assert ids(pid, "Uid") == {RUN_AS}, "the executor runs as the gateway's user, never root"
            assert str(ca.key_path) not in open_paths(pid), "the key's descriptor is not inherited"
        assert str(ca.key_path) in open_paths(gateway.proc.pid)
        # The gateway's user could not have opened the key itself.
        as_user = subprocess.run(["cat", str(ca.key_path)], user=RUN_AS, group=RUN_AS, capture_output=True, text=True)
        assert as_user.returncode != 0 and "Permission denied" in as_user.stderr
        first = served_serial(gateway)
        assert requests.get(gateway.url + "/api/status", headers=gateway.auth(), verify=str(ca.ca), timeout=10).status_code == 200
        assert f"running as uid {RUN_AS}" in gateway.log()

        # A renewal written into the same files (not renamed into place) is read through
        # the descriptors opened as root, even from a folder the gateway's user may not
        # search (it cannot even look the paths up).
        (folder / "pki").chmod(0o700)
        fresh_cert, fresh_key = folder / "fresh.pem", folder / "fresh.key"
        renewed = ca.issue(cert_path=fresh_cert, key_path=fresh_key)
        rewrite_in_place(fresh_key, ca.key_path)
        rewrite_in_place(fresh_cert, ca.cert)
        assert os.stat(ca.key_path).st_mode & 0o777 == 0o600
        wait_for_serial(gateway, renewed)
        assert renewed != first

        # A root-only key renamed into place cannot be opened by the gateway's user: the
        # previous certificate stays, and the log says why.
        (folder / "pki").chmod(0o755)
        ca.issue(cert_path=fresh_cert, key_path=fresh_key)
        os.chmod(fresh_key, 0o600)
        os.replace(fresh_key, ca.key_path)
        os.replace(fresh_cert, ca.cert)
        deadline = time.monotonic() + 30
        while "cannot open" not in gateway.log():
            served_serial(gateway)  # each handshake looks at the files (at most once a second)
            assert time.monotonic() < deadline, gateway.log()
            time.sleep(0.2)
        assert served_serial(gateway) == renewed
        assert f"SSL_KEY_FILE={ca.key_path} could not be read (replaced by a file this user (uid {RUN_AS}) cannot open" in gateway.log()
    finally:
        gateway.stop()


def wait_for_serial(gateway, serial):
    deadline = time.monotonic() + 30
    while served_serial(gateway) != serial:
        assert time.monotonic() < deadline, f"certificate {serial} was never served\n{gateway.log()}"
        time.sleep(0.2)


@pytest.mark.parametrize("value", ["0", "root", "10001:0", "1:2:3"])
def test_a_bad_run_as_stops_the_gateway_with_code_2(value, tmp_path):
    env = clean_env({"SPIN_TOKEN": "t" * 40, "SPIN_HOME": str(tmp_path), "SPIN_RUN_AS": value})
    code, stderr, _ = run_gateway_expecting_exit(env)
    assert code == 2
    assert "SPIN_RUN_AS" in stderr
