"""Reviewing by keyboard: decisions, notes, undo, the threshold, and finding everything again after reopening."""
from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QInputDialog

from core.review import ReviewLog
from conftest import save_artifact

pytestmark = pytest.mark.gui


def current_decisions(batch: Path) -> dict[str, tuple]:
    with ReviewLog.open(batch, read_only=True) as log:
        return {r.rel_path: (r.decision, r.reviewer, r.note) for r in log.images() if r.decision}


def test_keyboard_review_is_committed_and_survives_reopening(make_window, scored_batch, qtbot):
    batch, scores = scored_batch(n_good=6, n_bad=4)
    window = make_window()
    window.open_batch(batch)
    order = window.list_model.rel_paths
    assert window.current_rel == order[0]

    qtbot.keyClick(window, Qt.Key_C)  # confirm, moves on
    assert window.current_rel == order[1]
    assert current_decisions(batch) == {order[0]: ("confirmed", "Alex Tester", "")}  # on disk already

    qtbot.keyClick(window, Qt.Key_R)
    qtbot.keyClick(window, Qt.Key_U)
    assert window.current_rel == order[3]
    qtbot.keyClick(window, Qt.Key_J)  # next without deciding
    assert window.current_rel == order[4]
    qtbot.keyClick(window, Qt.Key_K)  # previous
    qtbot.keyClick(window, Qt.Key_Left)
    assert window.current_rel == order[2]

    # a note typed after Ctrl+N is saved with the photo's decision and kept when the decision changes
    qtbot.keyClick(window, Qt.Key_N, Qt.ControlModifier)
    assert window.review_panel.note_edit.hasFocus()
    qtbot.keyClicks(window.review_panel.note_edit, "wire near calliper")
    qtbot.keyClick(window.review_panel.note_edit, Qt.Key_Return)
    assert not window.review_panel.note_edit.hasFocus()
    assert window.current_rel == order[2]
    qtbot.keyClick(window, Qt.Key_C)  # overrides "unsure" with a note

    expected = {
        order[0]: ("confirmed", "Alex Tester", ""),
        order[1]: ("rejected", "Alex Tester", ""),
        order[2]: ("confirmed", "Alex Tester", "wire near calliper"),
    }
    assert current_decisions(batch) == expected
    save_artifact(window, "inspector-reviewed.png", qtbot)

    # undo takes back the latest decision and shows that photo again
    qtbot.keyClick(window, Qt.Key_Z, Qt.ControlModifier)
    assert window.current_rel == order[2]
    assert current_decisions(batch)[order[2]] == ("unsure", "Alex Tester", "wire near calliper")
    qtbot.keyClick(window, Qt.Key_C)
    window.close()

    reopened = make_window()
    reopened.open_batch(batch)
    assert reopened.score_job is None
    decided = {rel: (r.decision, r.reviewer, r.note) for rel in reopened.session.rel_paths
               for r in [reopened.session.record(rel)] if r.decision}
    assert decided == expected
    assert "3 reviewed" in reopened.thumbnail_panel.counter.text()


def test_next_undecided_skips_reviewed_photos(make_window, scored_batch, qtbot):
    batch, _ = scored_batch(n_good=4, n_bad=3)
    window = make_window()
    window.open_batch(batch)
    order = window.list_model.rel_paths
    window.session.decide(order[1], "rejected", "Alex Tester")
    window.session.decide(order[2], "rejected", "Alex Tester")
    window.show_rel(order[0])
    qtbot.keyClick(window, Qt.Key_N)
    assert window.current_rel == order[3]


def test_note_on_a_decided_photo_is_recorded(make_window, scored_batch, qtbot):
    batch, _ = scored_batch(n_good=3, n_bad=2)
    window = make_window()
    window.open_batch(batch)
    first = window.current_rel
    window.decide("unsure")
    window.show_rel(first)
    window.focus_note()
    qtbot.keyClicks(window.review_panel.note_edit, "ask the depot")
    qtbot.keyClick(window.review_panel.note_edit, Qt.Key_Enter)
    assert current_decisions(batch)[first] == ("unsure", "Alex Tester", "ask the depot")


