"""Everything slow runs here, off the UI thread: loading the engine, loading models, scoring, training.

Each job is a QObject that stays in the UI thread while its ``run`` executes on a QThread of its own; it
reports back only through signals, which Qt queues to the UI thread, so the window keeps repainting and
taking keystrokes while torch works. Long jobs poll a ``threading.Event``
between batches, which is how Cancel and closing the window stop them.
"""
from __future__ import annotations

import threading
import time
import traceback
from pathlib import Path
from typing import Callable, Optional, Sequence

from PySide6.QtCore import QCoreApplication, QObject, QThread, Signal, Slot

from core import Cancelled, ModelConfig, ProgressEvent, ScoreResult, ScoringConfig


def describe_error(exc: BaseException) -> str:
    """One line a reviewer can act on: the engine's own message, the exception type only if it has none."""
    text = str(exc).strip()
    return text if text else type(exc).__name__


class Job(QObject):
    """Base of all background jobs; subclasses implement :meth:`execute` and may emit ``progress``."""

    progress = Signal(object)  # ProgressEvent
    succeeded = Signal(object)
    failed = Signal(str)
    cancelled = Signal()
    finished = Signal()  # always emitted last

    def __init__(self) -> None:
        super().__init__()
        self.cancel_event = threading.Event()
        self.error_details: str = ""

    def cancel(self) -> None:
        self.cancel_event.set()

    @property
    def is_cancelled(self) -> bool:
        return self.cancel_event.is_set()

    def execute(self) -> object:  # pragma: no cover - abstract
        raise NotImplementedError

    @Slot()
    def run(self) -> None:
        try:
            result = self.execute()
        except Cancelled:
            self.cancelled.emit()
        except Exception as exc:  # reported to the reviewer, the window stays usable
            self.error_details = traceback.format_exc()
            self.failed.emit(describe_error(exc))
        else:
            if self.is_cancelled:
                self.cancelled.emit()
            else:
                self.succeeded.emit(result)
        finally:
            self.finished.emit()


class WarmUpJob(Job):
    """Imports torch and timm once, so the first real job does not pay the 7-10 s; returns the device.

    Pillow's format plugins are registered here too: otherwise the first scoring batch and the first
    thumbnails import them in several threads at once, which holds the interpreter lock long enough
    to make the window stutter.
    """

    def execute(self) -> str:
        from PIL import Image

        Image.init()
        from core import warm_up_engine

        return warm_up_engine()


class LoadModelJob(Job):
    def __init__(self, path: Path | str, device: Optional[str] = None, runtime: str = "torch") -> None:
        super().__init__()
        self.path = Path(path)
        self.device = device
        self.runtime = runtime

    def execute(self) -> object:
        from core import load_detector

        return load_detector(self.path, device=self.device, runtime=self.runtime)


class ScoreJob(Job):
    """Scores ``paths`` with ``detector`` and hands every result to ``record`` before announcing it.

    ``record`` runs in this worker thread: it writes the result into the batch's review log and returns
    what was stored, which ``scored`` then carries to the window. So a crash or Cancel never loses an image
    the window already showed, and the UI thread never waits for the database while scoring runs.
    """

    scored = Signal(object)  # whatever ``record`` returned (the stored ImageRecord)
    device_changed = Signal(str, str)  # device, message: the engine left the GPU (out of memory) mid-batch

    def __init__(
        self,
        detector: object,
        paths: Sequence[Path],
        record: Callable[[ScoreResult], object],
        batch_size: int = ScoringConfig.batch_size,
    ) -> None:
        super().__init__()
        self.detector = detector
        self.paths = [Path(p) for p in paths]
        self.record = record
        self.batch_size = batch_size
        self.done = 0

    def execute(self) -> int:
        total = len(self.paths)
        started = time.monotonic()
        self.progress.emit(ProgressEvent(stage="score", done=0, total=total, message=QCoreApplication.translate(
            "Workers", "Scoring…")))
        def engine_progress(event: ProgressEvent) -> None:
            # the job reports progress per stored result itself; from the engine only a device change matters
            if event.extra.get("device"):
                self.device_changed.emit(str(event.extra["device"]), event.message)

        for result in self.detector.score_images(
            self.paths, progress=engine_progress, cancel=self.cancel_event, batch_size=self.batch_size
        ):
            stored = self.record(result)
            self.done += 1
            self.scored.emit(stored)
            elapsed = time.monotonic() - started
            eta = elapsed / self.done * (total - self.done) if self.done else None
            self.progress.emit(ProgressEvent(stage="score", done=self.done, total=total, eta_s=eta))
            if self.is_cancelled:
                raise Cancelled()
        return self.done


class TrainJob(Job):
    """Trains on defect-free photos and saves the model; succeeds with the saved path."""

    def __init__(
        self,
        images: Sequence[Path],
        config: ModelConfig,
        save_path: Path,
        name: str = "",
        device: Optional[str] = None,
        runtime: str = "torch",
    ) -> None:
        super().__init__()
        self.images = [Path(p) for p in images]
        self.config = config
        self.save_path = Path(save_path)
        self.name = name
        self.device = device
        self.runtime = runtime

    def execute(self) -> Path:
        from core import train_detector

        detector = train_detector(
            self.images, self.config, progress=self.progress.emit, cancel=self.cancel_event, device=self.device,
            runtime=self.runtime,
        )
        if self.is_cancelled:
            raise Cancelled()
        if self.name and isinstance(getattr(detector, "meta", None), dict):
            detector.meta["name"] = self.name
        self.save_path.parent.mkdir(parents=True, exist_ok=True)
        detector.save(self.save_path)
        from core import activate_fresh_model

        activate_fresh_model(self.save_path)  # a fresh model replaces the improved versions of the old one
        return self.save_path


