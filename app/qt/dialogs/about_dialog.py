"""Help → About: what is running (version, model, device, review log) and the notices of every bundled part.

A depot's IT asks what a tool ships and under which licenses; the list comes from the installed packages'
metadata, and selecting a row shows that part's license text.
"""
from __future__ import annotations

from typing import Optional

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, Qt
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from app.licenses import bundled_components, license_text

COLUMNS = (QT_TRANSLATE_NOOP("AboutDialog", "Part"), QT_TRANSLATE_NOOP("AboutDialog", "Version"),
           QT_TRANSLATE_NOOP("AboutDialog", "License"), QT_TRANSLATE_NOOP("AboutDialog", "Used for"))


class AboutDialog(QDialog):
    def __init__(self, summary_html: str, icon: Optional[QIcon] = None, parent: Optional[QWidget] = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("About CSA Inspector"))
        self.setMinimumSize(760, 560)
        header = QHBoxLayout()
        if icon is not None and not icon.isNull():
            picture = QLabel()
            picture.setPixmap(icon.pixmap(64, 64))
            picture.setAlignment(Qt.AlignTop)
            header.addWidget(picture)
        self.summary = QLabel(summary_html)
        self.summary.setTextFormat(Qt.RichText)
        self.summary.setWordWrap(True)
        self.summary.setTextInteractionFlags(Qt.TextSelectableByMouse)
        header.addWidget(self.summary, 1)

        self.components = bundled_components()
        self.table = QTableWidget(len(self.components), len(COLUMNS))
        self.table.setHorizontalHeaderLabels([QCoreApplication.translate("AboutDialog", c) for c in COLUMNS])
        self.table.verticalHeader().hide()
        self.table.setSelectionBehavior(QAbstractItemView.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.NoEditTriggers)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeToContents)
        self.table.horizontalHeader().setSectionResizeMode(2, QHeaderView.Stretch)
        for row, part in enumerate(self.components):
            cells = (part.name, part.version or self.tr("not installed"), part.license,
                     QCoreApplication.translate("Licenses", part.role))
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setToolTip(text)
                self.table.setItem(row, column, item)
        self.license_view = QTextBrowser()
        self.license_view.setLineWrapMode(QTextBrowser.WidgetWidth)
        self.license_view.setPlaceholderText(self.tr("Select a part to read its license"))
        self.table.itemSelectionChanged.connect(self._show_license)

        buttons = QDialogButtonBox(QDialogButtonBox.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(18, 16, 18, 14)
        layout.addLayout(header)
        notices = QLabel(self.tr("Bundled parts and their licenses:"))
        notices.setObjectName("muted")
        layout.addWidget(notices)
        layout.addWidget(self.table, 3)
        layout.addWidget(self.license_view, 2)
        layout.addWidget(buttons)
        if self.components:
            self.table.selectRow(0)

    def _show_license(self) -> None:
        rows = self.table.selectionModel().selectedRows()
        if not rows:
            return
        part = self.components[rows[0].row()]
        text = license_text(part.name)
        self.license_view.setPlainText(text or self.tr("{name}: {license} (no license file shipped)").format(
            name=part.name, license=part.license))
