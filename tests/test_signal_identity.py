"""benchmarks/signal_identity.py tells a changed signal result from a version bump."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))

import signal_identity  # noqa: E402

from mizan.detector.signals.style import StyleSignal  # noqa: E402

ARGS = ["--signals", "style", "--news", "0"]


def test_snapshot_passes_unchanged_and_across_a_version_bump(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    snapshot = tmp_path / "style.json"
    assert signal_identity.main([*ARGS, "--write", str(snapshot)]) == 0
    results = json.loads(snapshot.read_text(encoding="utf-8"))
    assert any(key.endswith(":style+memory") for key in results)
    assert all('"version"' not in value for value in results.values())
    assert signal_identity.main([*ARGS, "--check", str(snapshot)]) == 0
    monkeypatch.setattr(StyleSignal, "version", "999")
    assert signal_identity.main([*ARGS, "--check", str(snapshot)]) == 0


def test_a_changed_result_fails_the_check(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    snapshot = tmp_path / "style.json"
    assert signal_identity.main([*ARGS, "--write", str(snapshot)]) == 0
    results = json.loads(snapshot.read_text(encoding="utf-8"))
    first = sorted(results)[0]
    data = json.loads(results[first])
    data["score"] = data.get("score", 0.0) + 0.5
    results[first] = json.dumps(data, sort_keys=True, ensure_ascii=False)
    snapshot.write_text(json.dumps(results, ensure_ascii=False), encoding="utf-8")
    assert signal_identity.main([*ARGS, "--check", str(snapshot)]) == 1
    assert first in capsys.readouterr().err
