"""The scoring engine behind the window: warming it up in the background, which device and runtime it uses,
and what the status bar says about it."""
from __future__ import annotations

from typing import TYPE_CHECKING

from app.qt.controllers.base import Controller
from app.qt.workers import TrainJob, WarmUpJob

if TYPE_CHECKING:
    from app.qt.main_window import MainWindow


class EngineController(Controller):
    def __init__(self, window: "MainWindow") -> None:
        super().__init__(window)
        self.state = "idle"  # idle, loading, ready, failed
        self.device_text = ""

    def start_warm_up(self) -> None:
        if self.state in ("loading", "ready"):
            return
        self.state = "loading"
        self.w.engine_label.setText(self.tr("Loading engine…"))
        job = WarmUpJob()
        job.succeeded.connect(self._on_ready)
        job.failed.connect(self._on_failed)
        self.w.runner.start(job)

    def _on_ready(self, device: object) -> None:
        self.state = "ready"
        if not self.device_text:
            self.device_text = str(device)
        self.update_label()
        self.w.engine_ready.emit(str(device))

    def _on_failed(self, message: str) -> None:
        self.state = "failed"
        self.w.engine_label.setText(self.tr("Engine unavailable"))
        self.w.engine_label.setToolTip(message)
        self.say(self.tr("The scoring engine could not be loaded: {error}").format(error=message))

    def update_label(self) -> None:
        w = self.w
        parts = []
        if w.models.load_job is not None:
            parts.append(self.tr("Loading model…"))
        elif self.state == "loading":
            parts.append(self.tr("Loading engine…"))
        if self.device_text:
            parts.append(self.tr("Device: {device}").format(device=self.device_text))
        runtime = getattr(w.detector, "runtime", None) if w.detector is not None else None
        if isinstance(runtime, str):
            parts.append(self.tr("Runtime: {runtime}").format(runtime=runtime))
            choice = getattr(w.detector, "runtime_choice", None)
            refused = getattr(choice, "refused", None) or {}
            w.engine_label.setToolTip("\n".join(self.tr("{name} not used: {reason}").format(name=name, reason=why)
                                                  for name, why in refused.items()))
        w.engine_label.setText(" · ".join(parts))

    def device_changed(self, device: str, message: str) -> None:
        """The GPU ran out of memory even for one photo: scoring goes on on the CPU, and the reviewer is told."""
        self.device_text = self.tr("{device} (GPU out of memory)").format(device=device)
        self.update_label()
        self.say(message, 15000)

    def train_job(self, *args, **kwargs) -> TrainJob:
        """Training extracts its features with the runtime chosen at the moment it starts."""
        return TrainJob(*args, runtime=self.w.settings.runtime, **kwargs)

    def runtime_changed(self, runtime: str) -> None:
        """A new backbone runtime takes effect by loading the current model again."""
        self.say(self.tr("Backbone runtime: {runtime}").format(runtime=runtime), 5000)
        if self.w.model_path is not None and self.w.detector is not None:
            self.w.models.load_model(self.w.model_path)
