"""The review session's rules without a window: what is flagged, the counts, the pass and alarm lines,
decisions, undo and photos found later. A listener stands in for the inspector's signals."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from conftest import fill_fake_log
from core import ReviewSession, SessionListener
from core.review import ReviewLog
from core.vocabulary import Decision


class Heard(SessionListener):
    """Every announcement a session makes, in order."""

    def __init__(self) -> None:
        self.events: list[tuple] = []

    def on_records_reset(self) -> None:
        self.events.append(("reset",))

    def on_records_added(self, rel_paths: list[str]) -> None:
        self.events.append(("added", list(rel_paths)))

    def on_records_changed(self, rel_paths: list[str]) -> None:
        self.events.append(("changed", list(rel_paths)))

    def on_threshold_changed(self, value: float) -> None:
        self.events.append(("pass", value))

    def on_alarm_threshold_changed(self, value: float) -> None:
        self.events.append(("alarm", value))


@pytest.fixture(autouse=True)
def _private_data_dir(private_data_dir):
    """Logs of read-only batches stay out of the real user-data folder."""


@pytest.fixture
def scored(synthetic_batch):
    """A batch of 6 good and 3 foreign-body photos plus one unreadable file, scored with pass line 2.0."""
    batch = synthetic_batch(6, 3, name="scored")
    return batch, fill_fake_log(batch, threshold=2.0)


def open_session(batch: Path, listener=None) -> ReviewSession:
    return ReviewSession.open(batch, listener=listener)


def test_counts_follow_the_pass_line(scored):
    batch, scores = scored
    session = open_session(batch)
    try:
        above = sorted(name for name, score in scores.items() if score >= 2.0)
        counts = session.counts()
        assert (counts.total, counts.scored, counts.errors, counts.unscored) == (10, 9, 1, 0)
        assert counts.flagged == len(above) == 3 and counts.alarm == 0 and counts.reviewed == 0
        assert counts.review == 3 and counts.share_to_see == 3 / 9
        assert sorted(r.rel_path for r in session.records if session.is_flagged(r)) == above
        assert session.zone(session.record(above[0])) == "review"
    finally:
        session.close()


def test_a_previewed_line_reflags_in_memory_and_a_committed_one_is_kept(scored):
    batch, scores = scored
    heard = Heard()
    session = open_session(batch, heard)
    try:
        lowest_flag = min(s for s in scores.values() if s >= 2.0)
        session.preview_threshold(lowest_flag + 1e-6)
        assert session.counts().flagged == 2 and heard.events[-1] == ("pass", lowest_flag + 1e-6)
        assert ReviewLog.open(batch, read_only=True).batch_info().threshold == 2.0  # nothing written yet
        assert session.commit_threshold(1.0, "Alex") == session.counts().flagged
        assert ("reset",) in heard.events and heard.events[-1] == ("pass", 1.0)
    finally:
        session.close()
    again = open_session(batch)
    try:
        assert again.threshold == 1.0 and again.counts().flagged == sum(s >= 1.0 for s in scores.values())
    finally:
        again.close()


def test_the_alarm_line_never_lies_below_pass_and_splits_the_flagged(scored):
    batch, scores = scored
    session = open_session(batch)
    try:
        top = max(scores, key=scores.get)
        session.commit_alarm_threshold(scores[top], "Alex")
        counts = session.counts()
        assert counts.alarm == 1 and counts.review == counts.flagged - 1
        assert session.zone(session.record(top)) == "alarm"
        session.preview_alarm_threshold(0.5)  # below pass: the alarm line sits on the pass line
        assert session.alarm_threshold == session.threshold == 2.0
    finally:
        session.close()


def test_decisions_are_on_disk_and_can_be_taken_back(scored):
    batch, scores = scored
    heard = Heard()
    session = open_session(batch, heard)
    try:
        flagged = max(scores, key=scores.get)
        record = session.decide(flagged, Decision.CONFIRMED, "Alex", "bolt on the disc")
        assert record.decision == Decision.CONFIRMED and heard.events[-1] == ("changed", [flagged])
        assert session.counts().confirmed == 1 and session.counts().flagged_reviewed == 1
        assert session.confirmed_below(scores[flagged] + 1) == [flagged] and session.confirmed_below(0.0) == []
        with ReviewLog.open(batch, read_only=True) as log:
            assert log.image(flagged).decision == Decision.CONFIRMED
        with pytest.raises(ValueError):
            session.decide(flagged, "maybe", "Alex")
        undone = session.undo("Alex")
        assert undone is not None and undone.rel_path == flagged
        assert session.record(flagged).decision is None and session.counts().reviewed == 0
        assert session.undo("Alex") is None
    finally:
        session.close()


def test_only_a_scored_photo_that_is_still_there_takes_a_decision(scored):
    batch, scores = scored
    session = open_session(batch)
    try:
        assert not session.can_decide("broken.png")  # unreadable: no score
        name = next(iter(scores))
        assert session.can_decide(name)
        (batch / name).unlink()
        assert not session.can_decide(name)
    finally:
        session.close()


def test_photos_added_later_wait_for_a_score(scored):
    batch, _ = scored
    heard = Heard()
    session = ReviewSession.open(batch, list_files=False, listener=heard)
    try:
        assert not session.has_unscored()
        extra = batch / "late.png"
        extra.write_bytes(next(batch.glob("img_*.png")).read_bytes())
        assert session.add_files(session.list_files()) == ["late.png"]
        assert heard.events[-1] == ("added", ["late.png"])
        assert session.unscored_paths() == [extra] and session.counts().unscored == 1
    finally:
        session.close()


def test_unchanged_batch_is_not_rehashed(synthetic_batch):
    batch = synthetic_batch(n_good=3, n_bad=1, name="steady")
    fill_fake_log(batch, broken=None, hash_files=True)
    session = ReviewSession.open(batch)
    try:
        check = session.check_changed_files()
        assert check.rehashed == 0 and not any(check.reasons.values())
        (batch / "img_0003.png").unlink()
        check = session.check_changed_files()
        assert check.missing == ["img_0003.png"] and check.rehashed == 0
        session.apply_check(check)
        assert session.record("img_0003.png").changed_reason == "missing"
        assert not session.can_decide("img_0003.png")
    finally:
        session.close()


def test_the_session_and_the_model_library_need_no_qt():
    code = ("import sys, core\n"
            "from core import ReviewSession, list_library_models\n"
            "print(sorted(m for m in sys.modules if m.split('.')[0] in ('PySide6', 'shiboken6', 'torch')))\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
