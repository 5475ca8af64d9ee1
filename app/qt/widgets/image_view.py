"""Zoomable photo with the anomaly heatmap laid over it.

The heatmap is drawn by its own pyqtgraph ImageItem through a lookup table whose alpha rises with the
anomaly value, so normal regions keep the photo untouched while opacity and colormap can change without
re-rendering anything. Region outlines come from the engine (the same ones the report draws).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from typing import Optional, Sequence

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QColor, QPainterPath, QPen
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QGraphicsPathItem,
    QLabel,
    QSizePolicy,
    QSlider,
    QToolBar,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from app.qt.theme import COLORS

from core import COLORMAPS as _ENGINE_COLORMAPS
from core import OUTLINE_COLOR, colorize, hottest_box

#: Same colour maps, in the same colours, as the pictures in reports.
COLORMAPS: tuple[str, ...] = tuple(_ENGINE_COLORMAPS)

pg.setConfigOptions(imageAxisOrder="row-major", antialias=True)


@dataclass
class InspectionImage:
    """Everything needed to paint one photo: prepared off the UI thread so switching is instant."""

    path: str
    image: Optional[np.ndarray]  # H x W (x 3) uint8
    heatmap: Optional[np.ndarray] = None  # float32, any resolution; stretched over the photo
    heatmap_levels: tuple[float, float] = (0.0, 1.0)
    overlay: Optional[np.ndarray] = None  # the heatmap coloured as RGBA uint8, ready to draw
    overlay_colormap: str = ""
    contours: Sequence[np.ndarray] = field(default_factory=list)  # each N x 2 (x, y) in photo pixels
    error: Optional[str] = None
    display_size: Optional[tuple[int, int]] = None  # (width, height) of the photo when ``image`` was reduced
    hot_box: Optional[tuple[int, int, int, int]] = None  # square around the hottest spot, in photo pixels
    hot_crop: Optional[np.ndarray] = None  # that square cut from the photo at full resolution

    @property
    def size(self) -> tuple[int, int]:
        """(width, height) of the photo in its own pixels: the view's coordinate system."""
        if self.display_size is not None:
            return self.display_size
        if self.image is None:
            return (0, 0)
        return (int(self.image.shape[1]), int(self.image.shape[0]))


@lru_cache(maxsize=16)
def lookup_table(name: str, n: int = 256) -> np.ndarray:
    """RGBA table in the report's colours whose alpha rises between a quarter and 60 % of the scale.

    The outline threshold sits at two thirds of the scale (:func:`core.scoring.overlay.color_range`): normal areas
    leave the photo untouched, and what approaches or crosses the threshold is painted fully.
    """
    ramp = np.linspace(0.0, 1.0, n, dtype=np.float32)
    rgb = colorize(ramp[None, :], 0.0, 1.0, name)[0]
    alpha = (np.clip((ramp - 0.25) / 0.35, 0.0, 1.0) * 255).astype(np.uint8)
    return np.ascontiguousarray(np.column_stack([rgb, alpha]))


def colour_overlay(heatmap: np.ndarray, levels: tuple[float, float], colormap: str) -> np.ndarray:
    """Heatmap to RGBA uint8 through :func:`lookup_table`; done ahead of time so drawing is a plain copy."""
    low, high = float(levels[0]), float(levels[1])
    span = high - low if high > low else 1e-6
    scaled = np.nan_to_num((np.asarray(heatmap, dtype=np.float32) - low) * (255.0 / span), nan=0.0, posinf=255.0, neginf=0.0)
    index = np.clip(scaled, 0, 255).astype(np.uint8)
    return lookup_table(colormap)[index]


def contour_path(contours: Sequence[np.ndarray]) -> QPainterPath:
    path = QPainterPath()
    for contour in contours:
        points = np.asarray(contour, dtype=float).reshape(-1, 2)
        if len(points) < 2:
            continue
        path.moveTo(QPointF(points[0, 0], points[0, 1]))
        for x, y in points[1:]:
            path.lineTo(QPointF(x, y))
        path.closeSubpath()
    return path


