"""The pass line and confirmed foreign bodies: moving it past one is said in words, typed values and arrow keys work."""
from __future__ import annotations

import shutil

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from core.review import ReviewLog

pytestmark = pytest.mark.gui


def confirm_two(window, scores) -> list[str]:
    flagged = sorted((rel for rel in window.session.rel_paths if window.session.record(rel).flagged),
                     key=lambda rel: window.session.record(rel).score)
    for rel in flagged[:2]:
        window.show_rel(rel)
        assert window.decide("confirmed")
    return flagged[:2]


def test_a_pass_line_above_confirmed_foreign_bodies_is_warned_about(make_window, scored_batch, qtbot):
    batch, scores = scored_batch(n_good=6, n_bad=4)
    window = make_window()
    window.open_batch(batch)
    confirmed = confirm_two(window, scores)
    messages: list[str] = []
    window.statusBar().messageChanged.connect(messages.append)

    above = round(max(window.session.record(rel).score for rel in confirmed) + 0.01, 4)
    window.histogram.pass_spin.setValue(above)  # typed into the pass field
    window.histogram.pass_spin.editingFinished.emit()
    assert window.session.threshold == pytest.approx(above)
    with ReviewLog.open(batch, read_only=True) as log:
        assert log.batch_info().threshold == pytest.approx(above)
    warning = next(m for m in messages if m.startswith("Warning"))
    assert "2 confirmed foreign bodies" in warning and confirmed[0] in warning


def test_arrow_keys_step_the_pass_line_once_the_histogram_has_the_focus(make_window, scored_batch, qtbot):
    batch, _ = scored_batch(n_good=6, n_bad=4)
    window = make_window()
    window.open_batch(batch)
    before = window.session.threshold
    window.histogram.setFocus()
    qtbot.waitUntil(window.histogram.hasFocus, timeout=30000)
    qtbot.keyClick(window.histogram, Qt.Key_Right)
    assert window.session.threshold > before
    qtbot.keyClick(window.histogram, Qt.Key_Left, Qt.ShiftModifier)
    assert window.session.threshold < before
    assert window.histogram.pass_spin.value() == pytest.approx(window.session.threshold, abs=1e-3)


def test_saving_a_pass_line_that_misses_a_confirmed_foreign_body_asks_with_a_warning(
        make_window, scored_batch, trained_model_file, tmp_path, monkeypatch, qtbot):
    batch, scores = scored_batch(n_good=6, n_bad=4)
    model = tmp_path / "copy.csa"
    shutil.copy(trained_model_file, model)
    window = make_window()
    window.open_batch(batch)
    window.model_path = model
    confirmed = confirm_two(window, scores)
    window.commit_threshold(max(window.session.record(rel).score for rel in confirmed) + 0.01)
    asked = []

    def question(parent, title, text, buttons=None, default=None):
        asked.append((text, default))
        return QMessageBox.No

    monkeypatch.setattr(QMessageBox, "question", question)
    window.save_threshold_to_model()
    text, default = asked[0]
    assert "2 confirmed foreign bodies" in text and default == QMessageBox.No
    assert not window.runner.running  # nothing saved
