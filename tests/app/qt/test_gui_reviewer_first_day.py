"""A reviewer's first day, driven by keys and dialogs as a person would: the note field, a photo deleted while it is
on screen, undo in a filtered list, the batch unlike the training photos, finding photos, the report dialog and a
1024 x 640 window."""
from __future__ import annotations

import os
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, Qt, QTimer
from PySide6.QtWidgets import QApplication, QInputDialog, QPushButton

from conftest import save_artifact
from core.review import ReviewLog
from repo_paths import REPO_ROOT

pytestmark = pytest.mark.gui


def press(qtbot, window, key, modifier=Qt.NoModifier) -> None:
    """A key goes where a person's key goes: to the widget with the focus (the window when none has it)."""
    qtbot.keyClick(QApplication.focusWidget() or window, key, modifier)


def typed(qtbot, text: str) -> None:
    qtbot.keyClicks(QApplication.focusWidget(), text)


def decisions(batch: Path) -> dict[str, tuple]:
    with ReviewLog.open(batch, read_only=True) as log:
        return {r.rel_path: (r.decision, r.note) for r in log.images() if r.decision}


def test_esc_leaves_the_note_field_and_r_then_rejects_with_the_note_as_typed(make_window, scored_batch, qtbot):
    batch, _ = scored_batch(n_good=6, n_bad=4)
    window = make_window()
    window.open_batch(batch)
    order = window.list_model.rel_paths
    note = window.review_panel.note_edit
    qtbot.mouseClick(note, Qt.LeftButton)  # click into the field
    assert note.hasFocus()
    typed(qtbot, "loose wire")
    press(qtbot, window, Qt.Key_Escape)
    assert not note.hasFocus() and window.inspector.canvas.hasFocus()
    assert note.text() == "loose wire"  # kept, not thrown away
    press(qtbot, window, Qt.Key_R)
    assert decisions(batch) == {order[0]: ("rejected", "loose wire")}  # not "loose wirer"
    assert window.current_rel == order[1]
    assert note.text() == ""

    # Tab leaves the field the same way
    press(qtbot, window, Qt.Key_N, Qt.ControlModifier)
    typed(qtbot, "nut")
    press(qtbot, window, Qt.Key_Tab)
    assert window.inspector.canvas.hasFocus()
    press(qtbot, window, Qt.Key_C)
    assert decisions(batch)[order[1]] == ("confirmed", "nut")


def test_esc_in_the_note_field_does_not_cancel_scoring(make_window, scored_batch, qtbot):
    batch, _ = scored_batch(n_good=4, n_bad=2)
    window = make_window()
    window.open_batch(batch)
    cancelled = []
    window.actions.model.cancel_scoring.setEnabled(True)  # as while scoring runs
    window.actions.model.cancel_scoring.triggered.connect(lambda: cancelled.append(True))
    press(qtbot, window, Qt.Key_N, Qt.ControlModifier)
    press(qtbot, window, Qt.Key_Escape)
    assert not cancelled and window.inspector.canvas.hasFocus()
    press(qtbot, window, Qt.Key_Escape)  # from the photo, Esc cancels scoring as before
    assert cancelled


