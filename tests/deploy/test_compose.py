"""Compose files: every supported combination validates with Debian's docker-compose,
and the product docs' compose.yml comes up against a real dockerd and answers /readyz."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from deploy_support import REPO, Dockerd, clean_env, execute, free_port, http, run, wait_ready

COMPOSE = REPO / "compose"

# (files, extra environment) — each a way the docs tell users to run it.
COMBINATIONS = [
    (["compose.yml"], {}),
    (["compose.yml", "compose.https.yml"], {}),
    (["compose.yml", "compose.ca-bundle-file.yml"], {}),
    (["compose.yml", "compose.ca-bundle-dir.yml"], {}),
    (["compose.yml", "compose.host-ssh.yml"], {}),
    (["compose.yml", "compose.https.yml", "compose.ca-bundle-file.yml", "compose.host-ssh.yml"], {}),
    (["compose.tailscale.yml"], {"TS_AUTHKEY": "tskey-auth-test", "SPIN_TOKEN": "t"}),
    (["compose.cloudflared.yml"], {"TUNNEL_TOKEN": "test-token", "SPIN_TOKEN": "t"}),
    (["compose.cloudflared.yml", "compose.cloudflared-local.yml"], {"TUNNEL_TOKEN": "local", "SPIN_TOKEN": "t"}),
]


def compose_config(docker_compose: str, files: list[str], env: dict[str, str]) -> dict:
    cmd = [docker_compose]
    for f in files:
        cmd += ["-f", str(COMPOSE / f)]
    run(cmd + ["config", "-q"], env=clean_env(**env), cwd=COMPOSE)
    return yaml.safe_load(run(cmd + ["config"], env=clean_env(**env), cwd=COMPOSE).stdout)


def volume_targets(volumes: list) -> dict[str, str]:
    """target -> source, for both the long (dict) and the short ("src:dst[:mode]") forms."""
    out = {}
    for v in volumes:
        if isinstance(v, dict):
            out[v["target"]] = str(v.get("source", ""))
        else:
            parts = v.split(":")
            out[parts[1]] = parts[0]
    return out


def env_dict(env: dict | list) -> dict[str, str]:
    return env if isinstance(env, dict) else dict(e.split("=", 1) for e in env)


def test_every_compose_file_is_covered() -> None:
    covered = {f for files, _ in COMBINATIONS for f in files}
    assert covered == {p.name for p in COMPOSE.glob("*.yml")}


@pytest.mark.parametrize("files,env", COMBINATIONS, ids=["+".join(f) for f, _ in COMBINATIONS])
def test_compose_config_validates(docker_compose: str, files: list[str], env: dict[str, str]) -> None:
    config = compose_config(docker_compose, files, env)
    runtime = config["services"]["spin-runtime"]
    assert volume_targets(runtime["volumes"])["/opt/spin/var"] == "spin-runtime-data"
    assert "SPIN_TOKEN" in env_dict(runtime["environment"])


def test_compose_docs_example_is_verbatim(docker_compose: str) -> None:
    """With the default variables compose.yml is exactly the product docs' example."""
    config = compose_config(docker_compose, ["compose.yml"], {"SPIN_TOKEN": "your-secure-token"})
    runtime = config["services"]["spin-runtime"]
    assert runtime["image"] == "ghcr.io/siftd/spin-runtime:latest-prod"
    assert env_dict(runtime["environment"])["SPIN_TOKEN"] == "your-secure-token"
    assert runtime["restart"] == "unless-stopped"
    port = runtime["ports"][0]
    assert (port["published"], port["target"]) == (8888, 8888) if isinstance(port, dict) else \
        port.split("/")[0].endswith("8888:8888"), port
    assert config["volumes"]["spin-runtime-data"]["driver"] == "local"


def test_tailscale_sidecar_shape(docker_compose: str) -> None:
    config = compose_config(docker_compose, ["compose.tailscale.yml"], {"TS_AUTHKEY": "k", "SPIN_TOKEN": "t"})
    ts, runtime = config["services"]["tailscale"], config["services"]["spin-runtime"]
    assert runtime["network_mode"] == "service:tailscale" and "ports" not in runtime
    ts_env = env_dict(ts["environment"])
    assert {"TS_AUTHKEY", "TS_STATE_DIR", "TS_SERVE_CONFIG"} <= set(ts_env)
    mounts = volume_targets(ts["volumes"])
    assert mounts[ts_env["TS_STATE_DIR"]] == "tailscale-state"
    assert mounts[ts_env["TS_SERVE_CONFIG"].rsplit("/", 1)[0] + "/serve.json"].endswith("sidecars/tailscale/serve.json")
    serve = (REPO / "sidecars/tailscale/serve.json").read_text()
    assert "${TS_CERT_DOMAIN}:443" in serve and "http://127.0.0.1:8888" in serve
    assert serve == (REPO / "k8s/overlays/tailscale/serve.json").read_text(), "k8s copy of serve.json differs"


def test_cloudflared_sidecar_shape(docker_compose: str) -> None:
    config = compose_config(docker_compose, ["compose.cloudflared.yml"], {"TUNNEL_TOKEN": "x", "SPIN_TOKEN": "t"})
    cf = config["services"]["cloudflared"]
    command = cf["command"].split() if isinstance(cf["command"], str) else cf["command"]
    assert command[:2] == ["tunnel", "--no-autoupdate"] and command[-1] == "run"
    assert env_dict(cf["environment"])["TUNNEL_TOKEN"] == "x"
    local = yaml.safe_load((REPO / "sidecars/cloudflared/config.yml").read_text())
    assert local["ingress"][-1] == {"service": "http_status:404"}
    assert local["ingress"][0]["service"] == "http://spin-runtime:8888"


def test_compose_up_answers_readyz(docker_compose: str, dockerd: Dockerd, ci_image: str, tmp_path: Path) -> None:
    """The docs' compose.yml, image and port swapped through its variables, against a real
    dockerd; a recreated container (what `up -d --pull always` does after a new image
    arrives) keeps the volume. Compose 1.29 has no `--pull always`; `--force-recreate`
    does the same to the container."""
    port, token = free_port(), "compose-test-token-0123456789abcdef"
    env = dockerd.env(SPIN_IMAGE=ci_image, SPIN_TOKEN=token,
                      SPIN_PUBLISH_PORT=str(port), COMPOSE_PROJECT_NAME="spindeploytest")
    work = tmp_path / "compose"
    shutil.copytree(COMPOSE, work)
    cmd = [docker_compose, "-f", str(work / "compose.yml")]
    try:
        run(cmd + ["up", "-d"], env=env, cwd=work, timeout=300)
        wait_ready(f"http://127.0.0.1:{port}",
                   describe=lambda: run(cmd + ["logs", "--tail", "60"], env=env, cwd=work, check=False).stdout)
        base = f"http://127.0.0.1:{port}"
        assert http(f"{base}/api/kernels")[0] == 401
        out = execute(base, token, "open('/opt/spin/var/compose-marker', 'w').write('kept')")
        assert out["error"] is None, out
        run(cmd + ["up", "-d", "--force-recreate"], env=env, cwd=work, timeout=300)
        wait_ready(base)
        out = execute(base, token, "print(open('/opt/spin/var/compose-marker').read())")
        assert out["stdout"].strip() == "kept", out
    finally:
        run(cmd + ["down", "-v", "--timeout", "20"], env=env, cwd=work, check=False, timeout=120)
