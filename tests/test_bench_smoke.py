"""The benchmark script keeps working: a quick run of our two variants on synthetic photos, plus its pure parts.

The full benchmark (real datasets, anomalib's models) is ``make bench``; here the script runs end to end as
``make bench`` starts it, only on a tiny synthetic category, so a broken import, option or column shows up
in the normal test run.
"""
from __future__ import annotations

import json
import math
import subprocess
import sys
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO_ROOT))  # bench/ is a folder of scripts, not an installed package

from bench.report import BenchRow, check_targets, format_table  # noqa: E402
from bench.subsets import evenly_spaced, link_test_subset, pick_test_items  # noqa: E402

N_TRAIN, N_GOOD, N_BAD = 12, 4, 4


@pytest.fixture(scope="module")
def synthetic_root(tmp_path_factory) -> Path:
    from core.synthetic import SceneConfig, generate_dataset

    root = tmp_path_factory.mktemp("bench-data")
    generate_dataset(root, n_train=N_TRAIN, n_test_good=N_GOOD, n_test_bad=N_BAD, config=SceneConfig(size=128, seed=5))
    return root


@pytest.mark.slow
def test_quick_bench_of_our_variants_writes_table_and_json(synthetic_root, tmp_path):
    out = tmp_path / "bench.json"
    command = [
        sys.executable, str(REPO_ROOT / "bench" / "run_bench.py"), "--datasets", str(synthetic_root), "--quick",
        "--image-size", "128", "--hidden", "32", "--models", "csflow,csa", "--devices", "cpu",
        "--timing-repeats", "2", "--out", str(out),
    ]
    done = subprocess.run(command, cwd=tmp_path, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]

    lines = done.stdout.splitlines()
    header = next(i for i, line in enumerate(lines) if line.startswith("model"))
    for column in ("image AUROC", "pixel AUROC", "Recall_Ano", "train s", "images/s", "notes"):
        assert column in lines[header]
    table_rows = lines[header + 2 : header + 4]
    assert [r.split("  ")[0] for r in table_rows] == ["csflow (ours)", "csa (ours)"]
    assert all("brake_unit" in r and " cpu " in r for r in table_rows)
    assert "targets" in lines

    data = json.loads(out.read_text())
    assert set(data) >= {"settings", "environment", "columns", "rows", "targets", "skipped"}
    assert data["settings"]["quick"] is True and data["settings"]["epochs"] == 2
    assert data["settings"]["categories"] == ["brake_unit"]
    assert data["environment"]["torch"] and data["skipped"] == []
    rows = data["rows"]
    assert [(r["model"], r["device"], r["dataset"]) for r in rows] == [
        ("csflow", "cpu", "brake_unit"), ("csa", "cpu", "brake_unit")]
    for row in rows:
        for key in ("image_auroc", "pixel_auroc", "recall_ano"):
            assert 0.0 <= row[key] <= 1.0, (key, row[key])
        assert row["train_seconds"] > 0 and row["images_per_second"] > 0
        assert row["n_train_images"] == N_TRAIN
        assert row["n_test_images"] == N_GOOD + N_BAD and row["details"]["n_anomalous"] == N_BAD
        assert row["details"]["epochs_run"] == 2
        passes = row["details"]["images_per_second_per_pass"]
        assert len(passes) == 2 and row["images_per_second"] == max(passes)
    statuses = {t["target"]: t["status"] for t in data["targets"]}
    peers_missing = [t for t in statuses if "anomalib" in t]
    assert peers_missing and all(statuses[t] == "SKIP" for t in peers_missing)  # peers were not asked for


def test_test_subset_is_balanced_and_links_masks(synthetic_root, tmp_path):
    category = synthetic_root / "brake_unit"
    picked = pick_test_items(category, 4)
    assert [i.label for i in picked] == [0, 0, 1, 1]
    assert pick_test_items(category, None) == pick_test_items(category, 100)
    subset = link_test_subset(category, picked, tmp_path / "subset")
    again = pick_test_items(subset, None)
    assert [(i.path.name, i.label) for i in again] == [(i.path.name, i.label) for i in picked]
    assert all(i.mask_path is not None and i.mask_path.resolve() == p.mask_path.resolve()
               for i, p in zip(again, picked) if i.label == 1)
    assert evenly_spaced(list(range(10)), 3) == [0, 3, 6]
    assert evenly_spaced([1, 2], None) == [1, 2]


def _row(model: str, auroc: float, speed: float, dataset: str = "magnetic_tile", train_s: float = 100.0,
         n_train: int = 600) -> BenchRow:
    return BenchRow(model, "cpu", dataset, auroc, 0.9, 0.8, train_s, speed, n_train_images=n_train)