def test_a_note_on_an_undecided_photo_survives_moving_away_and_back(make_window, scored_batch, qtbot):
    batch, _ = scored_batch(n_good=6, n_bad=4)
    window = make_window()
    window.open_batch(batch)
    order = window.list_model.rel_paths
    note = window.review_panel.note_edit
    press(qtbot, window, Qt.Key_N, Qt.ControlModifier)
    typed(qtbot, "check the bolt")
    press(qtbot, window, Qt.Key_Return)
    assert "saved with your decision" in window.statusBar().currentMessage()
    assert "Not saved yet" in window.review_panel.note_hint.text()
    press(qtbot, window, Qt.Key_J)
    assert window.current_rel == order[1] and note.text() == ""
    press(qtbot, window, Qt.Key_K)
    assert window.current_rel == order[0]
    assert note.text() == "check the bolt"
    assert "saved with your decision" in window.review_panel.note_hint.text()
    save_artifact(window, "first-day-draft-note.png", qtbot)
    press(qtbot, window, Qt.Key_U)
    assert decisions(batch) == {order[0]: ("unsure", "check the bolt")}
    assert order[0] not in window.review_panel.drafts

    # a draft left by Esc is kept as well, and it stays with its batch
    press(qtbot, window, Qt.Key_N, Qt.ControlModifier)
    typed(qtbot, "rust?")
    press(qtbot, window, Qt.Key_Escape)
    assert window.statusBar().currentMessage().startswith("Note kept. Not saved yet")
    rel = window.current_rel
    other, _ = scored_batch(n_good=6, n_bad=4, name="other")  # same file names, another unit
    window.open_batch(other)
    window.show_rel(rel)
    assert note.text() == ""


def test_the_photo_on_screen_deleted_while_the_batch_is_open(make_window, scored_batch, qtbot):
    batch, _ = scored_batch(n_good=6, n_bad=4, hash_files=True)
    window = make_window()
    window.open_batch(batch)
    qtbot.waitUntil(lambda: window.batches.folder_check_for is None, timeout=10000)
    order = window.list_model.rel_paths
    shown = order[0]
    qtbot.waitUntil(lambda: window.inspector.current is not None, timeout=10000)
    messages: list[str] = []
    window.statusBar().messageChanged.connect(messages.append)
    (batch / shown).unlink()  # a colleague deletes it on the shared drive
    qtbot.waitUntil(lambda: window.inspector.current is None, timeout=10000)  # no longer shown as if nothing happened
    # the folder check that follows may add its own count to the status bar; the reviewer was told either way
    assert any("deleted or moved away" in m for m in messages), messages
    assert "no longer in the batch folder" in window.inspector.canvas.placeholder.textItem.toPlainText()
    save_artifact(window, "first-day-deleted-photo.png", qtbot)
    press(qtbot, window, Qt.Key_R)
    assert decisions(batch) == {}
    assert "no longer in the folder" in window.statusBar().currentMessage()

    # the folder check records it as missing; the "Unreadable or missing" filter lists it
    qtbot.waitUntil(lambda: window.session.record(shown).changed_reason == "missing", timeout=30000)
    window.thumbnail_panel.set_filter("unreadable")
    assert shown in window.list_model.rel_paths and "broken.png" in window.list_model.rel_paths

    # another photo deleted before the reviewer gets to it: the check on switching shows why
    window.thumbnail_panel.set_filter("all")
    window.show_rel(order[1])
    (batch / order[2]).unlink()
    press(qtbot, window, Qt.Key_J)
    assert window.current_rel == order[2] and window.inspector.current is None


def test_rescoring_names_the_photos_that_are_missing(make_window, scored_batch, trained_model_file, qtbot):
    batch, _ = scored_batch(n_good=6, n_bad=2)
    window = make_window()
    window.open_batch(batch)
    order = window.list_model.rel_paths
    for rel in order[:3]:
        (batch / rel).unlink()
    with qtbot.waitSignal(window.model_loaded, timeout=120000):
        window.load_model(trained_model_file)
    qtbot.waitUntil(lambda: window.load_job is None and window.actions.model.rescore_batch.isEnabled(), timeout=30000)
    with qtbot.waitSignal(window.scoring_finished, timeout=120000):
        press(qtbot, window, Qt.Key_R, Qt.ControlModifier | Qt.ShiftModifier)
    message = window.statusBar().currentMessage()
    assert message.startswith("Scored 6 photos; 3 photos missing from the folder were not scored: ")
    assert all(Path(rel).name in message for rel in order[:3])


