"""One batch rule for every front-end: photos at any depth, keyed by their path relative to the batch folder."""
from __future__ import annotations

import csv
import os
from pathlib import Path

import pytest

from core import folder_of, list_batch, list_batch_photos, photo_key
from core.synthetic import SceneConfig, generate_batch
from depot_tree import CAMERAS, CARS, build_depot_tree





def test_photos_at_every_depth_are_listed_with_relative_keys_and_bad_links_are_reported(tmp_path):
    root = build_depot_tree(tmp_path / "CR400AF-2081")
    listing = list_batch(root)
    assert len(listing.photos) == 300
    assert listing.rel_paths[0] == "2026-11-30/car01/cam1/img_0001.png"
    assert all(p.is_absolute() and p.is_relative_to(listing.root) for p in listing.photos)
    assert {folder_of(k) for k in listing.rel_paths} == {f"2026-11-30/{c}/{m}" for c in CARS for m in CAMERAS}
    reasons = {s.rel_path: s.reason for s in listing.skipped}
    assert "broken link" in reasons["2026-11-30/car01/cam1/gone.png"]
    assert "loop" in reasons["2026-11-30/car02/back-to-day"]
    assert not any(".thumbnails" in k for k in listing.rel_paths)


def test_the_key_of_a_photo_does_not_depend_on_how_the_folder_was_typed(tmp_path, monkeypatch):
    root = build_depot_tree(tmp_path / "b", per_camera=3)
    monkeypatch.chdir(tmp_path)
    typed = [list_batch("b").rel_paths, list_batch("./b/").rel_paths, list_batch(root).rel_paths,
             list_batch(tmp_path / "b" / "2026-11-30" / "..").rel_paths]
    assert all(keys == typed[0] for keys in typed)
    photo = root / "2026-11-30" / "car03" / "cam2" / "img_0002.png"
    assert photo_key(list_batch("b").root, photo) == "2026-11-30/car03/cam2/img_0002.png"


def test_a_linked_camera_folder_outside_the_batch_is_followed_once(tmp_path):
    elsewhere = generate_batch(tmp_path / "nas" / "cam9", 3, 0, config=SceneConfig(size=64, seed=4), labels_csv=None)
    batch = generate_batch(tmp_path / "batch", 2, 0, config=SceneConfig(size=64, seed=5), labels_csv=None)
    os.symlink(elsewhere, batch / "cam9")
    os.symlink(elsewhere, batch / "cam9-again")
    listing = list_batch(batch)
    assert listing.rel_paths == ["cam9/img_0001.png", "cam9/img_0002.png", "cam9/img_0003.png", "img_0001.png",
                                 "img_0002.png"]
    assert [s.rel_path for s in listing.skipped] == ["cam9-again"]


def test_a_missing_folder_is_an_error_and_an_unreadable_one_lists_nothing(tmp_path):
    with pytest.raises(FileNotFoundError):
        list_batch(tmp_path / "absent")
    assert list_batch_photos(tmp_path / "absent") == []


@pytest.mark.slow
def test_score_report_and_the_inspector_agree_on_a_three_level_tree(trained_model_file, tmp_path, monkeypatch):
    """The command line scores a depot tree given as a relative path; report and inspector see the same photos."""
    from core import ReviewSession
    from cli_runner import run_cli

    root = build_depot_tree(tmp_path / "CR400AF-2081")
    monkeypatch.chdir(tmp_path)
    status, out, err = run_cli("score", "--model", trained_model_file, "--images", "CR400AF-2081",
                               "--out", "results", "--quiet", "--no-heatmaps")
    assert status == 0, err
    assert "300 images scored" in out
    assert "gone.png: broken link" in err and "back-to-day: link loop" in err
    with open(tmp_path / "results" / "scores.csv", newline="", encoding="utf-8") as stream:
        rows = list(csv.DictReader(stream))
    expected = set(list_batch(root).rel_paths)
    assert {r["file"] for r in rows} == expected
    assert all(r["folder"] == folder_of(r["file"]) for r in rows)

    # scoring again through an absolute path adds no second set of keys
    status, out, err = run_cli("score", "--model", trained_model_file, "--images", root.resolve(),
                               "--out", tmp_path / "results2", "--quiet", "--no-heatmaps")
    assert status == 0, err
    status, out, err = run_cli("report", "--batch", "CR400AF-2081", "--out", "report.csv")
    assert status == 0, err
    with open(tmp_path / "report.csv", newline="", encoding="utf-8-sig") as stream:
        report_rows = list(csv.DictReader(stream))
    assert len(report_rows) == 300
    assert {r["file"] for r in report_rows} == expected
    assert all(r["folder"] == folder_of(r["file"]) for r in report_rows)

    session = ReviewSession.open(Path("CR400AF-2081"))
    try:
        assert set(session.rel_paths) == expected
        assert not session.has_unscored()
    finally:
        session.close()
