"""Opening a scored batch: thumbnails in score order, badges, filters, counter, the photo with its heatmap."""
from __future__ import annotations


import numpy as np
import pytest
from PySide6.QtCore import Qt

from app.qt.models.image_list_model import Roles
from conftest import save_artifact
from core.vocabulary import PhotoStatus

pytestmark = pytest.mark.gui


def wait_for_image(qtbot, window, rel=None, timeout=30000):
    def shown():
        current = window.inspector.current
        if current is None or window.current_rel is None:
            return False
        wanted = window.session.record(rel or window.current_rel).path
        return current.path == str(wanted)

    qtbot.waitUntil(shown, timeout=timeout)


def test_opening_a_scored_batch_lists_photos_by_score_without_rescoring(make_window, scored_batch, qtbot):
    batch, scores = scored_batch(n_good=8, n_bad=4)
    window = make_window()
    assert window.open_batch(batch)
    assert window.score_job is None  # everything already has a score from the log

    model = window.list_model
    listed = [model.index(row, 0).data(Roles.SCORE) for row in range(model.rowCount())]
    scored = [s for s in listed if s is not None]
    assert scored == sorted(scores.values(), reverse=True)
    assert listed[-1] is None  # the unreadable file comes last
    assert model.rowCount() == len(scores) + 1

    counts = window.session.counts()
    flagged = sum(s >= 2.0 for s in scores.values())
    assert counts.flagged == flagged
    share = round(100 * flagged / len(scores))
    assert window.thumbnail_panel.counter.text().startswith(
        f"{flagged} of {len(scores) + 1} to review ({share} %: 0 alarm), 0 reviewed")

    # the highest score is shown first, with its heatmap and an outline of the hot spot
    top = max(scores, key=scores.get)
    assert window.current_rel == top
    wait_for_image(qtbot, window)
    shown = window.inspector.current
    assert shown.heatmap is not None
    assert len(shown.contours) >= 1
    assert window.review_panel.score_value.text() == f"{scores[top]:.4g}"
    assert window.windowTitle().startswith(f"{batch.name} — ")


def test_unreadable_file_is_listed_with_its_reason(make_window, scored_batch, qtbot):
    batch, _ = scored_batch(n_good=3, n_bad=1)
    window = make_window()
    window.open_batch(batch)
    window.thumbnail_panel.set_filter("unreadable")
    assert window.list_model.rowCount() == 1
    index = window.list_model.index(0, 0)
    assert index.data(Roles.STATUS) == PhotoStatus.UNREADABLE
    assert "truncated PNG file" in index.data(Qt.ToolTipRole)
    window.show_rel(index.data(Roles.REL_PATH))
    assert "truncated PNG file" in window.review_panel.details.text()
    assert not window.actions.review.confirm.isEnabled()


def test_filters_and_counter_follow_decisions(make_window, scored_batch, qtbot):
    batch, scores = scored_batch(n_good=6, n_bad=4)
    window = make_window()
    window.open_batch(batch)
    flagged = sum(s >= 2.0 for s in scores.values())
    panel = window.thumbnail_panel
    panel.set_filter("flagged")
    assert window.list_model.rowCount() == flagged
    panel.set_filter("unreviewed")
    assert window.list_model.rowCount() == flagged
    window.show_rel(window.list_model.rel_path_at(0))
    assert window.decide("confirmed")
    assert window.list_model.rowCount() == flagged - 1  # decided photo leaves the "not reviewed" list
    panel.set_filter("decided")
    assert window.list_model.rowCount() == 1
    assert window.list_model.index(0, 0).data(Roles.STATUS) == "confirmed"
    assert "1 reviewed" in panel.counter.text()


def test_thumbnails_arrive_from_the_background_pool(make_window, scored_batch, qtbot):
    batch, _ = scored_batch(n_good=6, n_bad=2)
    window = make_window()
    window.open_batch(batch)
    first = window.list_model.index(0, 0)
    assert first.data(Qt.DecorationRole) is None or True  # asking starts the work
    qtbot.waitUntil(lambda: window.list_model.index(0, 0).data(Qt.DecorationRole) is not None, timeout=30000)
    pixmap = window.list_model.index(0, 0).data(Qt.DecorationRole)
    assert max(pixmap.width(), pixmap.height()) == window.thumbnails.size or max(pixmap.width(), pixmap.height()) == 128


def test_overlay_controls_and_keyboard_toggle(make_window, scored_batch, qtbot):
    batch, _ = scored_batch(n_good=4, n_bad=2)
    window = make_window()
    window.open_batch(batch)
    wait_for_image(qtbot, window)
    heatmap_item = window.inspector.canvas.heatmap_item
    assert heatmap_item.isVisible()
    save_artifact(window, "inspector-overlay-on.png", qtbot)

    qtbot.keyClick(window, Qt.Key_O)
    assert not heatmap_item.isVisible()
    assert not window.actions.view.toggle_overlay.isChecked()
    assert not window.inspector.controls.overlay_box.isChecked()
    qtbot.keyClick(window, Qt.Key_O)
    assert heatmap_item.isVisible()

    window.inspector.controls.opacity_slider.setValue(80)
    assert heatmap_item.opacity() == pytest.approx(0.8)
    before = window.inspector.current.overlay.copy()
    window.inspector.controls.colormap_combo.setCurrentText("viridis")
    overlay = window.inspector.current.overlay
    assert window.inspector.colormap == "viridis"
    assert overlay.shape[2] == 4 and not np.array_equal(overlay[..., :3], before[..., :3])
    alpha = overlay[..., 3]
    assert alpha.min() == 0 and alpha.max() == 255  # normal areas leave the photo visible, the hot spot does not

    canvas = window.inspector.canvas
    canvas.actual_size()
    assert canvas.zoom_factor() == pytest.approx(1.0, rel=0.02)
    canvas.fit()
    assert canvas.zoom_factor() > 1.5  # a 128 px photo fills the larger view


def test_switching_to_a_preloaded_neighbour_is_fast(make_window, scored_batch, qtbot):
    batch, _ = scored_batch(n_good=6, n_bad=3)
    window = make_window()
    window.open_batch(batch)
    wait_for_image(qtbot, window)
    second = window.list_model.rel_path_at(1)
    qtbot.waitUntil(lambda: window.preloader.get(window.session.record(second)) is not None, timeout=30000)
    prepared = window.preloader.get(window.session.record(second))
    qtbot.keyClick(window, Qt.Key_Right)
    # shown at once from what was prepared in the background: nothing is decoded on the UI thread (the time it
    # takes is measured by bench/bench_gui.py, not here)
    assert window.current_rel == second
    assert window.inspector.current is prepared
