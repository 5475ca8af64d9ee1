"""The benchmark script keeps working: a quick run of our two variants on synthetic photos, plus its pure parts.

The full benchmark (real datasets, anomalib's models) is ``make bench``; here the script runs end to end as
``make bench`` starts it, only on a tiny synthetic category, so a broken import, option or column shows up
in the normal test run.
"""
from __future__ import annotations

import json
import math
import os
import subprocess
import sys
from pathlib import Path
from typing import Optional

import pytest

from bench import loop_report
from bench.report import BenchRow, check_targets, format_table
from bench.subsets import evenly_spaced, link_test_subset, pick_test_items
from repo_paths import REPO_ROOT



def run_bench_module(module: str, *args: str, cwd: Path, timeout: int) -> subprocess.CompletedProcess:
    """``python -m bench.<module>`` as ``make bench`` starts it, from any folder (the repository on PYTHONPATH)."""
    path = os.pathsep.join(filter(None, [str(REPO_ROOT), os.environ.get("PYTHONPATH")]))
    return subprocess.run([sys.executable, "-m", f"bench.{module}", *args], cwd=cwd, env=dict(os.environ, PYTHONPATH=path),
                          capture_output=True, text=True, timeout=timeout)

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
    done = run_bench_module(
        "run_bench", "--datasets", str(synthetic_root), "--quick",
        "--image-size", "128", "--hidden", "32", "--models", "csflow,csa", "--devices", "cpu",
        "--timing-repeats", "2", "--seeds", "2", "--budget-epochs", "1", "--out", str(out), cwd=tmp_path,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr[-3000:]

    lines = done.stdout.splitlines()
    header = next(i for i, line in enumerate(lines) if line.startswith("model"))
    for column in ("image AUROC", "pixel AUROC", "Recall_Ano", "train s", "images/s", "notes"):
        assert column in lines[header]
    table_rows = lines[header + 2 : header + 6]
    assert [r.split("  ")[0] for r in table_rows] == ["csflow (ours)", "csa (ours)"] * 2
    assert all("brake_unit" in r and " cpu " in r for r in table_rows)
    assert "targets" in lines
    summary = next(i for i, line in enumerate(lines) if line.startswith("mean ± standard deviation over 2 seed(s)"))
    assert "seeds" in lines[summary + 1]
    summary_rows = lines[summary + 3 : summary + 5]
    assert [r.split("  ")[0] for r in summary_rows] == ["csflow (ours)", "csa (ours)"]
    assert all(" ± " in r for r in summary_rows)

    data = json.loads(out.read_text())
    assert set(data) >= {"settings", "environment", "columns", "rows", "targets", "skipped"}
    assert data["settings"]["quick"] is True and data["settings"]["epochs"] == 2 and data["settings"]["seeds"] == 2
    assert data["settings"]["categories"] == ["brake_unit"]
    assert data["environment"]["torch"] and data["skipped"] == []
    budget_rows = [r for r in data["rows"] if r["budget"]]
    rows = [r for r in data["rows"] if not r["budget"]]
    assert [(r["model"], r["seed"], r["epochs"]) for r in budget_rows] == [
        ("csflow", 0, 1), ("csa", 0, 1), ("csflow", 1, 1), ("csa", 1, 1)]
    assert all(r["images_per_second"] is None and r["details"]["epochs_run"] == 1 for r in budget_rows)
    # the budget table: every model at 1 and at 2 epochs, each cell over both seeds
    budgets = {b["model"]: b["epochs"] for b in data["budgets"]}
    assert set(budgets) == {"csflow", "csa"}
    for model, cells in budgets.items():
        assert set(cells) == {"1", "2"} and all(c["seeds"] == [0, 1] for c in cells.values())
        at_two = [r["image_auroc"] for r in rows if r["model"] == model]
        assert cells["2"]["image_auroc"]["mean"] == pytest.approx(sum(at_two) / 2)
    budget_header = next(i for i, line in enumerate(lines) if line.startswith("image AUROC (mean ± standard"))
    assert "1 epochs" in lines[budget_header + 1] and "2 epochs" in lines[budget_header + 1]
    assert rows and all(r["epochs"] == 2 for r in rows)
    assert [(r["model"], r["device"], r["dataset"], r["seed"]) for r in rows] == [
        ("csflow", "cpu", "brake_unit", 0), ("csa", "cpu", "brake_unit", 0),
        ("csflow", "cpu", "brake_unit", 1), ("csa", "cpu", "brake_unit", 1)]
    assert [(s["model"], s["seeds"]) for s in data["summary"]] == [("csflow", [0, 1]), ("csa", [0, 1])]
    timed, untimed = rows[:2], rows[2:]
    assert all(r["images_per_second"] is None for r in untimed)  # speed does not depend on the seed
    for row in rows:
        for key in ("image_auroc", "pixel_auroc", "recall_ano"):
            assert 0.0 <= row[key] <= 1.0, (key, row[key])
        assert row["train_seconds"] > 0
        assert row["n_train_images"] == N_TRAIN
        assert row["n_test_images"] == N_GOOD + N_BAD and row["details"]["n_anomalous"] == N_BAD
        assert row["details"]["epochs_run"] == 2
    for row in timed:
        passes = row["details"]["images_per_second_per_pass"]
        assert len(passes) == 2 and row["images_per_second"] == max(passes) > 0
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
         n_train: int = 600, seed: int = 0) -> BenchRow:
    return BenchRow(model, "cpu", dataset, auroc, 0.9, 0.8, train_s, speed, n_train_images=n_train, seed=seed)


