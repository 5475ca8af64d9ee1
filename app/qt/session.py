"""The open batch as the widgets see it: the engine's review session, whose changes arrive as Qt signals.

Every rule (what is flagged, the counts, the pass and alarm lines, decisions and undo) is the engine's
:class:`core.ReviewSession`; this module only turns what it announces into signals the views connect to.
"""
from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Iterable, Optional

from PySide6.QtCore import QObject, Signal

from core import ReviewSession, SessionListener

if TYPE_CHECKING:
    from core import ReviewLog


class SessionSignals(QObject, SessionListener):
    """A session's announcements, emitted as signals on the thread that changed the session (the UI thread)."""

    records_reset = Signal()
    records_added = Signal(list)  # rel paths of photos found in the folder after opening
    records_changed = Signal(list)  # rel paths whose record changed
    threshold_changed = Signal(float)  # live, also while the histogram line is dragged
    alarm_threshold_changed = Signal(float)  # live, as threshold_changed

    def on_records_reset(self) -> None:
        self.records_reset.emit()

    def on_records_added(self, rel_paths: list[str]) -> None:
        self.records_added.emit(rel_paths)

    def on_records_changed(self, rel_paths: list[str]) -> None:
        self.records_changed.emit(rel_paths)

    def on_threshold_changed(self, value: float) -> None:
        self.threshold_changed.emit(value)

    def on_alarm_threshold_changed(self, value: float) -> None:
        self.alarm_threshold_changed.emit(value)


class BatchSession(ReviewSession):
    """A review session with its signals at hand: ``session.records_changed.connect(...)``."""

    def __init__(self, log: "ReviewLog", files: Optional[Iterable[Path]] = None, parent: Optional[QObject] = None) -> None:
        self.signals = SessionSignals(parent)
        self.records_reset = self.signals.records_reset
        self.records_added = self.signals.records_added
        self.records_changed = self.signals.records_changed
        self.threshold_changed = self.signals.threshold_changed
        self.alarm_threshold_changed = self.signals.alarm_threshold_changed
        super().__init__(log, files, listener=self.signals)