def test_undo_in_a_filtered_list_updates_the_counter_and_says_what_was_undone(make_window, scored_batch, qtbot):
    batch, _ = scored_batch(n_good=6, n_bad=4)
    window = make_window()
    window.open_batch(batch)
    window.thumbnail_panel.set_filter("unreviewed")
    shown_before = window.list_model.rowCount()
    press(qtbot, window, Qt.Key_U)
    assert f"{shown_before - 1} shown" in window.thumbnail_panel.counter.text()
    press(qtbot, window, Qt.Key_Z, Qt.ControlModifier)
    assert window.list_model.rowCount() == shown_before
    assert f"{shown_before} shown" in window.thumbnail_panel.counter.text()  # not stale
    assert "not reviewed again" in window.statusBar().currentMessage()

    # a note saved on an unsure photo, then undone: only the note went, and the message says so
    rel = window.current_rel
    press(qtbot, window, Qt.Key_U)
    window.show_rel(rel)
    press(qtbot, window, Qt.Key_N, Qt.ControlModifier)
    typed(qtbot, "second opinion")
    press(qtbot, window, Qt.Key_Return)
    assert decisions(batch)[rel] == ("unsure", "second opinion")
    press(qtbot, window, Qt.Key_Z, Qt.ControlModifier)
    assert decisions(batch)[rel] == ("unsure", "")
    assert window.statusBar().currentMessage().startswith(f"Undid the note on {Path(rel).name}: it stays “unsure”")


def test_an_empty_reviewer_name_records_nothing_and_says_so(make_window, scored_batch, inspector_settings, qtbot):
    batch, _ = scored_batch(n_good=4, n_bad=2)
    inspector_settings.reviewer = ""
    window = make_window(settings=inspector_settings)
    window.open_batch(batch)

    def answer_with_nothing():
        dialog = QApplication.activeModalWidget()
        assert isinstance(dialog, QInputDialog)
        dialog.setTextValue("   ")
        dialog.accept()

    QTimer.singleShot(100, answer_with_nothing)
    press(qtbot, window, Qt.Key_C)
    assert decisions(batch) == {}
    assert "Nothing recorded: a reviewer name is needed" in window.statusBar().currentMessage()


def test_a_batch_unlike_the_training_photos_is_warned_about_once(make_window, scored_batch, qtbot):
    strange, _ = scored_batch(n_good=8, n_bad=4, threshold=0.5, name="tires")  # every photo far above it
    ordinary, _ = scored_batch(n_good=8, n_bad=4, name="brakes")
    window = make_window()
    window.open_batch(ordinary)
    assert window.check_training_likeness() is None
    assert not window.batches.likeness_status.isVisible()

    window.open_batch(strange)
    message = window.statusBar().currentMessage()
    assert "looks unlike the photos the model was trained on" in message and "12 of 12 photos" in message
    assert window.batches.likeness_status.isVisible()
    save_artifact(window, "first-day-unlike-training.png", qtbot)
    window.statusBar().clearMessage()
    window.check_training_likeness()  # e.g. after rescoring: the label stays, the message is not repeated
    assert window.statusBar().currentMessage() == "" and window.batches.likeness_status.isVisible()
    window.open_batch(ordinary)
    assert not window.batches.likeness_status.isVisible()


def test_search_sort_and_the_confirmed_and_unsure_filters(make_window, scored_batch, qtbot):
    batch, scores = scored_batch(n_good=8, n_bad=4)
    window = make_window()
    window.open_batch(batch)
    order = window.list_model.rel_paths
    window.session.decide(order[0], "confirmed", "Alex Tester")
    window.session.decide(order[1], "unsure", "Alex Tester")
    window.session.decide(order[2], "rejected", "Alex Tester")

    press(qtbot, window, Qt.Key_F, Qt.ControlModifier)
    search = window.thumbnail_panel.tools.search_edit
    assert search.hasFocus()
    typed(qtbot, "0003")
    assert window.list_model.rel_paths == ["img_0003.png"]
    assert "1 shown" in window.thumbnail_panel.counter.text()
    press(qtbot, window, Qt.Key_Escape)  # clears the search and hands the keys back
    assert search.text() == "" and len(window.list_model.rel_paths) == len(order)

    combo = window.thumbnail_panel.tools.sort_combo
    combo.setCurrentIndex(combo.findData("name"))
    assert window.list_model.rel_paths == sorted(r for r in order if r != "broken.png") + ["broken.png"]
    combo.setCurrentIndex(combo.findData("decision"))
    assert window.list_model.rel_paths[:2] == [order[1], order[0]]  # open questions first
    assert window.list_model.rel_paths[-2] == order[2]  # settled false alarms before the unreadable last
    combo.setCurrentIndex(combo.findData("score"))

    window.thumbnail_panel.set_filter("confirmed")
    assert window.list_model.rel_paths == [order[0]]
    window.thumbnail_panel.set_filter("unsure")
    assert window.list_model.rel_paths == [order[1]]


