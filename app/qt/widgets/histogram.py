"""Score histogram of the open batch with the operating point as two lines the reviewer can drag.

The pass line and the alarm line split the scores into three shaded zones: pass (left, unshaded), the review
band (amber) and alarm (magenta). Confirmed and rejected photos are drawn as separate outlines so the reviewer
sees where true foreign bodies and false alarms fall before moving a line.
"""
from __future__ import annotations

import html

from typing import Optional, Sequence

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QDoubleSpinBox, QHBoxLayout, QLabel, QPushButton, QSizePolicy, QVBoxLayout, QWidget

from app.qt.review_messages import decision_word
from app.qt.theme import COLORS
from app.qt.widgets.plots import themed_plot, threshold_line
from core import Decision


def histogram_bins(scores: np.ndarray, n_bins: int = 40) -> np.ndarray:
    """Shared bin edges for all curves; a single distinct score still gets a visible bar."""
    if scores.size == 0:
        return np.linspace(0.0, 1.0, n_bins + 1)
    low, high = float(np.min(scores)), float(np.max(scores))
    if high - low < 1e-9:
        low, high = low - 0.5, high + 0.5
    pad = (high - low) * 0.02
    return np.linspace(low - pad, high + pad, n_bins + 1)


class ScoreHistogram(QWidget):
    """Emits ``threshold_moved`` live while the pass line is dragged and ``threshold_committed`` once the drag
    ends; ``alarm_moved`` and ``alarm_committed`` likewise for the alarm line. Dragging one line past the other
    pushes it along, so alarm never lies below pass."""

    threshold_moved = Signal(float)
    threshold_committed = Signal(float)
    alarm_moved = Signal(float)
    alarm_committed = Signal(float)
    save_to_model_requested = Signal()

    def __init__(self, parent: Optional[QWidget] = None) -> None:
        super().__init__(parent)
        self.plot = themed_plot(self.tr("anomaly score"), self.tr("photos"))
        self.all_curve = pg.PlotDataItem(
            stepMode="center", fillLevel=0, fillOutline=True, brush=QColor(76, 155, 232, 110),
            pen=pg.mkPen(COLORS.accent, width=1)
        )
        self.confirmed_curve = pg.PlotDataItem(stepMode="center", pen=pg.mkPen(COLORS.confirmed, width=2))
        self.rejected_curve = pg.PlotDataItem(stepMode="center", pen=pg.mkPen(COLORS.rejected, width=2))
        for curve in (self.all_curve, self.confirmed_curve, self.rejected_curve):
            self.plot.addItem(curve)
        review_brush, alarm_brush = QColor(COLORS.flagged), QColor(COLORS.alarm)
        review_brush.setAlpha(45)
        alarm_brush.setAlpha(55)
        self.above_region = pg.LinearRegionItem(movable=False, brush=review_brush, pen=pg.mkPen(None))  # review band
        self.alarm_region = pg.LinearRegionItem(movable=False, brush=alarm_brush, pen=pg.mkPen(None))
        for region in (self.above_region, self.alarm_region):
            region.setZValue(-10)
            self.plot.addItem(region)
        self.line = threshold_line(COLORS.threshold, self.tr("pass"), 0.92,
                                   self.tr("Pass line: drag to change it; every photo at or above it goes before a person"))
        self.plot.addItem(self.line)
        self.alarm_line = threshold_line(COLORS.alarm, self.tr("alarm"), 0.78,
                                         self.tr("Alarm line: drag to change it; photos at or above it are shown first, "
                                                 "as very likely foreign bodies"), z=11)
        self.plot.addItem(self.alarm_line)

        self.summary_label = QLabel(self.tr("No scores yet"))
        self.summary_label.setObjectName("muted")
        self.summary_label.setSizePolicy(QSizePolicy.Ignored, QSizePolicy.Preferred)  # may be cut, never widens
        legend = QLabel(
            " &nbsp; ".join(f"<span style='color:{colour}'>{mark}</span> {html.escape(word)}" for colour, mark, word in (
                (COLORS.accent, "■", self.tr("all")), (COLORS.confirmed, "■", decision_word(Decision.CONFIRMED)),
                (COLORS.rejected, "■", decision_word(Decision.REJECTED)), (COLORS.flagged, "▮", self.tr("review")),
                (COLORS.alarm, "▮", self.tr("alarm"))))
        )
        legend.setObjectName("muted")
        self.save_button = QPushButton(self.tr("Save thresholds to model"))
        self.save_button.setToolTip(self.tr("Write the pass and alarm lines into the model file so future batches use them"))
        self.save_button.setEnabled(False)
        header = QHBoxLayout()
        header.setContentsMargins(8, 4, 8, 0)
        header.addWidget(self.summary_label, 1)
        header.addWidget(legend)
        header.addSpacing(12)
        # the pass line as a number: typed, or stepped with the arrow keys (the line itself also takes them)
        self.pass_spin = QDoubleSpinBox()
        self.pass_spin.setDecimals(4)
        self.pass_spin.setRange(-1e9, 1e9)
        self.pass_spin.setKeyboardTracking(False)
        self.pass_spin.setPrefix(self.tr("pass "))
        self.pass_spin.setMaximumWidth(130)
        self.pass_spin.setToolTip(self.tr("Type the pass threshold, or step it with the arrow keys"))
        self.pass_spin.editingFinished.connect(self._on_pass_typed)
        header.addWidget(self.pass_spin)
        header.addWidget(self.save_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addLayout(header)
        layout.addWidget(self.plot, 1)

        self._x_range = (float("nan"), float("nan"))
        self.setFocusPolicy(Qt.ClickFocus)
        self.plot.setFocusProxy(self)  # a click on the plot focuses the histogram, which takes the arrow keys
        self._quiet = False
        self.line.sigPositionChanged.connect(self._on_line_moved)
        self.line.sigPositionChangeFinished.connect(self._on_line_released)
        self.alarm_line.sigPositionChanged.connect(self._on_alarm_moved)
        self.alarm_line.sigPositionChangeFinished.connect(self._on_alarm_released)
        self.save_button.clicked.connect(self.save_to_model_requested)

    @property
    def threshold(self) -> float:
        return float(self.line.value())

    @property
    def alarm_threshold(self) -> float:
        return float(self.alarm_line.value())

    def set_threshold(self, value: float) -> None:
        """Move the pass line without emitting: the caller already knows the new value."""
        self._quiet = True
        try:
            self.line.setValue(float(value))
            self.pass_spin.blockSignals(True)
            self.pass_spin.setValue(float(value))
            self.pass_spin.blockSignals(False)
        finally:
            self._quiet = False
        self._update_region()

    def _on_pass_typed(self) -> None:
        value = float(self.pass_spin.value())
        if value != self.threshold:
            self.line.setValue(value)  # moves the band (and pushes the alarm line) as a drag would
            self._on_line_released()

    def step_pass_line(self, steps: int) -> None:
        """Move the pass line by ``steps`` hundredths of the score range and commit it (arrow keys)."""
        low, high = self._x_range
        width = (high - low) if np.isfinite(low) and np.isfinite(high) and high > low else 1.0
        self.line.setValue(self.threshold + steps * width / 100.0)
        self._on_line_released()

    def set_alarm_threshold(self, value: float) -> None:
        """Move the alarm line without emitting."""
        self._quiet = True
        try:
            self.alarm_line.setValue(float(value))
        finally:
            self._quiet = False
        self._update_region()

    def set_scores(
        self,
        scores: Sequence[float],
        confirmed: Sequence[float] = (),
        rejected: Sequence[float] = (),
    ) -> None:
        values = np.asarray([s for s in scores if s is not None and np.isfinite(s)], dtype=float)
        lines = [self.threshold] + ([self.alarm_threshold] if self.alarm_line.isVisible() else [])
        edges = histogram_bins(np.concatenate([values, lines]) if values.size else values)
        counts = np.histogram(values, edges)[0] if values.size else np.zeros(1)
        step = max(1, int(np.ceil(counts.max() / 4)))  # whole photos only on the count axis
        self.plot.getAxis("left").setTickSpacing(step, step)
        if values.size == 0:
            self.all_curve.setData([], [])
            self.confirmed_curve.setData([], [])
            self.rejected_curve.setData([], [])
        else:
            self.all_curve.setData(edges, counts)
            for curve, subset in ((self.confirmed_curve, confirmed), (self.rejected_curve, rejected)):
                sub = np.asarray(list(subset), dtype=float)
                if sub.size:
                    curve.setData(edges, np.histogram(sub, edges)[0])
                else:
                    curve.setData([], [])
        x_range = (float(edges[0]), float(edges[-1]))
        if x_range != self._x_range:
            self._x_range = x_range
            self.plot.setXRange(*x_range, padding=0)
            self._quiet = True  # bounds may nudge a line; that is no move by the reviewer
            try:
                self.line.setBounds(x_range)
                self.alarm_line.setBounds(x_range)
            finally:
                self._quiet = False
        self._update_region()

    def set_summary(self, text: str) -> None:
        self.summary_label.setText(text)

    def _update_region(self) -> None:
        high = self._x_range[1] if np.isfinite(self._x_range[1]) else self.threshold
        alarm = max(self.alarm_threshold, self.threshold) if self.alarm_line.isVisible() else max(high, self.threshold)
        self.above_region.setRegion((self.threshold, alarm))
        self.alarm_region.setRegion((alarm, max(high, alarm)))

    def _on_line_moved(self) -> None:
        if not self._quiet and self.alarm_line.isVisible() and self.threshold > self.alarm_threshold:
            self.alarm_line.setValue(self.threshold)  # pushes the alarm line along (and tells about it)
        self._update_region()
        if not self._quiet:
            self.threshold_moved.emit(self.threshold)

    def _on_line_released(self) -> None:
        if not self._quiet:
            self.threshold_committed.emit(self.threshold)
            if self.alarm_line.isVisible() and self.alarm_threshold <= self.threshold:
                self.alarm_committed.emit(self.alarm_threshold)  # it was pushed along

    def _on_alarm_moved(self) -> None:
        if not self._quiet and self.alarm_line.isVisible() and self.alarm_threshold < self.threshold:
            self.line.setValue(self.alarm_threshold)
        self._update_region()
        if not self._quiet:
            self.alarm_moved.emit(self.alarm_threshold)

    def _on_alarm_released(self) -> None:
        if not self._quiet:
            self.alarm_committed.emit(self.alarm_threshold)
            if self.alarm_threshold <= self.threshold:
                self.threshold_committed.emit(self.threshold)

    def event(self, event) -> bool:
        # Left/Right are the window's "previous / next photo" shortcuts; with the histogram focused they are its own
        if event.type() == QEvent.ShortcutOverride and event.key() in (Qt.Key_Left, Qt.Key_Right):
            event.accept()
            return True
        return super().event(event)

    def keyPressEvent(self, event) -> None:
        """With the histogram focused (clicked), Left/Right step the pass line (Shift: ten steps); other keys,
        and arrows while the photo has the focus, stay with image navigation."""
        if event.key() in (Qt.Key_Left, Qt.Key_Right):
            steps = (10 if event.modifiers() & Qt.ShiftModifier else 1) * (1 if event.key() == Qt.Key_Right else -1)
            self.step_pass_line(steps)
            event.accept()
            return
        event.ignore()

