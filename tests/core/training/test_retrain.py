"""Learning from the reviewer: a model that flags a new kind of lighting learns it from the rejected photos.

One small model is trained on normal synthetic scenes. A batch of photos under an unseen lamp (all normal) plus a
few foreign bodies is scored into a review log and reviewed with the ground truth. Retraining on the rejected
photos must stop the false alarms on other photos of that lighting while the foreign bodies stay flagged.
"""
from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest

from conftest import engine_test_config

REVIEWER = "Alex Tester"


@dataclass
class Scenario:
    category: Path
    batch: Path
    fresh_nuisance: Path
    detector: object
    unsure: Path
    tampered: Path


@pytest.fixture(scope="module")
def scenario(tmp_path_factory) -> Scenario:
    from core import train_detector
    from core.scoring.batch import score_batch
    from core.photos.datasets import training_images
    from core.review import ReviewLog
    from core.synthetic import SceneConfig, generate_batch, generate_dataset

    root = tmp_path_factory.mktemp("retrain")
    category = generate_dataset(root / "category", n_train=30, n_test_good=0, n_test_bad=0,
                                config=SceneConfig(size=128, seed=1))
    batch = generate_batch(root / "batch", 12, 0, config=SceneConfig(size=128, seed=2, nuisance="lighting"))
    bodies = generate_batch(root / "bodies", 0, 3,
                            config=SceneConfig(size=128, seed=3, foreign_area_range=(0.03, 0.05)))
    for photo in sorted(bodies.glob("img_*.png")):
        shutil.copy(photo, batch / f"fb_{photo.name}")
    fresh = generate_batch(root / "fresh", 12, 0, config=SceneConfig(size=128, seed=4, nuisance="lighting"))
    spare = generate_batch(root / "spare", 1, 0, config=SceneConfig(size=128, seed=5, nuisance="lighting"))

    detector = train_detector(training_images(category), engine_test_config())
    score_batch(detector, batch, heatmap_pictures=False)
    with ReviewLog.open(batch) as log:
        flagged = [r for r in log.images() if r.flagged]
        nuisance = [r.path for r in flagged if not r.path.name.startswith("fb_")]
        assert len(nuisance) >= 10, "the first model should flag most photos under the unseen lighting"
        for record in flagged:
            log.decide(record.path, "confirmed" if record.path.name.startswith("fb_") else "rejected", REVIEWER)
        unsure, tampered = nuisance[0], nuisance[1]
        log.decide(unsure, "unsure", REVIEWER)
    # the photo is replaced after the reviewer judged it: the decision is about other pixels
    shutil.copy(spare / "img_0001.png", tampered)
    return Scenario(category, batch, fresh, detector, unsure, tampered)


@pytest.fixture(scope="module")
def outcome(scenario):
    from core.photos.datasets import training_images
    from core.training.retrain import retrain_from_log
    from core.review import ReviewLog

    with ReviewLog.open(scenario.batch, read_only=True) as log:
        return retrain_from_log(scenario.detector, log, old_normals=training_images(scenario.category))


def _flagged(detector, folder: Path) -> int:
    return sum(r.flagged for r in detector.score_images(sorted(folder.glob("img_*.png"))))


def test_retrained_model_stops_flagging_the_new_lighting_but_keeps_foreign_bodies(scenario, outcome):
    before = _flagged(scenario.detector, scenario.fresh_nuisance)
    after = _flagged(outcome.detector, scenario.fresh_nuisance)
    assert before >= 10
    assert after <= before // 3, f"fresh photos under the new lighting flagged: {before} before, {after} after"
    assert len(outcome.confirmed) == 3
    assert outcome.lost_confirmed == []
    assert outcome.recall_on_confirmed == 1.0
    assert outcome.flagged_after < outcome.flagged_before
    bodies = sorted(scenario.batch.glob("fb_*.png"))
    assert all(r.flagged for r in outcome.detector.score_images(bodies))


def test_only_rejected_unchanged_photos_reach_the_training_data(scenario, outcome):
    used = {p.name for p in outcome.training_paths + outcome.holdout_paths}
    assert not any(name.startswith("fb_") for name in used), "confirmed foreign bodies must never be learnt as normal"
    assert scenario.unsure.name not in used
    assert scenario.tampered.name not in used
    assert any(p == scenario.tampered and "differs" in reason for p, reason in outcome.skipped)
    added = {a.path.name for a in outcome.added}
    assert len(added) == 10 and added <= used
    # the threshold is set on held-out old normals and a few held-out new ones
    assert any(a.held_out for a in outcome.added), "a few new normals should set the threshold"
    assert any(p.is_relative_to(scenario.category) for p in outcome.holdout_paths)
    assert not {a.path for a in outcome.added if a.held_out} & set(outcome.training_paths)
    # the original normals are mixed in, not replaced
    assert sum(p.parent.name == "good" for p in outcome.training_paths) >= 20