def test_reviewer_name_is_asked_once_and_remembered(make_window, scored_batch, inspector_settings, qtbot, monkeypatch):
    batch, _ = scored_batch(n_good=3, n_bad=2)
    inspector_settings.reviewer = ""
    asked = []

    def fake_get_text(*args, **kwargs):
        asked.append(args[1:3])
        return "Sam Reviewer", True

    monkeypatch.setattr(QInputDialog, "getText", fake_get_text)
    window = make_window()
    window.open_batch(batch)
    qtbot.keyClick(window, Qt.Key_R)
    qtbot.keyClick(window, Qt.Key_R)
    assert len(asked) == 1
    assert inspector_settings.reviewer == "Sam Reviewer"
    assert {d[1] for d in current_decisions(batch).values()} == {"Sam Reviewer"}
    assert "Sam Reviewer" in window.windowTitle()


def test_declining_to_give_a_name_records_nothing(make_window, scored_batch, inspector_settings, qtbot, monkeypatch):
    batch, _ = scored_batch(n_good=3, n_bad=1)
    inspector_settings.reviewer = ""
    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: ("", False))
    window = make_window()
    window.open_batch(batch)
    first = window.current_rel
    qtbot.keyClick(window, Qt.Key_C)
    assert window.current_rel == first
    assert current_decisions(batch) == {}


def test_moving_the_threshold_reflags_live_and_is_logged(make_window, scored_batch, qtbot):
    batch, scores = scored_batch(n_good=8, n_bad=4)
    window = make_window()
    window.open_batch(batch)
    histogram = window.histogram
    assert histogram.threshold == pytest.approx(2.0)
    new_threshold = sorted(scores.values())[-2]  # only the two highest stay flagged

    histogram.line.setValue(new_threshold)  # what dragging does, step by step
    assert window.session.counts().flagged == 2
    assert window.thumbnail_panel.counter.text().startswith("2 of")
    with ReviewLog.open(batch, read_only=True) as log:
        assert log.batch_info().threshold == pytest.approx(2.0)  # not written while dragging

    histogram.line.sigPositionChangeFinished.emit(histogram.line)  # the drag ends
    with ReviewLog.open(batch, read_only=True) as log:
        assert log.batch_info().threshold == pytest.approx(new_threshold)
        assert sum(r.flagged for r in log.images()) == 2
        events = [e for e in log.events() if e.kind == "threshold_changed"]
        assert events[-1].reviewer == "Alex Tester"
        assert events[-1].detail["after"] == pytest.approx(new_threshold)
    window.thumbnail_panel.set_filter("flagged")
    assert window.list_model.rowCount() == 2
    save_artifact(window, "inspector-histogram.png", qtbot)

    window.close()
    reopened = make_window()
    reopened.open_batch(batch)
    assert reopened.histogram.threshold == pytest.approx(new_threshold)
    assert reopened.session.counts().flagged == 2


def test_read_only_batch_opens_but_refuses_decisions(make_window, scored_batch, qtbot, tmp_path):
    batch, _ = scored_batch(n_good=3, n_bad=1)
    log_dir = batch / ".csa-inspector"
    modes = {}
    for path in [log_dir, *log_dir.rglob("*"), batch]:
        modes[path] = path.stat().st_mode
    try:
        for path in [*log_dir.rglob("*"), log_dir, batch]:
            path.chmod(path.stat().st_mode & ~0o222)
        window = make_window()
        assert window.open_batch(batch)
        assert window.session.read_only
        assert "[read-only]" in window.windowTitle()
        assert not window.actions.review.confirm.isEnabled()
        assert not window.decide("confirmed")
    finally:
        for path, mode in modes.items():
            path.chmod(mode)