def test_targets_compare_means_of_the_same_run():
    rows = [_row("csa", 0.95, 3.0), _row("anomalib-csflow", 0.90, 1.5), _row("anomalib-patchcore", 0.93, 2.0)]
    checks = {c.target: c for c in check_targets(rows, image_size=384, quick=False, model="csa")}
    by_start = lambda text: next(c for t, c in checks.items() if t.startswith(text))  # noqa: E731
    lead = by_start("csa image AUROC at least 0.01 above the better peer")
    assert lead.status == "PASS" and "anomalib PatchCore" in lead.detail and "lead +0.020" in lead.detail
    speed = by_start("csa images/s")
    assert speed.status == "PASS" and "2.00x" in speed.detail
    assert by_start("csa trains on 600").status == "PASS"

    slow = check_targets([_row("csa", 0.95, 2.0, train_s=700.0, n_train=667), _row("anomalib-csflow", 0.945, 1.5)],
                         image_size=384, quick=False, model="csa")
    assert [c.status for c in slow if "images/s" in c.target] == ["FAIL"]  # 1.33x
    assert [c.status for c in slow if "better peer" in c.target] == ["FAIL"]  # a lead of 0.005 is too small
    training = next(c for c in slow if c.target.startswith("csa trains"))
    assert training.status == "FAIL" and "scaled linearly" in training.detail  # 700 s * 600/667 = 630 s
    quick = check_targets(rows, image_size=384, quick=True, model="csa")
    assert next(c for c in quick if c.target.startswith("csa trains")).status == "SKIP"


def test_a_lead_within_the_spread_over_seeds_is_a_tie():
    from bench.report import summarize
    from core.config import FlowConfig

    # csflow: 0.93, 0.95, 0.97 (mean 0.95, std 0.02); PatchCore: 0.935 on every seed, a mean lead of 0.015
    rows = [_row("csflow", a, 3.0, seed=s) for s, a in enumerate((0.93, 0.95, 0.97))]
    rows += [_row("anomalib-patchcore", 0.935, 2.0, seed=s) for s in range(3)]
    [ours, peer] = summarize(rows)
    assert ours.seeds == [0, 1, 2] and ours.image_auroc.mean == pytest.approx(0.95)
    assert ours.image_auroc.std == pytest.approx(0.02) and peer.image_auroc.std == 0.0
    assert ours.cells()[4] == "0.950 ± 0.020" and ours.cells()[3] == "3"
    [lead] = [c for c in check_targets(rows, 384, False, model="csflow") if "better peer" in c.target]
    assert lead.status == "FAIL" and "tie" in lead.detail and "spread 0.020" in lead.detail
    steady = [_row("csflow", a, 3.0, seed=s) for s, a in enumerate((0.949, 0.95, 0.951))] + rows[3:]
    # without a model named, the targets are about the engine's default variant
    [lead] = [c for c in check_targets(steady, 384, False) if "better peer" in c.target]
    assert lead.target.startswith(FlowConfig().variant + " ")
    assert lead.status == "PASS" and ": lead, " in lead.detail
    # speed is measured on the first seed only; the others carry NaN and do not count
    later = _row("csflow", 0.95, math.nan, seed=1)
    assert summarize([rows[0], later])[0].images_per_second == 3.0


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
    from core.photos.datasets import training_images
    from core.evaluation.category import evaluate_category

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


