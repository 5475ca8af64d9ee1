"""Model → Model versions…: every saved version of the current model, where it came from, and which is in use.

An improved model that turns out worse on the next shift is undone here by making an earlier version active
again; nothing is deleted.
"""
from __future__ import annotations

from pathlib import Path
from typing import Optional

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QMessageBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from core import active_version, model_versions, set_active_version, split_version
from core import ModelSummary, summarize_model

COLUMNS = (QT_TRANSLATE_NOOP("ModelVersionsDialog", "Version"), QT_TRANSLATE_NOOP("ModelVersionsDialog", "Created"),
           QT_TRANSLATE_NOOP("ModelVersionsDialog", "Learnt from reviews"),
           QT_TRANSLATE_NOOP("ModelVersionsDialog", "Threshold"), "")


def describe_origin(summary: ModelSummary) -> str:
    """"trained from scratch" or "12 photos of 2 batches (Alex) from v2" for the version list."""
    if summary.error:
        return QCoreApplication.translate("ModelVersionsDialog", "unreadable: {error}").format(error=summary.error)
    if not summary.improved:
        return QCoreApplication.translate("ModelVersionsDialog", "trained from good photos")
    count = len(summary.batches)
    batches = (QCoreApplication.translate("ModelVersionsDialog", "{count} batch") if count == 1 else
               QCoreApplication.translate("ModelVersionsDialog", "{count} batches")).format(count=count)
    who = f", {', '.join(summary.reviewers)}" if summary.reviewers else ""
    origin = (QCoreApplication.translate("ModelVersionsDialog", "; from v{version}").format(
        version=split_version(Path(summary.parent))[1]) if summary.parent else "")
    return QCoreApplication.translate("ModelVersionsDialog", "{count} photos of {batches}").format(
        count=summary.added_images, batches=batches) + who + origin


class ModelVersionsDialog(QDialog):
    """Emits ``version_activated(path)`` after the reviewer made another version the one in use."""

    version_activated = Signal(str)

    def __init__(self, model_path: Path, parent: Optional[QWidget] = None) -> None:
        super().__init__(parent)
        self.model_path = Path(model_path)
        base, _ = split_version(self.model_path)
        self.setWindowTitle(self.tr("Versions of {name}").format(name=base))
        self.setMinimumSize(720, 300)
        self.versions: list[Path] = []
        intro = QLabel(self.tr("Each improvement from a review is saved as a new version; the older ones stay. "
                               "Select a version and make it the one in use."))
        intro.setWordWrap(True)
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setHorizontalHeaderLabels([self.tr(c) if c else "" for c in COLUMNS])
        self.table.setSelectionBehavior(QAbstractItemView.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.NoEditTriggers)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.Stretch)
        buttons = QDialogButtonBox(QDialogButtonBox.Close)
        self.activate_button = buttons.addButton(self.tr("Make active"), QDialogButtonBox.ActionRole)
        self.activate_button.clicked.connect(self.activate_selected)
        buttons.rejected.connect(self.reject)
        self.table.itemSelectionChanged.connect(self._update_buttons)
        self.table.itemDoubleClicked.connect(lambda _item: self.activate_selected())
        layout = QVBoxLayout(self)
        layout.setContentsMargins(18, 16, 18, 14)
        layout.addWidget(intro)
        layout.addWidget(self.table, 1)
        layout.addWidget(buttons)
        self.populate()

    def populate(self) -> None:
        self.versions = model_versions(self.model_path)
        active = active_version(self.model_path)
        self.table.setRowCount(len(self.versions))
        for row, path in enumerate(self.versions):
            summary = summarize_model(path)
            in_use = path == active
            cells = (
                f"v{split_version(path)[1]}",
                (summary.created or "").replace("T", " ")[:16],
                describe_origin(summary),
                f"{summary.threshold:.4g}" if summary.threshold is not None else "",
                self.tr("in use") if in_use else "",
            )
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setToolTip(str(path))
                if in_use:
                    font = item.font()
                    font.setBold(True)
                    item.setFont(font)
                self.table.setItem(row, column, item)
        if self.versions:
            self.table.selectRow(self.versions.index(active) if active in self.versions else 0)
        self._update_buttons()

    def selected_path(self) -> Optional[Path]:
        rows = self.table.selectionModel().selectedRows()
        return self.versions[rows[0].row()] if rows else None

    def _update_buttons(self) -> None:
        selected = self.selected_path()
        self.activate_button.setEnabled(selected is not None and selected != active_version(self.model_path))

    def activate_selected(self) -> Optional[Path]:
        path = self.selected_path()
        if path is None or path == active_version(self.model_path):
            return None
        try:
            set_active_version(path)
        except OSError as exc:
            QMessageBox.warning(self, self.tr("Version not changed"),
                                self.tr("Cannot record the version in use:\n\n{error}").format(error=exc))
            return None
        self.populate()
        self.version_activated.emit(str(path))
        return path
