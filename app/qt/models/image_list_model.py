"""The batch's photos as a Qt list model, sorted by score (highest first) and filtered by review state.

Sorting and filtering are done here in plain Python over the records rather than through a
QSortFilterProxyModel: a proxy calls back into Python for every comparison, which makes dragging the
threshold over a 2,000-photo batch stutter, while sorting a list of 2,000 keys takes a millisecond.
"""
from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum
from pathlib import Path
from typing import Any, Optional

from PySide6.QtCore import QAbstractListModel, QModelIndex, QObject, QPersistentModelIndex, Qt, QTimer, Signal

from app.qt.session import BatchSession
from app.qt.thumbnails import ThumbnailCache
from core.operating_point import ALARM
from core.reviewlog import ImageRecord

FILTERS: tuple[tuple[str, str], ...] = (
    ("all", "All photos"),
    ("flagged", "To review (alarm and review band)"),
    ("unreviewed", "To review, undecided"),
    ("alarm", "Alarm"),
    ("decided", "Reviewed"),
    ("unreadable", "Unreadable"),
)


class Roles(IntEnum):
    RECORD = Qt.UserRole + 1
    REL_PATH = Qt.UserRole + 2
    STATUS = Qt.UserRole + 3
    FLAGGED = Qt.UserRole + 4
    SCORE = Qt.UserRole + 5
    THUMBNAIL_ERROR = Qt.UserRole + 6
    CELL = Qt.UserRole + 7  # everything the thumbnail delegate draws, in one call
    ZONE = Qt.UserRole + 8  # pass, review or alarm


STATUS_LABELS = {
    "confirmed": "FOREIGN BODY",
    "rejected": "FALSE ALARM",
    "unsure": "UNSURE",
    "alarm": "ALARM",
    "flagged": "REVIEW",
    "error": "UNREADABLE",
    "changed": "CHANGED",
    "unscored": "NOT SCORED",
    "ok": "",
}


@dataclass(frozen=True)
class CellData:
    name: str
    status: str
    flagged: bool
    score: Optional[float]
    pixmap: Any
    thumbnail_error: Optional[str]
    zone: Optional[str] = None


def review_status(record: ImageRecord, flagged: bool, zone: Optional[str] = None) -> str:
    """One word for the badge: the decision wins over the zone, errors over everything.

    An undecided photo at or above pass is "alarm" when it lies at or above the alarm line, else "flagged"
    (the review band).
    """
    if record.error is not None:
        return "error"
    if record.decision in ("confirmed", "rejected", "unsure"):
        return record.decision
    if record.changed:
        return "changed"
    if record.score is None:
        return "unscored"
    if not flagged:
        return "ok"
    return "alarm" if zone == ALARM else "flagged"


def passes_filter(name: str, record: ImageRecord, flagged: bool, zone: Optional[str] = None) -> bool:
    if name == "flagged":
        return flagged
    if name == "alarm":
        return flagged and zone == ALARM
    if name == "unreviewed":
        return flagged and record.decision is None
    if name == "decided":
        return record.decision is not None
    if name == "unreadable":
        return record.error is not None
    return True


def sort_key(record: ImageRecord) -> tuple:
    """Highest score first; unscored next, unreadable last; ties in folder order (stable sort)."""
    if record.score is not None:
        return (0, -record.score)
    return (1 if record.error is None else 2, 0.0)


