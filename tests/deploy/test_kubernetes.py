"""k8s/: kustomize renders the base and every overlay, the output passes
kubernetes-validate --strict, and the invariants of the deployment hold."""
from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from deploy_support import REPO, kubectl_path, run

K8S = REPO / "k8s"
KUBERNETES_VERSION = "1.34.0"  # a current release; kubernetes-validate ships schemas up to 1.37
TARGETS = ["base"] + sorted(f"overlays/{p.name}" for p in (K8S / "overlays").iterdir() if p.is_dir())


def render(target: str) -> list[dict]:
    out = run([kubectl_path(), "kustomize", str(K8S / target)]).stdout
    return [d for d in yaml.safe_load_all(out) if d]


def deployment(docs: list[dict]) -> dict:
    deps = [d for d in docs if d["kind"] == "Deployment"]
    assert len(deps) == 1
    return deps[0]


def test_overlays_are_the_documented_ones() -> None:
    assert set(TARGETS) == {"base", "overlays/https", "overlays/ca-bundle", "overlays/tailscale",
                            "overlays/cloudflared", "overlays/ingress"}


@pytest.mark.parametrize("target", TARGETS)
def test_renders_and_validates_strict(target: str, tmp_path: Path) -> None:
    rendered = tmp_path / "rendered.yaml"
    rendered.write_text(run([kubectl_path(), "kustomize", str(K8S / target)]).stdout)
    proc = run([str(Path(kubectl_path()).parent / "kubernetes-validate")
                if (Path(kubectl_path()).parent / "kubernetes-validate").exists() else "kubernetes-validate",
                "--strict", "-k", KUBERNETES_VERSION, str(rendered)], check=False)
    assert proc.returncode == 0 and "ERROR" not in proc.stdout + proc.stderr, proc.stdout + proc.stderr


@pytest.mark.parametrize("target", TARGETS)
def test_invariants(target: str) -> None:
    docs = render(target)
    dep = deployment(docs)
    spec, pod = dep["spec"], dep["spec"]["template"]["spec"]
    assert spec["replicas"] == 1 and spec["strategy"]["type"] == "Recreate"
    containers = {c["name"]: c for c in pod["containers"]}
    gateway, executor = containers["gateway"], containers["executor"]

    # Two containers share the socket folder (an emptyDir).
    volumes = {v["name"]: v for v in pod["volumes"]}
    def mount(c: dict, path: str) -> str:
        names = [m["name"] for m in c["volumeMounts"] if m["mountPath"] == path]
        assert names, f"{c['name']} has no mount at {path}"
        return names[0]
    run_volume = mount(gateway, "/opt/spin/run")
    assert mount(executor, "/opt/spin/run") == run_volume and "emptyDir" in volumes[run_volume]
    assert "persistentVolumeClaim" in volumes[mount(executor, "/opt/spin/var")]
    genv = {e["name"]: e for e in gateway["env"]}
    assert genv["SPIN_EXECUTOR"]["value"] == "external"
    socket = genv["SPIN_EXECUTOR_SOCKET"]["value"]
    assert socket.startswith("/opt/spin/run/")
    assert {e["name"]: e for e in executor["env"]}["SPIN_EXECUTOR_SOCKET"]["value"] == socket

    # Token from a Secret, never a literal.
    ref = genv["SPIN_TOKEN"]["valueFrom"]["secretKeyRef"]
    assert any(d["kind"] == "Secret" and d["metadata"]["name"] == ref["name"] for d in docs) or ref["name"]
    assert all(e["name"] != "SPIN_TOKEN" for e in executor["env"]), "the executor must not get the token"

    # Probes on the gateway.
    assert gateway["livenessProbe"]["httpGet"]["path"] == "/healthz"
    assert gateway["readinessProbe"]["httpGet"]["path"] == "/readyz"
    scheme = "HTTPS" if target == "overlays/https" else "HTTP"
    assert gateway["readinessProbe"]["httpGet"].get("scheme", "HTTP") == scheme

    # Nobody runs as root or escalates; capabilities dropped.
    assert pod["securityContext"]["runAsNonRoot"] is True and pod["securityContext"]["runAsUser"] != 0
    for c in pod["containers"]:
        sc = c.get("securityContext", {})
        assert sc.get("runAsUser", pod["securityContext"]["runAsUser"]) != 0, c["name"]
        assert sc.get("allowPrivilegeEscalation") is False, c["name"]
        assert "ALL" in sc.get("capabilities", {}).get("drop", []), c["name"]
        assert "resources" in c and "requests" in c["resources"] and "limits" in c["resources"], c["name"]
    for c in (gateway, executor):
        assert c["securityContext"]["readOnlyRootFilesystem"] is True
        assert volumes[mount(c, "/tmp")].get("emptyDir") is not None

    # Drain time: SPIN_SHUTDOWN_GRACE (default 10 s) plus kernel shutdown.
    grace = int(genv.get("SPIN_SHUTDOWN_GRACE", {}).get("value", "10"))
    assert pod["terminationGracePeriodSeconds"] >= grace + 10

    # Service reaches the gateway port.
    service = next(d for d in docs if d["kind"] == "Service")
    assert service["spec"]["ports"][0]["targetPort"] == "http"
    assert any(p["name"] == "http" and p["containerPort"] == 8888 for p in gateway["ports"])


