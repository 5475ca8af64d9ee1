"""The batch's photos as a Qt list model, sorted by score (highest first) and filtered by review state.

A batch stored as a tree (date / car / camera) is listed folder by folder (:mod:`app.qt.models.photo_groups`):
each folder starts with a header row that carries its counts, a folder can be collapsed (its photos leave the
list, so navigation passes over them) and the list can be narrowed to one folder. A flat batch has no header
rows and lists exactly as before.

Sorting and filtering are done here in plain Python over the records rather than through a
QSortFilterProxyModel: a proxy calls back into Python for every comparison, which makes dragging the
threshold over a 2,000-photo batch stutter, while sorting a list of 2,000 keys takes a millisecond.
"""
from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum
from pathlib import Path
from typing import Any, Optional

from PySide6.QtCore import (
    QAbstractListModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    QTimer,
    Signal,
)

from app.qt.models.photo_groups import (
    FolderIndex, GroupCounts, GroupHeader, GroupRow, count_groups, in_list_order, is_in_folder,
)
from app.qt.session import BatchSession
from app.qt.thumbnails import ThumbnailCache
from app.qt.models.photo_rows import FILTERS, SORTS, matches_search, passes_filter, review_status, sort_keys, tooltip


class Roles(IntEnum):
    GROUP = Qt.UserRole + 20  # a folder header row: its GroupRow (None on photo rows)
    RECORD = Qt.UserRole + 1
    REL_PATH = Qt.UserRole + 2
    STATUS = Qt.UserRole + 3
    FLAGGED = Qt.UserRole + 4
    SCORE = Qt.UserRole + 5
    THUMBNAIL_ERROR = Qt.UserRole + 6
    CELL = Qt.UserRole + 7  # everything the thumbnail delegate draws, in one call
    ZONE = Qt.UserRole + 8  # pass, review or alarm


@dataclass(frozen=True)
class CellData:
    name: str
    status: str
    flagged: bool
    score: Optional[float]
    pixmap: Any
    thumbnail_error: Optional[str]
    zone: Optional[str] = None


