"""``csa-inspector`` end to end: train, score, eval, report, and one-line errors with exit status 2."""
from __future__ import annotations

import csv
import json
import math
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from core import __version__, load_detector
from core.photos.datasets import training_images
from core.review import open_for_batch
from repo_paths import REPO_ROOT
from cli_runner import run_cli

REPO = REPO_ROOT
METRIC_KEYS = ("image_auroc", "pixel_auroc", "pixel_aupro", "pointing", "good_outlined_share", "good_outlined_photos",
               "recall_ano", "recall_norm", "accuracy", "threshold")




def assert_user_error(status: int, out: str, err: str, *fragments: str) -> str:
    lines = err.strip().splitlines()
    assert status == 2, (status, out, err)
    assert len(lines) == 1, f"expected one error line, got: {err!r}"
    assert lines[0].startswith("error: ")
    for fragment in fragments:
        assert fragment in lines[0]
    return lines[0]


# ------------------------------------------------------------------------------------------- shared runs


@pytest.fixture(scope="module")
def cli_model(labelled_category, tmp_path_factory) -> tuple[Path, str]:
    """``csa-inspector train`` on a plain folder of 12 good photos; returns the model file and what it printed."""
    root = tmp_path_factory.mktemp("cli-train")
    folder = root / "good photos"
    folder.mkdir()
    for image in training_images(labelled_category)[:12]:
        shutil.copy(image, folder / image.name)
    (folder / "broken.png").write_text("not a photo")
    status, out, err = run_cli("train", "--data", folder, "--out", root / "cli.csa", "--image-size", "128",
                               "--hidden", "32", "--epochs", "2", "--variant", "csflow+ca", "--quiet")
    assert status == 0, err
    assert f"skipped {folder / 'broken.png'}:" in err
    return root / "cli.csa", out


@pytest.fixture(scope="module")
def cli_scored(cli_model, tmp_path_factory) -> tuple[Path, Path, str, str]:
    """A batch of 8 photos plus an unreadable file, scored with ``csa-inspector score``."""
    from core.synthetic import SceneConfig, generate_batch

    root = tmp_path_factory.mktemp("cli-score")
    batch = generate_batch(root / "batch", n_good=5, n_bad=3, config=SceneConfig(size=128, seed=5))
    (batch / "zz-broken.png").write_bytes(b"\x89PNG\r\n\x1a\n-cut-off")
    status, out, err = run_cli("score", "--model", cli_model[0], "--images", batch, "--out", root / "results",
                               "--quiet", "--batch-size", "3")
    assert status == 0, err
    return batch, root / "results", out, err


# ------------------------------------------------------------------------------------------- commands


def test_version():
    status, out, _ = run_cli("--version")
    assert status == 0
    assert out.strip() == f"csa-inspector {__version__}"


@pytest.mark.slow
def test_train_writes_a_model_with_the_requested_settings(cli_model):
    model_path, out = cli_model
    assert f"model written to {model_path}" in out
    assert "trained csflow+ca on 10 images (2 held out)" in out
    detector = load_detector(model_path)
    config = detector.config
    assert (config.input.image_size, config.flow.hidden_channels, config.flow.variant) == (128, 32, "csflow+ca")
    assert config.train.epochs == 2
    assert detector.meta["training"]["epochs_run"] == 2
    assert list(detector.meta["skipped_images"]) == [str(model_path.parent / "good photos" / "broken.png")]
    assert math.isfinite(detector.threshold)