def test_https_overlay_mounts_tls_secret_read_only() -> None:
    pod = deployment(render("overlays/https"))["spec"]["template"]["spec"]
    gateway = next(c for c in pod["containers"] if c["name"] == "gateway")
    env = {e["name"]: e.get("value") for e in gateway["env"]}
    tls = next(m for m in gateway["volumeMounts"] if m["name"] == "tls")
    assert tls["readOnly"] is True and "subPath" not in tls  # subPath would block certificate reloads
    assert env["SSL_CERT_FILE"].startswith(tls["mountPath"]) and env["SSL_KEY_FILE"].startswith(tls["mountPath"])
    assert next(v for v in pod["volumes"] if v["name"] == "tls")["secret"]["secretName"]


def test_ca_bundle_overlay() -> None:
    docs = render("overlays/ca-bundle")
    pod = deployment(docs)["spec"]["template"]["spec"]
    executor = next(c for c in pod["containers"] if c["name"] == "executor")
    bundle = {e["name"]: e.get("value") for e in executor["env"]}["REQUESTS_CA_BUNDLE"]
    m = next(m for m in executor["volumeMounts"] if m["name"] == "ca-bundle")
    assert bundle.startswith(m["mountPath"]) and m["readOnly"] is True
    cm_name = next(v for v in pod["volumes"] if v["name"] == "ca-bundle")["configMap"]["name"]
    assert any(d["kind"] == "ConfigMap" and d["metadata"]["name"] == cm_name for d in docs)


def test_tailscale_overlay_rbac_is_limited() -> None:
    docs = render("overlays/tailscale")
    pod = deployment(docs)["spec"]["template"]["spec"]
    ts = next(c for c in pod["containers"] if c["name"] == "tailscale")
    env = {e["name"]: e for e in ts["env"]}
    state_secret = env["TS_KUBE_SECRET"]["value"]
    assert env["TS_AUTHKEY"]["valueFrom"]["secretKeyRef"]
    sa = next(d for d in docs if d["kind"] == "ServiceAccount")
    assert pod["serviceAccountName"] == sa["metadata"]["name"]
    role = next(d for d in docs if d["kind"] == "Role")
    binding = next(d for d in docs if d["kind"] == "RoleBinding")
    assert binding["roleRef"]["name"] == role["metadata"]["name"]
    assert binding["subjects"][0]["name"] == sa["metadata"]["name"]
    for rule in role["rules"]:
        assert rule["apiGroups"] == [""] and "*" not in rule["verbs"]
        if rule["resources"] == ["secrets"] and set(rule["verbs"]) & {"get", "update", "patch"}:
            assert rule["resourceNames"] == [state_secret]
    assert not any(d["kind"] in ("ClusterRole", "ClusterRoleBinding") for d in docs)


def test_cloudflared_overlay_probe_and_token() -> None:
    docs = render("overlays/cloudflared")
    pod = deployment(docs)["spec"]["template"]["spec"]
    cf = next(c for c in pod["containers"] if c["name"] == "cloudflared")
    assert cf["args"][:2] == ["tunnel", "--no-autoupdate"] and cf["args"][-1] == "run"
    assert cf["readinessProbe"]["httpGet"]["path"] == "/ready"
    port = cf["readinessProbe"]["httpGet"]["port"]
    assert any(p["containerPort"] == 2000 and p["name"] == port for p in cf["ports"])
    ref = {e["name"]: e for e in cf["env"]}["TUNNEL_TOKEN"]["valueFrom"]["secretKeyRef"]
    assert any(d["kind"] == "Secret" and d["metadata"]["name"] == ref["name"] for d in docs)


def test_ingress_overlay_targets_the_service() -> None:
    docs = render("overlays/ingress")
    ingress = next(d for d in docs if d["kind"] == "Ingress")
    service = next(d for d in docs if d["kind"] == "Service")
    backend = ingress["spec"]["rules"][0]["http"]["paths"][0]["backend"]["service"]
    assert backend["name"] == service["metadata"]["name"]
    assert backend["port"]["name"] in {p["name"] for p in service["spec"]["ports"]}
    assert ingress["spec"]["tls"][0]["secretName"]