def test_original_model_is_left_as_it_was(scenario, outcome):
    assert outcome.detector.flow is not scenario.detector.flow
    assert outcome.threshold_before == scenario.detector.threshold
    assert "lineage" not in scenario.detector.meta


def test_lineage_is_stored_in_the_model_file(scenario, outcome, tmp_path):
    from core.scoring.detector import Detector

    scenario.detector.save(tmp_path / "parent.csa")
    path = outcome.detector.save(tmp_path / "parent.v2.csa")
    lineage = Detector.load(path).meta["lineage"]
    assert lineage["parent"]["created"] == scenario.detector.meta["created"]
    assert lineage["retrained_at"]
    entries = {Path(e["path"]).name: e for e in lineage["added_images"]}
    assert set(entries) == {a.path.name for a in outcome.added}
    entry = next(iter(entries.values()))
    assert entry["reviewer"] == REVIEWER and entry["decided_at"] and len(entry["sha256"]) == 64
    assert entry["batch"] == str(scenario.batch)


def test_photos_already_learnt_are_not_added_twice(scenario, outcome):
    from core.training.retrain import retrain_from_log
    from core.review import ReviewLog

    with ReviewLog.open(scenario.batch, read_only=True) as log, pytest.raises(ValueError, match="nothing to learn"):
        retrain_from_log(outcome.detector, log)


def test_a_second_improvement_keeps_training_on_what_the_first_one_learnt(scenario, outcome, tmp_path):
    from core.scoring.batch import score_batch
    from core.photos.datasets import training_images
    from core.training.retrain import retrain_from_log
    from core.review import ReviewLog

    batch = tmp_path / "next-shift"
    shutil.copytree(scenario.fresh_nuisance, batch)
    score_batch(outcome.detector, batch, heatmap_pictures=False)
    with ReviewLog.open(batch) as log:
        for record in log.images()[:3]:
            log.decide(record.path, "rejected", REVIEWER)
    with ReviewLog.open(batch, read_only=True) as log:
        second = retrain_from_log(outcome.detector, log, include_reviewed_normals=True, epochs=1,
                                  old_normals=training_images(scenario.category))
    assert len(second.added) == 3
    first_round = {a.path for a in outcome.added}
    used = set(second.training_paths) | set(second.holdout_paths)
    assert first_round <= used, "photos learnt before must keep training (or setting the threshold)"
    assert not first_round & {a.path for a in second.added}, "nothing is added twice"


def test_threshold_never_rises_above_a_confirmed_foreign_body_of_the_review(scenario, tmp_path):
    """A reviewer confirmed one photo of the new lighting (say, a speck only they could see): the improved model
    learns the lighting from the others, and its threshold must stay low enough to flag the confirmed photo."""
    from core.scoring.batch import score_batch
    from core.photos.datasets import training_images
    from core.training.retrain import retrain_from_log
    from core.review import ReviewLog

    batch = tmp_path / "speck"
    shutil.copytree(scenario.fresh_nuisance, batch)
    score_batch(scenario.detector, batch, heatmap_pictures=False)
    with ReviewLog.open(batch) as log:
        flagged = [r.path for r in log.images() if r.flagged]
        assert len(flagged) >= 10
        speck = flagged[0]
        log.decide(speck, "confirmed", REVIEWER)
        for path in flagged[1:]:
            log.decide(path, "rejected", REVIEWER)
    with ReviewLog.open(batch, read_only=True) as log:
        outcome = retrain_from_log(scenario.detector, log, old_normals=training_images(scenario.category))
    assert outcome.lost_confirmed == [] and outcome.recall_on_confirmed == 1.0
    assert outcome.threshold_held, "the learnt lighting should score the confirmed photo below the calibration"
    assert outcome.threshold_after < outcome.calibrated_threshold
    assert next(outcome.detector.score_images([speck])).flagged
    assert any("held below the calibrated" in line for line in outcome.summary_lines())
    assert outcome.detector.meta["calibration"]["threshold_held_for_confirmed"] is True


def test_cli_retrain_writes_a_new_model_and_prints_the_comparison(scenario, tmp_path, capsys):
    from app.cli import main
    from core.scoring.detector import Detector

    model = scenario.detector.save(tmp_path / "model.csa")
    original = model.read_bytes()
    assert main(["retrain", "--model", str(model), "--from-log", str(scenario.batch), "--out", str(model)]) == 2
    assert "never overwritten" in capsys.readouterr().err

    out = tmp_path / "model.v2.csa"
    code = main(["retrain", "--model", str(model), "--from-log", str(scenario.batch), "--out", str(out),
                 "--normals", str(scenario.category), "--epochs", "2", "--quiet"])
    printed = capsys.readouterr().out
    assert code == 0
    assert model.read_bytes() == original
    assert "flagged in the batch: 15 before" in printed
    assert "confirmed foreign bodies still flagged:" in printed and "of 3" in printed
    assert "images added: 10" in printed
    assert f"skipped {scenario.tampered}" in printed
    assert len(Detector.load(out).meta["lineage"]["added_images"]) == 10


