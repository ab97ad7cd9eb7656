"""The image, for real: the product docs' `docker run` commands against a private
dockerd, a cell executed over a WebSocket, a restart that keeps the volume, HTTPS with
a test CA, the CA-bundle variants, and a prompt `docker stop` with exit code 0."""
from __future__ import annotations

import datetime
import ipaddress
import json
import os
import secrets
import time
from pathlib import Path
from typing import Iterator

import pytest

from deploy_support import (Dockerd, clean_env, container_logs_on_failure, execute, free_port, http,
                            preferred_port, run, wait_ready)

TOKEN = secrets.token_urlsafe(32)
NAME = "spin-runtime"  # as in the product docs


def docs_run(dockerd: Dockerd, image: str, port: int, *extra: str, name: str = NAME,
             volume: str = "spin-runtime-data") -> None:
    """`docker run -d --name spin-runtime -p 8888:8888 -v spin-runtime-data:/opt/spin/var
    -e SPIN_TOKEN=… IMAGE`, with the host port swapped only if 8888 is taken."""
    dockerd.docker("run", "-d", "--name", name, "-p", f"{port}:8888", "-v", f"{volume}:/opt/spin/var",
                   *extra, "-e", f"SPIN_TOKEN={TOKEN}", image)


@pytest.fixture(scope="module")
def runtime(dockerd: Dockerd, ci_image: str) -> Iterator[str]:
    port = preferred_port(8888)
    started = time.monotonic()
    docs_run(dockerd, ci_image, port)
    base = f"http://127.0.0.1:{port}"
    try:
        with container_logs_on_failure(dockerd, NAME):
            took = time.monotonic() - started
            took += wait_ready(base, describe=lambda: dockerd.docker("logs", NAME, check=False).stdout)
        print(f"\n[deploy] docker run -> /readyz 200: {took:.2f}s")
        size = dockerd.docker("image", "inspect", "-f", "{{.Size}}", ci_image).stdout.strip()
        print(f"[deploy] image {ci_image}: {int(size) / 1e6:.0f} MB; largest layers:")
        history = dockerd.docker("history", "--no-trunc", "--format", "{{.Size}}\t{{.CreatedBy}}", ci_image).stdout
        for line in [l for l in history.splitlines() if not l.startswith("0B")][:6]:
            print(f"[deploy]   {line[:110]}")
        yield base
    finally:
        dockerd.docker("rm", "-f", NAME, check=False)
        dockerd.docker("volume", "rm", "spin-runtime-data", check=False)


def test_image_shape(dockerd: Dockerd, ci_image: str) -> None:
    cfg = json.loads(dockerd.docker("image", "inspect", ci_image).stdout)[0]["Config"]
    # Starts as root only to open a root-only TLS key, then the gateway becomes spin.
    assert cfg["User"] in ("", "root")
    assert "SPIN_RUN_AS=10001:10001" in cfg["Env"] and "HOME=/opt/spin/home" in cfg["Env"]
    assert "8888/tcp" in cfg["ExposedPorts"]
    assert "SPIN_HOME=/opt/spin" in cfg["Env"]
    assert cfg["Entrypoint"][0] == "/usr/bin/tini" and cfg["Entrypoint"][-1] == "/opt/spin/bin/spin-gateway"
    assert "/healthz" in " ".join(cfg["Healthcheck"]["Test"])
    assert not any(e.startswith(("SSL_CERT_FILE=", "REQUESTS_CA_BUNDLE=", "SPIN_TOKEN=")) for e in cfg["Env"])
    owner = dockerd.docker("run", "--rm", "--entrypoint", "stat", ci_image, "-c", "%U %a",
                           "/opt/spin/var", "/opt/spin/run").stdout.split("\n")
    assert owner[0].startswith("spin ") and owner[1].startswith("spin ")
    mods = dockerd.docker("run", "--rm", "--entrypoint", "/opt/spin/venv/bin/python", ci_image, "-c",
                          "import ipykernel, pandas, requests, os; "
                          "print(os.path.exists('/opt/spin/venv/share/jupyter/kernels/python3/kernel.json'))")
    assert mods.stdout.strip() == "True"