class ImageCanvas(pg.GraphicsView):
    """The view itself: wheel zooms, dragging pans, aspect ratio locked, y axis pointing down."""

    def __init__(self, parent: Optional[QWidget] = None) -> None:
        super().__init__(parent, background=COLORS.base)
        self.view_box = pg.ViewBox(lockAspect=True, invertY=True, enableMenu=False)
        self.view_box.setBackgroundColor(None)
        self.setCentralItem(self.view_box)
        self.image_item = pg.ImageItem(axisOrder="row-major")
        self.heatmap_item = pg.ImageItem(axisOrder="row-major")
        self.heatmap_item.setZValue(1)
        self.outline_item = QGraphicsPathItem()
        pen = QPen(QColor(*OUTLINE_COLOR))
        pen.setCosmetic(True)
        pen.setWidthF(2.0)
        self.outline_item.setPen(pen)
        self.outline_item.setZValue(2)
        for item in (self.image_item, self.heatmap_item, self.outline_item):
            self.view_box.addItem(item)
        self.placeholder = pg.TextItem("", color=COLORS.muted, anchor=(0.5, 0.5))
        self.view_box.addItem(self.placeholder, ignoreBounds=True)
        self._size = (0, 0)

    def image_size(self) -> tuple[int, int]:
        return self._size

    def fit(self) -> None:
        if self._size[0] and self._size[1]:
            self.view_box.setRange(QRectF(0, 0, *self._size), padding=0.02)

    def actual_size(self) -> None:
        """One photo pixel per screen pixel, centred where the view currently looks."""
        if not (self._size[0] and self._size[1]):
            return
        view = self.view_box.viewRect()
        center = view.center()
        width, height = self.view_box.width(), self.view_box.height()
        self.view_box.setRange(
            xRange=(center.x() - width / 2, center.x() + width / 2),
            yRange=(center.y() - height / 2, center.y() + height / 2),
            padding=0,
        )

    def zoom_factor(self) -> float:
        """Screen pixels per photo pixel (1.0 at 1:1)."""
        view = self.view_box.viewRect()
        return self.view_box.width() / view.width() if view.width() else 1.0


