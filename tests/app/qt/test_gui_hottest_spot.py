"""The reviewer's way to the foreign body: key H centres and zooms on the hottest spot, the panel shows it close up."""
from __future__ import annotations

import csv

import numpy as np
import pytest
from PySide6.QtCore import Qt

from conftest import save_artifact

pytestmark = pytest.mark.gui


def test_key_h_zooms_on_the_hot_spot_and_the_panel_shows_it_close_up(make_window, scored_batch, qtbot):
    batch, _ = scored_batch(n_good=2, n_bad=2)
    with open(batch / "labels.csv", newline="", encoding="utf-8") as stream:
        bad = sorted(row["file"] for row in csv.DictReader(stream) if row["label"] == "1")
    window = make_window(size=(1800, 900))  # wide enough for every toolbar button in the screenshot
    window.open_batch(batch)
    rel = next(r for r in window.list_model.rel_paths if r.endswith(bad[0]))
    window.show_rel(rel)
    qtbot.waitUntil(lambda: window.inspector.current is not None and window.inspector.current.heatmap is not None)
    view_menu = next(m.menu() for m in window.menuBar().actions() if m.text() == "&View")
    assert window.actions.view.hottest_spot in view_menu.actions()
    zoom_before = window.inspector.canvas.zoom_factor()

    qtbot.keyClick(window, Qt.Key_H)
    view = window.inspector.canvas.view_box.viewRect()
    # fill_fake_log puts the hot block at heatmap rows 10-16, columns 12-20 of 32 on a 128 px photo
    assert 48 <= view.center().x() <= 80 and 40 <= view.center().y() <= 64
    assert window.inspector.canvas.zoom_factor() > 1.5 * zoom_before
    crop = window.inspector.current.hot_crop
    assert crop is not None and crop.shape[0] == crop.shape[1] >= 32
    assert window.review_panel.crop_box.isVisible() and not window.review_panel.crop_label.pixmap().isNull()
    save_artifact(window, "inspector-hottest-spot.png", qtbot)

    # F brings the whole photo back
    qtbot.keyClick(window, Qt.Key_F)
    assert window.inspector.canvas.zoom_factor() == pytest.approx(zoom_before, rel=0.05)


def test_hottest_spot_without_a_heatmap_changes_nothing(qapp):
    from app.qt.widgets.image_view import ImageInspector, InspectionImage

    inspector = ImageInspector()
    assert inspector.go_to_hottest_spot() is False
    inspector.show_image(InspectionImage(path="x.png", image=np.zeros((40, 60, 3), np.uint8)))
    assert inspector.go_to_hottest_spot() is False