def test_grid_keys_move_through_the_thumbnails(make_window, scored_batch, qtbot):
    batch, _ = scored_batch(n_good=8, n_bad=4)
    window = make_window()
    window.open_batch(batch)
    order = window.list_model.rel_paths
    grid = window.thumbnail_panel.list
    qtbot.mouseClick(grid.viewport(), Qt.LeftButton, pos=grid.visualRect(window.list_model.index(0, 0)).center())
    assert grid.hasFocus() and window.current_rel == order[0]
    first_row_top = grid.visualRect(window.list_model.index(0, 0)).top()
    columns = sum(1 for row in range(len(order)) if grid.visualRect(window.list_model.index(row, 0)).top() == first_row_top)
    assert columns >= 2
    press(qtbot, window, Qt.Key_Down)
    assert window.current_rel == order[columns]  # one row down in the grid
    press(qtbot, window, Qt.Key_End)
    assert window.current_rel == order[-1]
    press(qtbot, window, Qt.Key_Home)
    assert window.current_rel == order[0]
    press(qtbot, window, Qt.Key_PageDown)
    assert window.current_rel != order[0]
    press(qtbot, window, Qt.Key_Up)
    press(qtbot, window, Qt.Key_Right)  # Left/Right stay the inspector's next/previous
    assert window.current_rel in order


def test_starting_without_a_batch_offers_the_last_one(make_window, scored_batch, inspector_settings, qtbot):
    batch, _ = scored_batch(n_good=4, n_bad=2)
    inspector_settings.last_batch_dir = batch
    window = make_window(settings=inspector_settings)
    button = window.offer_last_batch()
    assert button is not None and button.text() == f"Reopen {batch.name}" and button.isVisible()
    save_artifact(window, "first-day-reopen-offer.png")
    qtbot.mouseClick(button, Qt.LeftButton)
    assert window.session is not None and window.session.batch_dir == batch.resolve()
    assert window.batches.reopen_button is None
    window.close_batch()
    press(qtbot, window, Qt.Key_O, Qt.ControlModifier | Qt.ShiftModifier)
    assert window.session is not None


def test_outline_stays_with_the_heatmap_off_keyboard_zoom_and_mouse_help(make_window, scored_batch, qtbot):
    batch, _ = scored_batch(n_good=4, n_bad=4)
    window = make_window()
    window.open_batch(batch)
    qtbot.waitUntil(lambda: window.inspector.current is not None, timeout=10000)
    canvas = window.inspector.canvas
    press(qtbot, window, Qt.Key_O)
    assert not canvas.heatmap_item.isVisible()
    assert canvas.outline_item.isVisible() and window.actions.view.toggle_outline.isChecked()
    save_artifact(window, "first-day-outline-without-heatmap.png", qtbot)
    press(qtbot, window, Qt.Key_O, Qt.ShiftModifier)
    assert not canvas.outline_item.isVisible()

    before = canvas.zoom_factor()
    press(qtbot, window, Qt.Key_Plus)
    assert canvas.zoom_factor() > before * 1.1
    press(qtbot, window, Qt.Key_Minus)
    press(qtbot, window, Qt.Key_Minus)
    assert canvas.zoom_factor() < before
    text = window.shortcuts_text()
    assert "Mouse wheel" in text and "Drag on the photo" in text and "Zoom in" in text


