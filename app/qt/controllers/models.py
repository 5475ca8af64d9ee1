"""Models: choosing one from the library or a file, loading it in the background, training a new one, improving
it from a review and switching between its versions."""
from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Optional

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog, QMessageBox

from app.qt.controllers.base import Controller
from app.qt.dialogs.improve_dialog import ImproveModelDialog
from app.qt.dialogs.train_dialog import TrainDialog
from app.qt.dialogs.versions_dialog import ModelVersionsDialog
from app.qt.workers import LoadModelJob
from core import MODEL_SUFFIXES, Lineage, ModelInfo, ReviewLogError

if TYPE_CHECKING:
    from app.qt.main_window import MainWindow


class ModelController(Controller):
    def __init__(self, window: "MainWindow") -> None:
        super().__init__(window)
        self.load_job: Optional[LoadModelJob] = None
        self.pending_model: Optional[Path] = None  # asked for while another model was loading or scoring ran
        self.adopt_threshold: Optional[float] = None  # an improved model's threshold, applied once it is loaded
        self.rescore_after_load = False
        self.train_dialog: Optional[TrainDialog] = None
        self.improve_dialog: Optional[ImproveModelDialog] = None

    # ------------------------------------------------------------------------------------------ loading
    def refresh_library(self) -> None:
        self.w.library_model.refresh()
        self.w.model_picker.show_path(self.w.model_path)

    def choose_model_file(self) -> None:
        w = self.w
        start = str(w.model_path.parent if w.model_path else (w.settings.last_model or Path.home()))
        pattern = " ".join(f"*{s}" for s in MODEL_SUFFIXES)
        path, _ = QFileDialog.getOpenFileName(
            w, self.tr("Open model file"), start,
            self.tr("CSA Inspector models ({pattern});;All files (*)").format(pattern=pattern))
        if path:
            self.load_model(Path(path))

    def load_model(self, path: Path) -> None:
        """Load in the background; scoring waits for it, the window does not."""
        w = self.w
        path = Path(path)
        if w.scoring.job is not None:
            self.pending_model = path
            w.scoring.cancel()
            return
        if self.load_job is not None:
            self.pending_model = path
            return
        w.model_picker.show_path(path)
        job = LoadModelJob(path, runtime=w.settings.runtime)
        job.succeeded.connect(lambda detector, p=path: self.on_model_loaded(p, detector))
        job.failed.connect(lambda message, p=path: self._on_model_failed(p, message))
        job.finished.connect(self._on_load_finished)
        self.load_job = job
        w.runner.start(job)
        w.engine.update_label()
        self.say(self.tr("Loading model {name}…").format(name=path.stem))
        w.refresh_commands()

    def on_model_loaded(self, path: Path, detector: object) -> None:
        w = self.w
        w.detector = detector
        w.model_path = path
        w.settings.last_model = path
        w.engine.device_text = getattr(detector, "device_description", "") or getattr(detector, "device", "")
        info = detector.info()
        w.review_panel.set_model_text(self.tr("{name} ({variant}, {size} px)").format(
            name=info.name, variant=info.variant, size=info.image_size))
        notes = list(getattr(detector, "load_notes", []) or [])
        if notes:  # e.g. an older model with one threshold: its alarm line was derived
            self.say(notes[0][:1].upper() + notes[0][1:], 15000)
        else:
            self.say(self.tr("Model {name} ready on {device}").format(name=info.name, device=w.engine.device_text),
                     5000)
        w.model_picker.show_path(path)
        w.update_title()
        if self.adopt_threshold is not None:
            self._adopt_improved_model(path, info, self.adopt_threshold)
        w.model_loaded.emit(str(path))

    def _adopt_improved_model(self, path: Path, info: ModelInfo, threshold: float) -> None:
        """An improved model replaces its parent for this batch with its own threshold, then rescores the batch.

        Unlike switching models, the batch threshold is replaced: the reviewer accepted the new model together
        with the threshold it was calibrated to. Decisions are kept.
        """
        self.adopt_threshold = None
        session = self.w.session
        if session is None or session.read_only:
            return
        reviewer = self.w.settings.reviewer or "unknown"
        alarm = info.alarm_threshold
        try:
            session.adopt_model(info, path)
            session.commit_threshold(threshold, reviewer)
            if alarm is not None:
                session.commit_alarm_threshold(float(alarm), reviewer)
            session.log.log_event("model_improved", reviewer, model=str(path), threshold=threshold,
                                  alarm_threshold=alarm)
        except ReviewLogError as exc:
            QMessageBox.warning(self.w, self.tr("Review log"),
                                self.tr("The improved model is in use, but the batch log says:\n\n{error}").format(error=exc))
            return
        self.w.histogram.set_threshold(threshold)
        self.rescore_after_load = True

    def _on_model_failed(self, path: Path, message: str) -> None:
        self.w.model_picker.show_path(self.w.model_path)
        QMessageBox.warning(self.w, self.tr("Model not loaded"),
                            self.tr("The model {name} cannot be used:\n\n{error}").format(name=path.name, error=message))

    def _on_load_finished(self) -> None:
        self.load_job = None
        self.w.engine.update_label()
        if self.pending_model is not None:
            self.load_pending()
            return
        self.w.refresh_commands()
        if self.rescore_after_load:
            self.rescore_after_load = False
            self.w.scoring.rescore_all()
        else:
            self.w.scoring.score_unscored()

    def load_pending(self) -> None:
        pending, self.pending_model = self.pending_model, None
        self.load_model(pending)

    def _reload_from_library(self, path: str) -> None:
        self.w.library_model.refresh()
        self.load_model(Path(path))

    # ------------------------------------------------------------------------------------------ new models
    def open_train_dialog(self) -> TrainDialog:
        w = self.w
        if self.train_dialog is None:
            self.train_dialog = TrainDialog(w.runner, w, w.settings.last_train_dir, w.library_folder,
                                            job_factory=w.engine.train_job)
            self.train_dialog.model_trained.connect(self._reload_from_library)
            self.train_dialog.folder_edit.textChanged.connect(
                lambda text: setattr(w.settings, "last_train_dir", text.strip() or None)
            )
        self.train_dialog.show()
        self.train_dialog.raise_()
        self.train_dialog.activateWindow()
        return self.train_dialog

    def open_improve_dialog(self) -> Optional[ImproveModelDialog]:
        w = self.w
        session, detector, model_path = w.session, w.detector, w.model_path
        if session is None or detector is None or model_path is None:
            self.say(self.tr("Open a reviewed batch and its model first"), 5000)
            return None
        if self.improve_dialog is not None and self.improve_dialog.job is not None:
            self.improve_dialog.show()
            self.improve_dialog.raise_()
            return self.improve_dialog
        trained_on = detector.meta.get("train_folder") if isinstance(getattr(detector, "meta", None), dict) else None
        normals = Path(trained_on) if trained_on and Path(trained_on).is_dir() else w.settings.last_train_dir
        dialog = ImproveModelDialog(w.runner, detector, model_path, session.log.path, session.records,
                                    normals_folder=normals, parent=w)
        dialog.model_improved.connect(self._on_model_improved)
        dialog.normals_edit.textChanged.connect(
            lambda text: setattr(w.settings, "last_train_dir", text.strip() or None)
        )
        self.improve_dialog = dialog
        dialog.show()
        dialog.raise_()
        dialog.activateWindow()
        return dialog

    def _on_model_improved(self, path: str, threshold: float) -> None:
        self.adopt_threshold = float(threshold)
        self._reload_from_library(path)

    def open_versions_dialog(self) -> Optional[ModelVersionsDialog]:
        if self.w.model_path is None:
            self.say(self.tr("Choose a model first"), 5000)
            return None
        dialog = ModelVersionsDialog(self.w.model_path, self.w)
        dialog.version_activated.connect(self._reload_from_library)
        dialog.setAttribute(Qt.WA_DeleteOnClose)
        dialog.show()
        return dialog

    def history_folders(self) -> list[Path]:
        """Where past reviews of this model lie: the folder holding this batch (its neighbours are usually the
        earlier batches) and the batches the model's versions learnt from."""
        folders: list[Path] = []
        if self.w.session is not None:
            folders.append(self.w.session.batch_dir.parent)
        lineage = Lineage.from_meta(getattr(self.w.detector, "meta", None))
        for added in lineage.every_added_image() if lineage is not None else []:
            batch = added.batch
            if batch and Path(batch).is_dir() and Path(batch) not in folders:
                folders.append(Path(batch))
        return folders