@pytest.mark.slow
def test_score_writes_tables_heatmaps_and_the_review_log(cli_model, cli_scored):
    batch, results, out, err = cli_scored
    photos = sorted(p.name for p in batch.glob("img_*.png"))
    assert len(photos) == 8
    assert "8 images scored" in out and "1 skipped" in out
    assert f"skipped {batch / 'zz-broken.png'}:" in err

    with open(results / "scores.csv", newline="", encoding="utf-8") as stream:
        rows = list(csv.DictReader(stream))
    assert sorted(r["file"] for r in rows) == sorted(photos + ["zz-broken.png"])
    assert rows[-1]["file"] == "zz-broken.png" and rows[-1]["score"] == "" and rows[-1]["error"]
    scores = [float(r["score"]) for r in rows[:-1]]
    assert scores == sorted(scores, reverse=True)

    table = json.loads((results / "scores.json").read_text(encoding="utf-8"))
    threshold = load_detector(cli_model[0]).threshold
    assert table["threshold"] == threshold
    by_file = {entry["file"]: entry for entry in table["images"]}
    assert all(by_file[name]["flagged"] == (by_file[name]["score"] >= threshold) for name in photos)

    detector = load_detector(cli_model[0])
    assert table["pass_threshold"] == threshold and table["alarm_threshold"] == detector.alarm_threshold
    from core.scoring.operating_point import zone_of

    for name in photos:
        assert by_file[name]["zone"] == zone_of(by_file[name]["score"], threshold, detector.alarm_threshold)
    assert {r["file"]: r["zone"] for r in rows}["zz-broken.png"] == ""
    assert [r["zone"] for r in rows[:-1]] == [by_file[r["file"]]["zone"] for r in rows[:-1]]
    to_see = sum(by_file[name]["zone"] in ("review", "alarm") for name in photos)
    assert f"a person must see {to_see}" in out

    heatmaps = sorted(p.name for p in (results / "heatmaps").glob("*.png"))
    assert heatmaps == sorted(f"{Path(name).stem}_heatmap.png" for name in photos)

    with open_for_batch(batch, read_only=True) as log:
        records = {record.rel_path: record for record in log.images()}
        info = log.batch_info()
    assert set(records) == set(photos) | {"zz-broken.png"}
    for name in photos:
        assert records[name].score == pytest.approx(by_file[name]["score"], abs=1e-6)
        assert records[name].flagged == by_file[name]["flagged"]
        assert records[name].heatmap_path is not None and records[name].heatmap_path.is_file()
    assert records["zz-broken.png"].score is None and records["zz-broken.png"].error
    assert info.threshold == threshold
    assert info.model_path == str(cli_model[0])


@pytest.mark.slow
def test_eval_json_gives_the_metrics_of_the_engine(trained_model_file, labelled_category, category_metrics):
    # the engine's metrics were computed by PyTorch; other runtimes agree within 1e-4 only (tests/core/features/test_runtime.py)
    status, out, err = run_cli("eval", "--model", trained_model_file, "--data", labelled_category, "--json",
                               "--runtime", "torch")
    assert status == 0, err
    metrics = json.loads(out)
    for key in METRIC_KEYS:
        assert key in metrics
        assert metrics[key] == pytest.approx(category_metrics[key], abs=1e-9), key
    assert all(0.0 <= metrics[key] <= 1.0 for key in METRIC_KEYS if key != "threshold")
    assert metrics["image_auroc"] >= 0.95
    assert metrics["threshold"] > 0 and math.isfinite(metrics["threshold"])
    assert metrics["n_images"] == 30 and metrics["n_anomalous"] == 15


@pytest.mark.slow
def test_eval_prints_a_readable_table(trained_model_file, labelled_category):
    status, out, err = run_cli("eval", "--model", trained_model_file, "--data", labelled_category, "--quiet")
    assert status == 0, err
    assert out.startswith("brake_unit: 30 test images, 15 anomalous")
    for label in ("image AUROC", "pixel AUROC", "Recall_Ano", "Recall_Norm", "Accuracy", "threshold (ROC-optimal)"):
        assert label in out


@pytest.mark.slow
def test_eval_save_threshold_places_pass_and_alarm_from_the_roc(trained_model_file, labelled_category, tmp_path):
    model = Path(shutil.copy(trained_model_file, tmp_path / "copy.csa"))
    # the pass threshold lands exactly on a photo's score: checked below with the same (PyTorch) runtime
    status, out, err = run_cli("eval", "--model", model, "--data", labelled_category, "--save-threshold", "--quiet",
                               "--runtime", "torch")
    assert status == 0, err
    assert "from the ROC: pass" in out and "saved to" in out
    saved = load_detector(model)
    from core.photos.datasets import test_items

    items = test_items(labelled_category)
    scores = {r.path: r.score for r in saved.score_images([i.path for i in items])}
    bad = [scores[i.path] for i in items if i.label == 1]
    good = [scores[i.path] for i in items if i.label == 0]
    assert sum(s >= saved.threshold for s in bad) >= 0.99 * len(bad)  # every labelled foreign body in review
    assert saved.threshold == pytest.approx(min(bad))
    assert saved.alarm_threshold >= saved.threshold
    assert saved.alarm_threshold > max(good)  # 0.5 % of 15 normal photos rounds down to none in alarm


