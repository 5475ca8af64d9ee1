"""What the review log says about the photos stays true: keys, content checks, thresholds, completeness, tampering.

Each test plays one way a depot's records could go wrong: a relative path typed at the command line, a photo
replaced with ``cp -p``, renamed or deleted, a re-score after the reviewer moved the threshold, a score stopped
part-way, a log left empty by a full disk, another program holding the log, and a log edited with ``sqlite3``.
"""
from __future__ import annotations

import csv
import os
import shutil
import sqlite3
import threading
from pathlib import Path

import pytest

from core.scoring.batch import score_batch
from core.photos.photo_check import check_photos
from core.report import write_report
from core.review import (
    ReviewLog, ReviewLogMissing, default_log_path, file_sha256, open_for_batch,
)
from core.synthetic import SceneConfig, generate_batch
from cli_runner import run_cli


@pytest.fixture(autouse=True)
def _private_data_dir(private_data_dir):
    """Keep fallback logs out of the real user-data folder."""


@pytest.fixture
def photos(tmp_path) -> Path:
    return generate_batch(tmp_path / "b", 6, 2, config=SceneConfig(size=64, seed=3), labels_csv=None)


def fake_scores(batch: Path, threshold: float = 2.0, names=None) -> dict[str, float]:
    """Record scores with content hashes, as ``score`` would (photo i scores i / 2)."""
    scores = {}
    with open_for_batch(batch, create=True) as log:
        log.set_batch_info(model_name="fake", threshold=threshold)
        for index, path in enumerate(sorted(batch.glob("*.png"))):
            if names is not None and path.name not in names:
                continue
            scores[path.name] = index / 2
            log.record_score(path, file_sha256(path), index / 2, index / 2 >= threshold, None, 64, 64)
    return scores


def report_rows(batch: Path, out: Path) -> dict[str, dict[str, str]]:
    write_report(batch, out, force=True)
    with open(out, newline="", encoding="utf-8-sig") as stream:
        return {row["file"]: row for row in csv.DictReader(stream)}


def report_text(batch: Path, out: Path) -> str:
    write_report(batch, out, force=True)
    return out.read_text(encoding="utf-8")


# --------------------------------------------------------------------------------------------------- keys


