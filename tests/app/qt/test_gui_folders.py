"""A batch stored as a tree (date / car / camera) in the inspector: photos listed folder by folder under a
header with the folder's counts, a folder collapsed or chosen as the only one listed, and navigation that walks
the folders in order. A flat batch looks as it always did."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PySide6.QtCore import Qt

from app.qt.models.image_list_model import Roles
from conftest import save_artifact
from core import list_batch_photos
from core.review import ReviewLog
from depot_tree import CAMERAS, CARS, build_depot_tree

pytestmark = pytest.mark.gui

THRESHOLD = 2.5
SCORE_OF_NAME = {"img_0001.png": 0.5, "img_0002.png": 1.0, "img_0003.png": 3.0, "img_0004.png": 4.0}
FOLDERS = [f"2026-11-30/{car}/{camera}" for car in CARS for camera in CAMERAS]


def scored_tree(root: Path, decided: dict[str, str] | None = None) -> Path:
    """Four photos a camera, two of them above the threshold, as an overnight scoring run leaves them;
    ``decided`` (key -> decision) is recorded as an earlier reviewer's work."""
    build_depot_tree(root, per_camera=4, size=48)
    rng = np.random.default_rng(1)
    with ReviewLog.open(root, create=True) as log:
        for index, path in enumerate(list_batch_photos(root)):
            score = SCORE_OF_NAME[path.name] + index * 1e-3  # no ties: the order inside a folder is known
            heatmap = rng.gamma(2.0, 0.5, (16, 16)).astype(np.float32)
            log.record_score(path, None, score, score >= THRESHOLD, heatmap, 48, 48)
        log.set_batch_info(model_name="fake", threshold=THRESHOLD, pixel_threshold=3.0, heatmap_low=1.0)
        for rel, decision in (decided or {}).items():
            log.decide(rel, decision, "Earlier Reviewer")
    return root


def in_folder(folder: str) -> list[str]:
    """The photos of one camera folder in list order (highest score first)."""
    return [f"{folder}/{name}" for name in ("img_0004.png", "img_0003.png", "img_0002.png", "img_0001.png")]


def header_index(window, folder: str):
    return window.list_model.index(window.list_model.header_row(folder), 0)


def click_row(qtbot, window, index) -> None:
    view = window.thumbnail_panel.list
    view.scrollTo(index)
    qtbot.mouseClick(view.viewport(), Qt.LeftButton, pos=view.visualRect(index).center())


def test_a_tree_batch_is_listed_folder_by_folder_with_counts(make_window, tmp_path, qtbot):
    batch = scored_tree(tmp_path / "CR400AF-2081")
    window = make_window()
    assert window.open_batch(batch)
    model, panel = window.list_model, window.thumbnail_panel

    assert model.is_grouped and panel.folder_row.isVisible()
    assert not panel.list.uniformItemSizes()
    assert model.folders() == FOLDERS
    assert model.rel_paths == [rel for folder in FOLDERS for rel in in_folder(folder)]
    headers = [model.group_at(row) for row in range(model.rowCount()) if model.group_at(row) is not None]
    assert headers == FOLDERS
    assert model.rowCount() == 60 + 15
    group = header_index(window, "2026-11-30/car03/cam2").data(Roles.GROUP)
    assert (group.counts.photos, group.counts.flagged, group.counts.reviewed) == (4, 2, 0)
    assert not group.collapsed
    assert "4 photos · 2 flagged · 0 reviewed" in header_index(window, "2026-11-30/car03/cam2").data(Qt.ToolTipRole)
    # the reviewer starts at the top of the first folder; the folder choice names every folder with its counts
    assert window.current_rel == in_folder(FOLDERS[0])[0]
    name = window.review_panel.name_label.text()  # the panel names the folder too: every camera has an img_0004
    assert "img_0004.png" in name and FOLDERS[0] in name
    # (each car above its cameras; not the date, which holds every photo)
    assert panel.folder_combo.count() == 1 + 5 + 15
    assert panel.folder_combo.itemText(0) == "All folders"
    assert panel.folder_combo.itemText(9) == "2026-11-30/car03 — 6 flagged, 0 reviewed"
    assert panel.folder_combo.itemText(11) == "2026-11-30/car03/cam2 — 2 flagged, 0 reviewed"
    assert panel.counter.text().startswith("30 of 60 to review") and "0 reviewed" in panel.counter.text()
    navigate = next(a.menu() for a in window.menuBar().actions() if a.text().replace("&", "") == "Navigate")
    assert panel.collapse_action in navigate.actions() and panel.collapse_action.isVisible()
    assert panel.collapse_action.shortcut().toString() == "G"
    assert "Collapse or expand this photo's folder" in window.shortcuts_text()
    # headers span the grid: the first photo of a folder starts a new line below its header
    view = panel.list
    first, second = (view.visualRect(model.index_of(in_folder(f)[0])) for f in FOLDERS[:2])
    header = view.visualRect(header_index(window, FOLDERS[1]))
    assert first.left() == second.left() and header.top() > first.top() and second.top() > header.bottom()
    assert header.width() > 2 * first.width() - 10
    save_artifact(window, "inspector-tree-batch.png", qtbot)
    window.resize(1024, 640)
    qtbot.waitUntil(lambda: window.width() == 1024)
    save_artifact(window, "inspector-tree-batch-1024x640.png", qtbot)
    save_artifact(panel, "inspector-tree-photo-list.png")


