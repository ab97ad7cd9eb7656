"""The committed golden vectors are exactly what Jupyter's code produces today,
and the frame verifier used by the Swift tests accepts good frames and rejects
bad ones."""

from __future__ import annotations

import base64
import json
import subprocess
import sys
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
GOLDEN = REPO_ROOT / "scripts" / "golden"
FIXTURES = REPO_ROOT / "Tests" / "JupyterProtocolTests" / "Fixtures"
FILES = ("session_vectors.json", "ws_v1_vectors.json")


def run(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, *map(str, args)], capture_output=True, text=True, timeout=120
    )


@pytest.fixture(scope="module")
def regenerated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("golden")
    proc = run(GOLDEN / "gen_vectors.py", "--out-dir", out)
    assert proc.returncode == 0, proc.stderr
    return out


@pytest.mark.parametrize("name", FILES)
def test_committed_fixtures_match_regenerated(regenerated: Path, name: str) -> None:
    committed = FIXTURES / name
    assert committed.exists(), f"{committed} missing: run scripts/golden/gen_vectors.py"
    assert (regenerated / name).read_bytes() == committed.read_bytes(), (
        f"{committed} is stale: run scripts/golden/gen_vectors.py and commit the result"
    )


def test_generator_is_deterministic(regenerated: Path, tmp_path: Path) -> None:
    proc = run(GOLDEN / "gen_vectors.py", "--out-dir", tmp_path)
    assert proc.returncode == 0, proc.stderr
    for name in FILES:
        assert (tmp_path / name).read_bytes() == (regenerated / name).read_bytes()


def test_session_vectors_cover_required_cases() -> None:
    doc = json.loads((FIXTURES / "session_vectors.json").read_text(encoding="utf-8"))
    assert doc["key"] == "spin-golden-key-0123456789abcdef"
    msgs = doc["messages"]
    types = {m["msg_type"] for m in msgs}
    assert {"execute_request", "execute_reply", "stream"} <= types
    assert any(m["parent_header"] for m in msgs if m["msg_type"] == "execute_reply")
    assert any("🚀" in json.dumps(m["content"], ensure_ascii=False) for m in msgs)
    assert any(len(m["buffers_b64"]) == 2 for m in msgs)
    assert any(m["identities_b64"] for m in msgs)
    for m in msgs:
        frames = [base64.b64decode(f) for f in m["frames_b64"]]
        assert frames[0] == b"<IDS|MSG>"
        assert frames[1].decode() == m["signature"]
        assert len(frames) == 6 + len(m["buffers_b64"])


def test_ws_v1_vectors_cover_all_channels() -> None:
    doc = json.loads((FIXTURES / "ws_v1_vectors.json").read_text(encoding="utf-8"))
    msgs = doc["messages"]
    assert {m["channel"] for m in msgs} == {"shell", "iopub", "stdin", "control"}
    assert any(m["buffers_b64"] for m in msgs)
    assert any(not m["buffers_b64"] for m in msgs)


def _session_input_from_fixture() -> dict:
    doc = json.loads((FIXTURES / "session_vectors.json").read_text(encoding="utf-8"))
    return {
        "kind": "session",
        "key": doc["key"],
        "messages": [
            {
                "name": m["name"],
                "frames_b64": m["identities_b64"] + m["frames_b64"],
                "expect": {
                    "msg_type": m["msg_type"],
                    "content": m["content"],
                    "parent_header": m["parent_header"],
                    "buffers_b64": m["buffers_b64"],
                    "identities_b64": m["identities_b64"],
                },
            }
            for m in doc["messages"]
        ],
    }


def _ws_input_from_fixture() -> dict:
    doc = json.loads((FIXTURES / "ws_v1_vectors.json").read_text(encoding="utf-8"))
    return {
        "kind": "ws_v1",
        "messages": [
            {
                "name": m["name"],
                "frame_b64": m["frame_b64"],
                "expect": {
                    "channel": m["channel"],
                    "msg_type": m["header"]["msg_type"],
                    "content": m["content"],
                    "buffers_b64": m["buffers_b64"],
                },
            }
            for m in doc["messages"]
        ],
    }


def _verify(tmp_path: Path, doc: dict) -> subprocess.CompletedProcess[str]:
    path = tmp_path / "input.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    return run(GOLDEN / "verify_frames.py", path)


def test_verifier_accepts_golden_session_frames(tmp_path: Path) -> None:
    proc = _verify(tmp_path, _session_input_from_fixture())
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_verifier_accepts_golden_ws_v1_frames(tmp_path: Path) -> None:
    proc = _verify(tmp_path, _ws_input_from_fixture())
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_verifier_rejects_bad_signature(tmp_path: Path) -> None:
    doc = _session_input_from_fixture()
    frames = doc["messages"][0]["frames_b64"]
    frames[1] = base64.b64encode(b"0" * 64).decode()
    proc = _verify(tmp_path, doc)
    assert proc.returncode == 1, proc.stdout
    assert "signature" in proc.stdout.lower()


def test_verifier_rejects_tampered_content(tmp_path: Path) -> None:
    doc = _session_input_from_fixture()
    frames = doc["messages"][0]["frames_b64"]
    frames[-1] = base64.b64encode(b'{"code": "2+2"}').decode()
    proc = _verify(tmp_path, doc)
    assert proc.returncode == 1, proc.stdout


def test_verifier_rejects_wrong_expectation(tmp_path: Path) -> None:
    doc = _session_input_from_fixture()
    doc["messages"][0]["expect"]["msg_type"] = "kernel_info_request"
    proc = _verify(tmp_path, doc)
    assert proc.returncode == 1
    assert "msg_type" in proc.stdout


def test_verifier_rejects_truncated_ws_frame(tmp_path: Path) -> None:
    doc = _ws_input_from_fixture()
    frame = base64.b64decode(doc["messages"][0]["frame_b64"])
    doc["messages"][0]["frame_b64"] = base64.b64encode(frame[:-3]).decode()
    proc = _verify(tmp_path, doc)
    assert proc.returncode == 1, proc.stdout


def test_verifier_rejects_wrong_channel(tmp_path: Path) -> None:
    doc = _ws_input_from_fixture()
    doc["messages"][0]["expect"]["channel"] = "control"
    proc = _verify(tmp_path, doc)
    assert proc.returncode == 1
    assert "channel" in proc.stdout


def test_verifier_rejects_unusable_input(tmp_path: Path) -> None:
    proc = _verify(tmp_path, {"kind": "nonsense", "messages": []})
    assert proc.returncode == 2
