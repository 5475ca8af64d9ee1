"""Search by file name and the sort choice above the photo list.

The search field filters as the reviewer types; Esc clears it, Enter or Down hands the keys to the list.
"""
from __future__ import annotations

from typing import Optional

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLineEdit, QWidget

from app.qt.models.image_list_model import ImageListModel
from app.qt.models.photo_rows import SORTS, list_label


class SearchField(QLineEdit):
    """``done`` on Enter, Down or Esc (Esc clears first): the reviewer goes back to the photos."""

    done = Signal()

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.ShortcutOverride and event.key() == Qt.Key_Escape:
            event.accept()
            return True
        if event.type() == QEvent.KeyPress:
            if event.key() == Qt.Key_Escape:
                self.clear()
                self.done.emit()
                return True
            if event.key() in (Qt.Key_Return, Qt.Key_Enter, Qt.Key_Down):
                self.done.emit()
                return True
        return super().event(event)


class ListTools(QWidget):
    """Search field and sort combo bound to an :class:`ImageListModel`."""

    def __init__(self, model: ImageListModel, parent: Optional[QWidget] = None) -> None:
        super().__init__(parent)
        self.model = model
        self.search_edit = SearchField()
        self.search_edit.setPlaceholderText(self.tr("Search file name… (Ctrl+F)"))
        self.search_edit.setClearButtonEnabled(True)
        self.search_edit.textChanged.connect(model.set_search)
        self.sort_combo = QComboBox()
        for key, label in SORTS:
            self.sort_combo.addItem(list_label(label), key)
        self.sort_combo.setToolTip(self.tr("Order of the photo list"))
        self.sort_combo.currentIndexChanged.connect(lambda: model.set_sort(str(self.sort_combo.currentData())))
        layout = QHBoxLayout(self)
        layout.setContentsMargins(6, 0, 6, 0)
        layout.setSpacing(6)
        layout.addWidget(self.search_edit, 3)
        layout.addWidget(self.sort_combo, 2)

    def set_sort(self, name: str) -> None:
        index = self.sort_combo.findData(name)
        if index >= 0:
            self.sort_combo.setCurrentIndex(index)
