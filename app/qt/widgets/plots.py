"""pyqtgraph plots in the inspector's look: one place decides axes, grid and the draggable threshold lines."""
from __future__ import annotations

import pyqtgraph as pg
from PySide6.QtGui import QColor

from app.qt.theme import COLORS


def themed_plot(x_label: str, y_label: str) -> pg.PlotWidget:
    """A still plot (no mouse zoom or context menu: the lines are what a reviewer drags) with plain-number axes."""
    plot = pg.PlotWidget(background=COLORS.base)
    plot.setMenuEnabled(False)
    plot.setMouseEnabled(x=False, y=False)
    plot.hideButtons()
    plot.showGrid(x=False, y=True, alpha=0.15)
    plot.setLabel("bottom", x_label)
    plot.setLabel("left", y_label)
    for axis in ("left", "bottom"):
        plot.getAxis(axis).setTextPen(COLORS.muted)
        plot.getAxis(axis).setPen(COLORS.border)
        plot.getAxis(axis).enableAutoSIPrefix(False)  # scores are plain numbers, not "x0.001"
    return plot


def threshold_line(colour: str, label: str, label_position: float, tooltip: str, z: float = 10) -> pg.InfiniteLine:
    """A vertical line the reviewer drags, labelled at ``label_position`` (0 = bottom, 1 = top of the plot)."""
    line = pg.InfiniteLine(
        angle=90,
        movable=True,
        pen=pg.mkPen(colour, width=2),
        hoverPen=pg.mkPen("#ffffff", width=3),
        label=label,
        labelOpts={"position": label_position, "color": colour, "fill": QColor(32, 35, 39, 200)},
    )
    line.setZValue(z)
    line.setToolTip(tooltip)
    return line
