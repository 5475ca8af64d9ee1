"""What every dialog that runs a long engine job shares: stage, progress bar, loss and time left, Cancel, and
a question before closing on a running job.

Training a scenario's model and improving one from a review look and behave the same while they run, so a
reviewer who has used one knows the other.
"""
from __future__ import annotations

from typing import Optional

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication
from PySide6.QtWidgets import QDialog, QLabel, QMessageBox, QProgressBar, QWidget

from app.qt.workers import Job, JobRunner
from core import ProgressEvent
from core import EPOCH_STAGES, STAGE_LABELS



def format_eta(seconds: Optional[float]) -> str:
    if seconds is None or seconds != seconds or seconds < 0:
        return ""
    seconds = int(round(seconds))
    if seconds < 60:
        return QCoreApplication.translate("JobDialog", "{seconds} s left").format(seconds=seconds)
    minutes, seconds = divmod(seconds, 60)
    if minutes < 60:
        return QCoreApplication.translate("JobDialog", "{minutes} min {seconds} s left").format(
            minutes=minutes, seconds=f"{seconds:02d}")
    hours, minutes = divmod(minutes, 60)
    return QCoreApplication.translate("JobDialog", "{hours} h {minutes} min left").format(
        hours=hours, minutes=f"{minutes:02d}")


class JobDialog(QDialog):
    """Subclasses lay out ``stage_label``, ``progress_bar`` and ``detail_label``, implement ``_update_buttons``
    and the outcome slots, and start their job with :meth:`start_job`."""

    stage_labels: dict[str, str] = STAGE_LABELS
    stop_question = (QT_TRANSLATE_NOOP("JobDialog", "Stop?"), QT_TRANSLATE_NOOP("JobDialog",
        "The job is still running. Stop it?"))

    def __init__(self, runner: JobRunner, parent: Optional[QWidget] = None) -> None:
        super().__init__(parent)
        self.runner = runner
        self.job: Optional[Job] = None
        self.stage_label = QLabel("")
        self.stage_label.setWordWrap(True)
        self.progress_bar = QProgressBar()
        self.progress_bar.setRange(0, 1)
        self.progress_bar.setValue(0)
        self.detail_label = QLabel("")
        self.detail_label.setObjectName("muted")
        self.detail_label.setWordWrap(True)

    def start_job(self, job: Job, starting_text: str, detail: str = "") -> None:
        self.job = job
        job.progress.connect(self._on_progress)
        job.succeeded.connect(self._on_succeeded)
        job.failed.connect(self._on_failed)
        job.cancelled.connect(self._on_cancelled)
        job.finished.connect(self._on_finished)
        self.stage_label.setText(starting_text)
        self.detail_label.setText(detail)
        self.progress_bar.setRange(0, 0)  # busy until the first progress event
        self.runner.start(job)
        self._update_buttons()

    def cancel_job(self) -> None:
        if self.job is not None:
            self.job.cancel()
            self.stage_label.setText(QCoreApplication.translate("JobDialog", "Stopping after the current step…"))
            self._update_buttons()

    def show_finished_bar(self, done: bool) -> None:
        self.progress_bar.setRange(0, 1)
        self.progress_bar.setValue(1 if done else 0)

    def _on_progress(self, event: ProgressEvent) -> None:
        label = self.stage_labels.get(event.stage)
        stage = QCoreApplication.translate("Vocabulary", label) if label else event.stage.capitalize()
        if event.stage in EPOCH_STAGES:
            step = QCoreApplication.translate("JobDialog", "{stage}: epoch {done} of {total}")
        else:
            step = QCoreApplication.translate("JobDialog", "{stage}: photo {done} of {total}")
        self.stage_label.setText(step.format(stage=stage, done=event.done, total=event.total) if event.total else stage)
        if event.total > 0:
            self.progress_bar.setRange(0, event.total)
            self.progress_bar.setValue(min(event.done, event.total))
        parts = [QCoreApplication.translate("JobDialog", "loss {value}").format(
            value=f"{event.loss:.4g}")] if event.loss is not None else []
        parts += [text for text in (format_eta(event.eta_s), event.message) if text]
        if parts:
            self.detail_label.setText(" · ".join(parts))

    def _on_succeeded(self, result: object) -> None:  # pragma: no cover - every subclass overrides
        raise NotImplementedError

    def _on_failed(self, message: str) -> None:  # pragma: no cover - every subclass overrides
        raise NotImplementedError

    def _on_cancelled(self) -> None:  # pragma: no cover - every subclass overrides
        raise NotImplementedError

    def _update_buttons(self) -> None:  # pragma: no cover - every subclass overrides
        raise NotImplementedError

    def _on_finished(self) -> None:
        self.job = None
        self._update_buttons()

    def closeEvent(self, event) -> None:
        if self.job is not None:
            title, text = (QCoreApplication.translate("JobDialog", part) for part in self.stop_question)
            if QMessageBox.question(self, title, text) != QMessageBox.Yes:
                event.ignore()
                return
            self.job.cancel()
        super().closeEvent(event)

    def reject(self) -> None:  # Escape behaves like the close button
        self.close()