def test_export_dialog_takes_unit_site_date_and_signer_and_nothing_is_cut_off(make_window, scored_batch, qtbot,
                                                                              tmp_path):
    from app.qt.dialogs.export_dialog import ExportDialog

    batch, _ = scored_batch(n_good=6, n_bad=4)
    window = make_window()
    window.open_batch(batch)
    out = tmp_path / "filed.html"
    filled = {}

    def fill_in():
        dialog = QApplication.activeModalWidget()
        assert isinstance(dialog, ExportDialog)
        box = dialog.include_flagged
        filled["fits"] = box.width() >= box.sizeHint().width()
        save_artifact(dialog, "first-day-export-dialog.png")
        dialog.path_edit.setText(str(out))
        dialog.format_combo.setCurrentIndex(dialog.format_combo.findData("html"))
        qtbot.keyClicks(dialog.unit_edit, "Train set 4012")
        qtbot.keyClicks(dialog.site_edit, "Depot Nord")
        dialog.signer_edit.clear()
        qtbot.keyClicks(dialog.signer_edit, "Maria Keller")
        dialog.export_button.click()

    QTimer.singleShot(100, fill_in)
    job_done = []
    window.statusBar().messageChanged.connect(lambda text: job_done.append(text))
    press(qtbot, window, Qt.Key_E, Qt.ControlModifier)
    qtbot.waitUntil(lambda: out.exists(), timeout=60000)
    assert filled["fits"]
    html = out.read_text(encoding="utf-8")
    assert "Train set 4012" in html and "Depot Nord" in html and "Maria Keller" in html
    assert oct(out.stat().st_mode & 0o777) == oct(0o666 & ~_umask())
    assert window.settings.text("report_site") == "Depot Nord"  # offered again next time


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def test_a_1024_by_640_window_keeps_the_decision_buttons_and_navigation_in_reach(make_window, scored_batch, qtbot):
    batch, _ = scored_batch(n_good=6, n_bad=4)
    window = make_window(size=(1024, 640))
    window.open_batch(batch)
    save_artifact(window, "first-day-1024x640.png", qtbot)
    panel = window.review_panel
    scroll = panel.parentWidget().parentWidget()  # the scroll area's viewport, then the area
    buttons = panel.findChildren(QPushButton)
    assert {b.text() for b in buttons} >= {"Confirm foreign body", "Reject false alarm", "Unsure"}
    for button in panel.findChildren(QPushButton):
        corner = button.mapTo(scroll, QPoint(button.width(), button.height()))
        assert corner.y() <= scroll.height(), f"{button.text()} is scrolled out of view"
    toolbar = window.toolbar
    for action in (window.actions.navigate.previous, window.actions.navigate.next, window.actions.navigate.next_undecided,
                   window.actions.review.unsure, window.actions.review.undo):
        widget = toolbar.widgetForAction(action)
        assert widget is not None and widget.isVisible(), action.text()
        assert widget.geometry().right() <= toolbar.width()


def test_screenshot_without_a_batch_finishes(tmp_path):
    """``csa-inspector gui --screenshot out.png`` with no batch: the empty window, saved once nothing is loading."""
    import subprocess
    import sys

    from PySide6.QtGui import QImage

    root = REPO_ROOT
    target = tmp_path / "empty.png"
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", PYTHONPATH=str(root))
    code = ("import sys\nfrom app.qt.launch import run_gui\n"
            f"sys.exit(run_gui(screenshot={str(target)!r}))\n")
    # the limit only stops a hang from blocking the suite; the old code waited 600 s before giving up
    result = subprocess.run([sys.executable, "-c", code], cwd=root, env=env, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    assert "did not finish loading" not in result.stderr
    image = QImage(str(target))
    assert not image.isNull() and image.width() >= 800