class OverlayControls(QToolBar):
    """Overlay switches above the photo; the same toggles also live in the View menu.

    A tool bar rather than a row of widgets: on a narrow screen what does not fit folds into its »
    menu instead of forcing the whole window wider.
    """

    overlay_toggled = Signal(bool)
    outline_toggled = Signal(bool)
    opacity_changed = Signal(float)
    colormap_changed = Signal(str)
    fit_requested = Signal()
    actual_size_requested = Signal()

    def __init__(self, parent: Optional[QWidget] = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Overlay"))
        self.setMovable(False)
        self.setFloatable(False)
        self.overlay_box = QCheckBox(self.tr("Heatmap"))
        self.overlay_box.setChecked(True)
        self.overlay_box.setToolTip(self.tr("Show the anomaly heatmap over the photo (O)"))
        self.outline_box = QCheckBox(self.tr("Outline"))
        self.outline_box.setChecked(True)
        self.outline_box.setToolTip(self.tr("Outline regions above the model's pixel threshold"))
        self.opacity_slider = QSlider(Qt.Horizontal)
        self.opacity_slider.setRange(0, 100)
        self.opacity_slider.setValue(50)
        self.opacity_slider.setMinimumWidth(70)
        self.opacity_slider.setMaximumWidth(140)
        self.opacity_slider.setToolTip(self.tr("Heatmap opacity"))
        self.colormap_combo = QComboBox()
        self.colormap_combo.addItems(COLORMAPS)
        self.colormap_combo.setToolTip(self.tr("Heatmap colours"))
        self.fit_button = QToolButton()
        self.fit_button.setText(self.tr("Fit"))
        self.fit_button.setToolTip(self.tr("Fit the photo to the window (F)"))
        self.actual_button = QToolButton()
        self.actual_button.setText("1:1")
        self.actual_button.setToolTip(self.tr("One photo pixel per screen pixel (1)"))
        self.zoom_label = QLabel("")
        self.zoom_label.setObjectName("muted")
        self.zoom_label.setMinimumWidth(48)
        opacity_label = QLabel(self.tr("Opacity"))
        opacity_label.setObjectName("muted")
        spacer = QWidget()
        spacer.setSizePolicy(QSizePolicy.Expanding, QSizePolicy.Preferred)
        for widget in (self.overlay_box, self.outline_box, opacity_label, self.opacity_slider, self.colormap_combo,
                       spacer, self.zoom_label, self.fit_button, self.actual_button):
            self.addWidget(widget)

        self.overlay_box.toggled.connect(self.overlay_toggled)
        self.outline_box.toggled.connect(self.outline_toggled)
        self.opacity_slider.valueChanged.connect(lambda v: self.opacity_changed.emit(v / 100.0))
        self.colormap_combo.currentTextChanged.connect(self.colormap_changed)
        self.fit_button.clicked.connect(self.fit_requested)
        self.actual_button.clicked.connect(self.actual_size_requested)


class ImageInspector(QWidget):
    """Photo, heatmap and outline with their controls; knows nothing about batches or logs."""

    def __init__(self, parent: Optional[QWidget] = None) -> None:
        super().__init__(parent)
        self.controls = OverlayControls()
        self.canvas = ImageCanvas()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.controls)
        layout.addWidget(self.canvas, 1)
        self.current: Optional[InspectionImage] = None
        self._overlay_visible = True
        self._outline_visible = True
        self._opacity = 0.5
        self._colormap = COLORMAPS[0]
        self.controls.overlay_toggled.connect(self.set_overlay_visible)
        self.controls.outline_toggled.connect(self.set_outline_visible)
        self.controls.opacity_changed.connect(self.set_opacity)
        self.controls.colormap_changed.connect(self.set_colormap)
        self.colormap_changed = self.controls.colormap_changed
        self.controls.fit_requested.connect(self.canvas.fit)
        self.controls.actual_size_requested.connect(self.canvas.actual_size)
        self.canvas.view_box.sigRangeChanged.connect(self._update_zoom_label)
        self.show_message(self.tr("Open a batch folder to start (Ctrl+O)"))

    # -- content ----------------------------------------------------------------------------------
    def show_message(self, text: str) -> None:
        self.current = None
        self.canvas.image_item.clear()
        self.canvas.heatmap_item.clear()
        self.canvas.outline_item.setPath(QPainterPath())
        self.canvas._size = (0, 0)
        self.canvas.placeholder.setText(text)
        self.canvas.placeholder.setPos(0, 0)
        self.canvas.placeholder.setVisible(True)
        self.canvas.view_box.setRange(QRectF(-1, -1, 2, 2), padding=0)

    def show_image(self, item: InspectionImage) -> None:
        if item.image is None:
            self.show_message(item.error or self.tr("This photo cannot be shown"))
            return
        keep_view = self.canvas.image_size() == item.size and self.current is not None
        self.current = item
        self.canvas.placeholder.setVisible(False)
        self.canvas._size = item.size
        self.canvas.image_item.setImage(item.image, autoLevels=False)
        width, height = item.size
        self.canvas.image_item.setRect(QRectF(0, 0, width, height))
        if item.heatmap is not None:
            if item.overlay is None or item.overlay_colormap != self._colormap:
                item.overlay = colour_overlay(item.heatmap, item.heatmap_levels, self._colormap)
                item.overlay_colormap = self._colormap
            self.canvas.heatmap_item.setImage(item.overlay, autoLevels=False, levels=None)
            self.canvas.heatmap_item.setRect(QRectF(0, 0, width, height))
        else:
            self.canvas.heatmap_item.clear()
        self.canvas.outline_item.setPath(contour_path(item.contours))
        self._apply_visibility()
        if not keep_view:
            self.canvas.fit()

    # -- look -------------------------------------------------------------------------------------
    @property
    def overlay_visible(self) -> bool:
        return self._overlay_visible

    def set_overlay_visible(self, visible: bool) -> None:
        self._overlay_visible = bool(visible)
        if self.controls.overlay_box.isChecked() != self._overlay_visible:
            self.controls.overlay_box.setChecked(self._overlay_visible)
        self._apply_visibility()

    def toggle_overlay(self) -> None:
        self.set_overlay_visible(not self._overlay_visible)

    def set_outline_visible(self, visible: bool) -> None:
        self._outline_visible = bool(visible)
        if self.controls.outline_box.isChecked() != self._outline_visible:
            self.controls.outline_box.setChecked(self._outline_visible)
        self._apply_visibility()

    def set_opacity(self, opacity: float) -> None:
        self._opacity = float(min(1.0, max(0.0, opacity)))
        slider_value = round(self._opacity * 100)
        if self.controls.opacity_slider.value() != slider_value:
            self.controls.opacity_slider.setValue(slider_value)
        self.canvas.heatmap_item.setOpacity(self._opacity)

    def set_colormap(self, name: str) -> None:
        if name not in COLORMAPS:
            name = COLORMAPS[0]
        changed = name != self._colormap
        self._colormap = name
        if self.controls.colormap_combo.currentText() != name:
            self.controls.colormap_combo.setCurrentText(name)
        if changed and self.current is not None:
            self.show_image(self.current)

    @property
    def opacity(self) -> float:
        return self._opacity

    @property
    def colormap(self) -> str:
        return self._colormap

    @property
    def outline_visible(self) -> bool:
        return self._outline_visible

    def go_to_hottest_spot(self) -> bool:
        """Centre and zoom on the square around the heatmap's hottest spot; False when there is no heatmap."""
        item = self.current
        if item is None or item.heatmap is None:
            return False
        box = item.hot_box or hottest_box(item.heatmap, *item.size)
        x0, y0, x1, y1 = box
        self.canvas.view_box.setRange(QRectF(x0, y0, x1 - x0, y1 - y0), padding=0)
        return True

    def _apply_visibility(self) -> None:
        self.canvas.heatmap_item.setVisible(self._overlay_visible)
        self.canvas.heatmap_item.setOpacity(self._opacity)
        # independent of the heatmap: the true colours can be seen with the region still marked
        self.canvas.outline_item.setVisible(self._outline_visible)

    def _update_zoom_label(self) -> None:
        if self.current is None:
            self.controls.zoom_label.setText("")
            return
        self.controls.zoom_label.setText(f"{self.canvas.zoom_factor() * 100:.0f}%")
