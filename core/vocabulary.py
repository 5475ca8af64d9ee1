"""The words the program uses for its own states, each defined once: review decisions, photo status, zones and
job stages, with the English labels people see for them.

Why one module: the review log, the inspector, the command line and the reports all speak about the same
decisions and states; when each kept its own copy of the words, they drifted apart. Every value here is a
``StrEnum``, so it compares equal to (and is stored as) the plain string it always was: the review log on disk
keeps exactly the bytes it had.

Labels are marked with :func:`QT_TRANSLATE_NOOP` so the Qt translation tool collects them under the
"Vocabulary" context (the marker is :func:`core.i18n.QT_TRANSLATE_NOOP`, no Qt needed); the inspector and
the reports translate them where they show them.
"""
from __future__ import annotations

from enum import Enum

from core.i18n import QT_TRANSLATE_NOOP

try:
    from enum import StrEnum
except ImportError:  # Python 3.10: the same behaviour, spelled out

    class StrEnum(str, Enum):  # type: ignore[no-redef]
        def __str__(self) -> str:
            return str.__str__(self)

#: Translation context under which every label below is collected.
CONTEXT = "Vocabulary"


# ------------------------------------------------------------------------------------------- review decisions


class Decision(StrEnum):
    """What a reviewer decides about one flagged photo; stored verbatim in the review log."""

    CONFIRMED = "confirmed"  # a foreign body
    REJECTED = "rejected"  # a false alarm
    UNSURE = "unsure"  # needs a second look


class LogMark(StrEnum):
    """Rows of the review log's decision trail that are not decisions of their own."""

    UNDO = "undo"  # cancels the row it points at
    CLEARED = "cleared"  # the photo is back to "not reviewed"


#: Every value the review log's ``decision`` column accepts, in the order of its CHECK constraint.
LOGGED_DECISIONS: tuple[str, ...] = (*Decision, *LogMark)

#: How reports and spreadsheets name a decision.
DECISION_LABELS: dict[Decision, str] = {
    Decision.CONFIRMED: QT_TRANSLATE_NOOP("Vocabulary", "confirmed foreign body"),
    Decision.REJECTED: QT_TRANSLATE_NOOP("Vocabulary", "rejected (false alarm)"),
    Decision.UNSURE: QT_TRANSLATE_NOOP("Vocabulary", "unsure"),
}

#: How the inspector's status messages name a decision ("Undid “false alarm” on …").
DECISION_WORDS: dict[Decision, str] = {
    Decision.CONFIRMED: QT_TRANSLATE_NOOP("Vocabulary", "foreign body"),
    Decision.REJECTED: QT_TRANSLATE_NOOP("Vocabulary", "false alarm"),
    Decision.UNSURE: QT_TRANSLATE_NOOP("Vocabulary", "unsure"),
}

#: Decisions in the order a reviewer works through them: open questions first, settled ones last.
DECISION_ORDER: dict[Decision, int] = {Decision.UNSURE: 0, Decision.CONFIRMED: 1, Decision.REJECTED: 3}


# ----------------------------------------------------------------------------------------------------- zones


class Zone(StrEnum):
    """Where a score lies against the two thresholds: below pass, the review band, at or above alarm."""

    PASS = "pass"
    REVIEW = "review"
    ALARM = "alarm"


# ---------------------------------------------------------------------------------------------- photo status


class PhotoStatus(StrEnum):
    """The state of one photo besides its decision (a decided photo's status is its :class:`Decision`).

    The values are the words the reports and spreadsheets write in their "status" column; the inspector shows
    the shorter badges of :data:`STATUS_BADGES`.
    """

    UNREADABLE = "unreadable"  # the file could not be read as a photo
    MISSING = "missing"  # gone from the folder since it was scored
    CHANGED = "changed after scoring"  # its content differs from what was scored
    NOT_SCORED = "not scored"  # read, but no score yet
    ALARM = "alarm"  # flagged and undecided, at or above the alarm line
    FLAGGED = "flagged"  # flagged and undecided, in the review band
    NOT_REVIEWED = "not reviewed"  # flagged and undecided (reports do not split the two zones)
    NOT_FLAGGED = "not flagged"  # scored below pass


#: The badge the inspector draws on a photo, by status or decision; a photo below pass carries none.
STATUS_BADGES: dict[str, str] = {
    Decision.CONFIRMED: QT_TRANSLATE_NOOP("Vocabulary", "FOREIGN BODY"),
    Decision.REJECTED: QT_TRANSLATE_NOOP("Vocabulary", "FALSE ALARM"),
    Decision.UNSURE: QT_TRANSLATE_NOOP("Vocabulary", "UNSURE"),
    PhotoStatus.ALARM: QT_TRANSLATE_NOOP("Vocabulary", "ALARM"),
    PhotoStatus.FLAGGED: QT_TRANSLATE_NOOP("Vocabulary", "REVIEW"),
    PhotoStatus.UNREADABLE: QT_TRANSLATE_NOOP("Vocabulary", "UNREADABLE"),
    PhotoStatus.MISSING: QT_TRANSLATE_NOOP("Vocabulary", "MISSING"),
    PhotoStatus.CHANGED: QT_TRANSLATE_NOOP("Vocabulary", "CHANGED"),
    PhotoStatus.NOT_SCORED: QT_TRANSLATE_NOOP("Vocabulary", "NOT SCORED"),
}
NO_BADGE = ""


def badge_of(status: str) -> str:
    """The badge text of a status or decision; no badge for a photo that needs none."""
    return STATUS_BADGES.get(status, NO_BADGE)


# ------------------------------------------------------------------------------------------------ job stages


class JobStage(StrEnum):
    """The steps a long engine job reports progress for (``ProgressEvent.stage``)."""

    FEATURES = "features"
    TRAIN = "train"
    CALIBRATE = "calibrate"
    SCORE = "score"


#: What a job's dialog says it is doing.
STAGE_LABELS: dict[JobStage, str] = {
    JobStage.FEATURES: QT_TRANSLATE_NOOP("Vocabulary", "Reading photos"),
    JobStage.TRAIN: QT_TRANSLATE_NOOP("Vocabulary", "Training"),
    JobStage.CALIBRATE: QT_TRANSLATE_NOOP("Vocabulary", "Setting the threshold"),
    JobStage.SCORE: QT_TRANSLATE_NOOP("Vocabulary", "Scoring"),
}

#: What the training dialog says instead, where a new model is built from scratch.
TRAINING_STAGE_LABELS: dict[JobStage, str] = {
    **STAGE_LABELS,
    JobStage.FEATURES: QT_TRANSLATE_NOOP("Vocabulary", "Extracting features"),
    JobStage.CALIBRATE: QT_TRANSLATE_NOOP("Vocabulary", "Calibrating threshold"),
}

#: What the improve dialog says while it checks the batch again.
IMPROVE_STAGE_LABELS: dict[JobStage, str] = {
    **STAGE_LABELS,
    JobStage.SCORE: QT_TRANSLATE_NOOP("Vocabulary", "Checking the batch with the improved model"),
}

#: The short names of the command line's progress bars.
STAGE_BAR_LABELS: dict[JobStage, str] = {
    JobStage.FEATURES: "features",
    JobStage.TRAIN: "training",
    JobStage.SCORE: "scoring",
    JobStage.CALIBRATE: "calibrating",
}

#: What one step of a stage counts: epochs while training, photos everywhere else.
EPOCH_STAGES = frozenset({JobStage.TRAIN})
