"""What a review log holds, as plain data: the decisions a reviewer can make, the records read back, the counts.

Kept apart from the SQLite code so reports and front-ends can use the records without opening a log.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Optional, Sequence

from core.vocabulary import Decision, LogMark

REVIEW_DECISIONS = tuple(Decision)
CLEARED = LogMark.CLEARED
UNDO = LogMark.UNDO
#: Author of changes the program makes on its own (e.g. clearing a decision whose photo has changed).
SYSTEM_REVIEWER = "csa-inspector"


# ----------------------------------------------------------------------------------------------- errors


class ReviewLogError(Exception):
    """Anything wrong with a review log; the message is one line meant for the reviewer."""


class ReviewLogMissing(ReviewLogError):
    """There is no review log where one was expected and creating one was not asked for."""


class ReviewLogReadOnly(ReviewLogError):
    """The log was opened read-only (file or folder not writable); changes are refused."""


class ReviewLogLocked(ReviewLogError):
    """Another program held the log longer than the busy timeout."""


class ReviewLogCorrupt(ReviewLogError):
    """The file is not a usable review log; it is left exactly as it was."""


# ------------------------------------------------------------------------------------------ plain data


@dataclass(frozen=True)
class BatchInfo:
    batch_dir: Path
    created: str
    model_path: Optional[str] = None
    model_name: Optional[str] = None
    variant: Optional[str] = None
    backbone: Optional[str] = None
    image_size: Optional[int] = None
    threshold: Optional[float] = None
    pixel_threshold: Optional[float] = None
    heatmap_low: Optional[float] = None  # normal heatmap level, the cold end of the overlay colours
    threshold_set_by: Optional[str] = None  # the reviewer who last moved the threshold; None: the model's own
    alarm_threshold: Optional[float] = None  # at or above: very likely a foreign body (threshold is the pass line)


@dataclass(frozen=True)
class ImageRecord:
    """One photo of the batch with its score and its current decision (``None`` = not reviewed)."""

    path: Path
    rel_path: str
    sha256: Optional[str]
    width: Optional[int]
    height: Optional[int]
    score: Optional[float]
    flagged: bool
    decision: Optional[str]
    reviewer: Optional[str]
    decided_at: Optional[str]
    note: str
    error: Optional[str]
    heatmap_path: Optional[Path]
    changed: bool
    changed_reason: Optional[str] = None  # "modified" or "missing"
    scored_at: Optional[str] = None

    @property
    def reviewed(self) -> bool:
        return self.decision is not None


@dataclass(frozen=True)
class DecisionRecord:
    """One row of the audit trail; ``undone`` tells whether a later ``undo`` row cancelled it."""

    id: int
    rel_path: str
    decision: str
    reviewer: str
    decided_at: str
    note: str
    undoes: Optional[int]
    undone: bool


@dataclass(frozen=True)
class EventRecord:
    id: int
    kind: str
    detail: dict
    reviewer: str
    at: str


@dataclass(frozen=True)
class Summary:
    """Counts over the batch. ``unreviewed`` counts flagged photos without a decision: the work left."""

    images: int
    scored: int
    errors: int
    flagged: int
    confirmed: int
    rejected: int
    unsure: int
    unreviewed: int
    reviewed: int
    flagged_reviewed: int
    changed: int

    @property
    def finished(self) -> bool:
        return self.unreviewed == 0


def summarize(records: Sequence["ImageRecord"]) -> Summary:
    """The same counts as :meth:`ReviewLog.summary`, over records a reader has already adjusted (a report
    applies its content check before counting)."""
    images = scored = errors = flagged = confirmed = rejected = unsure = unreviewed = reviewed = 0
    flagged_reviewed = changed = 0
    for r in records:
        images += 1
        scored += r.score is not None
        errors += r.error is not None
        flagged += r.flagged
        confirmed += r.decision == Decision.CONFIRMED
        rejected += r.decision == Decision.REJECTED
        unsure += r.decision == Decision.UNSURE
        unreviewed += r.flagged and r.decision is None
        reviewed += r.decision is not None
        flagged_reviewed += r.flagged and r.decision is not None
        changed += r.changed
    return Summary(images, scored, errors, flagged, confirmed, rejected, unsure, unreviewed, reviewed,
                   flagged_reviewed, changed)


@dataclass(frozen=True)
class ChangedFile:
    rel_path: str
    reason: str  # "modified" or "missing"

