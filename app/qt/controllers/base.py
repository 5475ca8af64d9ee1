"""What every controller of the main window shares: the window and a short way to speak in its status bar."""
from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from app.qt.main_window import MainWindow


class Controller:
    def __init__(self, window: "MainWindow") -> None:
        self.w = window

    def say(self, text: str, timeout_ms: int = 0) -> None:
        self.w.statusBar().showMessage(text, timeout_ms)