def test_targets_compare_rows_of_the_same_run():
    rows = [_row("csa", 0.95, 3.0), _row("anomalib-csflow", 0.90, 1.5), _row("anomalib-patchcore", 0.97, 2.0)]
    checks = {c.target: c for c in check_targets(rows, image_size=384, quick=False)}
    by_start = lambda text: next(c for t, c in checks.items() if t.startswith(text))  # noqa: E731
    assert by_start("csa image AUROC above anomalib CsFlow").status == "PASS"
    assert by_start("csa image AUROC above anomalib PatchCore").status == "FAIL"
    speed = by_start("csa images/s")
    assert speed.status == "PASS" and "2.00x" in speed.detail
    assert by_start("csa trains on 600").status == "PASS"

    slow = check_targets([_row("csa", 0.95, 2.0, train_s=700.0, n_train=667), _row("anomalib-csflow", 0.9, 1.5)],
                         image_size=384, quick=False)
    assert [c.status for c in slow if "images/s" in c.target] == ["FAIL"]  # 1.33x
    training = next(c for c in slow if c.target.startswith("csa trains"))
    assert training.status == "FAIL" and "scaled linearly" in training.detail  # 700 s * 600/667 = 630 s
    quick = check_targets(rows, image_size=384, quick=True)
    assert next(c for c in quick if c.target.startswith("csa trains")).status == "SKIP"


def test_table_aligns_columns_and_marks_missing_values():
    rows = [_row("csa", 0.95, 3.0), BenchRow("anomalib-patchcore", "cpu", "tire", None, None, math.nan, 1.0, 2.0)]
    lines = format_table(rows).splitlines()
    assert lines[0].index("device") == lines[2].index("cpu") == lines[3].index("cpu")
    assert lines[3].split()[:3] == ["anomalib", "PatchCore", "cpu"] and lines[3].split()[4:7] == ["-", "-", "-"]
    assert lines[2].split()[4] == "0.950"


@pytest.mark.slow
@pytest.mark.filterwarnings("ignore::FutureWarning")  # anomalib's own imports of deprecated timm/dinov2 modules
def test_anomalib_peers_run_on_our_features(synthetic_root):
    pytest.importorskip("anomalib")
    from anomalib.models.image.csflow.torch_model import ParallelGlowCouplingLayer

    from bench.anomalib_csflow import AnomalibCsFlowDetector
    from bench.anomalib_patchcore import AnomalibPatchcoreDetector
    from core.config import FlowConfig, InputConfig, ModelConfig, TrainConfig
    from core.datasets import training_images
    from core.evaluation import evaluate_category

    category = synthetic_root / "brake_unit"
    config = ModelConfig(input=InputConfig(image_size=128), flow=FlowConfig(hidden_channels=16),
                         train=TrainConfig(epochs=1))
    images = training_images(category)
    flow_peer = AnomalibCsFlowDetector.train(images, config, device="cpu")
    couplings = [m for m in flow_peer.flow.modules() if isinstance(m, ParallelGlowCouplingLayer)]
    assert len(couplings) == config.flow.n_blocks
    assert couplings[0].cross_convolution1.conv_scale0_0.out_channels == 16
    patch_peer = AnomalibPatchcoreDetector.train(images, config, device="cpu", coreset_ratio=0.05)
    assert patch_peer.meta["memory_bank_size"] == int(patch_peer.meta["n_patches"] * 0.05)
    assert patch_peer.meta["embedding_dim"] == 2 * flow_peer.extractor.backbone.out_channels
    for peer in (flow_peer, patch_peer):
        assert math.isfinite(peer.threshold)
        results = list(peer.score_images([images[0], category / "missing.png"], batch_size=4))
        assert results[0].ok and results[0].heatmap.shape == (128, 128) and math.isfinite(results[0].score)
        assert not results[1].ok and results[1].score is None
        metrics = evaluate_category(peer, category)
        assert metrics["n_images"] == N_GOOD + N_BAD and 0 <= metrics["image_auroc"] <= 1


def test_grids_that_anomalib_csflow_cannot_couple_are_refused_before_training():
    from bench.run_bench import check_feature_grids

    check_feature_grids([(192, 12, 12), (192, 6, 6), (192, 3, 3)], ["anomalib-csflow"], 384)
    check_feature_grids([(192, 13, 13), (192, 7, 7), (192, 4, 4)], ["csa"], 400)  # not asked for: fine
    with pytest.raises(SystemExit, match="13x13, 7x7, 4x4"):
        check_feature_grids([(192, 13, 13), (192, 7, 7), (192, 4, 4)], ["csa", "anomalib-csflow"], 400)
