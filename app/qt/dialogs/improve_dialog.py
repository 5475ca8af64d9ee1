"""Model → Improve model from this review…: learn the false alarms the reviewer rejected, then let them decide.

The model in use stays in use while the improved one trains and is checked against the batch. Only when the
reviewer has seen the before/after numbers, above all whether every confirmed foreign body is still flagged, and
pressed self.tr("Use improved model") is it saved as the next version and made active.
"""
from __future__ import annotations

import html
from pathlib import Path
from typing import Callable, Optional, Sequence

from PySide6.QtCore import QT_TRANSLATE_NOOP, Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QSpinBox,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from core import next_version_path, set_active_version, split_version
from app.qt.batch_files import photos_in_typed_folder
from app.qt.dialogs.job_dialog import JobDialog
from app.qt.theme import COLORS
from app.qt.widgets.path_row import path_row
from app.qt.workers import JobRunner, RetrainJob
from core import DEFAULT_RETRAIN_EPOCHS
from core import ImageRecord
from core import IMPROVE_STAGE_LABELS, Decision

MAX_LISTED_SKIPS = 12


def learnable_counts(records: Sequence[ImageRecord]) -> tuple[int, int]:
    """(flagged photos rejected as false alarms, unflagged photos the reviewer marked "not a defect")."""
    rejected = [r for r in records if r.decision == Decision.REJECTED and r.score is not None and not r.error]
    return sum(r.flagged for r in rejected), sum(not r.flagged for r in rejected)


