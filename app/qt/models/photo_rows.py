"""What one photo row of the list says and where it goes: its status badge, the filters and sort orders a
reviewer chooses from, and its tooltip. Plain functions over a record, shared by the list, the thumbnails and the
review panel."""
from __future__ import annotations

from typing import Optional

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication

from core import MISSING
from core import REVIEW_DECISIONS, ImageRecord
from core import ALARM
from core import DECISION_ORDER, NO_BADGE, STATUS_BADGES, Decision, PhotoStatus, Zone

FILTERS: tuple[tuple[str, str], ...] = (
    ("all", QT_TRANSLATE_NOOP("ImageListModel", "All photos")),
    ("flagged", QT_TRANSLATE_NOOP("ImageListModel", "To review (alarm and review band)")),
    ("unreviewed", QT_TRANSLATE_NOOP("ImageListModel", "To review, undecided")),
    ("alarm", QT_TRANSLATE_NOOP("ImageListModel", "Alarm")),
    ("decided", QT_TRANSLATE_NOOP("ImageListModel", "Reviewed")),
    (Decision.CONFIRMED, QT_TRANSLATE_NOOP("ImageListModel", "Confirmed foreign bodies")),
    (Decision.UNSURE, QT_TRANSLATE_NOOP("ImageListModel", "Unsure")),
    ("unreadable", QT_TRANSLATE_NOOP("ImageListModel", "Unreadable or missing")),
)

SORTS: tuple[tuple[str, str], ...] = (
    ("score", QT_TRANSLATE_NOOP("ImageListModel", "Highest score first")),
    ("name", QT_TRANSLATE_NOOP("ImageListModel", "File name")),
    ("time", QT_TRANSLATE_NOOP("ImageListModel", "Newest photo first")),
    ("decision", QT_TRANSLATE_NOOP("ImageListModel", "Decision")),
)


STATUS_LABELS = {**STATUS_BADGES, PhotoStatus.NOT_FLAGGED: NO_BADGE}


def status_label(status: str) -> str:
    """The badge word of a status in the inspector's language (the status name itself when unknown)."""
    label = STATUS_LABELS.get(status)
    if label is None:
        return status.upper()
    return QCoreApplication.translate("Vocabulary", label) if label else ""


def list_label(label: str) -> str:
    """A filter or sort entry's text in the inspector's language."""
    return QCoreApplication.translate("ImageListModel", label)


def review_status(record: ImageRecord, flagged: bool, zone: Optional[str] = None) -> str:
    """The status behind the badge: the decision wins over the zone, errors over everything.

    An undecided photo at or above pass is ``ALARM`` when it lies at or above the alarm line, else ``FLAGGED``
    (the review band).
    """
    if record.error is not None:
        return PhotoStatus.UNREADABLE
    if record.changed_reason == MISSING:  # gone from the folder: nothing more can be decided on it
        return PhotoStatus.MISSING
    if record.decision in REVIEW_DECISIONS:
        return record.decision
    if record.changed:
        return PhotoStatus.CHANGED
    if record.score is None:
        return PhotoStatus.NOT_SCORED
    if not flagged:
        return PhotoStatus.NOT_FLAGGED
    return PhotoStatus.ALARM if zone == ALARM else PhotoStatus.FLAGGED


def passes_filter(name: str, record: ImageRecord, flagged: bool, zone: Optional[str] = None) -> bool:
    if name == "flagged":
        return flagged
    if name == "alarm":
        return flagged and zone == ALARM
    if name == "unreviewed":
        return flagged and record.decision is None
    if name == "decided":
        return record.decision is not None
    if name in (Decision.CONFIRMED, Decision.UNSURE):
        return record.decision == name
    if name == "unreadable":  # a photo that is gone cannot be read either
        return record.error is not None or record.changed_reason == MISSING
    return True


def matches_search(record: ImageRecord, text: str) -> bool:
    """Case-insensitive search in the photo's path below the batch folder (name and subfolders)."""
    return not text or text.casefold() in record.rel_path.casefold()




def _photo_time(record: ImageRecord) -> float:
    try:
        return record.path.stat().st_mtime
    except OSError:
        return 0.0


def sort_keys(name: str):
    """Key function of a sort choice; every order keeps unreadable photos last and ties in folder order."""
    if name == "name":
        return lambda r: (r.error is not None, r.rel_path.casefold())
    if name == "time":
        return lambda r: (r.error is not None, -_photo_time(r))
    if name == "decision":
        return lambda r: (r.error is not None, DECISION_ORDER.get(r.decision or "", 2), sort_key(r))
    return sort_key


def sort_key(record: ImageRecord) -> tuple:
    """Highest score first; unscored next, unreadable last; ties in folder order (stable sort)."""
    if record.score is not None:
        return (0, -record.score)
    return (1 if record.error is None else 2, 0.0)


def changed_text(reason: Optional[str]) -> str:
    """Why a photo's score is out of date, as one line."""
    if reason == PhotoStatus.MISSING:
        return QCoreApplication.translate("ImageListModel", "photo missing since it was scored")
    if reason == "modified":
        return QCoreApplication.translate("ImageListModel", "photo modified since it was scored")
    return QCoreApplication.translate("ImageListModel", "photo changed since it was scored")


def tooltip(record: ImageRecord, status: str, zone: Optional[str] = None) -> str:
    lines = [record.rel_path]
    if record.score is not None:
        score = QCoreApplication.translate("ImageListModel", "score {value}").format(value=f"{record.score:.4g}")
        zones = {Zone.PASS: QCoreApplication.translate("ImageListModel", "pass zone"),
                 Zone.REVIEW: QCoreApplication.translate("ImageListModel", "review zone"),
                 Zone.ALARM: QCoreApplication.translate("ImageListModel", "alarm zone")}
        lines.append(score + (", " + zones.get(zone, zone) if zone else ""))
    if record.error:
        lines.append(QCoreApplication.translate("ImageListModel", "unreadable: {error}").format(error=record.error))
    if record.changed:
        lines.append(changed_text(record.changed_reason))
    if record.decision:
        who = QCoreApplication.translate("ImageListModel", " by {name}").format(name=record.reviewer) if record.reviewer else ""
        lines.append(f"{status_label(status).lower()}{who}")
    if record.note:
        lines.append(QCoreApplication.translate("ImageListModel", "note: {text}").format(text=record.note))
    return "\n".join(lines)