def test_missing_token_exits_2(dockerd: Dockerd, ci_image: str) -> None:
    proc = dockerd.docker("run", "--rm", ci_image, check=False, timeout=60)
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert "SPIN_TOKEN" in proc.stderr + proc.stdout


def test_ready_health_and_auth(runtime: str, dockerd: Dockerd) -> None:
    assert http(f"{runtime}/healthz")[0] == 200
    assert http(f"{runtime}/api/kernels")[0] == 401
    assert http(f"{runtime}/api/kernels", token=TOKEN)[0] == 200
    # Docker's own HEALTHCHECK turns healthy (its first probe runs after the interval).
    deadline = time.monotonic() + 90
    health = ""
    while time.monotonic() < deadline:
        health = dockerd.docker("inspect", "-f", "{{.State.Health.Status}}", NAME).stdout.strip()
        if health == "healthy":
            break
        time.sleep(1)
    assert health == "healthy"


def test_processes_and_user(runtime: str, dockerd: Dockerd) -> None:
    top = dockerd.docker("exec", NAME, "ps", "-eo", "pid,user,args", check=False)
    if top.returncode != 0:  # no procps in the image: read /proc
        top = dockerd.docker("exec", NAME, "sh", "-c",
                             "for p in /proc/[0-9]*; do echo $(basename $p) $(stat -c %U $p) "
                             "$(tr '\\0' ' ' < $p/cmdline); done")
    lines = top.stdout
    assert "tini" in lines and "spin-gateway" in lines and "spin-executor" in lines, lines
    # Only tini (PID 1) stays root; the gateway gave it up, its children never had it.
    owners = {}
    for line in lines.splitlines()[1:]:
        fields = line.split(None, 2)
        if len(fields) == 3 and "spin-" in fields[2]:
            owners[fields[2].split()[0]] = fields[1]
    assert owners.get("/opt/spin/bin/spin-gateway") == "spin", lines
    assert owners.get("/opt/spin/bin/spin-executor") == "spin", lines
    # Real, effective, saved and filesystem uid of every process run from /opt/spin
    # (gateway, executor, the pooled kernel): none of them can regain root.
    uids = dockerd.docker("exec", NAME, "sh", "-c",
                          "for p in /proc/[0-9]*; do case $(head -c 10 $p/cmdline 2>/dev/null | tr '\\0' ' ') in "
                          "/opt/spin/*) awk '/^Uid:/ {print $2, $3, $4, $5}' $p/status;; esac; done").stdout.split()
    assert len(uids) >= 8 and set(uids) == {"10001"}, uids
    # The environments of the executor and the pooled kernel (found by their program, not
    # `pgrep -f`, which also matches this very `sh -c` and its environment, the
    # container's, with the token): no token. Read as spin: root in the container lacks
    # the ptrace capability another user's environ needs.
    for program in ("/opt/spin/bin/spin-executor", "/opt/spin/venv/bin/python"):
        env = dockerd.docker("exec", "-u", "spin", NAME, "sh", "-c",
                             "for p in /proc/[0-9]*; do case $(head -c 60 $p/cmdline 2>/dev/null | tr '\\0' ' ') in "
                             f"'{program}'*) tr '\\0' '\\n' < $p/environ;; esac; done").stdout
        assert "SPIN_HOME=/opt/spin" in env, (program, env)
        assert TOKEN not in env, program


def test_execute_cell_over_websocket(runtime: str) -> None:
    out = execute(runtime, TOKEN, "1+1")
    assert out["error"] is None and out["reply"] == "ok", out
    assert out["result"] == "2"


