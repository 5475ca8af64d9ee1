"""What the main window does for a reviewer beyond showing photos and recording decisions: leaving the note field,
noticing a photo that vanished, warning when a batch looks unlike the model's training photos, offering to reopen
the last batch, keyboard zoom and the mouse in the key list.

A mixin of :class:`app.qt.main_window.MainWindow` (it uses the window's session, actions and status bar), kept in
its own module so each of these stays small and readable.
"""
from __future__ import annotations

from pathlib import Path
from typing import Optional

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, Qt
from PySide6.QtWidgets import QLabel, QPushButton

from app.qt.review_messages import vanished_message
from app.qt.theme import COLORS
from core.report import InspectionDetails
from core.training_likeness import (
    HeldOutNormals,
    LikenessWarning,
    check_training_likeness,
    normals_from_meta,
    normals_from_model_file,
)

#: Rows added to the F1 list for what the mouse does (actions only know their keys).
MOUSE_HELP = (
    (QT_TRANSLATE_NOOP("ReviewerAids", "Mouse wheel"),
     QT_TRANSLATE_NOOP("ReviewerAids", "Zoom the photo in or out where the pointer is")),
    (QT_TRANSLATE_NOOP("ReviewerAids", "Drag on the photo"), QT_TRANSLATE_NOOP("ReviewerAids", "Move the zoomed photo")),
    (QT_TRANSLATE_NOOP("ReviewerAids", "Click a thumbnail"), QT_TRANSLATE_NOOP("ReviewerAids", "Show that photo")),
    (QT_TRANSLATE_NOOP("ReviewerAids", "Drag the threshold line"),
     QT_TRANSLATE_NOOP("ReviewerAids", "Move the threshold; release to save it for the batch")),
)

ZOOM_STEP = 1.25


