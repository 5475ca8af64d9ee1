"""Reports of the open batch: the export dialog, writing the report in the background, and the inspection
details (site, signer) remembered from one report to the next."""
from __future__ import annotations

from pathlib import Path
from typing import Optional

from PySide6.QtWidgets import QMessageBox

from app.qt.controllers.base import Controller
from app.qt.dialogs.export_dialog import ExportDialog
from app.qt.i18n import active_language
from app.qt.workers import ReportJob
from core import InspectionDetails


class ReportController(Controller):
    def export_report(self) -> None:
        session = self.w.session
        if session is None:
            return
        folder = self.w.settings.last_export_dir or session.batch_dir
        default = Path(folder) / f"{session.batch_dir.name}-report.pdf"
        dialog = ExportDialog(default, self.w, self.remembered_inspection())
        if dialog.exec() != ExportDialog.Accepted:
            return
        self.remember_inspection(dialog.details)
        self.write_report(dialog.path, dialog.fmt, dialog.include_flagged.isChecked(), dialog.details)

    def write_report(self, path: Path, fmt: str, include_flagged: bool = False,
                     inspection: Optional[object] = None) -> Optional[ReportJob]:
        w = self.w
        if w.session is None:
            return None
        w.settings.last_export_dir = path.parent
        job = ReportJob(w.session.log, path, fmt, include_flagged, inspection, language=active_language())
        job.succeeded.connect(lambda p: self.say(self.tr("Report written to {path}").format(path=p), 10000))
        job.failed.connect(lambda message: QMessageBox.warning(w, self.tr("Report not written"), message))
        self.say(self.tr("Writing {name}…").format(name=path.name))
        w.runner.start(job)
        return job

    def remembered_inspection(self) -> InspectionDetails:
        """Site and signer carry over from the last report; the unit and date belong to each batch."""
        settings = self.w.settings
        return InspectionDetails(site=settings.text("report_site"),
                                 signed_off_by=settings.text("report_signer") or settings.reviewer)

    def remember_inspection(self, details: InspectionDetails) -> None:
        self.w.settings.set_text("report_site", details.site)
        self.w.settings.set_text("report_signer", details.signed_off_by)
