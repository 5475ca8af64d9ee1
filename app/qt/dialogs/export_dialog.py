"""File → Export report…: where to write, which format, whether every flagged photo gets a picture."""
from __future__ import annotations

from pathlib import Path
from typing import Optional

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QLineEdit,
    QMessageBox,
    QVBoxLayout,
    QWidget,
)

from app.qt.widgets.path_row import path_row

FORMATS: tuple[tuple[str, str, str], ...] = (
    ("pdf", "PDF document", ".pdf"),
    ("html", "Web page (HTML)", ".html"),
    ("csv", "Table (CSV)", ".csv"),
)


def confirm_overwrite(parent: Optional[QWidget], path: Path) -> bool:
    if not path.exists():
        return True
    answer = QMessageBox.question(
        parent, "Replace report?", f"{path.name} already exists in {path.parent}.\nReplace it?",
        QMessageBox.Yes | QMessageBox.No, QMessageBox.No,
    )
    return answer == QMessageBox.Yes


class ExportDialog(QDialog):
    """Collects the choices; the window writes the report (in the background) after ``accept``."""

    def __init__(self, default_path: Path, parent: Optional[QWidget] = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Export report")
        self.setMinimumWidth(520)
        self.format_combo = QComboBox()
        for key, label, _suffix in FORMATS:
            self.format_combo.addItem(label, key)
        self.path_edit = QLineEdit(str(default_path))
        row = path_row(self.path_edit, self._browse)
        self.include_flagged = QCheckBox("Add a picture of every flagged photo, not only confirmed and unsure ones")
        form = QFormLayout()
        form.setLabelAlignment(Qt.AlignRight)
        form.addRow("Format", self.format_combo)
        form.addRow("File", row)
        form.addRow("", self.include_flagged)
        buttons = QDialogButtonBox(QDialogButtonBox.Cancel)
        self.export_button = buttons.addButton("Export", QDialogButtonBox.AcceptRole)
        buttons.accepted.connect(self._accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(18, 16, 18, 14)
        layout.addLayout(form)
        layout.addWidget(buttons)
        suffix = default_path.suffix.lower().lstrip(".")
        index = self.format_combo.findData(suffix)
        if index >= 0:
            self.format_combo.setCurrentIndex(index)
        self.format_combo.currentIndexChanged.connect(self._sync_suffix)

    @property
    def fmt(self) -> str:
        return str(self.format_combo.currentData())

    @property
    def path(self) -> Path:
        return Path(self.path_edit.text().strip()).expanduser()

    def _sync_suffix(self) -> None:
        suffix = dict((k, s) for k, _l, s in FORMATS)[self.fmt]
        text = self.path_edit.text().strip()
        if text:
            self.path_edit.setText(str(Path(text).with_suffix(suffix)))

    def _browse(self) -> None:
        filters = ";;".join(f"{label} (*{suffix})" for _k, label, suffix in FORMATS)
        current = next(f"{label} (*{suffix})" for k, label, suffix in FORMATS if k == self.fmt)
        chosen, _ = QFileDialog.getSaveFileName(
            self, "Export report", self.path_edit.text(), filters, current, QFileDialog.DontConfirmOverwrite
        )
        if chosen:
            self.path_edit.setText(chosen)
            index = self.format_combo.findData(Path(chosen).suffix.lower().lstrip("."))
            if index >= 0:
                self.format_combo.setCurrentIndex(index)

    def _accept(self) -> None:
        path = self.path
        if not path.name:
            return
        expected = dict((k, s) for k, _l, s in FORMATS)[self.fmt]
        if path.suffix.lower() not in (expected, ".htm" if self.fmt == "html" else expected):
            path = path.with_suffix(expected)
            self.path_edit.setText(str(path))
        if not path.parent.is_dir():
            QMessageBox.warning(self, "Export report", f"The folder {path.parent} does not exist.")
            return
        if not confirm_overwrite(self, path):
            return
        self.accept()
