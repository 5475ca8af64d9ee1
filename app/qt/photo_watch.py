"""Notices when the photo on screen disappears from the folder while the reviewer looks at it.

The inspector shows a photo from memory; without a watch, a photo deleted or moved away by a colleague keeps
showing as if nothing happened, and the reviewer decides on a file that no longer exists. Only the shown
file is watched (one watch, moved along as the reviewer moves), which costs nothing on large batches.
"""
from __future__ import annotations

from pathlib import Path
from typing import Optional

from PySide6.QtCore import QFileSystemWatcher, QObject, Signal


class ShownPhotoWatcher(QObject):
    """``vanished(path)`` when the watched photo is no longer a file (deleted, moved, renamed away)."""

    vanished = Signal(str)

    def __init__(self, parent: Optional[QObject] = None) -> None:
        super().__init__(parent)
        self._watcher = QFileSystemWatcher(self)
        self._watcher.fileChanged.connect(self._on_changed)
        self._path: Optional[str] = None

    @property
    def path(self) -> Optional[str]:
        return self._path

    def watch(self, path: Optional[Path | str]) -> None:
        new = str(path) if path is not None else None
        if new == self._path:
            return
        if self._watcher.files():
            self._watcher.removePaths(self._watcher.files())
        self._path = new
        if new is not None and Path(new).is_file():
            self._watcher.addPath(new)

    def _on_changed(self, path: str) -> None:
        if path == self._path and not Path(path).is_file():
            self.vanished.emit(path)