def test_restart_keeps_the_volume(runtime: str, dockerd: Dockerd) -> None:
    """A file written by a kernel cell into /opt/spin/var and a stored connection (SPEC §6)
    are both there after `docker restart`."""
    marker = secrets.token_hex(8)
    out = execute(runtime, TOKEN, f"open('/opt/spin/var/deploy-test.txt', 'w').write({marker!r})")
    assert out["error"] is None, out
    conn = {"type": "sqlite", "path": "deploy-test.db"}
    conn_status, conn_body = http(f"{runtime}/spin/v1/connections/deploy-test", method="PUT", token=TOKEN,
                                  body=conn)

    dockerd.docker("restart", NAME, timeout=120)
    with container_logs_on_failure(dockerd, NAME):
        wait_ready(runtime)
        out = execute(runtime, TOKEN, "print(open('/opt/spin/var/deploy-test.txt').read())")
        assert out["stdout"].strip() == marker, out
        assert conn_status in (200, 201), (conn_status, conn_body)
        status, body = http(f"{runtime}/spin/v1/connections/deploy-test", token=TOKEN)
        assert status == 200 and json.loads(body)["path"] == "deploy-test.db", (status, body)


def _ca_and_cert(folder: Path) -> tuple[Path, Path, Path]:
    """A test CA and a server certificate for localhost/127.0.0.1, signed by it."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    now = datetime.datetime.now(datetime.timezone.utc)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "SPIN deploy test CA")])
    ca = (x509.CertificateBuilder().subject_name(ca_name).issuer_name(ca_name).public_key(ca_key.public_key())
          .serial_number(x509.random_serial_number()).not_valid_before(now - datetime.timedelta(minutes=5))
          .not_valid_after(now + datetime.timedelta(days=2))
          .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
          .add_extension(x509.KeyUsage(digital_signature=True, key_cert_sign=True, crl_sign=True,
                                       content_commitment=False, key_encipherment=False, data_encipherment=False,
                                       key_agreement=False, encipher_only=False, decipher_only=False), critical=True)
          .add_extension(x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), critical=False)
          .sign(ca_key, hashes.SHA256()))
    key = ec.generate_private_key(ec.SECP256R1())
    cert = (x509.CertificateBuilder()
            .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")]))
            .issuer_name(ca_name).public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(minutes=5)).not_valid_after(now + datetime.timedelta(days=1))
            .add_extension(x509.SubjectAlternativeName([x509.DNSName("localhost"),
                                                        x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
                           critical=False)
            .add_extension(x509.ExtendedKeyUsage([x509.oid.ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
            .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False)
            .sign(ca_key, hashes.SHA256()))
    ca_path, key_path, cert_path = folder / "ca.pem", folder / "key.pem", folder / "cert.pem"
    ca_path.write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    # As `openssl` writes a key: 0600, its owner only (here a user that is neither root
    # nor the container's 10001). The gateway opens it before it gives up root.
    os.chmod(key_path, 0o600)
    os.chown(key_path, 4321, 4321)
    os.chmod(folder, 0o755)
    return ca_path, key_path, cert_path


def test_https_variant_verified_with_test_ca(dockerd: Dockerd, ci_image: str, tmp_path: Path) -> None:
    ssl_dir = tmp_path / "ssl"
    ssl_dir.mkdir()
    ca, key, cert = _ca_and_cert(ssl_dir)
    port, name = free_port(), "spin-runtime-https"
    docs_run(dockerd, ci_image, port,
             "-v", f"{key}:/ssl/key.pem:ro", "-v", f"{cert}:/ssl/cert.pem:ro",
             "-e", "SSL_KEY_FILE=/ssl/key.pem", "-e", "SSL_CERT_FILE=/ssl/cert.pem",
             name=name, volume="spin-runtime-https-data")
    try:
        with container_logs_on_failure(dockerd, name):
            url = f"https://localhost:{port}"
            deadline, proc = time.monotonic() + 120, None
            while time.monotonic() < deadline:
                proc = run(["curl", "-sS", "--noproxy", "*", "--cacert", str(ca), "-o", "/dev/null",
                            "-w", "%{http_code}", f"{url}/readyz"], check=False, env=clean_env())
                if proc.stdout == "200":
                    break
                time.sleep(0.3)
            assert proc is not None and proc.stdout == "200", (proc.stdout, proc.stderr)
            authed = run(["curl", "-sS", "--noproxy", "*", "--cacert", str(ca), "-H", f"Authorization: Bearer {TOKEN}",
                          "-o", "/dev/null", "-w", "%{http_code}", f"{url}/api/kernels"], env=clean_env())
            assert authed.stdout == "200"
            # Without the CA the certificate is rejected: it really is the test CA's.
            plain = run(["curl", "-sS", "--noproxy", "*", "-o", "/dev/null", f"{url}/healthz"], check=False,
                        env=clean_env(CURL_CA_BUNDLE="/etc/ssl/certs/ca-certificates.crt"))
            assert plain.returncode != 0
            out = execute(f"https://localhost:{port}", TOKEN, "6*7", cafile=str(ca))  # wss:// verified too
            assert out["result"] == "42", out
    finally:
        dockerd.docker("rm", "-f", name, check=False)
        dockerd.docker("volume", "rm", "spin-runtime-https-data", check=False)


@pytest.mark.parametrize("variant", ["file", "directory"])
def test_ca_bundle_variants(dockerd: Dockerd, ci_image: str, tmp_path: Path, variant: str) -> None:
    """The docs' REQUESTS_CA_BUNDLE commands: a bundle file, or a c_rehash folder mounted
    over /etc/ssl/certs; the kernel sees the variable and the certificates."""
    ca, _, _ = _ca_and_cert(tmp_path)
    if variant == "file":
        mount, target = ca, "/etc/ssl/certs/ca-bundle.crt"
    else:
        certs = tmp_path / "certs"
        certs.mkdir()
        (certs / "test-ca.crt").write_bytes(ca.read_bytes())
        run(["openssl", "rehash", str(certs)])
        mount, target = certs, "/etc/ssl/certs"
    port, name = free_port(), f"spin-runtime-ca-{variant}"
    docs_run(dockerd, ci_image, port, "-v", f"{mount}:{target}:ro", "-e", f"REQUESTS_CA_BUNDLE={target}",
             name=name, volume=f"spin-runtime-ca-{variant}-data")
    try:
        with container_logs_on_failure(dockerd, name):
            base = f"http://127.0.0.1:{port}"
            wait_ready(base)
            code = ("import os, glob; b = os.environ['REQUESTS_CA_BUNDLE']; "
                    "print(b, os.path.isdir(b), len(glob.glob(b + '/*.0')) if os.path.isdir(b) "
                    "else open(b).read().count('BEGIN CERTIFICATE'))")
            out = execute(base, TOKEN, code)
            assert out["error"] is None, out
            assert out["stdout"].split() == [target, str(variant == "directory"), "1"], out
    finally:
        dockerd.docker("rm", "-f", name, check=False)
        dockerd.docker("volume", "rm", f"spin-runtime-ca-{variant}-data", check=False)


def test_docker_stop_exits_promptly_with_code_0(runtime: str, dockerd: Dockerd) -> None:
    """Last in this module: stops the docs' container. `docker stop` sends SIGTERM and
    kills after 10 s; a kill would show as exit code 137."""
    out = execute(runtime, TOKEN, "2+2")  # a kernel is running when the stop arrives
    assert out["result"] == "4"
    dockerd.docker("stop", NAME, timeout=60)
    state = dockerd.docker("inspect", "-f", "{{.State.ExitCode}} {{.State.OOMKilled}}", NAME).stdout.split()
    assert state == ["0", "false"], (state, dockerd.docker("logs", "--tail", "30", NAME, check=False).stderr)
