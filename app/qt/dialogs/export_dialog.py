"""File → Export report…: where to write, which format, whether every flagged photo gets a picture."""
from __future__ import annotations

from pathlib import Path
from typing import Optional

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, QDate, Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QVBoxLayout,
    QWidget,
)

from app.qt.widgets.path_row import path_row
from core import InspectionDetails

FORMATS: tuple[tuple[str, str, str], ...] = (
    ("pdf", QT_TRANSLATE_NOOP("ExportDialog", "PDF document"), ".pdf"),
    ("html", QT_TRANSLATE_NOOP("ExportDialog", "Web page (HTML)"), ".html"),
    ("csv", QT_TRANSLATE_NOOP("ExportDialog", "Table (CSV)"), ".csv"),
)


def confirm_overwrite(parent: Optional[QWidget], path: Path) -> bool:
    if not path.exists():
        return True
    answer = QMessageBox.question(
        parent, QCoreApplication.translate("ExportDialog", "Replace report?"),
        QCoreApplication.translate("ExportDialog", "{name} already exists in {folder}.\nReplace it?").format(
            name=path.name, folder=path.parent),
        QMessageBox.Yes | QMessageBox.No, QMessageBox.No,
    )
    return answer == QMessageBox.Yes


class ExportDialog(QDialog):
    """Collects the choices; the window writes the report (in the background) after ``accept``."""

    def __init__(self, default_path: Path, parent: Optional[QWidget] = None,
                 details: Optional[InspectionDetails] = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Export report"))
        self.setMinimumWidth(520)
        self.format_combo = QComboBox()
        for key, label, _suffix in FORMATS:
            self.format_combo.addItem(self.tr(label), key)
        self.path_edit = QLineEdit(str(default_path))
        row = path_row(self.path_edit, self._browse)
        # short enough never to be cut off; the longer explanation wraps below it
        self.include_flagged = QCheckBox(self.tr("Picture every flagged photo"))
        self.include_flagged.setToolTip(self.tr(
            "Add a picture of every flagged photo, not only of the confirmed and unsure ones"))
        flagged_hint = QLabel(self.tr("Without it, only confirmed and unsure photos get a picture."))
        flagged_hint.setObjectName("muted")
        flagged_hint.setWordWrap(True)
        details = details or InspectionDetails()
        self.unit_edit = QLineEdit(details.unit_id)
        self.unit_edit.setPlaceholderText(self.tr("e.g. train set 4012, wagon 3"))
        self.site_edit = QLineEdit(details.site)
        self.site_edit.setPlaceholderText(self.tr("depot or workshop"))
        self.date_edit = QDateEdit()
        self.date_edit.setCalendarPopup(True)
        self.date_edit.setDisplayFormat("yyyy-MM-dd")
        chosen = QDate.fromString(details.inspection_date, "yyyy-MM-dd") if details.inspection_date else QDate()
        self.date_edit.setDate(chosen if chosen.isValid() else QDate.currentDate())
        self.signer_edit = QLineEdit(details.signed_off_by)
        self.signer_edit.setPlaceholderText(self.tr("printed under the signature field"))
        form = QFormLayout()
        form.setLabelAlignment(Qt.AlignRight)
        form.addRow(self.tr("Format"), self.format_combo)
        form.addRow(self.tr("File"), row)
        form.addRow("", self.include_flagged)
        form.addRow("", flagged_hint)
        form.addRow(self.tr("Unit / train set"), self.unit_edit)
        form.addRow(self.tr("Site"), self.site_edit)
        form.addRow(self.tr("Inspection date"), self.date_edit)
        form.addRow(self.tr("Signed off by"), self.signer_edit)
        buttons = QDialogButtonBox(QDialogButtonBox.Cancel)
        self.export_button = buttons.addButton(self.tr("Export"), QDialogButtonBox.AcceptRole)
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
    def details(self) -> InspectionDetails:
        return InspectionDetails(unit_id=self.unit_edit.text().strip(), site=self.site_edit.text().strip(),
                                 inspection_date=self.date_edit.date().toString("yyyy-MM-dd"),
                                 signed_off_by=self.signer_edit.text().strip())

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
        filters = ";;".join(f"{self.tr(label)} (*{suffix})" for _k, label, suffix in FORMATS)
        current = next(f"{self.tr(label)} (*{suffix})" for k, label, suffix in FORMATS if k == self.fmt)
        chosen, _ = QFileDialog.getSaveFileName(
            self, self.tr("Export report"), self.path_edit.text(), filters, current, QFileDialog.DontConfirmOverwrite
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
            QMessageBox.warning(self, self.tr("Export report"),
                                self.tr("The folder {folder} does not exist.").format(folder=path.parent))
            return
        if not confirm_overwrite(self, path):
            return
        self.accept()