class ImageListModel(QAbstractListModel):
    """Rows are the photos that pass the filter, in score order; re-sorting keeps the selection."""

    counts_changed = Signal()

    def __init__(self, thumbnails: Optional[ThumbnailCache] = None, parent: Optional[QObject] = None) -> None:
        super().__init__(parent)
        self.session: Optional[BatchSession] = None
        self.thumbnails = thumbnails
        self._filter = "all"
        self._rows: list[str] = []
        self._row_of: dict[str, int] = {}
        self._resort_timer = QTimer(self)
        self._resort_timer.setSingleShot(True)
        self._resort_timer.setInterval(150)  # coalesce bursts of results while scoring
        self._resort_timer.timeout.connect(self.resort)
        self.resort_delay_ms = 150  # raised while scoring streams results in
        if thumbnails is not None:
            thumbnails.ready.connect(self._on_thumbnail_ready)

    # -- setup ------------------------------------------------------------------------------------
    def set_session(self, session: Optional[BatchSession]) -> None:
        if self.session is not None:
            for signal, slot in self._connections():
                signal.disconnect(slot)
        self.session = session
        if session is not None:
            for signal, slot in self._connections():
                signal.connect(slot)
        self._reset_rows()

    def _connections(self):
        assert self.session is not None
        return (
            (self.session.records_changed, self._on_records_changed),
            (self.session.records_reset, self._reset_rows),
            (self.session.records_added, self._on_records_added),
            (self.session.threshold_changed, self._on_threshold_changed),
            (self.session.alarm_threshold_changed, self._on_threshold_changed),
        )

    @property
    def filter_name(self) -> str:
        return self._filter

    def set_filter(self, name: str) -> None:
        if name not in dict(FILTERS):
            raise ValueError(f"unknown filter {name!r}")
        if name != self._filter:
            self._filter = name
            self.resort()

    # -- ordering ---------------------------------------------------------------------------------
    def _ordered(self) -> list[str]:
        session = self.session
        if session is None:
            return []
        chosen = []
        for record in session.records:
            if passes_filter(self._filter, record, session.is_flagged(record), session.zone(record)):
                chosen.append(record)
        chosen.sort(key=sort_key)
        return [r.rel_path for r in chosen]

    def _reset_rows(self) -> None:
        self.beginResetModel()
        self._rows = self._ordered()
        self._row_of = {rel: i for i, rel in enumerate(self._rows)}
        self.endResetModel()
        self.counts_changed.emit()

    def resort(self) -> None:
        """Re-apply filter and order, moving persistent indexes (selection, current item) along."""
        self._resort_timer.stop()
        new_rows = self._ordered()
        if new_rows == self._rows:
            return
        self.layoutAboutToBeChanged.emit()
        old_persistent = self.persistentIndexList()
        new_row_of = {rel: i for i, rel in enumerate(new_rows)}
        targets = []
        for index in old_persistent:
            rel = self._rows[index.row()] if 0 <= index.row() < len(self._rows) else None
            row = new_row_of.get(rel) if rel is not None else None
            targets.append(self.index(row, 0) if row is not None else QModelIndex())
        self._rows = new_rows
        self._row_of = new_row_of
        self.changePersistentIndexList(old_persistent, targets)
        self.layoutChanged.emit()

    def schedule_resort(self, delay_ms: int = 150) -> None:
        """Re-sort soon; a burst of changes (scoring results) costs one re-sort, not one each."""
        if not self._resort_timer.isActive():
            self._resort_timer.start(delay_ms)

    # -- lookup -----------------------------------------------------------------------------------
    def rel_path_at(self, row: int) -> Optional[str]:
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def row_of(self, rel_path: Optional[str]) -> int:
        return self._row_of.get(rel_path, -1) if rel_path is not None else -1

    def index_of(self, rel_path: Optional[str]) -> QModelIndex:
        row = self.row_of(rel_path)
        return self.index(row, 0) if row >= 0 else QModelIndex()

    @property
    def rel_paths(self) -> list[str]:
        return list(self._rows)

    # -- Qt model interface -----------------------------------------------------------------------
    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.DisplayRole) -> Any:
        if not index.isValid() or self.session is None or not (0 <= index.row() < len(self._rows)):
            return None
        rel = self._rows[index.row()]
        record = self.session.record(rel)
        if role == Qt.DisplayRole:
            return Path(rel).name
        if role == Roles.REL_PATH:
            return rel
        if role == Roles.RECORD:
            return record
        flagged = self.session.is_flagged(record)
        zone = self.session.zone(record)
        if role == Roles.CELL:
            path = str(record.path)
            thumbnails = self.thumbnails
            return CellData(
                name=Path(rel).name,
                status=review_status(record, flagged, zone),
                flagged=flagged,
                score=record.score,
                pixmap=thumbnails.pixmap(path) if thumbnails is not None else None,
                thumbnail_error=thumbnails.error(path) if thumbnails is not None else None,
                zone=zone,
            )
        if role == Roles.FLAGGED:
            return flagged
        if role == Roles.ZONE:
            return zone
        if role == Roles.STATUS:
            return review_status(record, flagged, zone)
        if role == Roles.SCORE:
            return record.score
        if role == Qt.DecorationRole:
            return self.thumbnails.pixmap(str(record.path)) if self.thumbnails is not None else None
        if role == Roles.THUMBNAIL_ERROR:
            return self.thumbnails.error(str(record.path)) if self.thumbnails is not None else None
        if role == Qt.ToolTipRole:
            return tooltip(record, review_status(record, flagged, zone), zone)
        return None

    def flags(self, index: QModelIndex | QPersistentModelIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.NoItemFlags
        return Qt.ItemIsEnabled | Qt.ItemIsSelectable

    # -- reacting to the session ------------------------------------------------------------------
    def _on_records_changed(self, rel_paths: list[str]) -> None:
        for rel in rel_paths:
            row = self._row_of.get(rel)
            if row is not None:
                index = self.index(row, 0)
                self.dataChanged.emit(index, index)
        self.schedule_resort(self.resort_delay_ms)
        self.counts_changed.emit()

    def _on_records_added(self, _rel_paths: list[str]) -> None:
        self.resort()
        self.counts_changed.emit()

    def _on_threshold_changed(self, _value: float) -> None:
        if self._rows:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self._rows) - 1, 0),
                                  [Roles.STATUS, Roles.FLAGGED, Roles.ZONE, Roles.CELL])
        if self._filter in ("flagged", "unreviewed", "alarm"):
            self.resort()
        self.counts_changed.emit()

    def _on_thumbnail_ready(self, path: str) -> None:
        if self.session is None:
            return
        rel = self.session.rel_path(path)
        row = self._row_of.get(rel)
        if row is not None:
            index = self.index(row, 0)
            self.dataChanged.emit(index, index, [Qt.DecorationRole])


def tooltip(record: ImageRecord, status: str, zone: Optional[str] = None) -> str:
    lines = [record.rel_path]
    if record.score is not None:
        lines.append(f"score {record.score:.4g}" + (f", {zone} zone" if zone else ""))
    if record.error:
        lines.append(f"unreadable: {record.error}")
    if record.changed:
        lines.append(f"photo {record.changed_reason or 'changed'} since it was scored")
    if record.decision:
        who = f" by {record.reviewer}" if record.reviewer else ""
        lines.append(f"{STATUS_LABELS.get(status, status).lower()}{who}")
    if record.note:
        lines.append(f"note: {record.note}")
    return "\n".join(lines)
