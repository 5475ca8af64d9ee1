"""Thumbnails made on demand in a thread pool and cached in memory and on disk.

Only the thumbnails a list view actually asks for are made, newest request first, so the visible part of
a 2,000-photo batch appears at once while the rest never costs anything. A disk cache outside the batch
folder (batch folders may be read-only shares) makes reopening a batch instant.
"""
from __future__ import annotations

import hashlib
import os
import time
from collections import OrderedDict
from pathlib import Path
from typing import Optional

import numpy as np
from PIL import Image, ImageOps
from PySide6.QtCore import QObject, QRunnable, QSize, Qt, QThreadPool, Signal
from PySide6.QtGui import QImage, QPixmap

THUMBNAIL_SIZE = 160  # longest side in pixels; large enough for high-DPI icon grids


def default_cache_folder() -> Path:
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("csa-inspector")) / "thumbnails"


def cache_key(path: Path, size: int) -> Optional[str]:
    """Changes whenever the photo changes (mtime, size) so a replaced photo never shows an old thumbnail."""
    try:
        stat = path.stat()
    except OSError:
        return None
    text = f"{path.resolve()}|{stat.st_mtime_ns}|{stat.st_size}|{size}"
    return hashlib.sha1(text.encode("utf-8", "surrogatepass")).hexdigest()


def make_thumbnail(path: Path, size: int = THUMBNAIL_SIZE) -> Image.Image:
    """Decode at reduced resolution where the format allows it (JPEG draft mode) and fit into ``size``."""
    with Image.open(path) as image:
        image.draft("RGB", (size, size))
        image = ImageOps.exif_transpose(image)
        if image.mode in ("I;16", "I;16B", "I;16L", "I"):
            array = np.asarray(image, dtype=np.float32)
            high = float(array.max()) or 1.0
            image = Image.fromarray((array / high * 255.0).astype(np.uint8))
        image = image.convert("RGB")
        image.thumbnail((size, size), Image.Resampling.BILINEAR)
        return image


def to_qimage(image: Image.Image) -> QImage:
    """Copy into a QImage that owns its pixels (safe to hand from a worker thread to the UI thread)."""
    rgb = image.convert("RGB")
    data = rgb.tobytes()
    qimage = QImage(data, rgb.width, rgb.height, rgb.width * 3, QImage.Format_RGB888)
    return qimage.copy()


class _ThumbnailSignals(QObject):
    done = Signal(str, QImage, str)  # path, image (null on failure), error


class ThumbnailTask(QRunnable):
    def __init__(self, path: str, size: int, cache_folder: Optional[Path], signals: _ThumbnailSignals) -> None:
        super().__init__()
        self.path = path
        self.size = size
        self.cache_folder = cache_folder
        self.signals = signals
        self.setAutoDelete(True)

    def run(self) -> None:
        path = Path(self.path)
        key = cache_key(path, self.size)
        cached = self.cache_folder / f"{key}.jpg" if (key and self.cache_folder) else None
        try:
            if cached is not None and cached.is_file():
                image = QImage(str(cached))
                if not image.isNull():
                    self.signals.done.emit(self.path, image, "")
                    return
            thumbnail = make_thumbnail(path, self.size)
            if cached is not None:
                self._store(thumbnail, cached)
            self.signals.done.emit(self.path, to_qimage(thumbnail), "")
        except Exception as exc:  # any unreadable file just gets no thumbnail
            self.signals.done.emit(self.path, QImage(), f"{type(exc).__name__}: {exc}")

    @staticmethod
    def _store(thumbnail: Image.Image, target: Path) -> None:
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            partial = target.with_suffix(f".{os.getpid()}.part")
            thumbnail.save(partial, "JPEG", quality=85)
            os.replace(partial, target)
        except OSError:
            pass  # a cache that cannot be written only costs speed


class ThumbnailCache(QObject):
    """``pixmap(path)`` answers from memory or schedules the work and emits ``ready(path)`` later."""

    ready = Signal(str)

    def __init__(
        self,
        parent: Optional[QObject] = None,
        size: int = THUMBNAIL_SIZE,
        cache_folder: Optional[Path] = None,
        memory_items: int = 1500,
        threads: Optional[int] = None,
    ) -> None:
        super().__init__(parent)
        self.size = size
        self.cache_folder = cache_folder if cache_folder is not None else default_cache_folder()
        self.memory_items = memory_items
        self._pixmaps: OrderedDict[str, QPixmap] = OrderedDict()
        self._failed: dict[str, str] = {}
        self._pending: set[str] = set()
        self._priority = 0
        self._pass_started = 0.0
        self.pool = QThreadPool(self)
        # leave a core to the UI thread and the scoring engine: decoding threads compete with both for the GIL
        self.pool.setMaxThreadCount(threads or max(1, min(4, QThreadPool.globalInstance().maxThreadCount() - 1)))
        self._signals = _ThumbnailSignals()
        self._signals.done.connect(self._on_done, Qt.QueuedConnection)

    def pixmap(self, path: str) -> Optional[QPixmap]:
        pixmap = self._pixmaps.get(path)
        if pixmap is not None:
            self._pixmaps.move_to_end(path)
            return pixmap
        if path not in self._pending and path not in self._failed:
            self._pending.add(path)
            self.pool.start(ThumbnailTask(path, self.size, self.cache_folder, self._signals), self._request_priority())
        return None

    def _request_priority(self) -> int:
        """Newer paint passes first (what the reviewer scrolled to), in order within one pass (top row first).

        Requests of one repaint arrive within a few milliseconds and share a priority, which QThreadPool
        serves first-in first-out; a later repaint gets a higher priority and overtakes older leftovers.
        """
        now = time.monotonic()
        if now - self._pass_started > 0.05:
            self._pass_started = now
            self._priority += 1
        return self._priority

    def error(self, path: str) -> Optional[str]:
        return self._failed.get(path)

    def forget(self, path: str) -> None:
        self._pixmaps.pop(path, None)
        self._failed.pop(path, None)

    def clear(self) -> None:
        self.pool.clear()
        self._pixmaps.clear()
        self._failed.clear()
        self._pending.clear()

    def prune(self, max_age_days: float = 60.0) -> int:
        """Delete cached thumbnails nobody wrote for ``max_age_days`` (old batches); returns how many."""
        folder = self.cache_folder
        if folder is None or not folder.is_dir():
            return 0
        cutoff = time.time() - max_age_days * 86400.0
        removed = 0
        with os.scandir(folder) as entries:
            for entry in entries:
                try:
                    if entry.name.endswith(".jpg") and entry.stat().st_mtime < cutoff:
                        os.unlink(entry.path)
                        removed += 1
                except OSError:
                    continue
        return removed

    def wait(self, msecs: int = 5000) -> bool:
        return self.pool.waitForDone(msecs)

    def _on_done(self, path: str, image: QImage, error: str) -> None:
        if path not in self._pending:
            return  # cleared meanwhile (another batch was opened)
        self._pending.discard(path)
        if image.isNull():
            self._failed[path] = error or "unreadable"
        else:
            self._pixmaps[path] = QPixmap.fromImage(image)
            while len(self._pixmaps) > self.memory_items:
                self._pixmaps.popitem(last=False)
        self.ready.emit(path)

    @property
    def icon_size(self) -> QSize:
        return QSize(self.size, self.size)
