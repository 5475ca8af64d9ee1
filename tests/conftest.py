"""Shared test set-up.

Qt must run without a display and must not touch the developer's own settings, model library or caches,
so the environment is arranged here, at import time, before anything imports Qt or platformdirs.
"""
from __future__ import annotations

import os
import tempfile

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# The inspector speaks the system's language: the suite runs in English whatever the machine's locale, and the
# tests about languages choose theirs.
os.environ["LC_ALL"] = "C.UTF-8"
# One torch thread: with two OpenMP threads on two cores that other programs also use, each waits on the other's
# barrier and a training step takes ten to seventy times longer; one thread keeps the suite's run time steady.
os.environ.setdefault("OMP_NUM_THREADS", "1")
_SANDBOX = tempfile.mkdtemp(prefix="csa-inspector-tests-")
for _variable in ("XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_CACHE_HOME"):
    os.environ[_variable] = os.path.join(_SANDBOX, _variable.lower())

from pathlib import Path  # noqa: E402
from typing import Callable, Optional  # noqa: E402

import numpy as np  # noqa: E402
import pytest  # noqa: E402

from repo_paths import ARTIFACTS  # noqa: E402


@pytest.fixture
def private_data_dir(tmp_path, monkeypatch) -> Path:
    """Logs of read-only batches go to a per-test data folder, never the real user-data folder."""
    data = tmp_path / "user-data"
    monkeypatch.setenv("CSA_INSPECTOR_DATA_DIR", str(data))
    return data


@pytest.fixture
def synthetic_batch(tmp_path) -> Callable[..., Path]:
    """A folder of synthetic photos (good and with foreign bodies), not scored yet."""
    from core.synthetic import SceneConfig, generate_batch

    def make(n_good: int = 6, n_bad: int = 3, size: int = 128, name: str = "batch", seed: int = 7) -> Path:
        return generate_batch(tmp_path / name, n_good, n_bad, config=SceneConfig(size=size, seed=seed))

    return make


def fill_fake_log(batch: Path, threshold: float = 2.0, pixel_threshold: float = 3.0, broken: Optional[str] = "broken.png",
                  seed: int = 0, hash_files: bool = False) -> dict[str, float]:
    """Score a batch without the engine: what ``csa-inspector score`` would leave behind, with known scores.

    Photos listed as foreign bodies in labels.csv get high scores and a hot spot in their heatmap.
    Returns the score of every photo by file name.
    """
    import csv

    from core.review import ReviewLog, file_sha256

    labels = {}
    labels_file = batch / "labels.csv"
    if labels_file.exists():
        with open(labels_file, newline="", encoding="utf-8") as stream:
            labels = {row["file"]: int(row["label"]) for row in csv.DictReader(stream)}
    rng = np.random.default_rng(seed)
    scores: dict[str, float] = {}
    with ReviewLog.open(batch, create=True) as log:
        for path in sorted(batch.glob("*.png")):
            if path.name == broken:
                continue
            bad = labels.get(path.name, 0)
            heatmap = rng.gamma(2.0, 0.5, (32, 32)).astype(np.float32)
            if bad:
                heatmap[10:16, 12:20] += 6.0
            score = round(float(rng.normal(3.0 if bad else 1.0, 0.3)) + len(scores) * 1e-3, 4)
            scores[path.name] = score
            sha256 = file_sha256(path) if hash_files else None
            log.record_score(path, sha256, score, score >= threshold, heatmap, 128, 128)
        if broken:
            (batch / broken).write_bytes(b"\x89PNG\r\n\x1a\n-cut-off")
            log.record_score(batch / broken, None, None, False, None, None, None, error="truncated PNG file")
        log.set_batch_info(model_name="fake", threshold=threshold, pixel_threshold=pixel_threshold, heatmap_low=1.0)
    return scores


@pytest.fixture
def scored_batch(synthetic_batch) -> Callable[..., tuple[Path, dict[str, float]]]:
    """A batch already scored (fake scores in its review log), as after an overnight ``csa-inspector score``."""

    def make(n_good: int = 8, n_bad: int = 4, **kwargs) -> tuple[Path, dict[str, float]]:
        batch = synthetic_batch(n_good, n_bad, name=kwargs.pop("name", "scored"))
        return batch, fill_fake_log(batch, **kwargs)

    return make


@pytest.fixture
def inspector_settings(tmp_path):
    """Settings in a private INI file, with a reviewer already named."""
    from PySide6.QtCore import QSettings

    from app.qt.settings import InspectorSettings

    settings = InspectorSettings(QSettings(str(tmp_path / "settings.ini"), QSettings.IniFormat))
    settings.reviewer = "Alex Tester"
    return settings


