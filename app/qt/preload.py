"""Photos, heatmaps and outlines prepared ahead of time so the next photo appears at once.

While the reviewer looks at one photo, its neighbours in the list are decoded and their heatmaps and
outlines computed in a small thread pool; switching then only hands ready arrays to the view.
"""
from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass
from typing import Optional

import cv2
import numpy as np
from PySide6.QtCore import QCoreApplication, QObject, QRunnable, Qt, QThreadPool, Signal

from app.qt.widgets.image_view import InspectionImage, colour_overlay
from core import HeatmapFileError, load_heatmap
from core import ImageReadError, load_image
from core import DEFAULT_COLORMAP, color_range, hottest_box, region_contours
from core import ImageRecord

#: Longest side shown; larger photos are reduced for display (the view still measures in photo pixels).
MAX_DISPLAY_SIDE = 4096


@dataclass(frozen=True)
class OverlayScale:
    """The batch's heatmap scale: what counts as normal and from where on a region is outlined."""

    pixel_threshold: Optional[float]
    heatmap_low: Optional[float]
    colormap: str = DEFAULT_COLORMAP


def cache_key(record: ImageRecord, scale: OverlayScale) -> tuple:
    return (record.rel_path, str(record.heatmap_path), record.scored_at, scale)


def prepare_inspection(record: ImageRecord, scale: OverlayScale) -> InspectionImage:
    """Decode the photo and its heatmap; any failure becomes a message in place of the photo."""
    if record.error:
        return InspectionImage(path=str(record.path), image=None, error=QCoreApplication.translate("Preload",
            "Unreadable: {error}").format(error=record.error))
    try:
        image = load_image(record.path)
    except ImageReadError as exc:
        return InspectionImage(path=str(record.path), image=None, error=QCoreApplication.translate("Preload",
            "Cannot show {name}: {error}").format(
            name=record.path.name, error=exc))
    height, width = image.shape[:2]
    full = image
    if max(height, width) > MAX_DISPLAY_SIDE:
        factor = MAX_DISPLAY_SIDE / max(height, width)
        image = cv2.resize(image, (round(width * factor), round(height * factor)), interpolation=cv2.INTER_AREA)
    item = InspectionImage(path=str(record.path), image=np.ascontiguousarray(image), display_size=(width, height))
    if record.heatmap_path is None:
        return item
    try:
        heatmap = load_heatmap(record.heatmap_path)
    except HeatmapFileError as exc:
        item.error = str(exc)
        return item
    item.heatmap = smooth_for_display(heatmap, image.shape[1], image.shape[0])
    # the close-up of the review panel, cut while the photo is still here at full resolution
    item.hot_box = hottest_box(heatmap, width, height)
    x0, y0, x1, y1 = item.hot_box
    item.hot_crop = np.ascontiguousarray(full[y0:y1, x0:x1])
    if scale.pixel_threshold is not None and np.isfinite(scale.pixel_threshold):
        item.heatmap_levels = color_range(scale.pixel_threshold, scale.heatmap_low, heatmap)
        contours = region_contours(heatmap, scale.pixel_threshold)
        sx, sy = width / heatmap.shape[1], height / heatmap.shape[0]
        item.contours = [(c.astype(np.float32) + 0.5) * np.array([sx, sy], dtype=np.float32) for c in contours]
    else:
        finite = heatmap[np.isfinite(heatmap)]
        low, high = (float(finite.min()), float(finite.max())) if finite.size else (0.0, 1.0)
        item.heatmap_levels = (low, high if high > low else low + 1.0)
    item.overlay = colour_overlay(item.heatmap, item.heatmap_levels, scale.colormap)
    item.overlay_colormap = scale.colormap
    return item


def smooth_for_display(heatmap: np.ndarray, width: int, height: int, longest: int = 512) -> np.ndarray:
    """Stored heatmaps can be coarser than the photo; interpolate so the view does not show blocks."""
    target = min(longest, max(width, height))
    if max(heatmap.shape) >= target:
        return heatmap
    factor = target / max(heatmap.shape)
    size = (max(1, round(heatmap.shape[1] * factor)), max(1, round(heatmap.shape[0] * factor)))
    return cv2.resize(heatmap, size, interpolation=cv2.INTER_LINEAR)


class _Signals(QObject):
    done = Signal(object, object)  # key, InspectionImage


class _PrepareTask(QRunnable):
    def __init__(self, key: tuple, record: ImageRecord, scale: OverlayScale, signals: _Signals) -> None:
        super().__init__()
        self.key, self.record, self.scale, self.signals = key, record, scale, signals
        self.setAutoDelete(True)

    def run(self) -> None:
        try:
            item = prepare_inspection(self.record, self.scale)
        except Exception as exc:  # a broken file must not take the pool thread down
            item = InspectionImage(path=str(self.record.path), image=None, error=QCoreApplication.translate(
                "Preload", "Cannot show this photo: {error}").format(error=exc))
        self.signals.done.emit(self.key, item)


class ImagePreloader(QObject):
    """Small LRU of prepared photos; ``ready(rel_path)`` when a requested one is done."""

    ready = Signal(str)

    def __init__(self, parent: Optional[QObject] = None, capacity: int = 12, threads: Optional[int] = None) -> None:
        super().__init__(parent)
        self.capacity = capacity
        self._cache: OrderedDict[tuple, InspectionImage] = OrderedDict()
        self._pending: set[tuple] = set()
        self._priority = 0
        self.pool = QThreadPool(self)
        self.pool.setMaxThreadCount(threads or max(1, min(2, QThreadPool.globalInstance().maxThreadCount() - 1)))
        self._signals = _Signals()
        self._signals.done.connect(self._on_done, Qt.QueuedConnection)
        self.scale = OverlayScale(None, None, DEFAULT_COLORMAP)

    def set_scale(self, scale: OverlayScale) -> None:
        if scale != self.scale:
            self.scale = scale
            self._cache.clear()

    def get(self, record: ImageRecord) -> Optional[InspectionImage]:
        key = cache_key(record, self.scale)
        item = self._cache.get(key)
        if item is not None:
            self._cache.move_to_end(key)
        return item

    def request(self, record: ImageRecord, urgent: bool = False) -> None:
        key = cache_key(record, self.scale)
        if key in self._cache or key in self._pending:
            return
        self._pending.add(key)
        self._priority += 1
        priority = self._priority + (1_000_000 if urgent else 0)
        self.pool.start(_PrepareTask(key, record, self.scale, self._signals), priority)

    def prepare_now(self, record: ImageRecord) -> InspectionImage:
        """Synchronous path for callers that must have the photo immediately (e.g. a screenshot)."""
        item = self.get(record)
        if item is None:
            item = prepare_inspection(record, self.scale)
            self._store(cache_key(record, self.scale), item)
        return item

    def clear(self) -> None:
        self.pool.clear()
        self._cache.clear()
        self._pending.clear()

    def wait(self, msecs: int = 5000) -> bool:
        return self.pool.waitForDone(msecs)

    def _store(self, key: tuple, item: InspectionImage) -> None:
        self._cache[key] = item
        self._cache.move_to_end(key)
        while len(self._cache) > self.capacity:
            self._cache.popitem(last=False)

    def _on_done(self, key: tuple, item: InspectionImage) -> None:
        if key not in self._pending:
            return  # cleared meanwhile
        self._pending.discard(key)
        self._store(key, item)
        self.ready.emit(key[0])
