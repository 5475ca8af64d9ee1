"""The review of one open batch: its photos' records, the pass and alarm lines, what is flagged, the counts,
decisions and taking them back.

All writes to the review log from a front-end go through here, synchronously: a decision is on disk before the
method returns, so the front-end only moves on once nothing can be lost. Scoring workers write their results
through :meth:`ReviewSession.record_result` from their own thread (the log is thread-safe) and the front-end
then hands each stored record to :meth:`ReviewSession.accept_record` on its own thread.

Plain Python: a front-end hears about changes through a :class:`SessionListener` (the inspector turns them
into Qt signals), so these rules can be used and tested without a window.
"""
from __future__ import annotations

import dataclasses
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable, Optional

from core.models.modelheader import ModelInfo
from core.photos.batch_folder import list_batch_photos
from core.photos.photo_check import PhotoCheck, check_photos
from core.results import CancelToken, ScoreResult
from core.review.log import ReviewLog, open_for_batch
from core.review.records import DecisionRecord, ImageRecord, ReviewLogError, ReviewLogReadOnly
from core.scoring.operating_point import REVIEW, ordered, zone_of
from core.vocabulary import Decision

DECISIONS = tuple(Decision)

#: How long a decision waits for another program holding the log before it is reported as not saved.
INSPECTOR_WRITE_PATIENCE_S = 10.0


@dataclass(frozen=True)
class ReviewCounts:
    total: int
    scored: int
    unscored: int
    errors: int
    flagged: int  # at or above pass: a person must see them
    reviewed: int
    flagged_reviewed: int
    confirmed: int
    rejected: int
    unsure: int
    alarm: int = 0  # the part of ``flagged`` at or above the alarm threshold

    @property
    def review(self) -> int:
        return self.flagged - self.alarm

    @property
    def share_to_see(self) -> Optional[float]:
        return self.flagged / self.scored if self.scored else None


def is_unscored(record: ImageRecord) -> bool:
    """Never scored (an unreadable file counts as scored: it has its reason)."""
    return record.score is None and record.error is None and not record.scored_at


def placeholder_record(path: Path, rel_path: str) -> ImageRecord:
    """A photo found in the folder that the log does not know yet (not scored)."""
    return ImageRecord(
        path=path, rel_path=rel_path, sha256=None, width=None, height=None, score=None, flagged=False,
        decision=None, reviewer=None, decided_at=None, note="", error=None, heatmap_path=None, changed=False,
    )


class SessionListener:
    """What a front-end hears about a session's changes. Every method does nothing here; override what you need."""

    def on_records_reset(self) -> None:
        """Records were re-read or keys left the list: rebuild rather than update rows."""

    def on_records_added(self, rel_paths: list[str]) -> None:
        """Photos found in the folder after opening (not scored yet)."""

    def on_records_changed(self, rel_paths: list[str]) -> None:
        """These records changed (a score, a decision, a check)."""

    def on_threshold_changed(self, value: float) -> None:
        """The pass line moved, also while it is only previewed."""

    def on_alarm_threshold_changed(self, value: float) -> None:
        """The alarm line moved, also while it is only previewed."""


