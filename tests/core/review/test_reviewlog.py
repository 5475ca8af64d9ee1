"""The review log keeps every decision through crashes, locks, read-only folders and a second inspector."""
from __future__ import annotations

import signal
import os
import sqlite3
import stat
import subprocess
import sys
import threading
import time
from pathlib import Path

import numpy as np
import pytest

from core.scoring.heatmap_store import load_heatmap
from core.models.modelheader import ModelInfo
from core.review import (
    SCHEMA_VERSION,
    ReviewLog,
    ReviewLogCorrupt,
    ReviewLogError,
    ReviewLogLocked,
    ReviewLogMissing,
    ReviewLogReadOnly,
    default_log_path,
    file_sha256,
    open_for_batch,
)
from repo_paths import REPO_ROOT, TESTS_DIR



@pytest.fixture(autouse=True)
def _private_data_dir(private_data_dir):
    """Keep fallback logs out of the real user-data folder."""


@pytest.fixture
def batch(tmp_path) -> Path:
    folder = tmp_path / "batch"
    folder.mkdir()
    for index in range(4):
        (folder / f"photo_{index}.png").write_bytes(f"photo {index}".encode())
    return folder


def score_all(log: ReviewLog, folder: Path, scores=(0.5, 2.5, 3.5, 1.0), threshold=2.0) -> None:
    for index, score in enumerate(scores):
        path = folder / f"photo_{index}.png"
        log.record_score(path, file_sha256(path), score, score >= threshold, None, 64, 48)


@pytest.fixture
def read_only(request):
    """Mark paths read-only for the test and give write permission back afterwards."""
    marked: list[tuple[Path, int]] = []

    def mark(path: Path) -> None:
        marked.append((path, stat.S_IMODE(path.stat().st_mode)))
        path.chmod(0o555 if path.is_dir() else 0o444)

    yield mark
    for path, mode in reversed(marked):
        path.chmod(mode)


def test_log_is_created_inside_the_batch_and_found_again(batch):
    with open_for_batch(batch, create=True) as log:
        assert log.path == default_log_path(batch)
        assert log.path.parent.name == ".csa-inspector"
        log.set_batch_info(model_name="brakes-v1", variant="csa", backbone="tf_efficientnet_lite0",
                           image_size=384, threshold=2.0, pixel_threshold=1.5)
        score_all(log, batch)
        assert log._query("PRAGMA journal_mode")[0][0] == "wal"
    with ReviewLog.open(batch) as again:
        info = again.batch_info()
        assert (info.model_name, info.variant, info.image_size, info.threshold) == ("brakes-v1", "csa", 384, 2.0)
        assert info.batch_dir == batch
        assert [r.rel_path for r in again.images()] == [f"photo_{i}.png" for i in range(4)]
        assert [r.flagged for r in again.images()] == [False, True, True, False]
        assert again._query("PRAGMA user_version")[0][0] == SCHEMA_VERSION


def test_missing_log_is_not_created_unless_asked(batch):
    with pytest.raises(ReviewLogMissing, match="no review log"):
        ReviewLog.open(batch)
    assert not default_log_path(batch).exists()


def test_decisions_undo_and_history(batch):
    with open_for_batch(batch, create=True) as log:
        score_all(log, batch)
        log.decide("photo_1.png", "confirmed", "anna", note="bolt in the gap")
        log.decide(batch / "photo_2.png", "rejected", "ben")
        log.decide("photo_2.png", "unsure", "anna")
        summary = log.summary()
        assert (summary.confirmed, summary.rejected, summary.unsure, summary.unreviewed) == (1, 0, 1, 0)
        assert log.image("photo_1.png").note == "bolt in the gap"
        assert log.reviewers() == ["anna"]

        undone = log.undo_last("anna")
        assert (undone.rel_path, undone.decision) == ("photo_2.png", "unsure")
        record = log.image("photo_2.png")
        assert (record.decision, record.reviewer) == ("rejected", "ben")  # ben's decision is in force again
        undone = log.undo_last("anna")
        assert undone.rel_path == "photo_1.png"
        assert log.image("photo_1.png").decision is None
        assert log.undo_last("anna") is None

        history = log.history("photo_2.png")
        assert [(h.decision, h.reviewer, h.undone) for h in history] == [
            ("rejected", "ben", False), ("unsure", "anna", True), ("undo", "anna", False)]
        assert history[2].undoes == history[1].id
        assert log.summary().unreviewed == 1

        log.clear_decision("photo_2.png", "ben", note="look again")
        assert log.image("photo_2.png").decision is None
        first, last = log.decision_times()
        assert first is not None and last is not None and first <= last and first.tzinfo is not None

        with pytest.raises(ValueError):
            log.decide("photo_1.png", "maybe", "anna")
        with pytest.raises(ValueError):
            log.decide("photo_1.png", "confirmed", "  ")
        with pytest.raises(ReviewLogError, match="not part of"):
            log.decide("unknown.png", "confirmed", "anna")


