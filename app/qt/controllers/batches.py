"""Batches: opening one (shown at once from its review log), finding photos added or changed since, closing it,
offering the last one again, and noticing a batch unlike the model's training photos or a photo that vanished."""
from __future__ import annotations

import time
from pathlib import Path
from typing import TYPE_CHECKING, Optional

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QFileDialog, QLabel, QMessageBox, QPushButton

from app.qt.controllers.base import Controller
from app.qt.preload import OverlayScale
from app.qt.review_messages import vanished_message
from app.qt.session import BatchSession
from app.qt.theme import COLORS
from app.qt.workers import FunctionJob
from core import ReviewLogError
from core import (
    HeldOutNormals,
    LikenessWarning,
    check_training_likeness,
    normals_from_meta,
    normals_from_model_file,
)

if TYPE_CHECKING:
    from app.qt.main_window import MainWindow

FOLDER_CHECK_DELAY_MS = 800
SCORING_START_DELAY_MS = 150


class BatchController(Controller):
    def __init__(self, window: "MainWindow") -> None:
        super().__init__(window)
        self.listing_job: Optional[FunctionJob] = None
        self.folder_check_for: Optional[BatchSession] = None  # the batch whose folder check is still to come
        self.open_seconds: Optional[float] = None  # how long the last open_batch took (for benchmarks)
        self.likeness_warned: set[str] = set()  # batches already warned about (once per batch)
        self.likeness_status: Optional[QLabel] = None
        self.reopen_button: Optional[QPushButton] = None

    # ------------------------------------------------------------------------------------------ open, close
    def choose_batch(self) -> None:
        start = str(self.w.settings.last_batch_dir or Path.home())
        folder = QFileDialog.getExistingDirectory(self.w, self.tr("Open batch folder"), start)
        if folder:
            self.open_batch(Path(folder))

    def open_batch(self, folder: Path) -> bool:
        """Show a batch at once (scores from an earlier run included) and score what is missing."""
        w = self.w
        folder = Path(folder)
        started = time.perf_counter()
        try:
            session = BatchSession.open(folder, list_files=False)
        except (ReviewLogError, OSError) as exc:
            QMessageBox.warning(w, self.tr("Cannot open batch"),
                                self.tr("{folder} cannot be opened:\n\n{error}").format(folder=folder, error=exc))
            return False
        self.close_batch()
        self._drop_reopen_offer()
        w.session = session
        w.settings.last_batch_dir = folder
        w.list_model.set_session(session)
        self.apply_overlay_scale()
        w.thresholds.update_histogram()
        w.update_title()
        if session.model_name:
            w.review_panel.set_model_text(session.model_name)
        first = w.list_model.first_rel_path()
        if first is not None:
            w.photos.show_rel(first)
            w.photos.auto_selected = True
        else:
            w.inspector.show_message(self.tr("This folder has no photos"))
        message = self.tr("Opened {name}: {count} photos").format(name=folder.name, count=len(session))
        if session.read_only:
            message += self.tr(" (read-only: decisions cannot be saved)")
        elif session.log.in_fallback_location:
            message += self.tr(" (the folder is read-only: decisions are kept in {path})").format(path=session.log.path)
        self.say(message, 15000 if session.log.in_fallback_location else 8000)
        self.open_seconds = time.perf_counter() - started
        self.check_training_likeness()
        self.load_batch_model_if_needed()
        # looking for new photos and re-hashing old ones competes with the first thumbnails: start a bit later
        self.folder_check_for = session
        QTimer.singleShot(FOLDER_CHECK_DELAY_MS, lambda s=session: self._check_folder(s))
        # the engine holds the interpreter lock for long stretches: let the window draw the batch first
        QTimer.singleShot(SCORING_START_DELAY_MS, w.scoring.score_unscored)
        w.refresh_commands()
        return True

    def close_batch(self) -> None:
        w = self.w
        if w.session is None:
            return
        if w.scoring.job is not None:
            w.scoring.job.cancel()
            self.wait_for(w.scoring.job)
        w.thumbnails.clear()
        w.preloader.clear()
        w.list_model.set_session(None)
        w.session.close()
        w.session = None
        w.current_rel = None
        w.photo_watch.watch(None)
        self.likeness_label().hide()
        w.review_panel.show_record(None)
        w.review_panel.clear_drafts()  # drafts belong to this batch's photos
        w.inspector.show_message(self.tr("Open a batch folder to start (Ctrl+O)"))
        w.update_title()

    def wait_for(self, job) -> None:
        """Block until a cancelled job has stopped (it polls its flag between batches) and deliver its signals."""
        self.w.runner.wait_for(job)
        QApplication.sendPostedEvents()
        QApplication.processEvents()

    def load_batch_model_if_needed(self) -> None:
        """Photos left unscored and no model chosen: use the model the batch was scored with, if it is there."""
        w = self.w
        session = w.session
        if session is None or w.detector is not None or w.models.load_job is not None or not session.has_unscored():
            return
        if session.model_path and Path(session.model_path).is_file():
            w.models.load_model(Path(session.model_path))

    def apply_overlay_scale(self) -> None:
        """Photos prepared ahead use the batch's heatmap scale and the colour map chosen now."""
        session = self.w.session
        pixel_threshold = session.pixel_threshold if session is not None else None
        heatmap_low = session.heatmap_low if session is not None else None
        self.w.preloader.set_scale(OverlayScale(pixel_threshold, heatmap_low, self.w.inspector.colormap))

    # ------------------------------------------------------------------------------------------ the folder
    def _check_folder(self, session: BatchSession) -> None:
        if self.folder_check_for is session:
            self.folder_check_for = None
        if session is not self.w.session or self.w.closing:
            return
        self._list_new_files()
        self.check_changed_files()

    def _list_new_files(self) -> None:
        """A batch that was scored before is shown from its log at once; photos added to the folder since
        are found in the background and scored when a model is chosen."""
        session = self.w.session
        if session is None:
            return
        job = FunctionJob(session.list_files)
        job.succeeded.connect(lambda files, s=session: self._on_files_listed(s, files))
        job.finished.connect(lambda j=job: self._on_listing_finished(j))
        self.listing_job = job
        self.w.runner.start(job)

    def _on_listing_finished(self, job: FunctionJob) -> None:
        if self.listing_job is job:
            self.listing_job = None

    def _on_files_listed(self, session: BatchSession, files: object) -> None:
        w = self.w
        if session is not w.session:
            return
        added = session.add_files(files)
        if added:
            w.thumbnail_panel.select(w.current_rel)
            self.say(self.tr("{count} photos in the folder are not scored yet").format(count=len(added)), 8000)
            w.thresholds.update_histogram()
            self.load_batch_model_if_needed()
            w.scoring.score_unscored()
        w.refresh_commands()

    def check_changed_files(self) -> None:
        session = self.w.session
        if session is None or session.read_only or not session.scores():
            return
        job = FunctionJob(session.check_changed_files, pass_cancel=True)
        job.succeeded.connect(lambda changed, s=session: self._on_changed_files(s, changed))
        self.w.runner.start(job)

    def _on_changed_files(self, session: BatchSession, check: object) -> None:
        if session is not self.w.session or check is None:
            return
        session.apply_check(check)
        parts = []
        if check.modified:
            parts.append(self.tr("{count} photos changed since they were scored (rescore them: Ctrl+Shift+R)").format(
                count=len(check.modified)))
        if check.missing:
            parts.append(self.tr("{count} photos are missing from the folder").format(count=len(check.missing)))
        if check.renamed:
            parts.append(self.tr("{count} renamed photos keep their decisions").format(count=len(check.renamed)))
        if parts:
            self.say("; ".join(parts), 15000)
        self.w.photos.refresh_current()

    # ------------------------------------------------------------------------------------------ the photo on screen disappears
    def photo_is_gone(self, rel_path: Optional[str]) -> bool:
        session = self.w.session
        if session is None or rel_path is None or not session.has(rel_path):
            return False
        record = session.record(rel_path)
        return record.error is None and (record.changed_reason == "missing" or not record.path.is_file())

    def on_photo_vanished(self, path: str) -> None:
        w = self.w
        session = w.session
        if session is None or w.current_rel is None or str(session.record(w.current_rel).path) != path:
            return
        self.say(vanished_message(w.current_rel), 15000)
        w.photos.refresh_current()
        w.refresh_commands()
        self.check_changed_files()  # records it as missing in the log, so lists and reports agree

    # ------------------------------------------------------------------------------------------ unlike the training photos
    def _held_out_normals(self) -> HeldOutNormals:
        w = self.w
        detector, session = w.detector, w.session
        if detector is not None and (session is None or not session.model_path
                                     or Path(session.model_path) == w.model_path):
            meta = getattr(detector, "meta", None)
            return normals_from_meta(meta if isinstance(meta, dict) else {}, getattr(detector, "threshold", None))
        return normals_from_model_file(session.model_path if session is not None else None)

    def check_training_likeness(self) -> Optional[LikenessWarning]:
        """Warn once per batch (status bar, and a lasting label) when the batch looks unlike the training photos."""
        session = self.w.session
        if session is None:
            return None
        warning = check_training_likeness(session.scores(), session.threshold, self._held_out_normals())
        label = self.likeness_label()
        if warning is None:
            label.hide()
            return None
        label.setToolTip(warning.message)
        label.show()
        key = str(session.batch_dir)
        if key not in self.likeness_warned:
            self.likeness_warned.add(key)
            self.say(warning.message, 30000)
        return warning

    def likeness_label(self) -> QLabel:
        if self.likeness_status is None:
            label = QLabel(self.tr("⚠ Batch unlike the training photos"))
            label.setObjectName("likenessWarning")
            label.setStyleSheet(f"color: {COLORS.flagged}; font-weight: bold;")
            self.w.statusBar().insertPermanentWidget(0, label)
            label.hide()
            self.likeness_status = label
        return self.likeness_status

    # ------------------------------------------------------------------------------------------ the last batch
    def offer_last_batch(self) -> Optional[QPushButton]:
        """Started without a batch: a status-bar button reopens the one reviewed last (nothing opens unasked)."""
        w = self.w
        last = w.settings.last_batch_dir
        if w.session is not None or last is None or not Path(last).is_dir():
            return None
        button = QPushButton(self.tr("Reopen {name}").format(name=Path(last).name))
        button.setObjectName("reopenLastBatch")
        button.setToolTip(self.tr("Open the batch reviewed last: {path} (Ctrl+Shift+O)").format(path=last))
        button.setFocusPolicy(Qt.NoFocus)
        w.statusBar().addWidget(button)
        self.say("")
        self.reopen_button = button
        button.clicked.connect(self.reopen_last_batch)
        w.inspector.show_message(self.tr("Open a batch folder to start (Ctrl+O),\nor reopen {name} (Ctrl+Shift+O)")
                                 .format(name=Path(last).name))
        return button

    def reopen_last_batch(self) -> bool:
        last = self.w.settings.last_batch_dir
        if last is None or not Path(last).is_dir():
            self.say(self.tr("The batch reviewed last is not there any more"), 5000)
            return False
        return self.open_batch(Path(last))

    def _drop_reopen_offer(self) -> None:
        if self.reopen_button is not None:
            self.w.statusBar().removeWidget(self.reopen_button)
            self.reopen_button.deleteLater()
            self.reopen_button = None
