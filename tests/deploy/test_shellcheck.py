"""shellcheck on the shell this deliverable adds: any *.sh under compose/, k8s/,
sidecars/, tests/deploy/, and the image's HEALTHCHECK command."""
from __future__ import annotations

import json
import re
from pathlib import Path

from deploy_support import REPO, ensure_apt, run

OWNED = ["compose", "k8s", "sidecars", "tests/deploy"]


def healthcheck_script() -> str:
    text = (REPO / "Dockerfile").read_text().replace("\\\n", " ")
    line = next(l for l in text.splitlines() if l.startswith("HEALTHCHECK"))
    exec_form = json.loads(re.search(r"CMD\s+(\[.*\])", line).group(1))
    assert exec_form[:2] == ["/bin/sh", "-c"]
    return exec_form[2]


def test_shell_scripts_pass_shellcheck() -> None:
    ensure_apt("shellcheck")
    scripts = [p for d in OWNED for p in (REPO / d).rglob("*.sh")]
    if scripts:
        run(["shellcheck", "-x", *map(str, scripts)])


def test_healthcheck_command_passes_shellcheck(tmp_path: Path) -> None:
    ensure_apt("shellcheck")
    script = tmp_path / "healthcheck.sh"
    script.write_text("#!/bin/sh\n" + healthcheck_script() + "\n")
    run(["shellcheck", "-s", "sh", str(script)])
