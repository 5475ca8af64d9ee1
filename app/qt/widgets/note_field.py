"""The note field of the review panel: a line edit that lets the reviewer out again with Esc or Tab.

Single-letter keys decide (C, R, U) while the photo has the focus, and type letters while the note field has
it. A reviewer who cannot leave the field with Esc presses R to reject and gets an "r" appended to the note
instead, which is then saved with the next decision. Esc and Tab therefore always hand the keys back to the
photo, and Esc takes precedence over "cancel scoring" while the field has the focus.
"""
from __future__ import annotations

from typing import Optional

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtWidgets import QLineEdit, QWidget

LEAVE_KEYS = (Qt.Key_Escape, Qt.Key_Tab, Qt.Key_Backtab)


class NoteField(QLineEdit):
    """``left`` when the reviewer presses Esc or Tab: the text stays, the window gives the photo the focus."""

    left = Signal()

    def __init__(self, parent: Optional[QWidget] = None) -> None:
        super().__init__(parent)

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.ShortcutOverride and event.key() == Qt.Key_Escape:
            event.accept()  # Esc belongs to the field, not to the window's Esc shortcut
            return True
        if event.type() == QEvent.KeyPress and event.key() in LEAVE_KEYS:
            event.accept()
            self.left.emit()
            return True
        return super().event(event)
