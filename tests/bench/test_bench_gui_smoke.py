"""The inspector's benchmark keeps working, flat and with its photos in camera folders (a quick run, not timings)."""
from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from repo_paths import REPO_ROOT


pytestmark = pytest.mark.gui


@pytest.mark.parametrize("folders", [0, 4])
def test_bench_gui_runs_on_a_small_batch(tmp_path, folders):
    out = tmp_path / "gui.json"
    command = [sys.executable, "-m", "bench.bench_gui", "--photos", "30", "--size", "48",
               "--steps", "3", "--folders", str(folders), "--workdir", str(tmp_path / "work"), "--out", str(out)]
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", PYTHONPATH=str(REPO_ROOT))
    done = subprocess.run(command, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    results = json.loads(out.read_text(encoding="utf-8"))
    assert results["photos"] == 30 and results["folders"] == folders
    assert results["decision_ms"]["n"] == 3 and results["switch_preloaded_ms"]["n"] == 3
    batch = tmp_path / "work" / "batch"
    photos = list(batch.rglob("photo_*.png"))
    assert len(photos) == 30
    assert len({p.parent for p in photos}) == max(1, folders)
    assert "decision, next photo current" in done.stdout