@pytest.mark.slow
def test_review_loop_runs_rounds_of_scoring_review_and_retraining(tmp_path):
    out = tmp_path / "loop.json"
    done = run_bench_module("review_loop", "--synthetic", "--quick", "--out", str(out), cwd=tmp_path, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]

    lines = done.stdout.splitlines()
    header = next(i for i, line in enumerate(lines) if line.startswith("dataset"))
    for column in ("false alarms", "caught", "FA rate", "FA rate @ Recall_Ano 100 %", "retrain s"):
        assert column in lines[header]
    assert [line.split()[:2] for line in lines[header + 2 : header + 5]] == [
        ["brake_unit", "1"], ["brake_unit", "2"], ["brake_unit", "3"]]
    assert lines[0].startswith("settings: image size 128")

    data = json.loads(out.read_text())
    assert set(data) >= {"settings", "environment", "columns", "categories", "targets", "total_seconds"}
    settings = data["settings"]
    assert settings["quick"] is True and settings["synthetic"] is True and settings["rounds"] == 3
    assert settings["image_size"] == 128 and settings["old_normals"] is True
    [category] = data["categories"]
    assert category["dataset"] == "brake_unit" and category["n_train_images"] == 30
    rounds = category["rounds"]
    assert [r["round"] for r in rounds] == [1, 2, 3]
    assert sum(r["n_good"] for r in rounds) == 24 and sum(r["n_anomalous"] for r in rounds) == 6
    assert {r["n_anomalous"] for r in rounds} == {2}, "every round gets its share of the anomalies"
    caught_before = 0
    for r in rounds:
        # what the scores say and what the simulated reviewer wrote into the review log agree
        assert r["false_alarms"] == r["review"]["rejected"] and r["caught"] == r["review"]["confirmed"]
        assert r["flagged"] == r["false_alarms"] + r["caught"] == r["review"]["flagged"]
        assert r["review"]["unreviewed"] == 0
        assert r["false_alarm_rate"] == pytest.approx(r["false_alarms"] / r["n_good"])
        assert r["recall_ano"] == pytest.approx(r["caught"] / r["n_anomalous"])
        assert 0.0 <= r["false_alarm_rate_at_full_recall"] <= 1.0 and 0.0 <= r["image_auroc"] <= 1.0
        assert r["earlier_caught_rescored"] == caught_before
        assert r["earlier_caught_missed"] == len(r["earlier_caught_missed_files"]) <= caught_before
        caught_before += r["caught"]
        assert r["unreadable"] == []
    first = rounds[0]
    assert first["model"] == "initial" and first["retrain_seconds"] is None
    # photos under the unseen lamp are normal but new to the model: round 1 raises false alarms and learns them
    assert first["false_alarms"] > 0 and first["retrain"]["added"] == first["false_alarms"]
    assert first["retrain"]["skipped"] == [] and first["retrain"]["epochs_run"] >= 1
    assert rounds[1]["model"] == "retrained after round 1" and rounds[1]["retrain_seconds"] > 0
    assert rounds[1]["threshold"] == pytest.approx(first["retrain"]["threshold_after"])
    # round 2's photos are scored by the model before the retraining too, to separate its effect from the batch's
    assert first["previous_model"] is None
    before = rounds[1]["previous_model"]
    assert before["threshold"] == pytest.approx(first["threshold"])
    assert 0 <= before["false_alarms"] <= rounds[1]["n_good"] and 0 <= before["caught"] <= rounds[1]["n_anomalous"]
    assert "retrain" not in rounds[2] or rounds[2]["retrain"] == {}, "nothing is retrained after the last round"

    [target] = data["targets"]
    assert target["dataset"] == "brake_unit" and target["status"] in ("PASS", "FAIL")
    rebuilt = loop_report.CategoryResult(category["dataset"], category["n_train_images"], category["train_seconds"],
                                         [loop_report.RoundResult(**r) for r in rounds])
    assert loop_report.check_target(rebuilt).status == target["status"]
    assert any(line.strip().startswith(target["status"]) and "brake_unit" in line for line in lines)


def _round(number: int, false_alarms: int, caught: int, matched_rate: Optional[float] = None, missed: int = 0,
           n_good: int = 50, n_bad: int = 20) -> loop_report.RoundResult:
    """A round; ``matched_rate``: its false-alarm rate at round 1's Recall_Ano (rounds after the first)."""
    return loop_report.RoundResult(number, "initial", n_good, n_bad, false_alarms + caught, false_alarms, caught,
                                   caught / n_bad, false_alarms / n_good, 0.8, 0.9, 1.0, None if number == 1 else 5.0,
                                   earlier_caught_rescored=0 if number == 1 else 15, earlier_caught_missed=missed,
                                   false_alarm_rate_at_first_recall=matched_rate)