@pytest.mark.slow
def test_report_writes_pdf_and_csv_and_keeps_existing_files(cli_scored, tmp_path):
    batch = cli_scored[0]
    pdf, table = tmp_path / "report.pdf", tmp_path / "report.csv"

    status, out, err = run_cli("report", "--batch", batch, "--out", pdf)
    assert status == 0, err
    assert f"report written to {pdf}" in out
    assert pdf.read_bytes().startswith(b"%PDF")

    status, _, err = run_cli("report", "--batch", batch, "--out", table)
    assert status == 0, err
    with open(table, newline="", encoding="utf-8-sig") as stream:
        rows = list(csv.DictReader(stream))
    assert len(rows) == 9
    assert {row["file"] for row in rows} >= {"zz-broken.png"}

    before = pdf.read_bytes()
    status, out, err = run_cli("report", "--batch", batch, "--out", pdf)
    assert_user_error(status, out, err, "already exists")
    assert pdf.read_bytes() == before
    status, _, err = run_cli("report", "--batch", batch, "--out", pdf, "--force")
    assert status == 0, err


# ------------------------------------------------------------------------------------------- errors


def test_train_on_a_missing_folder_is_a_one_line_error(tmp_path):
    status, out, err = run_cli("train", "--data", tmp_path / "nowhere", "--out", tmp_path / "m.csa", "--quiet")
    assert_user_error(status, out, err, "training folder not found", "nowhere")
    assert not (tmp_path / "m.csa").exists()


def test_train_on_a_folder_without_images_is_a_one_line_error(tmp_path):
    (tmp_path / "empty").mkdir()
    status, out, err = run_cli("train", "--data", tmp_path / "empty", "--out", tmp_path / "m.csa", "--quiet")
    assert_user_error(status, out, err, "no images")


def test_score_with_a_bad_model_file_is_a_one_line_error(tmp_path):
    model = tmp_path / "model.csa"
    model.write_text("not a model")
    (tmp_path / "batch").mkdir()
    status, out, err = run_cli("score", "--model", model, "--images", tmp_path / "batch", "--out", tmp_path / "out")
    assert_user_error(status, out, err, "not a CSA Inspector model file", "model.csa")


@pytest.mark.slow
def test_score_of_a_missing_batch_folder_is_a_one_line_error(trained_model_file, tmp_path):
    status, out, err = run_cli("score", "--model", trained_model_file, "--images", tmp_path / "nowhere",
                               "--out", tmp_path / "out", "--quiet")
    assert_user_error(status, out, err, "batch folder not found")


@pytest.mark.slow
def test_eval_on_a_folder_without_test_images_is_a_one_line_error(trained_model_file, tmp_path):
    status, out, err = run_cli("eval", "--model", trained_model_file, "--data", tmp_path, "--json")
    assert_user_error(status, out, err, "no test/ folder")
    assert out == ""


# ------------------------------------------------------------------------------------------- installed command


def _command() -> list[str]:
    """The installed ``csa-inspector`` script of this environment, or the same entry point through ``-m``."""
    script = Path(sys.executable).with_name("csa-inspector")
    return [str(script)] if script.is_file() else [sys.executable, "-m", "app.cli"]


@pytest.mark.slow
def test_command_in_a_separate_process(trained_model_file, labelled_category, category_metrics, tmp_path):
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")])))
    done = subprocess.run([*_command(), "eval", "--model", str(trained_model_file), "--data", str(labelled_category),
                           "--json"], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    metrics = json.loads(done.stdout)
    assert metrics["image_auroc"] == pytest.approx(category_metrics["image_auroc"])

    missing = tmp_path / "not-scored-yet"
    done = subprocess.run([*_command(), "report", "--batch", str(missing), "--out", str(tmp_path / "r.pdf")],
                          cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 2
    assert done.stdout == ""
    assert len(done.stderr.strip().splitlines()) == 1
    assert done.stderr.startswith("error: ") and "not-scored-yet" in done.stderr