def test_clicking_a_header_collapses_its_folder_and_navigation_passes_over_it(make_window, tmp_path, qtbot):
    batch = scored_tree(tmp_path / "depot")
    window = make_window()
    window.open_batch(batch)
    model = window.list_model
    car1_cam2 = FOLDERS[1]

    click_row(qtbot, window, header_index(window, car1_cam2))
    assert model.is_collapsed(car1_cam2)
    assert header_index(window, car1_cam2).data(Roles.GROUP).collapsed  # the header stays, its photos go
    assert not set(in_folder(car1_cam2)) & set(model.rel_paths)
    assert model.rowCount() == 60 + 15 - 4
    assert "56 shown" in window.thumbnail_panel.counter.text()
    save_artifact(window.thumbnail_panel, "inspector-tree-collapsed-folder.png")

    # Right/J from the last photo of the first folder lands on the folder after the collapsed one
    window.show_rel(in_folder(FOLDERS[0])[-1])
    qtbot.keyClick(window, Qt.Key_J)
    assert window.current_rel == in_folder(FOLDERS[2])[0]
    qtbot.keyClick(window, Qt.Key_K)
    assert window.current_rel == in_folder(FOLDERS[0])[-1]

    # a second click opens it again; G does the same for the folder of the photo on screen
    click_row(qtbot, window, header_index(window, car1_cam2))
    assert not model.is_collapsed(car1_cam2)
    qtbot.keyClick(window, Qt.Key_G)
    assert model.is_collapsed(FOLDERS[0])
    assert window.thumbnail_panel.list.selectionModel().selectedIndexes() == []
    qtbot.keyClick(window, Qt.Key_G)
    assert not model.is_collapsed(FOLDERS[0])
    assert window.thumbnail_panel.list.currentIndex() == model.index_of(window.current_rel)


def test_choosing_a_folder_lists_only_its_photos(make_window, tmp_path, qtbot):
    batch = scored_tree(tmp_path / "depot")
    window = make_window()
    window.open_batch(batch)
    model, panel = window.list_model, window.thumbnail_panel
    combo = panel.folder_combo

    # by keyboard in the folder choice: Down picks the first car (its three cameras), Down again its first camera
    combo.setFocus()
    qtbot.keyClick(combo, Qt.Key_Down)
    assert model.folder_filter == "2026-11-30/car01"
    assert model.rel_paths == [rel for folder in FOLDERS[:3] for rel in in_folder(folder)]
    assert [model.group_at(row) for row in (0, 5, 10)] == FOLDERS[:3] and model.rowCount() == 15
    assert "12 shown" in panel.counter.text()
    qtbot.keyClick(combo, Qt.Key_Down)
    assert model.folder_filter == FOLDERS[0]
    assert model.rel_paths == in_folder(FOLDERS[0])
    assert model.group_at(0) == FOLDERS[0] and model.rowCount() == 5
    assert "4 shown" in panel.counter.text()
    qtbot.keyClick(combo, Qt.Key_Down)
    assert model.rel_paths == in_folder(FOLDERS[1])
    save_artifact(panel, "inspector-tree-one-folder.png")

    # Shift+G with a photo of car04/cam3 on screen: only its folder, then every folder again
    combo.setCurrentIndex(0)
    combo.activated.emit(0)
    assert model.folder_filter is None and len(model.rel_paths) == 60
    window.inspector.canvas.setFocus()
    target = in_folder("2026-11-30/car04/cam3")[1]
    click_row(qtbot, window, model.index_of(target))
    assert window.current_rel == target
    qtbot.keyClick(window, Qt.Key_G, Qt.ShiftModifier)
    assert model.folder_filter == "2026-11-30/car04/cam3"
    assert combo.currentData() == "2026-11-30/car04/cam3"
    assert model.rel_paths == in_folder("2026-11-30/car04/cam3")
    assert panel.list.currentIndex() == model.index_of(target)
    qtbot.keyClick(window, Qt.Key_G, Qt.ShiftModifier)
    assert model.folder_filter is None and combo.currentIndex() == 0

    # the grid's menu (right click) offers the same for the folder under the pointer
    view = panel.list
    menu = panel._show_folder_menu(view.visualRect(model.index_of(in_folder(FOLDERS[5])[0])).center())
    texts = [a.text() for a in menu.actions()]
    assert texts[:2] == [f"Collapse {FOLDERS[5]}", f"List only {FOLDERS[5]}"]
    menu.actions()[1].trigger()
    menu.close()
    assert model.folder_filter == FOLDERS[5] and combo.currentData() == FOLDERS[5]