def test_review_loop_target_needs_fewer_false_alarms_at_the_same_recall_and_no_lost_anomaly():
    from bench.loop_report import CategoryResult, check_target, format_table

    def status(*rounds) -> str:
        return check_target(CategoryResult("tiles", 100, 10.0, list(rounds))).status

    first = _round(1, 10, 15)  # false-alarm rate 0.2 at Recall_Ano 0.75
    assert status(first, _round(2, 7, 15, matched_rate=0.14)) == "PASS"  # exactly 30 % fewer at the same recall
    assert status(first, _round(2, 2, 10, matched_rate=0.16)) == "FAIL"  # few alarms only by flagging less
    assert status(first, _round(2, 20, 18, matched_rate=0.1)) == "PASS"  # more alarms, but at a higher recall
    assert status(first, _round(2, 2, 16, matched_rate=0.04, missed=1)) == "FAIL"  # an earlier catch lost
    no_alarm = check_target(CategoryResult("tiles", 100, 10.0, [_round(1, 0, 15), _round(2, 0, 15, matched_rate=0.0)]))
    assert no_alarm.status == "FAIL" and "nothing to learn" in no_alarm.detail[-1]
    assert status(first) == "FAIL"
    table = format_table([CategoryResult("tiles", 100, 10.0, [first, _round(2, 7, 15, matched_rate=0.14)])])
    lines = table.splitlines()
    assert lines[2].split()[-2:] == ["-", "-"] and lines[3].split()[-4:] == ["0", "of", "15", "5.0"]
    assert "0.140" in lines[3]


def test_review_loop_deals_every_defect_type_out_to_every_round(synthetic_root):
    from bench.review_loop import split_into_rounds
    from core.photos.datasets import test_items

    items = test_items(synthetic_root / "brake_unit")
    rounds = split_into_rounds(items, 2)
    assert [[i.label for i in r] for r in rounds] == [[0, 0, 1, 1], [0, 0, 1, 1]]
    assert sorted(i.path for r in rounds for i in r) == sorted(i.path for i in items)
    assert [i.path.name for i in rounds[0]] == ["000.png", "002.png", "000.png", "002.png"]


@pytest.mark.slow
def test_stress_run_prints_a_memory_table_and_writes_json(tmp_path):
    out = tmp_path / "stress.json"
    done = run_bench_module("stress", "--images", "4", "--passes", "2", "--size", "128", "--out", str(out),
                            cwd=tmp_path, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    assert "RSS MB" in done.stdout and "RSS growth pass 2 -> 2: +0.0 MB" in done.stdout
    data = json.loads(out.read_text())
    assert [p["number"] for p in data["passes"]] == [1, 2]
    assert all(p["rss_mb"] > 0 and p["images_per_second"] > 0 for p in data["passes"])
    assert data["passes"][1]["change_from_pass_2_mb"] == 0.0 and data["status"] == "PASS"
    assert data["settings"]["images"] == 4 and data["peak_rss_mb"] >= max(p["rss_mb"] for p in data["passes"])


def test_one_bench_can_be_split_between_processes_by_seed():
    from bench.run_bench import parse_args

    assert parse_args(["--seeds", "3"]).seed_list == [0, 1, 2]
    assert parse_args(["--seeds", "3", "--only-seeds", "2,0"]).seed_list == [0, 2]
    assert parse_args(["--seeds", "3", "--only-seeds", "5"]).seed_list == []  # beyond --seeds: nothing to run
    assert parse_args(["--budget-epochs", "24, 2,24"]).budget_epochs == (2, 24)
    with pytest.raises(SystemExit):
        parse_args(["--only-seeds", "one"])
    with pytest.raises(SystemExit):
        parse_args(["--budget-epochs", "0"])


@pytest.mark.slow
def test_camera_frame_bench_compares_tilings_and_times_large_frames(tmp_path):
    out = tmp_path / "frames.json"
    done = run_bench_module(
        "camera_frames", "--train", "4", "--test", "1", "--large", "1", "--large-size", "2600x1900",
        "--grids", "2,1", "--image-size", "128", "--epochs", "1", "--repeats", "1", "--out", str(out),
        cwd=tmp_path, timeout=600,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    lines = done.stdout.splitlines()
    header = next(i for i, line in enumerate(lines) if line.startswith("model"))
    assert "s / frame 2064x1544" in lines[header] and "s / frame 2600x1900" in lines[header]
    assert [r.split("  ")[0] for r in lines[header + 2 : header + 4]] == [
        "tiled 2 along the long side (default)", "squeezed whole"]
    rows = json.loads(out.read_text(encoding="utf-8"))["rows"]
    assert [r["tiles_per_frame"] for r in rows] == [4, 1]
    assert all(r["s_per_frame"] > 0 and r["body_flagged"].endswith("/ 1") for r in rows)
    assert rows[0]["s_per_large_frame"] > 0 and rows[1]["s_per_large_frame"] is None  # the default model only
    assert all(0.0 <= r["pointing"] <= 1.0 for r in rows)


def test_camera_frame_bench_refuses_bad_options():
    from bench.camera_frames import parse_args

    with pytest.raises(SystemExit):
        parse_args(["--grids", "2,x"])
    with pytest.raises(SystemExit):
        parse_args(["--large-size", "1000x2000"])
    assert parse_args(["--grids", "3,1", "--large-size", "4000X3000"]).grids == [3, 1]
