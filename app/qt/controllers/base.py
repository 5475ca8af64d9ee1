"""What every controller of the main window shares: the window and a short way to speak in its status bar."""
from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication

if TYPE_CHECKING:
    from app.qt.main_window import MainWindow


class Controller:
    def __init__(self, window: "MainWindow") -> None:
        self.w = window

    def tr(self, text: str) -> str:
        """Qt's ``tr()`` for a controller, which is no QObject: the context is the controller's class name, as
        ``pyside6-lupdate`` records it for ``self.tr("...")`` in the class."""
        return QCoreApplication.translate(type(self).__name__, text)

    def say(self, text: str, timeout_ms: int = 0) -> None:
        self.w.statusBar().showMessage(text, timeout_ms)
