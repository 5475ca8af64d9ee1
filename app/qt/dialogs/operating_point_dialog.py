"""Model → Operating point…: the trade a depot makes with the pass line, measured on its own past reviews.

Every photo a reviewer confirmed as a foreign body in the review logs of this model's batches is a labelled
example. The dialog shows how many of them scored at or above the pass line (with a 95 % lower bound), how
many photos a person had to look at for that, and a curve of both over every other place the line could be.
Dragging the line in the curve shows the figures there; "Use this pass line" moves the batch's line to it.
"""
from __future__ import annotations

from pathlib import Path
from typing import Optional, Sequence

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QCoreApplication, Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.qt.theme import COLORS
from app.qt.widgets.plots import themed_plot, threshold_line
from app.qt.workers import FunctionJob, JobRunner
from core import CONFIDENCE, CatchEstimate, PassCurve, ReviewHistory, estimate, pass_curve, read_history


def percent(value: Optional[float]) -> str:
    return QCoreApplication.translate("OperatingPointDialog",
        "n/a") if value is None or value != value else f"{100 * value:.1f} %"


def catch_sentence(result: CatchEstimate) -> str:
    if not result.n_foreign_bodies:
        return QCoreApplication.translate("OperatingPointDialog",
                                          "no confirmed foreign bodies yet: the catch rate cannot be measured")
    return QCoreApplication.translate(
        "OperatingPointDialog", "{caught} of {total} caught ({rate}; at least {bound} with {confidence} % confidence)"
    ).format(caught=result.n_caught, total=result.n_foreign_bodies, rate=percent(result.catch_rate),
             bound=percent(result.lower_bound), confidence=f"{100 * CONFIDENCE:.0f}")


