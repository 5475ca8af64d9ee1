"""What the inspector remembers between sessions: reviewer's name, folders, overlay look, window layout.

Stored with QSettings under the organization "CSA Inspector" so each reviewer's workstation keeps its own
preferences without any file in the batch folder.
"""
from __future__ import annotations

from pathlib import Path
from typing import Optional

from PySide6.QtCore import QByteArray, QSettings
from PySide6.QtWidgets import QMainWindow

from app import APP_NAME, ORGANIZATION
from core import DEFAULT_COLORMAP


class InspectorSettings:
    """Typed access to the few values the inspector keeps; every getter has a safe default."""

    def __init__(self, store: Optional[QSettings] = None) -> None:
        self._store = store if store is not None else QSettings(ORGANIZATION, APP_NAME)

    # -- reviewer ---------------------------------------------------------------------------------
    @property
    def reviewer(self) -> str:
        return str(self._store.value("reviewer/name", "") or "")

    @reviewer.setter
    def reviewer(self, name: str) -> None:
        self._store.setValue("reviewer/name", name.strip())

    # -- folders and files ------------------------------------------------------------------------
    def _path(self, key: str) -> Optional[Path]:
        value = self._store.value(key, "")
        return Path(str(value)) if value else None

    def _set_path(self, key: str, path: Optional[Path | str]) -> None:
        self._store.setValue(key, str(path) if path else "")

    @property
    def last_batch_dir(self) -> Optional[Path]:
        return self._path("paths/last_batch_dir")

    @last_batch_dir.setter
    def last_batch_dir(self, path: Optional[Path | str]) -> None:
        self._set_path("paths/last_batch_dir", path)

    @property
    def last_model(self) -> Optional[Path]:
        return self._path("paths/last_model")

    @last_model.setter
    def last_model(self, path: Optional[Path | str]) -> None:
        self._set_path("paths/last_model", path)

    @property
    def last_train_dir(self) -> Optional[Path]:
        return self._path("paths/last_train_dir")

    @last_train_dir.setter
    def last_train_dir(self, path: Optional[Path | str]) -> None:
        self._set_path("paths/last_train_dir", path)

    @property
    def last_export_dir(self) -> Optional[Path]:
        return self._path("paths/last_export_dir")

    @last_export_dir.setter
    def last_export_dir(self, path: Optional[Path | str]) -> None:
        self._set_path("paths/last_export_dir", path)

    # -- engine -----------------------------------------------------------------------------------
    @property
    def runtime(self) -> str:
        """What runs the backbone on the CPU; the engine's default (``RuntimeConfig``) until the reviewer picks."""
        from core import RUNTIMES, RuntimeConfig

        value = str(self._store.value("engine/runtime", "") or "")
        return value if value in RUNTIMES else RuntimeConfig().runtime

    @runtime.setter
    def runtime(self, name: str) -> None:
        self._store.setValue("engine/runtime", name)

    # -- overlay look -----------------------------------------------------------------------------
    @property
    def overlay_opacity(self) -> float:
        try:
            return min(1.0, max(0.0, float(self._store.value("overlay/opacity", 0.5))))
        except (TypeError, ValueError):
            return 0.5

    @overlay_opacity.setter
    def overlay_opacity(self, value: float) -> None:
        self._store.setValue("overlay/opacity", float(value))

    @property
    def colormap(self) -> str:
        return str(self._store.value("overlay/colormap", DEFAULT_COLORMAP) or DEFAULT_COLORMAP)

    @colormap.setter
    def colormap(self, name: str) -> None:
        self._store.setValue("overlay/colormap", name)

    def flag(self, key: str, default: bool) -> bool:
        value = self._store.value(key, default)
        if isinstance(value, str):  # INI and native stores give strings back
            return value.lower() in ("1", "true", "yes")
        return bool(value)

    def set_flag(self, key: str, value: bool) -> None:
        self._store.setValue(key, bool(value))

    # -- language ---------------------------------------------------------------------------------
    @property
    def language(self) -> str:
        """The language the reviewer chose (``en``, ``zh_CN``); empty means "the system's"."""
        return str(self._store.value("view/language", "") or "")

    @language.setter
    def language(self, name: str) -> None:
        self._store.setValue("view/language", name or "")

    # -- report ------------------------------------------------------------------------------------
    def text(self, key: str) -> str:
        """A remembered line of text (the site and the signer of the last report), empty by default."""
        return str(self._store.value(f"text/{key}", "") or "")

    def set_text(self, key: str, value: str) -> None:
        self._store.setValue(f"text/{key}", value.strip())

    # -- window -----------------------------------------------------------------------------------
    def save_window(self, window: QMainWindow) -> None:
        self._store.setValue("window/geometry", window.saveGeometry())
        self._store.setValue("window/state", window.saveState())

    def restore_window(self, window: QMainWindow) -> bool:
        """Return False when nothing was stored, so the caller can choose a first-run size."""
        geometry = self._store.value("window/geometry")
        state = self._store.value("window/state")
        restored = False
        if isinstance(geometry, QByteArray) and not geometry.isEmpty():
            restored = window.restoreGeometry(geometry)
        if isinstance(state, QByteArray) and not state.isEmpty():
            window.restoreState(state)
        return restored

    def sync(self) -> None:
        self._store.sync()
