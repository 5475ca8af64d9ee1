"""Starting the inspector: fast, without torch on the UI thread, headless-safe packages, screenshot mode."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtGui import QImage

from app.qt.launch import resolve_model, run_gui
from repo_paths import REPO_ROOT, ARTIFACTS

pytestmark = pytest.mark.gui
ROOT = REPO_ROOT


def run_python(code: str) -> subprocess.CompletedProcess:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", PYTHONPATH=str(ROOT))
    return subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)


def test_app_package_core_and_its_review_session_do_not_import_qt():
    result = run_python(
        "import sys, app, core\n"
        "from core import ReviewSession, list_library_models\n"
        "loaded = [m for m in sys.modules if m.split('.')[0] in ('PySide6', 'pyqtgraph', 'shiboken6')]\n"
        "print(loaded)\n"
        "sys.exit(1 if loaded else 0)\n"
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_window_appears_without_importing_torch():
    result = run_python(
        "import sys, time\n"
        "started = time.perf_counter()\n"
        "from app.qt.launch import create_application\n"
        "app = create_application()\n"
        "from app.qt.main_window import MainWindow\n"
        "window = MainWindow(warm_up=False)\n"
        "window.show()\n"
        "app.processEvents()\n"
        "shown = time.perf_counter() - started\n"
        "torch_loaded = 'torch' in sys.modules\n"
        "window.start_engine_warm_up()  # from here on torch loads, in a worker thread\n"
        "print(round(shown, 3), torch_loaded, window.engine_label.text())\n"
        "window.close()\n"
    )
    assert result.returncode == 0, result.stderr
    seconds, torch_loaded, *label = result.stdout.split()
    assert torch_loaded == "False", result.stdout  # nothing on the UI thread pulls in the engine
    assert " ".join(label) == "Loading engine…", result.stdout
    float(seconds)  # the time to show the window is measured by bench/bench_gui.py, not here


def run_screenshot(batch: Path, target: Path, model: Path | None = None) -> subprocess.CompletedProcess:
    """``csa-inspector gui BATCH --screenshot FILE`` as its own process, the way it is used."""
    return run_python(
        "import sys\n"
        "from app.qt.launch import run_gui\n"
        f"sys.exit(run_gui(batch_dir={str(batch)!r}, model={str(model) if model else None!r}, screenshot={str(target)!r}))\n"
    )


def test_screenshot_of_a_scored_batch(scored_batch, tmp_path):
    batch, _ = scored_batch(n_good=8, n_bad=4)
    target = tmp_path / "shot.png"
    result = run_screenshot(batch, target)
    assert result.returncode == 0, result.stderr
    image = QImage(str(target))
    assert not image.isNull() and image.width() >= 800 and image.height() >= 500
    ARTIFACTS.mkdir(exist_ok=True)
    image.save(str(ARTIFACTS / "screenshot-mode.png"))


@pytest.mark.slow
def test_screenshot_scores_the_batch_first(synthetic_batch, trained_model_file, tmp_path):
    from core.review import ReviewLog

    batch = synthetic_batch(n_good=4, n_bad=2)
    target = tmp_path / "scored.png"
    result = run_screenshot(batch, target, trained_model_file)
    assert result.returncode == 0, result.stderr
    assert not QImage(str(target)).isNull()
    with ReviewLog.open(batch, read_only=True) as log:
        assert all(r.score is not None for r in log.images())
        assert len(log.images()) == 6


def test_unknown_model_or_folder_is_refused(qapp, tmp_path, capsys):
    assert run_gui(model="no-such-model") == 2
    assert "no-such-model" in capsys.readouterr().err
    assert run_gui(batch_dir=tmp_path / "missing") == 2


def test_models_are_found_by_file_or_library_name(tmp_path):
    library = tmp_path / "library"
    library.mkdir()
    model = library / "bogie-left.csa"
    model.write_bytes(b"placeholder")
    assert resolve_model(str(model), library) == model
    assert resolve_model("bogie-left", library) == model
    assert resolve_model("BOGIE-LEFT", library) == model
    assert resolve_model("other", library) is None