class OperatingPointDialog(QDialog):
    """Emits ``pass_chosen(value)`` when the reviewer asks to use the line shown in the curve for this batch."""

    pass_chosen = Signal(float)
    estimated = Signal()  # the history has been read and the figures are shown (for observers and tests)

    def __init__(self, runner: JobRunner, folders: Sequence[Path], pass_threshold: float,
                 alarm_threshold: Optional[float], family: Optional[str], batch_text: str = "",
                 can_apply: bool = True, parent: Optional[QWidget] = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Operating point"))
        self.setMinimumSize(760, 620)
        self.runner = runner
        self.family = family
        self.alarm_threshold = alarm_threshold
        self.batch_pass = float(pass_threshold)
        self.history: Optional[ReviewHistory] = None
        self.curve: Optional[PassCurve] = None
        self.result: Optional[CatchEstimate] = None
        self.job: Optional[FunctionJob] = None

        intro = QLabel(
            self.tr("Every photo at or above the <b>pass</b> line goes before a person; photos at or above the "
                    "<b>alarm</b> line are shown first. Each foreign body a reviewer confirmed in the batches below is "
                    "an example: one that scored below pass would have been missed. Drag the line in the curve to see "
                    "what moving pass would change."))
        intro.setWordWrap(True)

        self.folder_list = QListWidget()
        self.folder_list.setMaximumHeight(90)
        for folder in folders:
            self.folder_list.addItem(str(folder))
        add_button = QPushButton(self.tr("Add folder…"))
        add_button.clicked.connect(self._add_folder)
        remove_button = QPushButton(self.tr("Remove"))
        remove_button.clicked.connect(self._remove_folder)
        self.lineage_box = QCheckBox(self.tr("Only batches scored by versions of “{name}”").format(name=family) if family else
                                     self.tr("Only batches scored by versions of this model"))
        self.lineage_box.setChecked(bool(family))
        self.lineage_box.setEnabled(bool(family))
        self.lineage_box.toggled.connect(self.reload)
        folder_buttons = QVBoxLayout()
        folder_buttons.addWidget(add_button)
        folder_buttons.addWidget(remove_button)
        folder_buttons.addStretch(1)
        folders_row = QHBoxLayout()
        folders_row.addWidget(self.folder_list, 1)
        folders_row.addLayout(folder_buttons)

        self.pass_label = QLabel("—")
        self.alarm_label = QLabel(f"{alarm_threshold:.4g}" if alarm_threshold is not None else self.tr("not set"))
        self.batch_label = QLabel(batch_text or "—")
        self.catch_label = QLabel(self.tr("reading the review logs…"))
        self.catch_label.setWordWrap(True)
        self.review_label = QLabel("—")
        self.source_label = QLabel("—")
        self.source_label.setWordWrap(True)
        self.source_label.setObjectName("muted")
        self.missed_label = QLabel("")
        self.missed_label.setWordWrap(True)
        self.missed_label.setTextInteractionFlags(Qt.TextSelectableByMouse)
        form = QFormLayout()
        form.addRow(self.tr("Pass threshold"), self.pass_label)
        form.addRow(self.tr("Alarm threshold"), self.alarm_label)
        form.addRow(self.tr("This batch"), self.batch_label)
        form.addRow(self.tr("Foreign bodies caught"), self.catch_label)
        form.addRow(self.tr("Photos to review"), self.review_label)
        form.addRow(self.tr("Missed"), self.missed_label)
        form.addRow(self.tr("From"), self.source_label)

        self.plot = themed_plot(self.tr("pass threshold"), "%")
        self.plot.setYRange(0, 104, padding=0)
        self.plot.addLegend(offset=(-10, 10), labelTextColor=COLORS.text)
        self.catch_curve = self.plot.plot([], [], pen=pg.mkPen(COLORS.confirmed, width=2), name=self.tr("foreign bodies caught"))
        self.bound_curve = self.plot.plot([], [], pen=pg.mkPen(COLORS.confirmed, width=1, style=Qt.DashLine),
                                          name=self.tr("caught, {confidence} % lower bound").format(
                                              confidence=f"{100 * CONFIDENCE:.0f}"))
        self.review_curve = self.plot.plot([], [], pen=pg.mkPen(COLORS.flagged, width=2), name=self.tr("photos to review"))
        self.line = threshold_line(COLORS.threshold, self.tr("pass"), 0.95,
                                   self.tr("Drag to see what another pass line would change"))
        self.line.setValue(self.batch_pass)
        self.line.sigPositionChanged.connect(self._show_at_line)
        self.plot.addItem(self.line)
        if alarm_threshold is not None:
            self.alarm_marker = pg.InfiniteLine(alarm_threshold, angle=90, movable=False,
                                                pen=pg.mkPen(COLORS.alarm, width=1, style=Qt.DashLine))
            self.plot.addItem(self.alarm_marker)

        self.apply_button = QPushButton(self.tr("Use this pass line for the batch"))
        self.apply_button.setEnabled(False)
        self.apply_button.setVisible(can_apply)
        self.apply_button.clicked.connect(lambda: self.pass_chosen.emit(self.pass_value))
        buttons = QDialogButtonBox(QDialogButtonBox.Close)
        buttons.rejected.connect(self.reject)
        buttons.addButton(self.apply_button, QDialogButtonBox.ActionRole)

        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(QLabel(self.tr("Batches read (each folder and two levels below):")))
        layout.addLayout(folders_row)
        layout.addWidget(self.lineage_box)
        layout.addLayout(form)
        layout.addWidget(self.plot, 1)
        layout.addWidget(buttons)
        self.reload()

    # -- reading the logs ---------------------------------------------------------------------------
    @property
    def folders(self) -> list[Path]:
        return [Path(self.folder_list.item(i).text()) for i in range(self.folder_list.count())]

    @property
    def pass_value(self) -> float:
        return float(self.line.value())

    def reload(self) -> None:
        """Read the review logs again in the background (they may be on a network share)."""
        folders = self.folders
        family = self.family if self.lineage_box.isChecked() else None
        self.catch_label.setText(self.tr("reading the review logs…"))
        job = FunctionJob(lambda: read_history(folders, family=family))
        job.succeeded.connect(lambda history, j=job: self._on_history(j, history))
        job.failed.connect(lambda message: self.catch_label.setText(
            self.tr("the review logs could not be read: {error}").format(error=message)))
        self.job = job
        self.runner.start(job)

    def _on_history(self, job: FunctionJob, history: object) -> None:
        if job is not self.job:
            return  # a newer reading was asked for meanwhile
        self.job = None
        self.history = history  # type: ignore[assignment]
        self.curve = pass_curve(self.history, thresholds=self._grid())
        self._draw_curve()
        self._show_at_line()
        self.apply_button.setEnabled(True)
        self.estimated.emit()

    def _grid(self) -> np.ndarray:
        assert self.history is not None
        values = np.concatenate([self.history.scores, [self.batch_pass]])
        if self.alarm_threshold is not None:
            values = np.append(values, self.alarm_threshold)
        low, high = float(values.min()), float(values.max())
        if high - low < 1e-9:
            low, high = low - 0.5, high + 0.5
        pad = (high - low) * 0.02
        return np.linspace(low - pad, high + pad, 200)

    def _draw_curve(self) -> None:
        curve = self.curve
        assert curve is not None
        x = curve.thresholds
        has_examples = bool(np.isfinite(curve.catch_rate).any())
        self.catch_curve.setData(x, 100 * curve.catch_rate if has_examples else [])
        self.bound_curve.setData(x, 100 * curve.lower_bound if has_examples else [])
        self.review_curve.setData(x, 100 * curve.review_share if np.isfinite(curve.review_share).any() else [])
        if x.size:
            self.plot.setXRange(float(x[0]), float(x[-1]), padding=0)
            self.line.setBounds((float(x[0]), float(x[-1])))

    def _show_at_line(self) -> None:
        value = self.pass_value
        moved = abs(value - self.batch_pass) > 1e-12
        self.pass_label.setText(f"{value:.4g}" + (self.tr("  (the batch uses {value})").format(
            value=f"{self.batch_pass:.4g}") if moved else ""))
        if self.history is None:
            return
        history = self.history
        result = estimate(history, value, self.alarm_threshold)
        self.result = result
        self.catch_label.setText(catch_sentence(result))
        if result.review_share is None:
            self.review_label.setText(self.tr("no scored photos in these logs"))
        else:
            self.review_label.setText(self.tr("{share} of {count} photos in past batches").format(
                share=percent(result.review_share), count=result.n_photos))
        if result.missed:
            shown = ", ".join(f"{m.rel_path} ({m.score:.3g}, {m.batch.name})" for m in result.missed[:6])
            self.missed_label.setText(shown + (self.tr(" and {count} more").format(count=len(result.missed) - 6)
                                                  if len(result.missed) > 6 else ""))
        else:
            self.missed_label.setText(self.tr("none") if result.n_foreign_bodies else "—")
        models = self.tr("; scored with {models}").format(models=", ".join(history.models)) if history.models else ""
        mixed = (self.tr(" (different versions score on different scales: re-score older batches for a like-for-like "
                         "estimate)") if len(history.models) > 1 else "")
        skipped = self.tr("; {count} left out").format(count=len(history.skipped)) if history.skipped else ""
        self.source_label.setText(self.tr("{count} review log(s)").format(count=len(history.logs))
                                  + models + mixed + skipped)
        self.source_label.setToolTip("\n".join(f"{k}: {v}" for k, v in history.skipped.items()))

    # -- folders ------------------------------------------------------------------------------------
    def add_folder(self, folder: Path) -> None:
        if str(folder) not in {str(f) for f in self.folders}:
            self.folder_list.addItem(str(folder))
            self.reload()

    def _add_folder(self) -> None:
        start = str(self.folders[0]) if self.folders else str(Path.home())
        folder = QFileDialog.getExistingDirectory(self, self.tr("Folder of reviewed batches"), start)
        if folder:
            self.add_folder(Path(folder))

    def _remove_folder(self) -> None:
        for item in self.folder_list.selectedItems():
            self.folder_list.takeItem(self.folder_list.row(item))
        self.reload()