def test_audit_rows_cannot_be_changed_or_deleted(batch):
    with open_for_batch(batch, create=True) as log:
        score_all(log, batch)
        log.decide("photo_1.png", "confirmed", "anna")
        path = log.path
    raw = sqlite3.connect(path)
    try:
        with pytest.raises(sqlite3.DatabaseError, match="append-only"):
            raw.execute("UPDATE decisions SET decision = 'rejected'")
        with pytest.raises(sqlite3.DatabaseError, match="append-only"):
            raw.execute("DELETE FROM decisions")
    finally:
        raw.close()


def test_threshold_change_reflags_and_is_logged(batch):
    with open_for_batch(batch, create=True) as log:
        log.set_batch_info(threshold=2.0)
        score_all(log, batch)
        assert log.summary().flagged == 2
        assert log.set_threshold(1.0, "anna") == 3
        assert [r.flagged for r in log.images()] == [False, True, True, True]
        assert log.set_threshold(3.0, "anna") == 1
        assert log.batch_info().threshold == 3.0
        events = [e for e in log.events() if e.kind == "threshold_changed"]
        assert [(e.detail["before"], e.detail["after"], e.reviewer) for e in events[-2:]] == [
            (2.0, 1.0, "anna"), (1.0, 3.0, "anna")]
        assert events[-1].detail["flagged_after"] == 1


def test_model_change_is_logged(batch):
    with open_for_batch(batch, create=True) as log:
        log.set_model_info(ModelInfo(name="a", variant="csa", backbone="lite0", image_size=256, threshold=1.0,
                                     pixel_threshold=0.5), model_path="a.csa")
        log.set_model_info(ModelInfo(name="b", variant="csflow", backbone="lite0", image_size=256, threshold=1.0,
                                     pixel_threshold=0.5), model_path="b.csa")
        changes = [e for e in log.events() if e.kind == "model_changed"]
        assert len(changes) == 1
        assert changes[0].detail["before"]["model_name"] == "a" and changes[0].detail["after"]["model_name"] == "b"


def test_changed_files_are_marked_not_reused(batch):
    with open_for_batch(batch, create=True) as log:
        score_all(log, batch)
        log.decide("photo_1.png", "confirmed", "anna")
        assert log.check_changed_files() == []
        (batch / "photo_1.png").write_bytes(b"a different photo")
        (batch / "photo_3.png").unlink()
        changed = {c.rel_path: c.reason for c in log.check_changed_files()}
        assert changed == {"photo_1.png": "modified", "photo_3.png": "missing"}
        record = log.image("photo_1.png")
        assert record.changed and record.changed_reason == "modified"
        assert log.summary().changed == 2
        assert any(e.kind == "files_changed" for e in log.events())

        # Scoring the new content again: the old decision no longer applies and says so in the audit trail.
        new_hash = file_sha256(batch / "photo_1.png")
        log.record_score(batch / "photo_1.png", new_hash, 2.7, True, None, 64, 48)
        record = log.image("photo_1.png")
        assert not record.changed and record.sha256 == new_hash and record.decision is None
        assert [h.decision for h in log.history("photo_1.png")] == ["confirmed", "cleared"]
        assert log.history("photo_1.png")[1].reviewer == "csa-inspector"