class RetrainJob(Job):
    """Improves ``detector`` from a batch's review log; succeeds with the engine's ``RetrainOutcome`` (unsaved).

    The log is opened read-only in this thread, so the reviewer keeps deciding on the batch meanwhile.
    """

    def __init__(
        self,
        detector: object,
        review_log: Path,
        include_reviewed_normals: bool = False,
        epochs: Optional[int] = None,
        old_normals: Optional[Sequence[Path]] = None,
    ) -> None:
        super().__init__()
        self.detector = detector
        self.review_log = Path(review_log)
        self.include_reviewed_normals = include_reviewed_normals
        self.epochs = epochs
        self.old_normals = [Path(p) for p in old_normals] if old_normals else None

    def execute(self) -> object:
        from core import retrain_from_review

        return retrain_from_review(
            self.detector, self.review_log, include_reviewed_normals=self.include_reviewed_normals,
            epochs=self.epochs, old_normals=self.old_normals, progress=self.progress.emit, cancel=self.cancel_event,
        )


class SaveThresholdJob(Job):
    """Writes the pass threshold (and the alarm threshold, when given) into a model file (loading it first if needed)."""

    def __init__(self, model_path: Path, threshold: float, detector: object = None,
                 alarm_threshold: Optional[float] = None) -> None:
        super().__init__()
        self.model_path = Path(model_path)
        self.threshold = float(threshold)
        self.alarm_threshold = None if alarm_threshold is None else float(alarm_threshold)
        self.detector = detector

    def execute(self) -> Path:
        from core import load_detector

        detector = self.detector if self.detector is not None else load_detector(self.model_path)
        detector.set_operating_point(self.threshold, self.alarm_threshold)
        detector.save(self.model_path)
        return self.model_path


class ReportJob(Job):
    """Writes the batch report; pictures for a PDF of a large batch take a while."""

    def __init__(self, log: object, out_path: Path, fmt: str, include_flagged: bool = False,
                 inspection: object = None, language: Optional[str] = None) -> None:
        super().__init__()
        self.log = log
        self.language = language  # of a PDF or HTML report (the inspector's own); English when None
        self.out_path = Path(out_path)
        self.fmt = fmt
        self.include_flagged = include_flagged
        self.inspection = inspection  # unit, site, date, signer (core.report.InspectionDetails)

    def execute(self) -> Path:
        from core import write_report

        # the reviewer already agreed to replace an existing file
        return write_report(self.log, self.out_path, self.fmt, include_flagged=self.include_flagged, force=True,
                            inspection=self.inspection, language=self.language)


class FunctionJob(Job):
    """Runs one plain function off the UI thread; with ``pass_cancel`` it gets the cancel flag to poll."""

    def __init__(self, function: Callable[..., object], pass_cancel: bool = False) -> None:
        super().__init__()
        self.function = function
        self.pass_cancel = pass_cancel

    def execute(self) -> object:
        return self.function(self.cancel_event) if self.pass_cancel else self.function()


class _JobThread(QThread):
    """Runs one job. The job itself stays a UI-thread object, so every slot connected to its signals
    (lambdas included) runs in the UI thread; only :meth:`Job.run` executes here."""

    def __init__(self, job: Job) -> None:
        super().__init__()
        self.job = job

    def run(self) -> None:
        self.job.run()


class JobRunner(QObject):
    """Starts jobs on their own threads and keeps them alive until they finish; stops them all at exit."""

    def __init__(self, parent: Optional[QObject] = None) -> None:
        super().__init__(parent)
        self._running: dict[Job, QThread] = {}

    def start(self, job: Job) -> Job:
        thread = _JobThread(job)
        thread.setObjectName(type(job).__name__)
        thread.finished.connect(lambda j=job: self._forget(j))
        self._running[job] = thread
        thread.start()
        return job

    def _forget(self, job: Job) -> None:
        thread = self._running.pop(job, None)
        if thread is not None:
            thread.wait()
            thread.deleteLater()

    @property
    def running(self) -> list[Job]:
        return list(self._running)

    def is_busy(self, kind: type) -> bool:
        return any(isinstance(job, kind) for job in self._running)

    def wait_for(self, job: Job, timeout_ms: int = 60000) -> bool:
        thread = self._running.get(job)
        return thread.wait(timeout_ms) if thread is not None else True

    def cancel_all(self) -> None:
        for job in list(self._running):
            job.cancel()

    def shutdown(self, timeout_ms: int = 60000) -> bool:
        """Cancel everything and wait; True when every thread ended (they poll their cancel flag)."""
        self.cancel_all()
        ok = True
        deadline = time.monotonic() + timeout_ms / 1000.0
        for job, thread in list(self._running.items()):
            remaining = max(0, int((deadline - time.monotonic()) * 1000))
            ok = thread.wait(remaining) and ok
        for job, thread in list(self._running.items()):
            if thread.isFinished():
                self._running.pop(job, None)
        return ok
