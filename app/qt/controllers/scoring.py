"""Scoring the open batch in the background: what to score, progress in the status bar, cancelling, and what the
window does with each photo as its score arrives."""
from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Optional

from PySide6.QtWidgets import QMessageBox

from app.qt.controllers.base import Controller
from app.qt.dialogs.job_dialog import format_eta
from app.qt.review_messages import scored_message
from app.qt.workers import ScoreJob
from core import ProgressEvent, ScoringConfig
from core import ImageRecord, ReviewLogError

if TYPE_CHECKING:
    from app.qt.main_window import MainWindow


class ScoringController(Controller):
    def __init__(self, window: "MainWindow") -> None:
        super().__init__(window)
        self.job: Optional[ScoreJob] = None
        self.batch_size = ScoringConfig.batch_size  # photos per engine call; smaller batches report progress more often
        self._missing_at_scoring: list[str] = []

    def _progress_widgets(self):
        return (self.w.progress_label, self.w.progress_bar, self.w.cancel_button)

    def score_unscored(self) -> None:
        w = self.w
        if w.session is None or self.job is not None or w.session.read_only:
            return
        paths = w.session.unscored_paths()
        if not paths:
            return
        if w.detector is None:
            if w.models.load_job is None:
                self.say(self.tr("{count} photos are not scored yet: choose a model to score them").format(count=len(paths)))
            return
        self.start(paths)

    def rescore_all(self) -> None:
        w = self.w
        if w.session is None or w.detector is None or self.job is not None:
            return
        paths = [r.path for r in w.session.records if r.path.is_file()]
        missing = [r.rel_path for r in w.session.records if r.error is None and not r.path.is_file()]
        self.start(paths)
        self._missing_at_scoring = missing if self.job is not None else []

    def start(self, paths: list[Path]) -> None:
        w = self.w
        session, detector = w.session, w.detector
        if session is None or detector is None or not paths:
            return
        try:
            session.adopt_model(detector.info(), w.model_path)
        except ReviewLogError as exc:
            QMessageBox.warning(w, self.tr("Cannot score"), str(exc))
            return
        w.batches.apply_overlay_scale()
        w.histogram.set_threshold(session.threshold or 0.0)
        if session.alarm_threshold is not None:
            w.histogram.set_alarm_threshold(session.alarm_threshold)
        job = ScoreJob(detector, paths, session.record_result, batch_size=self.batch_size)
        job.scored.connect(self._on_scored)
        job.device_changed.connect(w.engine.device_changed)
        job.progress.connect(self._on_progress)
        job.failed.connect(self._on_failed)
        job.cancelled.connect(lambda: self.say(self.tr("Scoring cancelled; the scores so far are kept"), 8000))
        job.succeeded.connect(lambda n: self.say(scored_message(n, self._missing_at_scoring), 15000))
        job.finished.connect(self._on_finished)
        self.job = job
        self._missing_at_scoring = []
        w.list_model.resort_delay_ms = 1000  # re-sorting the grid once a second is enough while scoring
        w.progress_label.setText(self.tr("Scoring"))
        w.progress_bar.setRange(0, len(paths))
        w.progress_bar.setValue(0)
        w.progress_bar.setFormat(f"%v / {len(paths)}")
        for widget in self._progress_widgets():
            widget.show()
        w.cancel_button.setEnabled(True)
        w.runner.start(job)
        w.refresh_commands()

    def cancel(self) -> None:
        if self.job is not None:
            self.job.cancel()
            self.w.cancel_button.setEnabled(False)
            self.w.progress_label.setText(self.tr("Stopping…"))

    def _on_scored(self, record: ImageRecord) -> None:
        w = self.w
        if w.session is None or self.job is None:
            return
        w.session.accept_record(record)
        rel = record.rel_path
        if w.current_rel is None:
            w.photos.show_rel(w.list_model.first_rel_path() or rel)
            w.photos.auto_selected = True
        elif rel == w.current_rel:
            w.photos.refresh_current()
        w.thresholds.schedule_histogram()

    def _on_progress(self, event: ProgressEvent) -> None:
        self.w.progress_bar.setRange(0, max(1, event.total))
        self.w.progress_bar.setValue(event.done)
        eta = format_eta(event.eta_s)
        self.w.progress_label.setText(self.tr("Scoring · {time_left}").format(time_left=eta) if eta else self.tr("Scoring"))

    def _on_failed(self, message: str) -> None:
        QMessageBox.warning(self.w, self.tr("Scoring stopped"),
                            self.tr("Scoring stopped with an error:\n\n{error}\n\nThe scores so far are kept.").format(
                                error=message))

    def _on_finished(self) -> None:
        w = self.w
        self.job = None
        w.list_model.resort_delay_ms = 150
        for widget in self._progress_widgets():
            widget.hide()
        w.list_model.resort()
        w.thresholds.update_histogram()
        w.refresh_commands()
        if (w.current_rel is None or w.photos.auto_selected) and w.list_model.first_rel_path():
            w.photos.show_rel(w.list_model.first_rel_path())  # the reviewer starts with the highest score
            w.photos.auto_selected = True
        else:
            w.thumbnail_panel.select(w.current_rel)
        w.batches.check_training_likeness()
        w.scoring_finished.emit()
        if w.models.pending_model is not None and not w.closing:
            w.models.load_pending()