def test_heatmaps_are_stored_beside_the_log_at_reduced_size(batch):
    heatmap = np.zeros((768, 1024), np.float32)
    heatmap[300:400, 500:600] = 9.0
    with open_for_batch(batch, create=True) as log:
        path = batch / "photo_0.png"
        digest = file_sha256(path)
        log.record_score(path, digest, 3.0, True, heatmap, 1024, 768)
        record = log.image(path)
        assert record.heatmap_path == log.path.parent / "heatmaps" / f"{digest}.npz"
        stored = load_heatmap(record.heatmap_path)
        assert max(stored.shape) == 512
        full = load_heatmap(record.heatmap_path, size=(768, 1024))
        assert full.shape == (768, 1024) and full.dtype == np.float32
        assert full[350, 550] == pytest.approx(9.0, abs=0.05) and full[100, 100] == pytest.approx(0.0, abs=0.05)


def test_images_outside_the_batch_keep_their_absolute_path(batch, tmp_path):
    elsewhere = tmp_path / "elsewhere.png"
    elsewhere.write_bytes(b"x")
    with open_for_batch(batch, create=True) as log:
        log.record_score(elsewhere, file_sha256(elsewhere), 1.0, False, None, 8, 8)
        assert log.images()[0].path == elsewhere


def test_killed_writer_loses_no_returned_decision(tmp_path):
    log_file = tmp_path / "review.sqlite"
    # Started from the repository root as a module: run as a script from tests/, the folder tests/core would
    # stand in for the engine's package wherever the engine is installed rather than on the path.
    process = subprocess.Popen([sys.executable, "-m", "review_writer", str(log_file), "20"], stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True, cwd=REPO_ROOT,
                               env=dict(os.environ, PYTHONPATH=os.pathsep.join([str(REPO_ROOT), str(TESTS_DIR)])))
    printed: list[tuple[int, str, str]] = []
    try:
        assert process.stdout.readline().strip() == "ready", process.stderr.read()
        while len(printed) < 60:
            line = process.stdout.readline()
            assert line, process.stderr.read()
            decision_id, name, decision = line.rstrip("\n").split("\t")
            printed.append((int(decision_id), name, decision))
        process.send_signal(signal.SIGKILL)
    finally:
        process.kill()
        process.wait(timeout=10)
    assert process.returncode == -signal.SIGKILL

    with ReviewLog.open(log_file) as log:
        assert log._query("PRAGMA integrity_check")[0][0] == "ok"
        stored = {(d.id, d.rel_path, d.decision) for d in log.all_decisions()}
    assert set(printed) <= stored
    assert len(stored) >= len(printed)


def test_locked_log_gives_a_clear_error_then_recovers(batch):
    with open_for_batch(batch, create=True, busy_timeout_s=0.2) as log:
        log.write_patience_s = 0.3  # give up soon: this test is about the message when it does
        score_all(log, batch)
        blocker = sqlite3.connect(log.path, isolation_level=None)
        blocker.execute("BEGIN IMMEDIATE")
        try:
            started = time.monotonic()
            with pytest.raises(ReviewLogLocked, match="busy") as caught:
                log.decide("photo_1.png", "confirmed", "anna")
            assert time.monotonic() - started >= 0.15
            assert "\n" not in str(caught.value)
            assert log.image("photo_1.png").decision is None  # reading still works during the lock
        finally:
            blocker.execute("ROLLBACK")
            blocker.close()
        log.decide("photo_1.png", "confirmed", "anna")
        assert log.image("photo_1.png").decision == "confirmed"


def test_read_only_log_opens_read_only_and_says_so(batch, read_only):
    with open_for_batch(batch, create=True) as log:
        score_all(log, batch)
        log.decide("photo_1.png", "confirmed", "anna")
        path = log.path
    before = path.read_bytes()
    read_only(path)
    with ReviewLog.open(batch) as log:
        assert log.read_only and "read-only" in log.read_only_reason
        assert log.image("photo_1.png").decision == "confirmed"
        with pytest.raises(ReviewLogReadOnly, match="read-only"):
            log.decide("photo_2.png", "rejected", "anna")
        with pytest.raises(ReviewLogReadOnly):
            log.set_threshold(1.0, "anna")
    assert path.read_bytes() == before