def test_next_undecided_walks_the_folders_in_order(make_window, tmp_path, qtbot):
    first, second, third, fourth = FOLDERS[:4]
    decided = {rel: "rejected" for rel in in_folder(second)}
    decided.update({rel: "rejected" for rel in in_folder(first) if not rel.endswith("img_0003.png")})
    batch = scored_tree(tmp_path / "depot", decided)
    window = make_window()
    window.open_batch(batch)
    assert window.current_rel == in_folder(first)[0]

    qtbot.keyClick(window, Qt.Key_N)
    assert window.current_rel == in_folder(first)[1]  # the one photo of the first folder still open
    qtbot.keyClick(window, Qt.Key_N)
    assert window.current_rel == in_folder(third)[0]  # the second folder is done: straight on to the third
    qtbot.keyClick(window, Qt.Key_K)
    assert window.current_rel == in_folder(second)[-1]  # previous crosses back into the folder above

    # deciding the last photo of a folder moves on to the first of the next one
    window.show_rel(in_folder(third)[-1])
    qtbot.keyClick(window, Qt.Key_R)
    assert window.current_rel == in_folder(fourth)[0]


def test_folder_counts_follow_decisions_and_the_threshold(make_window, tmp_path, qtbot):
    batch = scored_tree(tmp_path / "depot")
    window = make_window()
    window.open_batch(batch)
    model, panel = window.list_model, window.thumbnail_panel
    folder = FOLDERS[0]

    assert window.current_rel == in_folder(folder)[0]
    qtbot.keyClick(window, Qt.Key_C)
    counts = header_index(window, folder).data(Roles.GROUP).counts
    assert (counts.flagged, counts.reviewed, counts.flagged_open) == (2, 1, 1)
    assert panel.folder_combo.itemText(2) == f"{folder} — 2 flagged, 1 reviewed"
    assert panel.folder_combo.itemText(1) == "2026-11-30/car01 — 6 flagged, 1 reviewed"
    assert panel.counter.text().startswith("30 of 60 to review") and "1 reviewed" in panel.counter.text()
    qtbot.keyClick(window, Qt.Key_R)
    counts = header_index(window, folder).data(Roles.GROUP).counts
    assert (counts.reviewed, counts.flagged_open) == (2, 0) and counts.done
    other = header_index(window, FOLDERS[1]).data(Roles.GROUP).counts
    assert (other.reviewed, other.flagged_open) == (0, 2)
    save_artifact(panel, "inspector-tree-folder-reviewed.png")

    # undo takes the count back
    qtbot.keyClick(window, Qt.Key_Z, Qt.ControlModifier)
    assert header_index(window, folder).data(Roles.GROUP).counts.reviewed == 1

    # a threshold above every score: nothing is flagged in any folder
    window.session.preview_threshold(5.0)
    assert all(model.group_counts()[f].flagged == 0 for f in FOLDERS)
    assert panel.folder_combo.itemText(2) == f"{folder} — 0 flagged, 1 reviewed"