class ReviewSession:
    """Records in folder order keyed by their path relative to the batch; sorting is the views' business."""

    def __init__(self, log: ReviewLog, files: Optional[Iterable[Path]] = None,
                 listener: Optional[SessionListener] = None) -> None:
        self.listener = listener or SessionListener()
        self.log = log
        self.batch_dir = Path(log.batch_dir)
        self._prefix = os.fspath(self.batch_dir) + os.sep
        info = log.batch_info()
        self._threshold: Optional[float] = info.threshold
        self._alarm: Optional[float] = info.alarm_threshold
        self.pixel_threshold: Optional[float] = info.pixel_threshold
        self.heatmap_low: Optional[float] = info.heatmap_low
        self.model_path: Optional[str] = info.model_path
        self.model_name: Optional[str] = info.model_name
        records = log.images()
        self._order: list[str] = [r.rel_path for r in records]
        self._records: dict[str, ImageRecord] = {r.rel_path: r for r in records}
        self._unscored: set[str] = {r.rel_path for r in records if is_unscored(r)}
        if files is not None:
            self.add_files(files)

    # -- opening ----------------------------------------------------------------------------------
    @classmethod
    def open(cls, batch_dir: Path | str, list_files: bool = True, **kwargs: Any) -> "ReviewSession":
        """Open (or start) the batch's review log; a read-only batch with an existing log opens read-only.

        With ``list_files=False`` only what the log knows is loaded (instant even for thousands of photos)
        unless the log is empty; the caller then adds the folder's files with :meth:`add_files` later.
        ``kwargs`` go to the constructor (a listener, say).
        """
        batch_dir = Path(batch_dir).absolute()
        if not batch_dir.is_dir():
            raise ReviewLogError(f"batch folder {batch_dir} does not exist")
        try:
            log = open_for_batch(batch_dir, create=True)
        except ReviewLogReadOnly:
            log = open_for_batch(batch_dir, create=False, read_only=True)
        # decisions are written while the reviewer waits: wait a little for another program, then say it could not
        # be saved
        log.write_patience_s = INSPECTOR_WRITE_PATIENCE_S
        session = cls(log, None, **kwargs)
        if list_files or not session._order:
            session.add_files(session.list_files())
        return session

    def list_files(self) -> list[Path]:
        """Photos in the batch folder now (slow for big folders: call it from a worker)."""
        return list_batch_photos(self.batch_dir)

    def add_files(self, files: Iterable[Path]) -> list[str]:
        """Add photos the log does not know yet (not scored); returns their relative paths."""
        added = []
        for path in files:
            rel = self.rel_path(path)
            if rel not in self._records:
                self._order.append(rel)
                self._records[rel] = placeholder_record(Path(path), rel)
                self._unscored.add(rel)
                added.append(rel)
        if added:
            self.listener.on_records_added(added)
        return added

    def close(self) -> None:
        self.log.close()

    # -- reading ----------------------------------------------------------------------------------
    @property
    def read_only(self) -> bool:
        return self.log.read_only

    @property
    def records(self) -> list[ImageRecord]:
        return [self._records[rel] for rel in self._order]

    @property
    def rel_paths(self) -> list[str]:
        return list(self._order)

    def __len__(self) -> int:
        return len(self._order)

    def record(self, rel_path: str) -> ImageRecord:
        return self._records[rel_path]

    def rel_path(self, path: Path | str) -> str:
        """The log's key for a photo; photos listed from the batch folder take a fast string path."""
        text = os.fspath(path)
        if text.startswith(self._prefix):
            return text[len(self._prefix):].replace(os.sep, "/")
        return self.log.rel_path(path)

    def has(self, rel_path: str) -> bool:
        return rel_path in self._records

    @property
    def threshold(self) -> Optional[float]:
        return self._threshold

    @property
    def alarm_threshold(self) -> Optional[float]:
        """The alarm line; never below pass (a batch scored before it existed has none: every flag is review)."""
        if self._alarm is None or self._threshold is None:
            return self._alarm
        return ordered(self._threshold, self._alarm)

    def zone(self, record: ImageRecord) -> Optional[str]:
        """pass, review or alarm against the live lines; None without a score or a pass line."""
        if self._threshold is None:
            if record.score is None or not record.flagged:
                return None if record.score is None else "pass"
            return REVIEW
        return zone_of(record.score, self._threshold, self.alarm_threshold)

    def is_flagged(self, record: ImageRecord) -> bool:
        """Judged against the live threshold, so dragging the histogram line re-flags at once."""
        if record.score is None:
            return False
        if self._threshold is None:
            return record.flagged
        return record.score >= self._threshold

    def unscored_paths(self) -> list[Path]:
        return [self._records[rel].path for rel in self._order if rel in self._unscored]

    def has_unscored(self) -> bool:
        return bool(self._unscored)

    def scores(self) -> list[float]:
        return [r.score for r in self._records.values() if r.score is not None]

    def counts(self) -> ReviewCounts:
        """One pass over the records (this runs on every change, for thousands of photos)."""
        total = scored = unscored = errors = flagged = reviewed = flagged_reviewed = 0
        confirmed = rejected = unsure = alarm = 0
        threshold = self._threshold
        alarm_line = self.alarm_threshold
        for record in self._records.values():
            total += 1
            score, decision = record.score, record.decision
            if score is not None:
                scored += 1
                is_flagged = record.flagged if threshold is None else score >= threshold
            else:
                is_flagged = False
                if record.error is not None:
                    errors += 1
                elif not record.scored_at:
                    unscored += 1
            if is_flagged:
                flagged += 1
                alarm += alarm_line is not None and score >= alarm_line
            if decision is not None:
                reviewed += 1
                flagged_reviewed += is_flagged
                confirmed += decision == Decision.CONFIRMED
                rejected += decision == Decision.REJECTED
                unsure += decision == Decision.UNSURE
        return ReviewCounts(total, scored, unscored, errors, flagged, reviewed, flagged_reviewed, confirmed, rejected,
                            unsure, alarm)

    # -- scoring ----------------------------------------------------------------------------------
    def adopt_model(self, info: ModelInfo, model_path: Optional[Path | str]) -> None:
        """Record which model scores this batch; the model's threshold applies only if the batch has none.

        A threshold the reviewer already set for this batch is kept: it is a decision, not a default.
        """
        if self.read_only:
            return
        self.log.set_batch_info(
            model_path=model_path, model_name=info.name, variant=info.variant, backbone=info.backbone,
            image_size=info.image_size, pixel_threshold=info.pixel_threshold, heatmap_low=info.heatmap_low,
            threshold=info.threshold if self._threshold is None else None,
            alarm_threshold=info.alarm_threshold if self._alarm is None else None,
        )
        batch = self.log.batch_info()
        self.model_path, self.model_name = batch.model_path, batch.model_name
        self.pixel_threshold, self.heatmap_low = batch.pixel_threshold, batch.heatmap_low
        if batch.alarm_threshold is not None and batch.alarm_threshold != self._alarm:
            self._alarm = batch.alarm_threshold
            self.listener.on_alarm_threshold_changed(self._alarm)
        if batch.threshold is not None and batch.threshold != self._threshold:
            self._threshold = batch.threshold
            self.refresh()
            self.listener.on_threshold_changed(self._threshold)

    def record_result(self, result: ScoreResult) -> ImageRecord:
        """Called from a scoring thread: store one result, flagged against this batch's threshold, and read
        back the stored record there too, so the front-end's thread never waits on the database while scoring."""
        if self._threshold is not None and result.score is not None:
            result = dataclasses.replace(result, flagged=bool(result.score >= self._threshold))
        self.log.record_result(result)
        return self.log.image(result.path)

    def accept_record(self, record: ImageRecord) -> None:
        """The front-end's half of scoring: take in what the worker stored."""
        rel = record.rel_path
        if rel not in self._records:
            self._order.append(rel)
        self._store(record)
        self.listener.on_records_changed([rel])

    def _store(self, record: ImageRecord) -> None:
        self._records[record.rel_path] = record
        if is_unscored(record):
            self._unscored.add(record.rel_path)
        else:
            self._unscored.discard(record.rel_path)

    def refresh(self, rel_paths: Optional[Iterable[str]] = None) -> None:
        """Re-read records from the log (after another program or a background check changed it)."""
        if rel_paths is None:
            for record in self.log.images():
                if record.rel_path in self._records:
                    self._store(record)
            self.listener.on_records_reset()
            return
        changed = []
        for rel in rel_paths:
            try:
                self._store(self.log.image(rel))
                changed.append(rel)
            except ReviewLogError:
                continue
        if changed:
            self.listener.on_records_changed(changed)

    # -- reviewing --------------------------------------------------------------------------------
    def can_decide(self, rel_path: str) -> bool:
        """Only a scored photo that is still there: a decision must belong to a photo someone can look at."""
        record = self._records.get(rel_path)
        if record is None or record.score is None or self.read_only or record.changed_reason == "missing":
            return False
        return record.path.is_file()

    def decide(self, rel_path: str, decision: str, reviewer: str, note: str = "") -> ImageRecord:
        """Commit the decision to the log, then update the record; raises ReviewLogError when it can't."""
        if decision not in DECISIONS:
            raise ValueError(f"unknown decision {decision!r}")
        self.log.decide(rel_path, decision, reviewer, note)
        record = self.log.image(rel_path)
        self._store(record)
        self.listener.on_records_changed([rel_path])
        return record

    def undo(self, reviewer: str) -> Optional[DecisionRecord]:
        undone = self.log.undo_last(reviewer)
        if undone is not None and undone.rel_path in self._records:
            self._store(self.log.image(undone.rel_path))
            self.listener.on_records_changed([undone.rel_path])
        return undone

    def confirmed_below(self, value: float) -> list[str]:
        """Confirmed foreign bodies of this batch that a pass line at ``value`` would not send to review."""
        return [rel for rel in self._order
                if (r := self._records[rel]).decision == Decision.CONFIRMED and r.score is not None and r.score < value]

    def preview_threshold(self, value: float) -> None:
        """Re-flag in memory only (while dragging); :meth:`commit_threshold` writes it."""
        self._threshold = float(value)
        self.listener.on_threshold_changed(self._threshold)

    def commit_threshold(self, value: float, reviewer: str) -> int:
        """Store the threshold in the log (an audited event) and re-flag every photo there too."""
        self._threshold = float(value)
        flagged = self.log.set_threshold(self._threshold, reviewer)
        self.refresh()
        self.listener.on_threshold_changed(self._threshold)
        return flagged

    def preview_alarm_threshold(self, value: float) -> None:
        self._alarm = float(value)
        self.listener.on_alarm_threshold_changed(self._alarm)

    def commit_alarm_threshold(self, value: float, reviewer: str) -> None:
        """Store the alarm line in the log (an audited event); which photos are flagged does not change."""
        self._alarm = float(value)
        self.log.set_alarm_threshold(self._alarm, reviewer)
        self.listener.on_alarm_threshold_changed(self._alarm)

    # -- photos changed on disk -------------------------------------------------------------------
    def check_changed_files(self, cancel: Optional[CancelToken] = None) -> Optional[PhotoCheck]:
        """Check every photo by content (slow only for touched files; call it from a worker).

        The verdicts and renames are stored in the log here; the front-end's thread applies them with
        :meth:`apply_check`.
        """
        if self.read_only:
            return None
        return check_photos(self.log, cancel=cancel)

    def apply_check(self, check: PhotoCheck) -> list[str]:
        """Take in a check's outcome: renamed photos move with their records, changed ones are re-read."""
        touched: list[str] = []
        for old, new in check.renamed:
            position = self._order.index(old) if old in self._records else None
            self._records.pop(old, None)
            self._unscored.discard(old)
            if old in self._order:
                self._order.remove(old)
            if new not in self._records and position is not None:
                self._order.insert(min(position, len(self._order)), new)
            elif new not in self._records:
                self._order.append(new)
            touched.append(new)
        for rel, reason in check.reasons.items():
            record = self._records.get(rel)
            if record is not None and record.changed_reason != reason:
                touched.append(rel)
        if touched:
            self.refresh(touched)
        if check.renamed:
            self.listener.on_records_reset()  # keys left the list: views rebuild rather than update rows
        return touched
