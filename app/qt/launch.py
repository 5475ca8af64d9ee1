"""Entry point of the desktop inspector (``csa-inspector`` / ``csa-inspector gui``).

The window is shown before anything slow happens; the engine, the model and the batch load after the
event loop has started, so the reviewer sees the tool within about a second.
"""
from __future__ import annotations

import sys
from pathlib import Path
from typing import Optional

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication

from app import APP_NAME, ORGANIZATION
from core import is_model_file, list_library_models
from app.qt.icon import app_icon
from core import __version__

SCREENSHOT_POLL_MS = 200


def resolve_model(model: Optional[str | Path], library_folder: Optional[Path] = None) -> Optional[Path]:
    """A model file path, or the name of a model in the library; None when neither matches."""
    if model is None or str(model) == "":
        return None
    path = Path(model).expanduser()
    if path.is_file():
        return path
    wanted = str(model).strip().lower()
    for entry in list_library_models(library_folder):
        if entry.name.lower() == wanted or entry.path.stem.lower() == wanted:
            return entry.path
    return None


class ScreenshotTaker(QObject):
    """Saves ``window.grab()`` once the batch is scored and the first photo with its overlay is shown."""

    def __init__(self, window, target: Path, timeout_s: float = 600.0, settle_ms: int = 400) -> None:
        super().__init__(window)
        self.window = window
        self.target = Path(target)
        self.timeout_ms = int(timeout_s * 1000)
        self.settle_ms = settle_ms
        self.waited_ms = 0
        self.settled_ms = 0
        self.result: Optional[int] = None
        self.timer = QTimer(self)
        self.timer.setInterval(SCREENSHOT_POLL_MS)
        self.timer.timeout.connect(self._poll)

    def start(self) -> None:
        self.timer.start()

    def _thumbnails_idle(self) -> bool:
        return self.window.thumbnails.pool.activeThreadCount() == 0 and not self.window.thumbnails._pending

    def _poll(self) -> None:
        self.waited_ms += SCREENSHOT_POLL_MS
        ready = self.window.is_settled() and self._thumbnails_idle()
        self.settled_ms = self.settled_ms + SCREENSHOT_POLL_MS if ready else 0
        if self.settled_ms >= self.settle_ms:
            self._save(0)
        elif self.waited_ms >= self.timeout_ms:
            print(f"{APP_NAME}: the batch did not finish loading within {self.timeout_ms // 1000} s; "
                  "saving the window as it is", file=sys.stderr)
            self._save(1)

    def _save(self, code: int) -> None:
        self.timer.stop()
        QApplication.processEvents()
        self.target.parent.mkdir(parents=True, exist_ok=True)
        if not self.window.grab().save(str(self.target)):
            print(f"{APP_NAME}: cannot write the screenshot {self.target}", file=sys.stderr)
            code = 1
        self.result = code
        self.window.close()
        QApplication.instance().exit(code)


def create_application(argv: Optional[list[str]] = None) -> QApplication:
    app = QApplication.instance()
    if app is None:
        app = QApplication(argv if argv is not None else sys.argv[:1])
    app.setOrganizationName(ORGANIZATION)
    app.setApplicationName(APP_NAME)
    app.setApplicationVersion(__version__)
    app.setWindowIcon(app_icon())
    from app.qt.i18n import effective_language, install_language
    from app.qt.settings import InspectorSettings
    from app.qt.theme import apply_theme

    install_language(app, effective_language(InspectorSettings().language))

    apply_theme(app)
    return app


def run_gui(
    batch_dir: Optional[str | Path] = None,
    model: Optional[str | Path] = None,
    screenshot: Optional[str | Path] = None,
) -> int:
    """Show the inspector, optionally with a batch and a model; returns the exit code.

    With ``screenshot`` the window saves a picture of itself once everything is shown and exits 0.
    """
    app = create_application()
    from app.qt.main_window import MainWindow

    model_path = resolve_model(model)
    if model is not None and model_path is None:
        print(f"{APP_NAME}: no model file or library model named {model!r}", file=sys.stderr)
        return 2
    if batch_dir is not None and not Path(batch_dir).is_dir():
        print(f"{APP_NAME}: batch folder {batch_dir} does not exist", file=sys.stderr)
        return 2

    window = MainWindow()
    if screenshot is not None:
        window.resize(1400, 880)  # the same picture on every machine, whatever was remembered
    window.show()

    def load_everything() -> None:
        chosen = model_path
        if chosen is None and batch_dir is None:
            remembered = window.settings.last_model
            chosen = remembered if remembered is not None and is_model_file(remembered) else None
        if chosen is not None:
            window.load_model(chosen)
        if batch_dir is not None:
            window.open_batch(Path(batch_dir))
        elif screenshot is None:
            window.offer_last_batch()

    QTimer.singleShot(0, load_everything)
    taker = None
    if screenshot is not None:
        taker = ScreenshotTaker(window, Path(screenshot))
        taker.start()
    code = app.exec()
    if taker is not None and taker.result is not None:
        code = taker.result
    window.deleteLater()
    app.sendPostedEvents(None, QEvent.DeferredDelete)
    return int(code)