def test_photos_directly_in_the_batch_folder_come_first_under_their_own_header(make_window, tmp_path, qtbot):
    batch = tmp_path / "mixed"
    (batch / "cam10").mkdir(parents=True)
    (batch / "cam2").mkdir()
    from core.synthetic import SceneConfig, generate_batch

    for folder, seed in ((batch, 1), (batch / "cam10", 2), (batch / "cam2", 3)):
        generate_batch(folder, 2, 0, config=SceneConfig(size=48, seed=seed), labels_csv=None)
    window = make_window()
    window.open_batch(batch)
    model = window.list_model
    qtbot.waitUntil(lambda: model.photo_count == 6)
    assert model.folders() == ["", "cam2", "cam10"]
    assert header_index(window, "").data(Qt.DisplayRole) == "(batch folder)"
    assert [model.folder_of(rel) for rel in model.rel_paths] == ["", "", "cam2", "cam2", "cam10", "cam10"]


def test_a_flat_batch_shows_no_folder_headers_or_folder_choice(make_window, scored_batch, qtbot):
    batch, scores = scored_batch(n_good=6, n_bad=3)
    window = make_window()
    window.open_batch(batch)
    model, panel = window.list_model, window.thumbnail_panel

    assert not model.is_grouped
    assert model.rowCount() == len(scores) + 1 == model.photo_count
    assert all(model.index(row, 0).data(Roles.REL_PATH) for row in range(model.rowCount()))
    assert all(model.index(row, 0).data(Roles.GROUP) is None for row in range(model.rowCount()))
    assert not panel.folder_row.isVisible()
    assert panel.list.uniformItemSizes()
    assert not any(action.isVisible() for action in panel.folder_actions)
    navigate = next(a.menu() for a in window.menuBar().actions() if a.text().replace("&", "") == "Navigate")
    shown = [a for a in navigate.actions() if a.isVisible()]
    assert shown[:3] == [window.actions.navigate.next, window.actions.navigate.previous,
                         window.actions.navigate.next_undecided]
    assert not set(shown) & set(panel.folder_actions)  # no folder commands, no separator for them
    before = window.current_rel
    qtbot.keyClick(window, Qt.Key_G)
    qtbot.keyClick(window, Qt.Key_G, Qt.ShiftModifier)
    assert model.folder_filter is None and not model.any_collapsed and window.current_rel == before
    assert panel._show_folder_menu(panel.list.visualRect(model.index(0, 0)).center()) is None
    assert window.review_panel.name_label.text() == Path(before).name
    assert "photo's folder" not in window.shortcuts_text()
    save_artifact(panel, "inspector-flat-photo-list.png")


@pytest.mark.slow
def test_folder_counts_fill_in_while_a_tree_batch_is_scored(make_window, tmp_path, trained_detector,
                                                            trained_model_file, qtbot):
    """Results arrive one by one (an engine that hands each out when the test says so): each folder's header
    counts its photos not scored yet down, and the list stays folder by folder."""
    from core.synthetic import SceneConfig, generate_batch
    from engine_doubles import GatedEngine

    batch = tmp_path / "unscored"
    folders = ["car1/cam1", "car1/cam2", "car2/cam1"]
    for seed, folder in enumerate(folders):
        generate_batch(batch / folder, 2, 1, config=SceneConfig(size=128, seed=40 + seed), labels_csv=None)
    engine = GatedEngine(trained_detector)
    window = make_window()
    window.models.on_model_loaded(trained_model_file, engine)
    assert window.open_batch(batch)
    model = window.list_model
    assert model.folders() == folders
    assert [model.group_counts()[f].unscored for f in folders] == [3, 3, 3]

    qtbot.waitUntil(lambda: window.score_job is not None and engine.waiting.is_set(), timeout=60000)
    engine.release(1)  # the first photo of the first folder
    qtbot.waitUntil(lambda: header_index(window, folders[0]).data(Roles.GROUP).counts.unscored == 2, timeout=30000)
    assert [model.group_counts()[f].unscored for f in folders] == [2, 3, 3]
    with qtbot.waitSignal(window.scoring_finished, timeout=120000):
        engine.open()
    counts = model.group_counts()
    assert all(counts[f].unscored == 0 and counts[f].photos == 3 for f in folders)
    session = window.session
    assert sum(counts[f].flagged for f in folders) == session.counts().flagged
    assert [model.folder_of(rel) for rel in model.rel_paths] == [f for f in folders for _ in range(3)]
    for folder in folders:
        scores = [session.record(rel).score for rel in model.rel_paths if model.folder_of(rel) == folder]
        assert scores == sorted(scores, reverse=True)
    save_artifact(window, "inspector-tree-scored.png", qtbot)