class ImageListModel(QAbstractListModel):
    """Rows are the photos that pass the filters, folder by folder and in score order inside a folder, with a
    header row ahead of each folder when the batch has subfolders; re-sorting keeps the selection."""

    counts_changed = Signal()
    grouping_changed = Signal(bool)  # True once the batch has photos in subfolders (header rows are listed)

    def __init__(self, thumbnails: Optional[ThumbnailCache] = None, parent: Optional[QObject] = None) -> None:
        super().__init__(parent)
        self.session: Optional[BatchSession] = None
        self.thumbnails = thumbnails
        self._filter = "all"
        self._sort = "score"
        self._search = ""
        self._rows: list[str] = []
        self._row_of: dict[str, int] = {}
        # a batch in folders also lists GroupHeader rows in _rows and _row_of
        self._photo_rows: list[str] = []  # the rows that are photos, in list order
        self._header_rows: dict[str, int] = {}  # folder -> row of its header
        self._header_row_set: set[int] = set()
        self._folders = FolderIndex()
        self._folder_list: list[str] = []
        self._grouped = False
        self._collapsed: set[str] = set()
        self._folder_filter: Optional[str] = None
        self._group_counts: Optional[dict[str, GroupCounts]] = None  # worked out again when a header is drawn
        self._group_counts_at: Optional[float] = None  # the threshold they were counted at
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
        self._folders = FolderIndex()
        self._collapsed.clear()
        self._folder_filter = None
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

    @property
    def sort_name(self) -> str:
        return self._sort

    def set_sort(self, name: str) -> None:
        if name not in dict(SORTS):
            raise ValueError(f"unknown sort order {name!r}")
        if name != self._sort:
            self._sort = name
            self.resort()
            self.counts_changed.emit()

    @property
    def search_text(self) -> str:
        return self._search

    def set_search(self, text: str) -> None:
        text = text.strip()
        if text != self._search:
            self._search = text
            self.resort()
            self.counts_changed.emit()

    # -- ordering ---------------------------------------------------------------------------------
    def _ordered(self) -> list[str]:
        session = self.session
        if session is None:
            return []
        chosen = []
        for record in session.records:
            if (passes_filter(self._filter, record, session.is_flagged(record), session.zone(record))
                    and matches_search(record, self._search)):
                chosen.append(record)
        chosen.sort(key=sort_keys(self._sort))
        return [r.rel_path for r in chosen]

    def _listed_rows(self) -> list[str | GroupHeader]:
        """The rows shown: the photos :meth:`_ordered` picks, in its order inside each folder, folder by folder
        with a header ahead of each (a flat batch: just those photos), the chosen folder only, collapsed ones
        reduced to their header."""
        reviewed_order = self._ordered()
        session = self.session
        if session is None:
            self._folder_list = []
            self._set_grouped(False)
            return reviewed_order
        folder = self._folders.folder
        folders = self._folder_list = self._folders.folders(session.rel_paths)
        self._set_grouped(folders != [""] and bool(folders))
        wanted = self._folder_filter
        if wanted is not None:
            reviewed_order = [rel for rel in reviewed_order if is_in_folder(folder(rel), wanted)]
        if not self._grouped:
            return reviewed_order
        rows: list[str | GroupHeader] = []
        current: Optional[str] = None
        for rel in in_list_order(reviewed_order, folder, folders):
            name = folder(rel)
            if name != current:
                current = name
                rows.append(GroupHeader(name))
            if name not in self._collapsed:
                rows.append(rel)
        return rows

    def _set_grouped(self, grouped: bool) -> None:
        if grouped != self._grouped:
            self._grouped = grouped
            self.grouping_changed.emit(grouped)

    def _adopt_rows(self, rows: list[str | GroupHeader]) -> None:
        self._rows = rows
        self._row_of = {key: i for i, key in enumerate(rows)}
        self._photo_rows = [key for key in rows if isinstance(key, str)]
        self._header_rows = {key.folder: row for row, key in enumerate(rows) if isinstance(key, GroupHeader)}
        self._header_row_set = set(self._header_rows.values())
        self._group_counts = None

    def _reset_rows(self) -> None:
        self.beginResetModel()
        self._adopt_rows(self._listed_rows())
        self.endResetModel()
        self.counts_changed.emit()

    def resort(self) -> None:
        """Re-apply filter and order, moving persistent indexes (selection, current item) along."""
        self._resort_timer.stop()
        new_rows = self._listed_rows()
        if new_rows == self._rows:
            return
        self.layoutAboutToBeChanged.emit()
        old_persistent = self.persistentIndexList()
        old_keys = [self._rows[index.row()] if 0 <= index.row() < len(self._rows) else None for index in old_persistent]
        self._adopt_rows(new_rows)
        targets = []
        for key in old_keys:
            row = self._row_of.get(key) if key is not None else None
            targets.append(self.index(row, 0) if row is not None else QModelIndex())
        self.changePersistentIndexList(old_persistent, targets)
        self.layoutChanged.emit()

    def schedule_resort(self, delay_ms: int = 150) -> None:
        """Re-sort soon; a burst of changes (scoring results) costs one re-sort, not one each."""
        if not self._resort_timer.isActive():
            self._resort_timer.start(delay_ms)

    # -- lookup -----------------------------------------------------------------------------------
    def rel_path_at(self, row: int) -> Optional[str]:
        """The photo in ``row``; None past the end and on a folder header."""
        key = self._rows[row] if 0 <= row < len(self._rows) else None
        return key if isinstance(key, str) else None

    def group_at(self, row: int) -> Optional[str]:
        """The folder whose header is ``row``; None on photo rows."""
        key = self._rows[row] if 0 <= row < len(self._rows) else None
        return key.folder if isinstance(key, GroupHeader) else None

    def header_row(self, folder: str) -> int:
        return self._header_rows.get(folder, -1)

    def is_header_row(self, row: int) -> bool:
        return row in self._header_row_set

    def row_of(self, rel_path: Optional[str]) -> int:
        return self._row_of.get(rel_path, -1) if rel_path is not None else -1

    def first_rel_path(self) -> Optional[str]:
        """The first photo listed (the top of the first open folder)."""
        return self._photo_rows[0] if self._photo_rows else None

    def neighbour(self, rel_path: Optional[str], delta: int) -> Optional[str]:
        """The photo ``delta`` places from ``rel_path`` in the list, header rows not counted, clamped to the ends;
        the first photo when ``rel_path`` is not listed."""
        photos = self._photo_rows
        if not photos:
            return None
        try:
            position = photos.index(rel_path) if rel_path is not None else -1
        except ValueError:
            position = -1
        if position < 0:
            return photos[0]
        return photos[min(len(photos) - 1, max(0, position + delta))]

    def index_of(self, rel_path: Optional[str]) -> QModelIndex:
        row = self.row_of(rel_path)
        return self.index(row, 0) if row >= 0 else QModelIndex()

    @property
    def rel_paths(self) -> list[str]:
        """The photos listed, in list order (header rows left out)."""
        return list(self._photo_rows)

    # -- folders ----------------------------------------------------------------------------------
    @property
    def is_grouped(self) -> bool:
        """True when the batch has photos in subfolders: the list then shows a header row per folder."""
        return self._grouped

    def folders(self) -> list[str]:
        """Every folder of the batch that holds photos, in list order ('' is the batch folder itself), as of the
        last re-sort."""
        return list(self._folder_list)

    def folder_of(self, rel_path: str) -> str:
        return self._folders.folder(rel_path)

    def group_counts(self) -> dict[str, GroupCounts]:
        """Photos, flagged and reviewed per folder (over the whole folder, whatever the filters)."""
        session = self.session
        threshold = session.threshold if session is not None else None
        if self._group_counts is None or self._group_counts_at != threshold:  # flagged follows the threshold
            self._group_counts = (count_groups(session.records, self._folders.folder, session.is_flagged)
                                  if session is not None else {})
            self._group_counts_at = threshold
        return self._group_counts

    def is_collapsed(self, folder: str) -> bool:
        return folder in self._collapsed

    @property
    def any_collapsed(self) -> bool:
        return bool(self._collapsed)

    @property
    def photo_count(self) -> int:
        """Photos listed (header rows not counted)."""
        return len(self._photo_rows)

    def set_collapsed(self, folder: str, collapsed: bool) -> None:
        """A collapsed folder keeps its header; its photos leave the list, and navigation passes over them."""
        if collapsed == (folder in self._collapsed):
            return
        if collapsed:
            self._collapsed.add(folder)
        else:
            self._collapsed.discard(folder)
        self.resort()

    def toggle_collapsed(self, folder: str) -> None:
        self.set_collapsed(folder, folder not in self._collapsed)

    def expand_all(self) -> None:
        if self._collapsed:
            self._collapsed.clear()
            self.resort()

    @property
    def folder_filter(self) -> Optional[str]:
        return self._folder_filter

    def set_folder_filter(self, folder: Optional[str]) -> None:
        """List only the photos of ``folder`` and the folders below it (None: every folder); choosing a folder
        also opens it."""
        if folder is not None:
            self._collapsed.discard(folder)
        self._folder_filter = folder
        self.resort()

    # -- Qt model interface -----------------------------------------------------------------------
    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.DisplayRole) -> Any:
        if not index.isValid() or self.session is None or not (0 <= index.row() < len(self._rows)):
            return None
        rel = self._rows[index.row()]
        if isinstance(rel, GroupHeader):
            return self._header_data(rel.folder, role)
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

    def _header_data(self, folder: str, role: int) -> Any:
        counts = self.group_counts().get(folder) or GroupCounts(folder)
        if role == Roles.GROUP:
            return GroupRow(counts, folder in self._collapsed)
        if role == Qt.DisplayRole:
            return counts.label
        if role == Qt.ToolTipRole:
            action = (self.tr("click to expand (G)") if folder in self._collapsed else
                      self.tr("click to collapse (G)"))
            return f"{counts.label}\n{counts.summary()}\n{action}"
        return None

    def flags(self, index: QModelIndex | QPersistentModelIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.NoItemFlags
        if self.group_at(index.row()) is not None:
            return Qt.ItemIsEnabled  # a header is clicked (to collapse), never selected
        return Qt.ItemIsEnabled | Qt.ItemIsSelectable

    # -- reacting to the session ------------------------------------------------------------------
    def _on_records_changed(self, rel_paths: list[str]) -> None:
        for rel in rel_paths:
            row = self._row_of.get(rel)
            if row is not None:
                index = self.index(row, 0)
                self.dataChanged.emit(index, index)
        self._headers_changed({self._folders.folder(rel) for rel in rel_paths})
        self.schedule_resort(self.resort_delay_ms)
        self.counts_changed.emit()

    def _headers_changed(self, folders: Optional[set[str]] = None) -> None:
        """Header counts are worked out again when next drawn; only the headers of ``folders`` are repainted."""
        self._group_counts = None
        for folder, row in self._header_rows.items():
            if folders is None or folder in folders:
                index = self.index(row, 0)
                self.dataChanged.emit(index, index, [Roles.GROUP, Qt.DisplayRole, Qt.ToolTipRole])

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