def test_a_relative_batch_path_stores_the_same_keys_as_an_absolute_one(trained_detector, photos, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    score_batch(trained_detector, "b", heatmap_pictures=False)
    score_batch(trained_detector, photos.resolve(), heatmap_pictures=False)
    score_batch(trained_detector, "./b/", heatmap_pictures=False)
    with ReviewLog.open(photos, read_only=True) as log:
        keys = [r.rel_path for r in log.images()]
    assert sorted(keys) == sorted(p.name for p in photos.glob("*.png"))
    rows = report_rows(Path("b"), tmp_path / "r.csv")
    assert len(rows) == 8


def test_keys_doubled_by_an_earlier_version_are_merged_on_open_with_their_decisions(photos):
    fake_scores(photos)
    with open_for_batch(photos, create=True) as log:
        # what an earlier version stored for `score --images b`: the folder's name in front of the key
        path = photos / "img_0002.png"
        log.record_score(Path("b/img_0002.png"), file_sha256(path), 0.5, False, None, 64, 64)
        log.decide("b/img_0002.png", "confirmed", "anna", "wire on the disc")
        assert len(log.images()) == 9
    with open_for_batch(photos, create=True) as log:
        records = {r.rel_path: r for r in log.images()}
        assert len(records) == 8 and "b/img_0002.png" not in records
        assert records["img_0002.png"].decision == "confirmed"
        assert "wire on the disc" in records["img_0002.png"].note
        assert any(e.kind == "photo_key_moved" for e in log.events())
        assert log.verify().ok


# ------------------------------------------------------------------------------------------ photo content


def test_a_photo_replaced_with_cp_p_loses_its_decision_everywhere(photos, tmp_path):
    fake_scores(photos)
    with open_for_batch(photos) as log:
        log.decide("img_0007.png", "confirmed", "anna", "foreign body at lever")
    target = photos / "img_0007.png"
    before = os.stat(target)
    replacement = bytearray(target.read_bytes())
    replacement[-20] ^= 0xFF  # same size, different content
    (tmp_path / "other.png").write_bytes(bytes(replacement))
    shutil.copy2(tmp_path / "other.png", target)
    os.utime(target, ns=(before.st_atime_ns, before.st_mtime_ns))  # cp -p: the old timestamp
    assert os.stat(target).st_mtime_ns == before.st_mtime_ns and os.stat(target).st_size == before.st_size

    rows = report_rows(photos, tmp_path / "r.csv")
    assert rows["img_0007.png"]["status"] == "changed after scoring"
    assert rows["img_0007.png"]["decision"] == ""
    assert "earlier content was confirmed" in rows["img_0007.png"]["note"]
    with open_for_batch(photos) as log:
        assert [c.rel_path for c in log.check_changed_files()] == ["img_0007.png"]
        assert log.image("img_0007.png").changed_reason == "modified"


def test_a_renamed_photo_keeps_its_decision_under_the_new_name(photos, tmp_path):
    fake_scores(photos)
    with open_for_batch(photos) as log:
        log.decide("img_0006.png", "rejected", "anna", "reflection")
    os.rename(photos / "img_0006.png", photos / "car03_img_0006.png")

    rows = report_rows(photos, tmp_path / "r.csv")  # read-only: the report follows the content by itself
    assert "img_0006.png" not in rows
    assert rows["car03_img_0006.png"]["decision"] == "rejected"
    with open_for_batch(photos) as log:
        check = check_photos(log)
        assert check.renamed == [("img_0006.png", "car03_img_0006.png")]
        assert log.image("car03_img_0006.png").decision == "rejected"
        assert check.missing == [] and check.new == []
        assert log.verify().ok


def test_a_deleted_photo_is_missing_and_no_longer_counts(photos, tmp_path):
    fake_scores(photos)
    with open_for_batch(photos) as log:
        log.decide("img_0007.png", "confirmed", "anna")
    (photos / "img_0007.png").unlink()
    rows = report_rows(photos, tmp_path / "r.csv")
    assert rows["img_0007.png"]["status"] == "missing"
    html = report_text(photos, tmp_path / "r.html")
    assert "Photos in the batch folder</th><td>7" in html
    assert "changed or disappeared after scoring" in html


def test_a_new_photo_is_listed_as_not_scored_and_the_report_is_not_finished(photos, tmp_path):
    fake_scores(photos, threshold=99.0)  # nothing flagged: only the new photo keeps the review open
    assert "Status</th><td>finished" in report_text(photos, tmp_path / "r.html")
    shutil.copy(photos / "img_0001.png", photos / "late.png")
    html = report_text(photos, tmp_path / "r.html")
    assert "Status</th><td>not finished" in html
    assert "Not scored yet (1)" in html and "1 photo(s) of the folder are not scored yet" in html


# ------------------------------------------------------------------------------------ thresholds and counts


def test_rescoring_keeps_the_reviewers_threshold_and_the_report_lists_the_change(trained_detector, photos, tmp_path):
    score_batch(trained_detector, photos, heatmap_pictures=False)
    with ReviewLog.open(photos, read_only=True) as log:
        scores = sorted(r.score for r in log.images())
    moved = (scores[1] + scores[2]) / 2  # far below the model's threshold: most photos flagged
    with open_for_batch(photos) as log:
        flagged = log.set_threshold(moved, "anna")
    outcome = score_batch(trained_detector, photos, heatmap_pictures=False)
    assert outcome.threshold == pytest.approx(moved) and outcome.threshold_set_by == "anna"
    assert len(outcome.flagged) == flagged
    with ReviewLog.open(photos, read_only=True) as log:
        assert log.batch_info().threshold == pytest.approx(moved)
        assert sum(r.flagged for r in log.images()) == flagged
        assert any(e.kind == "model_threshold_not_applied" for e in log.events())
    html = report_text(photos, tmp_path / "r.html")
    assert "Threshold changes (1)" in html and "anna" in html
    assert "Status</th><td>not finished" in html


def test_a_score_stopped_part_way_is_reported_as_not_finished(photos, tmp_path):
    fake_scores(photos, names={"img_0001.png", "img_0002.png", "img_0003.png"}, threshold=99.0)
    html = report_text(photos, tmp_path / "r.html")
    assert "Photos in the batch folder</th><td>8" in html
    assert "Scored</th><td>3 (5 not scored yet)" in html
    assert "Status</th><td>not finished" in html


# ----------------------------------------------------------------------------------------- the file itself


def test_an_empty_log_left_by_a_full_disk_is_moved_aside_and_started_anew(trained_detector, photos):
    path = default_log_path(photos)
    path.parent.mkdir()
    path.write_bytes(b"")
    with pytest.raises(ReviewLogMissing, match="empty"):
        ReviewLog.open(photos, read_only=True)
    outcome = score_batch(trained_detector, photos, heatmap_pictures=False)
    assert len(outcome.scored) == 8
    assert [p.name for p in path.parent.glob("review.sqlite.empty-*")] != []
    with ReviewLog.open(photos, read_only=True) as log:
        assert len(log.images()) == 8


def test_a_writer_held_up_by_another_program_waits_and_says_so(photos):
    fake_scores(photos)
    log = open_for_batch(photos, busy_timeout_s=0.1)
    told = threading.Event()
    messages = []

    def notice(message: str) -> None:
        messages.append(message)
        told.set()

    log.on_busy = notice
    holder = sqlite3.connect(log.path, timeout=5, isolation_level=None, check_same_thread=False)
    holder.execute("BEGIN IMMEDIATE")  # another program writes and keeps the lock
    releaser = threading.Thread(target=lambda: (told.wait(30), holder.execute("COMMIT")))
    releaser.start()
    try:
        log.decide("img_0001.png", "rejected", "anna")  # waits until the other program lets go
    finally:
        releaser.join()
        holder.close()
    assert "busy" in messages[0]
    assert log.image("img_0001.png").decision == "rejected"
    log.close()


def test_an_older_log_without_newer_columns_opens_and_is_upgraded(photos):
    fake_scores(photos)
    with open_for_batch(photos) as log:
        log.decide("img_0007.png", "confirmed", "anna")
        path = log.path
    db = sqlite3.connect(path, isolation_level=None)
    db.execute("DROP TABLE ledger")
    for column in ("heatmap_low", "threshold_set_by"):
        db.execute(f"ALTER TABLE batch DROP COLUMN {column}")
    for column in ("file_size", "file_mtime_ns", "file_ctime_ns", "file_inode", "merged_into"):
        db.execute(f"ALTER TABLE images DROP COLUMN {column}")
    db.execute("PRAGMA user_version=1")
    db.close()

    with ReviewLog.open(photos, read_only=True) as old:
        assert old.batch_info().heatmap_low is None
        assert old.image("img_0007.png").decision == "confirmed"
        assert not old.verify().chained
    with open_for_batch(photos) as upgraded:
        assert any(e.kind == "log_format_upgraded" for e in upgraded.events())
        assert upgraded.verify().ok
        assert upgraded.image("img_0007.png").decision == "confirmed"


def test_a_read_only_batch_folder_says_where_its_log_went(photos, tmp_path, private_data_dir):
    photos.chmod(0o555)
    try:
        with open_for_batch(photos, create=True) as log:
            if not log.in_fallback_location:
                pytest.skip("this user can write to read-only folders (root without a marker)")
            assert private_data_dir in log.path.parents
    finally:
        photos.chmod(0o755)


# ---------------------------------------------------------------------------------------------- tampering


def tamper(path: Path, *statements: str) -> None:
    """What someone with the sqlite3 tool can do: drop the triggers, edit, put the triggers back."""
    db = sqlite3.connect(path, isolation_level=None)
    triggers = db.execute("SELECT name, sql FROM sqlite_master WHERE type = 'trigger'").fetchall()
    for name, _sql in triggers:
        db.execute(f"DROP TRIGGER {name}")
    for statement in statements:
        db.execute(statement)
    for _name, sql in triggers:
        db.execute(sql)
    db.close()


@pytest.fixture
def reviewed(photos) -> Path:
    fake_scores(photos, threshold=2.0)
    with open_for_batch(photos) as log:
        log.decide("img_0007.png", "confirmed", "anna", "bolt")
        log.decide("img_0006.png", "confirmed", "ben")
        log.set_threshold(2.4, "anna")
    return photos


def test_an_untouched_log_verifies(reviewed, tmp_path):
    status, out, err = run_cli("verify", "--batch", reviewed)
    assert status == 0 and out.startswith("audit trail verified"), (out, err)
    assert "audit trail verified" in report_text(reviewed, tmp_path / "r.html")


@pytest.mark.parametrize("statements, expected", [
    (["UPDATE decisions SET decision = 'rejected' WHERE note = 'bolt'"], "was changed after it was recorded"),
    (["DELETE FROM decisions WHERE reviewer = 'ben'"], "was deleted"),
    (["UPDATE images SET flagged = 0", "UPDATE batch SET threshold = 99"], "batch settings"),
    (["UPDATE images SET score = 0.1 WHERE rel_path = 'img_0007.png'"], "scoring record of img_0007.png"),
    (["UPDATE ledger SET digest = 'x' WHERE id = 3"], "ledger entry 3"),
])
def test_a_log_edited_outside_the_program_fails_verification(reviewed, tmp_path, statements, expected):
    tamper(default_log_path(reviewed), *statements)
    status, out, _err = run_cli("verify", "--batch", reviewed)
    assert status == 1 and expected in out, out
    html = report_text(reviewed, tmp_path / "r.html")
    assert "AUDIT TRAIL BROKEN" in html and expected in html


# ------------------------------------------------------------------------------------------------ inspector


@pytest.mark.gui
def test_the_inspector_refuses_a_decision_on_a_deleted_photo_and_follows_a_renamed_one(make_window, photos, qtbot):
    from PySide6.QtCore import Qt

    fake_scores(photos, threshold=0.0)  # every photo flagged
    with open_for_batch(photos) as log:
        log.decide("img_0003.png", "rejected", "anna", "reflection")
    os.rename(photos / "img_0003.png", photos / "renamed.png")
    window = make_window()
    window.open_batch(photos)
    qtbot.waitUntil(lambda: window.session.has("renamed.png") and not window.session.has("img_0003.png"),
                    timeout=30000)
    qtbot.waitUntil(lambda: window.session.record("renamed.png").decision == "rejected", timeout=10000)

    (photos / "img_0005.png").unlink()
    window.show_rel("img_0005.png")
    messages = []
    window.statusBar().messageChanged.connect(messages.append)
    qtbot.keyClick(window, Qt.Key_C)
    with ReviewLog.open(photos, read_only=True) as log:
        assert log.image("img_0005.png").decision is None
    assert any("no longer in the folder" in m for m in messages)
