"""Improving the model from a finished review, in the window: before/after, accept, rescore, go back a version.

The shared test model has never seen the synthetic "new lamp" lighting, so a batch taken under it is mostly
flagged. The reviewer rejects those false alarms and confirms the foreign bodies; the improved model must flag
fewer photos, still flag every confirmed foreign body, and become the model in use only when accepted.
"""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from conftest import save_artifact

pytestmark = [pytest.mark.gui, pytest.mark.slow]


@pytest.fixture
def lamp_batch(tmp_path) -> Path:
    from core.synthetic import SceneConfig, generate_batch

    batch = generate_batch(tmp_path / "batch", 10, 0, config=SceneConfig(size=128, seed=21, nuisance="lighting"))
    bodies = generate_batch(tmp_path / "bodies", 0, 2, config=SceneConfig(size=128, seed=22, foreign_area_range=(0.03, 0.05)))
    for photo in sorted(bodies.glob("img_*.png")):
        shutil.copy(photo, batch / f"fb_{photo.name}")
    return batch


@pytest.fixture
def library_model(trained_model_file, tmp_path) -> Path:
    library = tmp_path / "library"
    library.mkdir()
    return Path(shutil.copy(trained_model_file, library / "brake-unit.csa"))


def open_and_review(window, qtbot, model: Path, batch: Path) -> dict[str, str]:
    """Load the model, score the batch and decide every flagged photo by its name, as a reviewer would."""
    with qtbot.waitSignal(window.model_loaded, timeout=120000):
        window.load_model(model)
    qtbot.waitUntil(lambda: window.load_job is None, timeout=10000)
    with qtbot.waitSignal(window.scoring_finished, timeout=180000):
        assert window.open_batch(batch)
    decided = {}
    for record in window.session.records:
        if record.flagged:
            window.show_rel(record.rel_path)
            decision = "confirmed" if record.path.name.startswith("fb_") else "rejected"
            assert window.decide(decision)
            decided[record.rel_path] = decision
    return decided


def flagged_names(window) -> set[str]:
    return {r.path.name for r in window.session.records if r.flagged}


def test_improving_from_the_review_replaces_the_model_only_when_accepted(
    make_window, library_model, lamp_batch, labelled_category, qtbot
):
    from core import active_version, list_library_models

    window = make_window(library=library_model.parent)
    decided = open_and_review(window, qtbot, library_model, lamp_batch)
    rejected = [rel for rel, d in decided.items() if d == "rejected"]
    assert len(rejected) >= 5, "the unseen lighting should give false alarms to learn from"
    assert {"fb_img_0001.png", "fb_img_0002.png"} <= flagged_names(window)
    flagged_before = len(flagged_names(window))
    threshold_before = window.session.threshold

    assert window.actions.model.improve_model.isEnabled()
    dialog = window.open_improve_dialog()
    assert dialog.false_alarms == len(rejected)
    assert not dialog.accept_button.isEnabled()
    dialog.normals_edit.setText(str(labelled_category / "train" / "good"))
    assert "40 photos found" in dialog.normals_label.text()
    dialog.epochs_spin.setValue(4)
    stages = []
    with qtbot.waitSignal(dialog.result_view.textChanged, timeout=300000):
        dialog.start()
        assert dialog.job is not None and dialog.cancel_button.isEnabled() and not dialog.start_button.isEnabled()
        dialog.job.progress.connect(lambda e: stages.append(e.stage))
    qtbot.waitUntil(lambda: dialog.job is None, timeout=10000)
    assert {"features", "train", "score"} <= set(stages)
    outcome = dialog.outcome
    assert outcome is not None and outcome.lost_confirmed == []
    assert outcome.flagged_before == flagged_before and outcome.flagged_after < flagged_before
    text = dialog.result_view.toPlainText()
    assert f"{flagged_before} before → {outcome.flagged_after} after" in text
    assert "Confirmed foreign bodies still flagged" in text and "2 of 2" in text
    save_artifact(dialog, "improve-dialog.png")

    # nothing has changed until the reviewer accepts
    assert window.model_path == library_model
    assert not (library_model.parent / "brake-unit.v2.csa").exists()
    assert dialog.accept_button.isEnabled()
    with qtbot.waitSignal(window.scoring_finished, timeout=180000):
        saved = dialog.use_improved_model()
    assert saved == library_model.parent / "brake-unit.v2.csa" and saved.is_file()
    assert window.model_path == saved and active_version(library_model) == saved
    assert window.session.threshold == pytest.approx(outcome.threshold_after)
    assert window.session.threshold != pytest.approx(threshold_before)
    after = flagged_names(window)
    assert len(after) == outcome.flagged_after < flagged_before
    assert {"fb_img_0001.png", "fb_img_0002.png"} <= after, "confirmed foreign bodies must stay flagged"
    records = {r.rel_path: r for r in window.session.records}
    assert all(records[rel].decision == d for rel, d in decided.items()), "no decision may be lost by rescoring"
    assert "brake-unit v2" in window.windowTitle()
    entry = next(m for m in list_library_models(library_model.parent))
    assert entry.label == "brake-unit · v2 of 2"
    events = [e.kind for e in window.session.log.events()]
    assert "model_improved" in events

    # the earlier version can be made active again from the versions dialog
    versions = window.open_versions_dialog()
    assert versions.table.rowCount() == 2
    assert versions.table.item(1, 4).text() == "in use" and "photos of 1 batch" in versions.table.item(1, 2).text()
    save_artifact(versions, "model-versions.png")
    versions.table.selectRow(0)
    with qtbot.waitSignal(window.model_loaded, timeout=120000):
        assert versions.activate_selected() == library_model
    assert window.model_path == library_model and active_version(saved) == library_model
    assert versions.table.item(0, 4).text() == "in use"
    versions.close()


def test_cancelled_improvement_leaves_the_model_alone(make_window, library_model, lamp_batch, qtbot):
    window = make_window(library=library_model.parent)
    open_and_review(window, qtbot, library_model, lamp_batch)
    dialog = window.open_improve_dialog()
    dialog.epochs_spin.setValue(50)
    stages = []
    dialog.start()
    job = dialog.job
    job.progress.connect(lambda e: stages.append(e.stage))
    qtbot.waitUntil(lambda: "train" in stages, timeout=300000)  # cancelled in the middle of training
    with qtbot.waitSignal(job.cancelled, timeout=300000):
        dialog.cancel_job()
    qtbot.waitUntil(lambda: dialog.job is None, timeout=10000)
    assert dialog.outcome is None and not dialog.accept_button.isEnabled()
    assert "unchanged" in dialog.stage_label.text()
    assert sorted(p.name for p in library_model.parent.glob("*.csa")) == ["brake-unit.csa"]
    assert window.model_path == library_model