def test_model_versions_sit_next_to_the_parent_and_an_earlier_one_can_be_made_active(tmp_path):
    from core import active_version, model_versions, next_version_path, set_active_version

    original = tmp_path / "bogie [left].csa"
    original.write_bytes(b"model")
    (tmp_path / "other.v2.csa").write_bytes(b"other model")
    second = next_version_path(original)
    assert second.name == "bogie [left].v2.csa"
    second.write_bytes(b"retrained")
    third = next_version_path(second)
    assert third.name == "bogie [left].v3.csa"
    third.write_bytes(b"retrained again")
    assert model_versions(third) == [original, second, third]
    assert active_version(third) == original, "saving a version must not switch to it by itself"
    set_active_version(third)
    assert active_version(original) == third
    set_active_version(second)
    assert active_version(third) == second
    assert active_version(tmp_path / "other.v2.csa") == tmp_path / "other.v2.csa"


def test_selection_of_reviewed_normals(scored_batch):
    from core.training.retrain import select_reviewed_normals
    from core.review import ReviewLog

    batch, _ = scored_batch(hash_files=True)
    with ReviewLog.open(batch) as log:
        records = log.images()
        flagged = [r.path for r in records if r.flagged]
        quiet = [r.path for r in records if not r.flagged and r.score is not None]
        log.decide(flagged[0], "rejected", REVIEWER)
        log.decide(flagged[1], "confirmed", REVIEWER)
        log.decide(flagged[2], "unsure", REVIEWER)
        log.decide(flagged[3], "rejected", REVIEWER)
        log.decide(quiet[0], "rejected", REVIEWER)
        log.decide(quiet[1], "confirmed", REVIEWER)
        flagged[3].write_bytes(flagged[3].read_bytes() + b"edited")
        log.check_changed_files()

        chosen, skipped = select_reviewed_normals(log)
        assert [r.path for r, _ in chosen] == [flagged[0]]
        assert [(p, "modified" in reason) for p, reason in skipped] == [(flagged[3], True)]

        chosen, _ = select_reviewed_normals(log, include_reviewed_normals=True)
        assert sorted(r.path for r, _ in chosen) == sorted([flagged[0], quiet[0]])

        digest = chosen[0][1]
        chosen, skipped = select_reviewed_normals(log, include_reviewed_normals=True, known_hashes={digest})
        assert len(chosen) == 1 and any("already learnt" in reason for _, reason in skipped)


def test_library_lists_a_scenario_once_at_the_version_in_use(tmp_path):
    from core import list_library_models, set_active_version

    (tmp_path / "bogie.csa").write_bytes(b"v1")
    (tmp_path / "bogie.v2.csa").write_bytes(b"v2")
    (tmp_path / "axle.csa").write_bytes(b"axle")
    entries = {m.name: m for m in list_library_models(tmp_path)}
    assert set(entries) == {"bogie", "axle"}
    assert entries["bogie"].path == tmp_path / "bogie.csa", "a new version is not used until it is made active"
    assert (entries["bogie"].version, entries["bogie"].n_versions) == (1, 2)
    assert entries["bogie"].label == "bogie · v1 of 2" and entries["axle"].label == "axle"
    set_active_version(tmp_path / "bogie.v2.csa")
    bogie = next(m for m in list_library_models(tmp_path) if m.name == "bogie")
    assert bogie.path == tmp_path / "bogie.v2.csa" and bogie.label == "bogie · v2 of 2"


def test_version_summary_names_parent_photos_batch_and_reviewer_from_the_header(scenario, outcome, tmp_path):
    from core import summarize_model

    parent = scenario.detector.save(tmp_path / "brake.csa")
    improved = outcome.detector.save(tmp_path / "brake.v2.csa")
    first, second = summarize_model(parent), summarize_model(improved)
    assert first.error is None and not first.improved and first.added_images == 0
    assert first.threshold == pytest.approx(scenario.detector.threshold)
    assert first.image_size == 128 and first.variant == "csa"
    assert second.improved and second.added_images == 10
    assert second.reviewers == (REVIEWER,)
    assert second.batches == (str(scenario.batch),)
    assert second.threshold == pytest.approx(outcome.threshold_after)

    (tmp_path / "junk.csa").write_bytes(b"\xff" * 16)
    broken = summarize_model(tmp_path / "junk.csa")
    assert broken.error and broken.added_images == 0