class ImproveModelDialog(JobDialog):
    """Emits ``model_improved(path, threshold)`` once the reviewer accepted and the new version is saved."""

    model_improved = Signal(str, float)
    stage_labels = IMPROVE_STAGE_LABELS
    stop_question = (QT_TRANSLATE_NOOP("JobDialog", "Stop improving?"),
                     QT_TRANSLATE_NOOP("JobDialog", "The model is still being improved. Stop it?"))

    def __init__(
        self,
        runner: JobRunner,
        detector: object,
        model_path: Path,
        review_log: Path,
        records: Sequence[ImageRecord],
        normals_folder: Optional[Path] = None,
        parent: Optional[QWidget] = None,
        job_factory: Callable[..., RetrainJob] = RetrainJob,
    ) -> None:
        super().__init__(runner, parent)
        self.setWindowTitle(self.tr("Improve model from this review"))
        self.setMinimumWidth(660)
        self.detector = detector
        self.model_path = Path(model_path)
        self.review_log = Path(review_log)
        self.job_factory = job_factory
        self.outcome: Optional[object] = None
        self.saved_path: Optional[Path] = None
        self._normals: list[Path] = []
        self.false_alarms, self.reviewed_normals = learnable_counts(records)

        info = detector.info()
        intro = QLabel(
            self.tr("Photos you rejected as false alarms are added to the normal photos of “{name}” "
                    "and the model continues training from its current weights. Confirmed and unsure photos are never "
                    "used. The current model stays in use until you accept the result.").format(
                name=html.escape(str(info.name)))
        )
        intro.setWordWrap(True)
        self.counts_label = QLabel(self.tr("<b>{count}</b> flagged photos rejected as false alarms in this review").format(
            count=self.false_alarms))
        self.include_normals = QCheckBox(self.tr("Also the {count} unflagged photos marked “not a defect”").format(
            count=self.reviewed_normals))
        self.include_normals.setEnabled(self.reviewed_normals > 0)
        self.normals_edit = QLineEdit(str(normals_folder) if normals_folder else "")
        self.normals_edit.setPlaceholderText(self.tr("Folder of the model's original good photos (recommended)"))
        self.normals_label = QLabel("")
        self.normals_label.setObjectName("muted")
        self.normals_label.setWordWrap(True)
        self.epochs_spin = QSpinBox()
        self.epochs_spin.setRange(1, 200)
        self.epochs_spin.setValue(DEFAULT_RETRAIN_EPOCHS)
        self.epochs_spin.setToolTip(self.tr("Epochs continued from the current weights"))

        form = QFormLayout()
        form.setLabelAlignment(Qt.AlignRight)
        form.setHorizontalSpacing(14)
        form.addRow(self.tr("Learn from"), self.counts_label)
        form.addRow("", self.include_normals)
        form.addRow(self.tr("Original good photos"), path_row(self.normals_edit, self._browse))
        form.addRow("", self.normals_label)
        form.addRow(self.tr("Epochs"), self.epochs_spin)

        self.result_view = QTextBrowser()
        self.result_view.setOpenLinks(False)
        self.result_view.setMinimumHeight(170)
        self.result_view.hide()

        # in the order of use: start (or stop), then take the result or leave
        self.start_button = QPushButton(self.tr("Improve"))
        self.cancel_button = QPushButton(self.tr("Cancel"))
        self.accept_button = QPushButton(self.tr("Use improved model"))
        self.accept_button.setDefault(True)
        self.close_button = QPushButton(self.tr("Close"))
        self.buttons = QHBoxLayout()
        for button in (self.start_button, self.cancel_button):
            self.buttons.addWidget(button)
        self.buttons.addStretch(1)
        for button in (self.accept_button, self.close_button):
            self.buttons.addWidget(button)
        self.start_button.clicked.connect(self.start)
        self.cancel_button.clicked.connect(self.cancel_job)
        self.accept_button.clicked.connect(self.use_improved_model)
        self.close_button.clicked.connect(self.close)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(18, 16, 18, 14)
        layout.setSpacing(10)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.stage_label)
        layout.addWidget(self.progress_bar)
        layout.addWidget(self.detail_label)
        layout.addWidget(self.result_view, 1)
        layout.addLayout(self.buttons)

        self.normals_edit.textChanged.connect(self._refresh_normals)
        self.include_normals.toggled.connect(self._update_buttons)
        self._refresh_normals()
        if self.false_alarms == 0:
            self.stage_label.setText(self.tr("No rejected false alarm in this review yet: reject some flagged photos first."))

    # -- inputs -----------------------------------------------------------------------------------
    def _browse(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, self.tr("Original good photos"), self.normals_edit.text())
        if folder:
            self.normals_edit.setText(folder)

    def _refresh_normals(self) -> None:
        folder, self._normals = photos_in_typed_folder(self.normals_edit.text())
        if folder is None:
            self.normals_label.setText(self.tr("Without them the model learns only the new photos and may forget the old ones."))
        elif not folder.is_dir():
            self.normals_label.setText(self.tr("This folder does not exist."))
        else:
            self.normals_label.setText(self.tr("{count} photos found; mixed in so the model keeps what it knew.").format(
                count=len(self._normals)))
        self._update_buttons()

    def _has_material(self) -> bool:
        return self.false_alarms > 0 or (self.include_normals.isChecked() and self.reviewed_normals > 0)

    def _update_buttons(self) -> None:
        running = self.job is not None
        self.start_button.setEnabled(not running and self._has_material() and self.saved_path is None)
        self.cancel_button.setEnabled(running and not self.job.is_cancelled)
        self.accept_button.setEnabled(not running and self.outcome is not None and self.saved_path is None)
        for widget in (self.include_normals, self.normals_edit, self.epochs_spin):
            widget.setEnabled(not running and self.saved_path is None
                              and (widget is not self.include_normals or self.reviewed_normals > 0))

    # -- retraining -------------------------------------------------------------------------------
    def start(self) -> None:
        if self.job is not None or not self._has_material():
            return
        self.outcome = None
        self.result_view.hide()
        job = self.job_factory(
            self.detector, self.review_log, include_reviewed_normals=self.include_normals.isChecked(),
            epochs=int(self.epochs_spin.value()), old_normals=self._normals or None,
        )
        self.start_job(job, self.tr("Starting…"))

    def _on_succeeded(self, outcome: object) -> None:
        self.outcome = outcome
        self.show_finished_bar(True)
        lost = len(outcome.lost_confirmed)
        self.stage_label.setText(
            self.tr("Done. Check the numbers below, then use the improved model or close to keep the current one.")
            if not lost else
            (self.tr("Done, but {count} confirmed foreign body would no longer be flagged.") if lost == 1 else
             self.tr("Done, but {count} confirmed foreign bodies would no longer be flagged.")).format(count=lost)
        )
        self.detail_label.setText("")
        self.result_view.setHtml(self.result_html())
        self.result_view.show()

    def _on_failed(self, message: str) -> None:
        self.show_finished_bar(False)
        self.stage_label.setText(self.tr("The model could not be improved"))
        self.detail_label.setText(message)

    def _on_cancelled(self) -> None:
        self.show_finished_bar(False)
        self.stage_label.setText(self.tr("Cancelled; the current model is unchanged"))
        self.detail_label.setText("")

    # -- result -----------------------------------------------------------------------------------
    def result_html(self) -> str:
        """The before/after comparison; lost foreign bodies in red, by name."""
        o = self.outcome
        if o is None:
            return ""
        ok, bad = COLORS.rejected, COLORS.confirmed
        rows = [(self.tr("Flagged in this batch"),
                 self.tr("{before} before → <b>{after}</b> after (of {count} photos)").format(
                     before=o.flagged_before, after=o.flagged_after, count=o.scored))]
        if o.confirmed:
            colour = ok if not o.lost_confirmed else bad
            rows.append((self.tr("Confirmed foreign bodies still flagged"),
                         f"<span style='color:{colour}'><b>"
                         + self.tr("{done} of {total}").format(done=o.confirmed_still_flagged, total=len(o.confirmed))
                         + "</b></span>"))
        else:
            rows.append((self.tr("Confirmed foreign bodies"), self.tr("none in this review to check against")))
        held = sum(a.held_out for a in o.added)
        rows.append((self.tr("Photos learnt"), f"{len(o.added)}" + (
            self.tr(" ({count} of them held out to set the threshold)").format(count=held) if held else "")))
        rows.append((self.tr("Threshold"),
                     self.tr("{before} → {after} (same target false-alarm rate, set on {count} held-out good photos)")
                     .format(before=f"{o.threshold_before:.4g}", after=f"{o.threshold_after:.4g}",
                             count=len(o.holdout_paths))
                     + ("<br>" + self.tr("held below the calibrated {value} so every confirmed foreign body stays "
                                         "flagged").format(value=f"{o.calibrated_threshold:.4g}")
                        if o.threshold_held else "")))
        rows.append((self.tr("Time"), self.tr("{seconds} s, {epochs} epochs").format(
            seconds=f"{o.seconds:.0f}", epochs=o.fit.epochs_run)))
        table = "".join(f"<tr><td style='padding-right:16px'>{k}</td><td>{v}</td></tr>" for k, v in rows)
        parts = [f"<table>{table}</table>"]
        if o.lost_confirmed:
            items = "".join(f"<li>{html.escape(Path(p).name)}</li>" for p in o.lost_confirmed)
            parts.append(f"<p style='color:{bad}'>" + self.tr("No longer flagged:") + f"</p><ul>{items}</ul>")
        if o.skipped:
            items = "".join(f"<li>{html.escape(Path(p).name)}: {html.escape(reason)}</li>"
                            for p, reason in o.skipped[:MAX_LISTED_SKIPS])
            more = ("<li>" + self.tr("… and {count} more").format(count=len(
                o.skipped) - MAX_LISTED_SKIPS) + "</li>") if len(o.skipped) > MAX_LISTED_SKIPS else ""
            parts.append("<p>" + self.tr("Skipped {count} photos:").format(count=len(o.skipped)) + f"</p><ul>{items}{more}</ul>")
        return "".join(parts)

    def use_improved_model(self) -> Optional[Path]:
        """Save the improved model as the next version, make it the one in use and announce it."""
        o = self.outcome
        if o is None or self.saved_path is not None:
            return None
        if o.lost_confirmed:
            answer = QMessageBox.warning(
                self, self.tr("Foreign bodies would be missed"),
                self.tr("The improved model would no longer flag {count} photo(s) you confirmed as foreign bodies. "
                        "Use it anyway?").format(count=len(o.lost_confirmed)), QMessageBox.Yes | QMessageBox.No, QMessageBox.No,
            )
            if answer != QMessageBox.Yes:
                return None
        target = next_version_path(self.model_path)
        o.detector.meta["name"] = str(self.detector.info().name or split_version(self.model_path)[0])
        try:
            o.detector.save(target)
            set_active_version(target)
        except OSError as exc:
            QMessageBox.warning(self, self.tr("Model not saved"),
                                self.tr("The improved model could not be saved to {path}:\n\n{error}").format(
                                    path=target, error=exc))
            return None
        self.saved_path = target
        version = split_version(target)[1]
        self.stage_label.setText(self.tr("Version {version} saved as {name} and now in use.").format(
            version=version, name=target.name))
        self._update_buttons()
        self.model_improved.emit(str(target), float(o.threshold_after))
        return target