class ReviewerAidsMixin:
    """Needs ``session``, ``detector``, ``model_path``, ``settings``, ``inspector``, ``review_panel``,
    ``photo_watch`` and ``statusBar()`` from the window."""

    # -- the note field ---------------------------------------------------------------------------
    def _leave_note(self) -> None:
        """Esc or Tab in the note field: keys go back to the photo; an unsaved note stays as a draft."""
        self.inspector.canvas.setFocus(Qt.OtherFocusReason)
        hint = self.review_panel.note_hint.text()
        if hint:
            self.statusBar().showMessage(QCoreApplication.translate("ReviewerAids", "Note kept. {hint}").format(hint=hint), 6000)

    # -- the photo on screen disappears -----------------------------------------------------------
    def _photo_is_gone(self, rel_path: Optional[str]) -> bool:
        session = self.session
        if session is None or rel_path is None or not session.has(rel_path):
            return False
        record = session.record(rel_path)
        return record.error is None and (record.changed_reason == "missing" or not record.path.is_file())

    def _on_photo_vanished(self, path: str) -> None:
        session = self.session
        if session is None or self.current_rel is None or str(session.record(self.current_rel).path) != path:
            return
        self.statusBar().showMessage(vanished_message(self.current_rel), 15000)
        self._refresh_current()
        self._update_actions()
        self._check_changed_files()  # records it as missing in the log, so lists and reports agree

    def _show_gone_photo(self, rel_path: str) -> None:
        self.inspector.show_message(QCoreApplication.translate("ReviewerAids",
            "{name} is no longer in the batch folder\n(deleted or moved away); no "
                                                              "decision can be recorded for it").format(
            name=Path(rel_path).name))

    # -- batches unlike the training photos -------------------------------------------------------
    def _held_out_normals(self) -> HeldOutNormals:
        detector = self.detector
        session = self.session
        if detector is not None and (session is None or not session.model_path
                                     or Path(session.model_path) == self.model_path):
            meta = getattr(detector, "meta", None)
            return normals_from_meta(meta if isinstance(meta, dict) else {}, getattr(detector, "threshold", None))
        return normals_from_model_file(session.model_path if session is not None else None)

    def check_training_likeness(self) -> Optional[LikenessWarning]:
        """Warn once per batch (status bar, and a lasting label) when the batch looks unlike the training photos."""
        session = self.session
        if session is None:
            return None
        warning = check_training_likeness(session.scores(), session.threshold, self._held_out_normals())
        label = self._likeness_label()
        if warning is None:
            label.hide()
            return None
        label.setToolTip(warning.message)
        label.show()
        key = str(session.batch_dir)
        if key not in self._likeness_warned:
            self._likeness_warned.add(key)
            self.statusBar().showMessage(warning.message, 30000)
        return warning

    def _likeness_label(self) -> QLabel:
        label = getattr(self, "_likeness_status", None)
        if label is None:
            label = QLabel(QCoreApplication.translate("ReviewerAids", "⚠ Batch unlike the training photos"))
            label.setObjectName("likenessWarning")
            label.setStyleSheet(f"color: {COLORS.flagged}; font-weight: bold;")
            self.statusBar().insertPermanentWidget(0, label)
            label.hide()
            self._likeness_status = label
        return label

    # -- reopening the last batch -----------------------------------------------------------------
    def offer_last_batch(self) -> Optional[QPushButton]:
        """Started without a batch: a status-bar button reopens the one reviewed last (nothing opens unasked)."""
        last = self.settings.last_batch_dir
        if self.session is not None or last is None or not Path(last).is_dir():
            return None
        button = QPushButton(QCoreApplication.translate("ReviewerAids", "Reopen {name}").format(name=Path(last).name))
        button.setObjectName("reopenLastBatch")
        button.setToolTip(QCoreApplication.translate("ReviewerAids",
            "Open the batch reviewed last: {path} (Ctrl+Shift+O)").format(path=last))
        button.setFocusPolicy(Qt.NoFocus)
        self.statusBar().addWidget(button)
        self.statusBar().showMessage("")
        self._reopen_button = button
        button.clicked.connect(self.reopen_last_batch)
        self.inspector.show_message(QCoreApplication.translate("ReviewerAids",
            "Open a batch folder to start (Ctrl+O),\nor reopen {name} (Ctrl+Shift+O)")
                                    .format(name=Path(last).name))
        return button

    def reopen_last_batch(self) -> bool:
        last = self.settings.last_batch_dir
        if last is None or not Path(last).is_dir():
            self.statusBar().showMessage(QCoreApplication.translate("ReviewerAids",
                "The batch reviewed last is not there any more"), 5000)
            return False
        return self.open_batch(Path(last))

    def _drop_reopen_offer(self) -> None:
        button = getattr(self, "_reopen_button", None)
        if button is not None:
            self.statusBar().removeWidget(button)
            button.deleteLater()
            self._reopen_button = None

    def focus_search(self) -> None:
        self.thumbnail_dock.show()
        self.thumbnail_panel.tools.search_edit.setFocus(Qt.ShortcutFocusReason)
        self.thumbnail_panel.tools.search_edit.selectAll()

    # -- report details ---------------------------------------------------------------------------
    def remembered_inspection(self) -> InspectionDetails:
        """Site and signer carry over from the last report; the unit and date belong to each batch."""
        return InspectionDetails(site=self.settings.text("report_site"),
                                 signed_off_by=self.settings.text("report_signer") or self.settings.reviewer)

    def remember_inspection(self, details: InspectionDetails) -> None:
        self.settings.set_text("report_site", details.site)
        self.settings.set_text("report_signer", details.signed_off_by)

    # -- zoom and help ----------------------------------------------------------------------------
    def zoom_by(self, factor: float) -> None:
        """Keyboard zoom about the centre of the view (the wheel zooms about the pointer)."""
        canvas = self.inspector.canvas
        if not all(canvas.image_size()):
            return
        canvas.view_box.scaleBy((1.0 / factor, 1.0 / factor))

    def mouse_help_rows(self) -> str:
        rows = ((QCoreApplication.translate("ReviewerAids", what), QCoreApplication.translate("ReviewerAids", does))
                for what, does in MOUSE_HELP)
        return "".join(f"<tr><td style='padding-right:18px'><b>{what}</b></td><td>{does}</td></tr>" for what, does in rows)
