"""The pass and alarm lines of the open batch: the score histogram, how many photos a person must see, moving
and saving the lines (for the batch, or into the model) and the operating-point view of past reviews."""
from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Optional

from PySide6.QtCore import QT_TRANSLATE_NOOP, Qt, QTimer
from PySide6.QtWidgets import QMessageBox

from app.qt.controllers.base import Controller
from app.qt.review_messages import counts_headline, workload_text
from app.qt.dialogs.operating_point_dialog import OperatingPointDialog
from app.qt.workers import SaveThresholdJob
from core import ReviewLogError
from core import Decision

if TYPE_CHECKING:
    from app.qt.main_window import MainWindow


class ThresholdController(Controller):
    def __init__(self, window: "MainWindow") -> None:
        super().__init__(window)
        self.operating_point_dialog: Optional[OperatingPointDialog] = None
        self._histogram_timer = QTimer(window)
        self._histogram_timer.setSingleShot(True)
        self._histogram_timer.setInterval(250)
        self._histogram_timer.timeout.connect(self.update_histogram)

    def connect(self) -> None:
        histogram = self.w.histogram
        histogram.threshold_moved.connect(self._on_threshold_dragged)
        histogram.threshold_committed.connect(self.commit_threshold)
        histogram.alarm_moved.connect(self._on_alarm_dragged)
        histogram.alarm_committed.connect(self.commit_alarm_threshold)
        histogram.save_to_model_requested.connect(self.save_threshold_to_model)

    # ------------------------------------------------------------------------------------------ drawing
    def schedule_histogram(self) -> None:
        """Coalesce redraws; while scoring, once a second is plenty and leaves the UI thread free."""
        if not self._histogram_timer.isActive():
            self._histogram_timer.start(1000 if self.w.scoring.job is not None else 250)

    def update_histogram(self) -> None:
        w = self.w
        session, histogram = w.session, w.histogram
        if session is None:
            histogram.set_scores([])
            histogram.set_summary(self.tr("No batch open"))
            w.refresh_commands()
            return
        records = session.records
        threshold = session.threshold
        alarm = session.alarm_threshold
        histogram.line.setVisible(threshold is not None)
        histogram.above_region.setVisible(threshold is not None)
        histogram.alarm_line.setVisible(threshold is not None and alarm is not None)
        histogram.alarm_region.setVisible(threshold is not None and alarm is not None)
        if threshold is not None:
            histogram.set_threshold(threshold)
        if alarm is not None:
            histogram.set_alarm_threshold(alarm)
        histogram.set_scores(
            [r.score for r in records if r.score is not None],
            [r.score for r in records if r.score is not None and r.decision == Decision.CONFIRMED],
            [r.score for r in records if r.score is not None and r.decision == Decision.REJECTED],
        )
        self.show_workload()
        w.refresh_commands()

    def show_workload(self) -> None:
        """The histogram's summary and the status line: the lines and how many photos a person must see."""
        session = self.w.session
        if session is None:
            self.w.workload_label.setText("")
            return
        counts = session.counts()
        text = counts_headline(counts)
        lines = []
        if session.threshold is not None:
            lines.append(self.tr("Pass {value}").format(value=f"{session.threshold:.4g}"))
            if session.alarm_threshold is not None:
                lines.append(self.tr("alarm {value}").format(value=f"{session.alarm_threshold:.4g}"))
        self.w.histogram.set_summary(" · ".join([*lines, text]))
        workload = self.tr("To see: {workload}").format(workload=workload_text(counts)) if counts.scored else ""
        self.w.workload_label.setText(workload)

    # ------------------------------------------------------------------------------------------ moving the lines
    def _on_threshold_dragged(self, value: float) -> None:
        if self.w.session is None:
            return
        self.w.session.preview_threshold(value)
        self.show_workload()
        self.w.photos.refresh_current()

    def _on_alarm_dragged(self, value: float) -> None:
        if self.w.session is None:
            return
        self.w.session.preview_alarm_threshold(value)
        self.show_workload()
        self.w.photos.refresh_current()

    def commit_alarm_threshold(self, value: float) -> bool:
        session = self.w.session
        reviewer = self.w.review.reviewer_for_change(QT_TRANSLATE_NOOP("ReviewController", "alarm threshold"))
        if session is None or reviewer is None:
            return False
        try:
            session.commit_alarm_threshold(value, reviewer)
        except ReviewLogError as exc:
            QMessageBox.critical(self.w, self.tr("Alarm threshold not saved"), str(exc))
            return False
        self.say(self.tr("Alarm threshold {value}: {count} photos in alarm").format(
            value=f"{value:.4g}", count=session.counts().alarm), 5000)
        self.update_histogram()
        self.w.photos.refresh_current()
        return True

    def commit_threshold(self, value: float) -> bool:
        session = self.w.session
        reviewer = self.w.review.reviewer_for_change(QT_TRANSLATE_NOOP("ReviewController", "threshold"))
        if session is None or reviewer is None:
            return False
        try:
            flagged = session.commit_threshold(value, reviewer)
        except ReviewLogError as exc:
            QMessageBox.critical(self.w, self.tr("Threshold not saved"), str(exc))
            return False
        missed = session.confirmed_below(value)
        if missed:  # a safety matter: say it in words, and keep it on screen longer
            names = ", ".join(missed[:3]) + (self.tr(" and {count} more").format(count=len(missed) - 3)
                                             if len(missed) > 3 else "")
            if len(missed) == 1:
                warning = self.tr("Warning: pass {value} lies above {count} confirmed foreign body of this batch "
                                  "({names}): photos like it would not be sent to review")
            else:
                warning = self.tr("Warning: pass {value} lies above {count} confirmed foreign bodies of this batch "
                                  "({names}): photos like them would not be sent to review")
            self.say(warning.format(value=f"{value:.4g}", count=len(missed), names=names), 20000)
        else:
            self.say(self.tr("Pass threshold {value}: {count} photos to review").format(value=f"{value:.4g}",
                                                                                       count=flagged), 5000)
        self.update_histogram()
        self.w.photos.refresh_current()
        return True

    # ------------------------------------------------------------------------------------------ into the model
    def save_threshold_to_model(self) -> None:
        w = self.w
        session = w.session
        if session is None or session.threshold is None:
            return
        target = w.model_path or (Path(session.model_path) if session.model_path else None)
        if target is None or not target.is_file():
            QMessageBox.information(w, self.tr("Save threshold"),
                                    self.tr("Choose the model first; its file receives the threshold."))
            return
        if w.scoring.job is not None:
            self.say(self.tr("Wait until scoring has finished"), 4000)
            return
        old = getattr(w.detector, "threshold", None) if w.detector is not None and target == w.model_path else None
        old_text = self.tr(" (now {value})").format(value=f"{old:.4g}") if isinstance(old, float) else ""
        alarm = session.alarm_threshold
        alarm_text = self.tr(" and alarm {value}").format(value=f"{alarm:.4g}") if alarm is not None else ""
        question = self.tr("Use pass {value}{now}{alarm} for every future batch scored with “{model}”?").format(
            value=f"{session.threshold:.4g}", now=old_text, alarm=alarm_text, model=target.stem)
        missed = session.confirmed_below(session.threshold)
        if missed:
            if len(missed) == 1:
                warning = self.tr("Warning: this pass line lies above {count} confirmed foreign body of this batch "
                                  "({names}). Future photos like these would not be sent to review.")
            else:
                warning = self.tr("Warning: this pass line lies above {count} confirmed foreign bodies of this batch "
                                  "({names}). Future photos like these would not be sent to review.")
            question += "\n\n" + warning.format(count=len(missed), names=", ".join(missed[:5]))
        answer = QMessageBox.question(
            w, self.tr("Save thresholds to model"), question, QMessageBox.Yes | QMessageBox.No,
            QMessageBox.No if missed else QMessageBox.Yes,
        )
        if answer != QMessageBox.Yes:
            return
        reviewer = w.review.ensure_reviewer() or "unknown"
        threshold = session.threshold
        job = SaveThresholdJob(target, threshold, w.detector if target == w.model_path else None, alarm)

        def saved(_path: object) -> None:
            self.say(self.tr("Pass {value}{alarm} saved to {name}").format(value=f"{threshold:.4g}", alarm=alarm_text,
                                                                         name=target.name), 6000)
            if w.session is not None and not w.session.read_only:
                try:
                    w.session.log.log_event("threshold_saved_to_model", reviewer, model=str(target), threshold=threshold,
                                            alarm_threshold=alarm)
                except ReviewLogError:
                    pass

        job.succeeded.connect(saved)
        job.failed.connect(lambda message: QMessageBox.warning(w, self.tr("Threshold not saved"), message))
        job.finished.connect(w.refresh_commands)
        w.runner.start(job)

    def open_operating_point_dialog(self) -> Optional[OperatingPointDialog]:
        w = self.w
        session = w.session
        if session is None or session.threshold is None:
            self.say(self.tr("Open a scored batch first"), 5000)
            return None
        from core import model_family

        name = session.model_name or (w.detector.info().name if w.detector is not None else None)
        family = model_family(name) or model_family(session.model_path)
        counts = session.counts()
        dialog = OperatingPointDialog(w.runner, w.models.history_folders(), session.threshold, session.alarm_threshold,
                                      family, batch_text=workload_text(counts), can_apply=not session.read_only, parent=w)
        dialog.pass_chosen.connect(self._on_pass_chosen)
        dialog.setAttribute(Qt.WA_DeleteOnClose)
        dialog.show()
        self.operating_point_dialog = dialog
        return dialog

    def _on_pass_chosen(self, value: float) -> None:
        if self.commit_threshold(value):
            self.w.histogram.set_threshold(value)