@pytest.fixture
def make_window(qapp, qtbot, inspector_settings, tmp_path):
    """Build main windows with the project theme; every one is closed (and its jobs stopped) afterwards."""
    from app.qt.main_window import MainWindow
    from app.qt.theme import apply_theme

    apply_theme(qapp)
    windows = []

    def make(settings=None, warm_up: bool = False, library: Optional[Path] = None, size=(1400, 880)):
        window = MainWindow(settings=settings or inspector_settings, library_folder=library or tmp_path / "library",
                            warm_up=warm_up)
        qtbot.addWidget(window)
        if size:
            window.resize(*size)
        window.show()
        window.activateWindow()
        qtbot.waitUntil(window.isActiveWindow, timeout=30000)  # keyboard shortcuts go to the active window only
        windows.append(window)
        return window

    yield make
    for window in windows:
        if window.isVisible():
            window.close()


def settle(qtbot, window, timeout: int = 30000) -> None:
    """Wait until visible thumbnails and the current photo are drawn, as a person would see the window."""
    thumbnails = window.thumbnails
    qtbot.waitUntil(lambda: not thumbnails._pending and thumbnails.pool.activeThreadCount() == 0, timeout=timeout)
    qtbot.waitUntil(window.is_settled, timeout=timeout)
    qtbot.wait(50)


def save_artifact(widget, name: str, qtbot=None) -> Path:
    """Keep a picture of a state of the inspector in test-artifacts/ for a person to look at."""
    from PySide6.QtWidgets import QApplication

    if qtbot is not None and hasattr(widget, "thumbnails"):
        settle(qtbot, widget)
    QApplication.processEvents()
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / name
    widget.grab().save(str(path))
    return path


# ------------------------------------------------------------------------------- trained engine, once per session
#
# Tests of the trained engine and of the command line share one labelled synthetic category and one model trained
# on it. The model is small (128 px input, 32 hidden channels) but trained for real: with a learning rate above
# the default, eight epochs on 36 photos separate the foreign bodies clearly, which the quality tests rely on.
# Everything those margins depend on is set here rather than taken from the defaults, which are tuned for real
# photos: the stride-16 backbone stage gives an 8 x 8 feature grid at 128 px (the default stride-32 stage would
# give 4 x 4, too coarse to check where a heatmap peaks).


def engine_test_config(epochs: int = 8, lr: float = 1e-3, seed: int = 0):
    """Config of the shared test model: CPU-cheap, yet trained far enough to tell foreign bodies apart."""
    from core import BackboneConfig, FlowConfig, InputConfig, ModelConfig, TrainConfig

    return ModelConfig(
        backbone=BackboneConfig(name="tf_efficientnet_lite0", weights="offline", stage=4),
        input=InputConfig(image_size=128),
        flow=FlowConfig(variant="csa", hidden_channels=32, seed=seed),
        train=TrainConfig(epochs=epochs, lr=lr, batch_size=8, seed=seed),
    )


@pytest.fixture(scope="session")
def labelled_category(tmp_path_factory) -> Path:
    """An MVTec-style category of synthetic brake-unit photos: 40 train, 15 good and 15 foreign-body test photos."""
    from core.synthetic import SceneConfig, generate_dataset

    root = tmp_path_factory.mktemp("labelled")
    return generate_dataset(root, n_train=40, n_test_good=15, n_test_bad=15, config=SceneConfig(size=128, seed=1))


@pytest.fixture(scope="session")
def trained_detector(labelled_category):
    """The shared test model, trained once on ``labelled_category``'s good photos. Tests must not change it."""
    from core import train_detector
    from core.photos.datasets import training_images

    return train_detector(training_images(labelled_category), engine_test_config())


@pytest.fixture(scope="session")
def trained_model_file(trained_detector, tmp_path_factory) -> Path:
    """``trained_detector`` saved as a model file (read it, don't overwrite it)."""
    from core.scoring.detector import Detector

    copy = Detector(trained_detector.config, trained_detector.flow, trained_detector.extractor,
                    trained_detector.threshold, trained_detector.pixel_threshold, dict(trained_detector.meta),
                    trained_detector.alarm_threshold, patch_memory=trained_detector.patch_memory)
    return copy.save(tmp_path_factory.mktemp("trained-model") / "brake-unit.csa")


@pytest.fixture(scope="session")
def category_metrics(trained_detector, labelled_category) -> dict:
    """``evaluate_category`` of the shared model on its category's test photos."""
    from core.evaluation.category import evaluate_category

    return evaluate_category(trained_detector, labelled_category)