def test_read_only_batch_folder_keeps_its_log_in_the_user_data_folder(batch, read_only, private_data_dir):
    read_only(batch)
    with open_for_batch(batch, create=True) as log:
        assert private_data_dir in log.path.parents
        assert not log.read_only
        score_all(log, batch)
        log.decide("photo_2.png", "rejected", "anna")
        fallback = log.path
    assert not (batch / ".csa-inspector").exists()
    assert (private_data_dir / "batch-links.json").is_file()
    with ReviewLog.open(batch) as again:
        assert again.path == fallback
        assert again.batch_dir == batch
        assert again.image("photo_2.png").decision == "rejected"
        assert again.image("photo_2.png").path == batch / "photo_2.png"


def test_file_that_is_not_a_database_is_refused_and_left_alone(batch):
    path = default_log_path(batch)
    path.parent.mkdir()
    path.write_bytes(b"these are holiday photos, not a database" * 100)
    before = path.read_bytes()
    with pytest.raises(ReviewLogCorrupt, match="not a review log"):
        ReviewLog.open(batch, create=True)
    assert path.read_bytes() == before


def test_foreign_sqlite_file_is_refused(tmp_path):
    path = tmp_path / "other.sqlite"
    other = sqlite3.connect(path)
    other.execute("CREATE TABLE t (x)")
    other.commit()
    other.close()
    before = path.read_bytes()
    with pytest.raises(ReviewLogCorrupt, match="not a CSA Inspector review log"):
        ReviewLog.open(path, create=True)
    assert path.read_bytes() == before  # not even switched to another journal mode


def test_damaged_log_is_refused_and_left_alone(batch):
    with open_for_batch(batch, create=True) as log:
        path = log.path
    raw = sqlite3.connect(path)
    with raw:  # one transaction: the content only needs to span many pages
        raw.executemany("INSERT INTO images(rel_path, sha256, score, flagged) VALUES (?, ?, ?, ?)",
                        [(f"img_{i:04d}.png", f"{i:064x}", float(i % 7), i % 3 == 0) for i in range(1500)])
    raw.close()
    page_size = 4096
    data = bytearray(path.read_bytes())
    assert len(data) > 12 * page_size
    for page in range(3, len(data) // page_size - 1, 2):
        data[page * page_size + 8: page * page_size + 200] = bytes(range(192))
    path.write_bytes(bytes(data))
    with pytest.raises(ReviewLogCorrupt, match="damaged") as caught:
        ReviewLog.open(batch)
    assert "\n" not in str(caught.value)
    assert path.read_bytes() == bytes(data)


def test_two_inspectors_interleaving_lose_nothing(batch):
    with open_for_batch(batch, create=True) as first:
        score_all(first, batch)
    first = ReviewLog.open(batch)
    second = ReviewLog.open(batch)
    errors: list[BaseException] = []

    def work(log: ReviewLog, reviewer: str) -> None:
        try:
            for index in range(60):
                log.decide(f"photo_{index % 4}.png", ("confirmed", "rejected", "unsure")[index % 3], reviewer,
                           note=f"{reviewer} {index}")
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(first, "anna")), threading.Thread(target=work, args=(second, "ben"))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    try:
        assert not errors
        notes = {d.note for d in first.all_decisions()}
        assert notes == {f"{who} {i}" for who in ("anna", "ben") for i in range(60)}
        # The second instance sees the first one's decisions without reopening.
        assert len(second.all_decisions()) == 120
        assert second.image("photo_0.png").decision == first.image("photo_0.png").decision
    finally:
        first.close()
        second.close()


def test_rescoring_an_unchanged_photo_keeps_its_decision(batch):
    with open_for_batch(batch, create=True) as log:
        score_all(log, batch)
        log.decide("photo_2.png", "confirmed", "anna")
        score_all(log, batch, scores=(0.4, 2.4, 3.9, 1.1))
        assert log.image("photo_2.png").decision == "confirmed"
        assert log.image("photo_2.png").score == 3.9
        assert sum(e.kind == "rescored" for e in log.events()) == 4


def test_empty_file_is_only_initialised_when_creating(tmp_path):
    path = tmp_path / "review.sqlite"
    path.touch()
    with pytest.raises(ReviewLogMissing, match="empty"):
        ReviewLog.open(path)
    assert path.stat().st_size == 0
    with ReviewLog.open(path, create=True) as log:
        assert log.summary().images == 0
