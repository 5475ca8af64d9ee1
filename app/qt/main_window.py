"""The inspector's main window: thumbnails on the left, the photo with its heatmap in the middle, the
decision panel on the right and the score histogram below.

The window never waits for the engine. Torch is imported, models are loaded and photos are scored in
background jobs; the window only reacts to their signals. Reviewer decisions are the one thing done
synchronously, because each must be on disk before the window moves on to the next photo.
"""
from __future__ import annotations

import html
import time
from pathlib import Path
from typing import Optional

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QApplication,
    QDockWidget,
    QFrame,
    QFileDialog,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMainWindow,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QToolBar,
    QWidget,
)

from app import APP_NAME
from app.model_library import MODEL_SUFFIXES, split_version
from app.qt.actions import build_menus, build_toolbar_left, build_toolbar_right, create_actions
from app.qt.runtime_menu import add_runtime_menu
from app.qt.dialogs.about_dialog import AboutDialog
from app.qt.dialogs.export_dialog import ExportDialog
from app.qt.dialogs.improve_dialog import ImproveModelDialog
from app.qt.dialogs.operating_point_dialog import OperatingPointDialog
from app.qt.dialogs.versions_dialog import ModelVersionsDialog
from app.qt.dialogs.job_dialog import format_eta
from app.qt.dialogs.train_dialog import TrainDialog
from app.qt.icon import app_icon
from app.qt.models.image_list_model import ImageListModel, review_status, sort_key
from app.qt.models.model_library_model import ModelLibraryModel
from app.qt.photo_watch import ShownPhotoWatcher
from app.qt.preload import ImagePreloader, OverlayScale
from app.qt.review_messages import REVIEWER_NEEDED, scored_message, undo_message
from app.qt.reviewer_aids import ZOOM_STEP, ReviewerAidsMixin
from app.qt.session import BatchSession
from app.qt.settings import InspectorSettings
from app.qt.theme import COLORS
from app.qt.thumbnails import ThumbnailCache
from app.qt.widgets.histogram import ScoreHistogram
from app.qt.widgets.image_view import ImageInspector
from app.qt.widgets.model_picker import ModelPicker
from app.qt.widgets.review_panel import ReviewPanel
from app.qt.widgets.thumbnail_list import ThumbnailPanel, add_folder_commands
from app.qt.workers import (
    FunctionJob,
    JobRunner,
    LoadModelJob,
    ReportJob,
    SaveThresholdJob,
    ScoreJob,
    TrainJob,
    WarmUpJob,
)
from core import ProgressEvent, ScoringConfig, __version__
from core.reviewlog import ImageRecord, ReviewLogError
from core.vocabulary import Decision

PRELOAD_NEIGHBOURS = 2
FOLDER_CHECK_DELAY_MS = 800
SCORING_START_DELAY_MS = 150


class MainWindow(ReviewerAidsMixin, QMainWindow):
    """Signals are for observers such as the screenshot mode and tests; nothing inside depends on them."""

    engine_ready = Signal(str)
    model_loaded = Signal(str)
    scoring_finished = Signal()
    image_shown = Signal(str)  # rel path, once the photo (with overlay when there is one) is on screen

    def __init__(
        self,
        settings: Optional[InspectorSettings] = None,
        library_folder: Optional[Path] = None,
        warm_up: bool = True,
    ) -> None:
        super().__init__()
        self.settings = settings or InspectorSettings()
        self.library_folder = library_folder
        self.runner = JobRunner(self)
        self.thumbnails = ThumbnailCache(self)
        self.preloader = ImagePreloader(self)
        self.list_model = ImageListModel(self.thumbnails, self)
        self.library_model = ModelLibraryModel(library_folder, self)
        self.session: Optional[BatchSession] = None
        self.detector: Optional[object] = None
        self.model_path: Optional[Path] = None
        self.device_text = ""
        self.engine_state = "idle"  # idle, loading, ready, failed
        self.current_rel: Optional[str] = None
        self.score_job: Optional[ScoreJob] = None
        self.load_job: Optional[LoadModelJob] = None
        self.listing_job: Optional[FunctionJob] = None
        self._folder_check_for: Optional[BatchSession] = None
        self.train_dialog: Optional[TrainDialog] = None
        self.improve_dialog: Optional[ImproveModelDialog] = None
        self.operating_point_dialog: Optional[OperatingPointDialog] = None
        self._adopt_threshold: Optional[float] = None  # an improved model's threshold, applied once it is loaded
        self._rescore_after_load = False
        self._pending_model: Optional[Path] = None
        self._closing = False
        self.score_batch_size = ScoringConfig.batch_size  # photos per engine call
        self.open_seconds: Optional[float] = None  # how long the last open_batch took (for benchmarks)
        self._auto_selected = False  # True while the shown photo was picked by the program, not the reviewer
        self.photo_watch = ShownPhotoWatcher(self)
        self._likeness_warned: set[str] = set()  # batches already warned about (once per batch)
        self._missing_at_scoring: list[str] = []

        self.setWindowIcon(app_icon())
        self.actions = create_actions(self)
        self._build_ui()
        self._connect()
        self._restore_look()
        self._update_actions()
        self._update_title()
        if warm_up:
            self.start_engine_warm_up()
            self.runner.start(FunctionJob(self.thumbnails.prune))

    # ================================================================================== building
    def _build_ui(self) -> None:
        self.setObjectName("MainWindow")
        self.setDockOptions(QMainWindow.AnimatedDocks | QMainWindow.AllowTabbedDocks)
        self.inspector = ImageInspector()
        self.setCentralWidget(self.inspector)
        self.inspector.canvas.setFocusPolicy(Qt.StrongFocus)
        self.inspector.canvas.setFocus()  # keys go to the photo, not to the first checkbox

        self.thumbnail_panel = ThumbnailPanel(self.list_model)
        self.thumbnail_dock = self._dock("Photos", "PhotosDock", self.thumbnail_panel, Qt.LeftDockWidgetArea)
        self.review_panel = ReviewPanel()
        review_scroll = QScrollArea()  # lets the window shrink to a laptop screen without cutting the panel off
        review_scroll.setWidget(self.review_panel)
        review_scroll.setWidgetResizable(True)
        review_scroll.setFrameShape(QFrame.NoFrame)
        review_scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarAlwaysOff)
        review_scroll.setMinimumWidth(self.review_panel.minimumWidth() + 12)
        self.review_dock = self._dock("Review", "ReviewDock", review_scroll, Qt.RightDockWidgetArea)
        self.histogram = ScoreHistogram()
        self.histogram.setMinimumHeight(110)
        self.histogram_dock = self._dock("Score histogram", "HistogramDock", self.histogram, Qt.BottomDockWidgetArea)
        self.resizeDocks([self.thumbnail_dock, self.review_dock], [330, 270], Qt.Horizontal)
        self.resizeDocks([self.histogram_dock], [190], Qt.Vertical)

        self.review_panel.add_decision_button(self.actions.review.confirm, "confirm")
        self.review_panel.add_decision_button(self.actions.review.reject, "reject")
        self.review_panel.add_decision_button(self.actions.review.unsure, Decision.UNSURE.value)

        self.toolbar = QToolBar("Main toolbar")
        self.toolbar.setObjectName("MainToolbar")
        self.toolbar.setMovable(False)
        self.toolbar.setToolButtonStyle(Qt.ToolButtonTextOnly)
        self.addToolBar(Qt.TopToolBarArea, self.toolbar)
        build_toolbar_left(self.toolbar, self.actions)
        # review and navigation first: on a narrow screen the toolbar's end folds into its » menu, and what folds
        # away should be the model commands used once per batch, not the ones used on every photo
        build_toolbar_right(self.toolbar, self.actions)
        self.toolbar.addSeparator()
        self.model_picker = ModelPicker(self.library_model)
        self.toolbar.addWidget(self.model_picker)
        self.toolbar.addAction(self.actions.model.train_model)
        self.toolbar.addAction(self.actions.model.improve_model)

        build_menus(
            self.menuBar(),
            self.actions,
            extra_view=[d.toggleViewAction() for d in (self.thumbnail_dock, self.review_dock, self.histogram_dock)],
        )
        self.runtime_menu = add_runtime_menu(self.menuBar(), self.settings, self._on_runtime_changed)
        add_folder_commands(self.menuBar(), self.thumbnail_panel.folder_actions)

        status = self.statusBar()
        status.setSizeGripEnabled(True)
        self.progress_label = QLabel("")
        self.progress_bar = QProgressBar()
        self.progress_bar.setFixedWidth(220)
        self.progress_bar.setTextVisible(True)
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.setToolTip(self.actions.model.cancel_scoring.toolTip())
        self.cancel_button.clicked.connect(self.actions.model.cancel_scoring.trigger)
        self.engine_label = QLabel("")
        self.engine_label.setObjectName("muted")
        # how many photos a person must see in this batch, and what share that is
        self.workload_label = QLabel("")
        self.workload_label.setToolTip("Photos at or above the pass line (alarm first, then the review band)")
        status.addPermanentWidget(self.workload_label)
        for widget in (self.progress_label, self.progress_bar, self.cancel_button):
            status.addPermanentWidget(widget)
            widget.hide()
        status.addPermanentWidget(self.engine_label)

    def _dock(self, title: str, name: str, widget: QWidget, area: Qt.DockWidgetArea) -> QDockWidget:
        dock = QDockWidget(title, self)
        dock.setObjectName(name)
        dock.setWidget(widget)
        dock.setFeatures(QDockWidget.DockWidgetMovable | QDockWidget.DockWidgetFloatable | QDockWidget.DockWidgetClosable)
        self.addDockWidget(area, dock)
        return dock

    def _connect(self) -> None:
        a = self.actions
        a.file.open_batch.triggered.connect(self.choose_batch)
        a.file.open_model_file.triggered.connect(self.choose_model_file)
        a.file.export_report.triggered.connect(self.export_report)
        a.file.change_reviewer.triggered.connect(self.change_reviewer)
        a.file.quit.triggered.connect(self.close)
        a.review.confirm.triggered.connect(lambda: self.decide(Decision.CONFIRMED))
        a.review.reject.triggered.connect(lambda: self.decide(Decision.REJECTED))
        a.review.unsure.triggered.connect(lambda: self.decide(Decision.UNSURE))
        a.review.note.triggered.connect(self.focus_note)
        a.review.undo.triggered.connect(self.undo)
        a.navigate.next.triggered.connect(lambda: self.step(+1))
        a.navigate.previous.triggered.connect(lambda: self.step(-1))
        a.navigate.next_undecided.triggered.connect(self.next_undecided)
        a.view.toggle_overlay.toggled.connect(self.inspector.set_overlay_visible)
        a.view.toggle_outline.toggled.connect(self.inspector.set_outline_visible)
        # the overlay bar's buttons are these actions, so they show the same keys in their tooltips
        self.inspector.controls.fit_button.clicked.disconnect()
        self.inspector.controls.actual_button.clicked.disconnect()
        self.inspector.controls.fit_button.setDefaultAction(a.view.fit)
        self.inspector.controls.actual_button.setDefaultAction(a.view.actual_size)
        a.view.fit.triggered.connect(self.inspector.canvas.fit)
        a.view.actual_size.triggered.connect(self.inspector.canvas.actual_size)
        a.view.hottest_spot.triggered.connect(self.inspector.go_to_hottest_spot)
        a.model.score_batch.triggered.connect(self.score_unscored)
        a.model.rescore_batch.triggered.connect(self.rescore_all)
        a.model.cancel_scoring.triggered.connect(self.cancel_scoring)
        a.model.train_model.triggered.connect(self.open_train_dialog)
        a.model.improve_model.triggered.connect(self.open_improve_dialog)
        a.model.model_versions.triggered.connect(self.open_versions_dialog)
        a.model.save_threshold.triggered.connect(self.save_threshold_to_model)
        a.model.operating_point.triggered.connect(self.open_operating_point_dialog)
        a.model.refresh_library.triggered.connect(self.refresh_library)
        a.help.about.triggered.connect(self.show_about)
        a.help.shortcuts.triggered.connect(self.show_shortcuts)

        self.inspector.controls.overlay_toggled.connect(a.view.toggle_overlay.setChecked)
        self.inspector.colormap_changed.connect(self._on_colormap_changed)
        self.inspector.controls.outline_toggled.connect(a.view.toggle_outline.setChecked)
        self.thumbnail_panel.current_changed.connect(self.show_rel)
        self.list_model.counts_changed.connect(self._schedule_histogram)
        self.list_model.layoutChanged.connect(self._update_actions)
        self.list_model.modelReset.connect(self._update_actions)
        self.preloader.ready.connect(self._on_preloaded)
        self.model_picker.model_chosen.connect(lambda path: self.load_model(Path(path)))
        self.model_picker.browse_requested.connect(self.choose_model_file)
        self.review_panel.note_committed.connect(self.commit_note)
        self.review_panel.note_left.connect(self._leave_note)
        self.photo_watch.vanished.connect(self._on_photo_vanished)
        a.file.reopen_last.triggered.connect(self.reopen_last_batch)
        a.navigate.find.triggered.connect(self.focus_search)
        a.view.zoom_in.triggered.connect(lambda: self.zoom_by(ZOOM_STEP))
        a.view.zoom_out.triggered.connect(lambda: self.zoom_by(1 / ZOOM_STEP))
        self.histogram.threshold_moved.connect(self._on_threshold_dragged)
        self.histogram.threshold_committed.connect(self._on_threshold_released)
        self.histogram.alarm_moved.connect(self._on_alarm_dragged)
        self.histogram.alarm_committed.connect(self.commit_alarm_threshold)
        self.histogram.save_to_model_requested.connect(self.save_threshold_to_model)

        self._histogram_timer = QTimer(self)
        self._histogram_timer.setSingleShot(True)
        self._histogram_timer.setInterval(250)
        self._histogram_timer.timeout.connect(self.update_histogram)

    def _restore_look(self) -> None:
        if not self.settings.restore_window(self):
            self.resize(1400, 880)
        self.inspector.set_opacity(self.settings.overlay_opacity)
        self.inspector.set_colormap(self.settings.colormap)
        self.actions.view.toggle_overlay.setChecked(self.settings.flag("overlay/visible", True))
        self.actions.view.toggle_outline.setChecked(self.settings.flag("overlay/outline", True))
        self.inspector.set_overlay_visible(self.actions.view.toggle_overlay.isChecked())
        self.inspector.set_outline_visible(self.actions.view.toggle_outline.isChecked())

    # ================================================================================== engine
    def start_engine_warm_up(self) -> None:
        if self.engine_state in ("loading", "ready"):
            return
        self.engine_state = "loading"
        self.engine_label.setText("Loading engine…")
        job = WarmUpJob()
        job.succeeded.connect(self._on_engine_ready)
        job.failed.connect(self._on_engine_failed)
        self.runner.start(job)

    def _on_engine_ready(self, device: object) -> None:
        self.engine_state = "ready"
        if not self.device_text:
            self.device_text = str(device)
        self._update_engine_label()
        self.engine_ready.emit(str(device))

    def _on_engine_failed(self, message: str) -> None:
        self.engine_state = "failed"
        self.engine_label.setText("Engine unavailable")
        self.engine_label.setToolTip(message)
        self.statusBar().showMessage(f"The scoring engine could not be loaded: {message}")

    def _update_engine_label(self) -> None:
        parts = []
        if self.load_job is not None:
            parts.append("Loading model…")
        elif self.engine_state == "loading":
            parts.append("Loading engine…")
        if self.device_text:
            parts.append(f"Device: {self.device_text}")
        runtime = getattr(self.detector, "runtime", None) if self.detector is not None else None
        if isinstance(runtime, str):
            parts.append(f"Runtime: {runtime}")
            choice = getattr(self.detector, "runtime_choice", None)
            refused = getattr(choice, "refused", None) or {}
            self.engine_label.setToolTip("\n".join(f"{name} not used: {why}" for name, why in refused.items()))
        self.engine_label.setText(" · ".join(parts))

    def _train_job(self, *args, **kwargs) -> TrainJob:
        """Training extracts its features with the runtime chosen at the moment it starts."""
        return TrainJob(*args, runtime=self.settings.runtime, **kwargs)

    def _on_runtime_changed(self, runtime: str) -> None:
        """A new backbone runtime takes effect by loading the current model again."""
        self.statusBar().showMessage(f"Backbone runtime: {runtime}", 5000)
        if self.model_path is not None and self.detector is not None:
            self.load_model(self.model_path)

    # ================================================================================== models
    def refresh_library(self) -> None:
        self.library_model.refresh()
        self.model_picker.show_path(self.model_path)

    def choose_model_file(self) -> None:
        start = str(self.model_path.parent if self.model_path else (self.settings.last_model or Path.home()))
        pattern = " ".join(f"*{s}" for s in MODEL_SUFFIXES)
        path, _ = QFileDialog.getOpenFileName(self, "Open model file", start, f"CSA Inspector models ({pattern});;All files (*)")
        if path:
            self.load_model(Path(path))

    def load_model(self, path: Path) -> None:
        """Load in the background; scoring waits for it, the window does not."""
        path = Path(path)
        if self.score_job is not None:
            self._pending_model = path
            self.cancel_scoring()
            return
        if self.load_job is not None:
            self._pending_model = path
            return
        self.model_picker.show_path(path)
        job = LoadModelJob(path, runtime=self.settings.runtime)
        job.succeeded.connect(lambda detector, p=path: self._on_model_loaded(p, detector))
        job.failed.connect(lambda message, p=path: self._on_model_failed(p, message))
        job.finished.connect(self._on_model_job_finished)
        self.load_job = job
        self.runner.start(job)
        self._update_engine_label()
        self.statusBar().showMessage(f"Loading model {path.stem}…")
        self._update_actions()

    def _on_model_loaded(self, path: Path, detector: object) -> None:
        self.detector = detector
        self.model_path = path
        self.settings.last_model = path
        self.device_text = getattr(detector, "device_description", "") or getattr(detector, "device", "")
        info = detector.info()
        self.review_panel.set_model_text(f"{info.get('name')} ({info.get('variant')}, {info.get('image_size')} px)")
        notes = list(getattr(detector, "load_notes", []) or [])
        if notes:  # e.g. an older model with one threshold: its alarm line was derived
            self.statusBar().showMessage(notes[0][:1].upper() + notes[0][1:], 15000)
        else:
            self.statusBar().showMessage(f"Model {info.get('name')} ready on {self.device_text}", 5000)
        self.model_picker.show_path(path)
        self._update_title()
        if self._adopt_threshold is not None:
            self._adopt_improved_model(path, info, self._adopt_threshold)
        self.model_loaded.emit(str(path))

    def _adopt_improved_model(self, path: Path, info: dict, threshold: float) -> None:
        """An improved model replaces its parent for this batch with its own threshold, then rescores the batch.

        Unlike switching models, the batch threshold is replaced: the reviewer accepted the new model together
        with the threshold it was calibrated to. Decisions are kept.
        """
        self._adopt_threshold = None
        session = self.session
        if session is None or session.read_only:
            return
        reviewer = self.settings.reviewer or "unknown"
        alarm = info.get("alarm_threshold")
        try:
            session.adopt_model(info, path)
            session.commit_threshold(threshold, reviewer)
            if alarm is not None:
                session.commit_alarm_threshold(float(alarm), reviewer)
            session.log.log_event("model_improved", reviewer, model=str(path), threshold=threshold,
                                  alarm_threshold=alarm)
        except ReviewLogError as exc:
            QMessageBox.warning(self, "Review log", f"The improved model is in use, but the batch log says:\n\n{exc}")
            return
        self.histogram.set_threshold(threshold)
        self._rescore_after_load = True

    def _on_model_failed(self, path: Path, message: str) -> None:
        self.model_picker.show_path(self.model_path)
        QMessageBox.warning(self, "Model not loaded", f"The model {path.name} cannot be used:\n\n{message}")

    def _on_model_job_finished(self) -> None:
        self.load_job = None
        self._update_engine_label()
        if self._pending_model is not None:
            pending, self._pending_model = self._pending_model, None
            self.load_model(pending)
            return
        self._update_actions()
        if self._rescore_after_load:
            self._rescore_after_load = False
            self.rescore_all()
        else:
            self.score_unscored()

    # ================================================================================== batches
    def choose_batch(self) -> None:
        start = str(self.settings.last_batch_dir or Path.home())
        folder = QFileDialog.getExistingDirectory(self, "Open batch folder", start)
        if folder:
            self.open_batch(Path(folder))

    def open_batch(self, folder: Path) -> bool:
        """Show a batch at once (scores from an earlier run included) and score what is missing."""
        folder = Path(folder)
        started = time.perf_counter()
        try:
            session = BatchSession.open(folder, list_files=False)
        except (ReviewLogError, OSError) as exc:
            QMessageBox.warning(self, "Cannot open batch", f"{folder} cannot be opened:\n\n{exc}")
            return False
        self.close_batch()
        self._drop_reopen_offer()
        self.session = session
        self.settings.last_batch_dir = folder
        self.list_model.set_session(session)
        self._apply_overlay_scale()
        self.update_histogram()
        self._update_title()
        if session.model_name:
            self.review_panel.set_model_text(session.model_name)
        first = self.list_model.first_rel_path()
        if first is not None:
            self.show_rel(first)
            self._auto_selected = True
        else:
            self.inspector.show_message("This folder has no photos")
        message = f"Opened {folder.name}: {len(session)} photos"
        if session.read_only:
            message += " (read-only: decisions cannot be saved)"
        elif session.log.in_fallback_location:
            message += f" (the folder is read-only: decisions are kept in {session.log.path})"
        self.statusBar().showMessage(message, 15000 if session.log.in_fallback_location else 8000)
        self.open_seconds = time.perf_counter() - started
        self.check_training_likeness()
        self._load_batch_model_if_needed()
        # looking for new photos and re-hashing old ones competes with the first thumbnails: start a bit later
        self._folder_check_for = session
        QTimer.singleShot(FOLDER_CHECK_DELAY_MS, lambda s=session: self._check_folder(s))
        # the engine holds the interpreter lock for long stretches: let the window draw the batch first
        QTimer.singleShot(SCORING_START_DELAY_MS, self.score_unscored)
        self._update_actions()
        return True

    def _load_batch_model_if_needed(self) -> None:
        """Photos left unscored and no model chosen: use the model the batch was scored with, if it is there."""
        session = self.session
        if session is None or self.detector is not None or self.load_job is not None or not session.has_unscored():
            return
        if session.model_path and Path(session.model_path).is_file():
            self.load_model(Path(session.model_path))

    def _check_folder(self, session: BatchSession) -> None:
        if self._folder_check_for is session:
            self._folder_check_for = None
        if session is not self.session or self._closing:
            return
        self._list_new_files()
        self._check_changed_files()

    def _list_new_files(self) -> None:
        """A batch that was scored before is shown from its log at once; photos added to the folder since
        are found in the background and scored when a model is chosen."""
        session = self.session
        if session is None:
            return
        job = FunctionJob(session.list_files)
        job.succeeded.connect(lambda files, s=session: self._on_files_listed(s, files))
        job.finished.connect(lambda j=job: self._on_listing_finished(j))
        self.listing_job = job
        self.runner.start(job)

    def _on_listing_finished(self, job: FunctionJob) -> None:
        if self.listing_job is job:
            self.listing_job = None

    def _on_files_listed(self, session: BatchSession, files: object) -> None:
        if session is not self.session:
            return
        added = session.add_files(files)
        if added:
            self.thumbnail_panel.select(self.current_rel)
            self.statusBar().showMessage(f"{len(added)} photos in the folder are not scored yet", 8000)
            self.update_histogram()
            self._load_batch_model_if_needed()
            self.score_unscored()
        self._update_actions()

    def close_batch(self) -> None:
        if self.session is None:
            return
        if self.score_job is not None:
            self.score_job.cancel()
            self._wait_for(self.score_job)
        self.thumbnails.clear()
        self.preloader.clear()
        self.list_model.set_session(None)
        self.session.close()
        self.session = None
        self.current_rel = None
        self.photo_watch.watch(None)
        self._likeness_label().hide()
        self.review_panel.show_record(None)
        self.review_panel.clear_drafts()  # drafts belong to this batch's photos
        self.inspector.show_message("Open a batch folder to start (Ctrl+O)")
        self._update_title()

    def _wait_for(self, job) -> None:
        """Block until a cancelled job has stopped (it polls its flag between batches) and deliver its signals."""
        self.runner.wait_for(job)
        QApplication.sendPostedEvents()
        QApplication.processEvents()

    def _apply_overlay_scale(self) -> None:
        """Photos prepared ahead use the batch's heatmap scale and the colour map chosen now."""
        pixel_threshold = self.session.pixel_threshold if self.session is not None else None
        heatmap_low = self.session.heatmap_low if self.session is not None else None
        self.preloader.set_scale(OverlayScale(pixel_threshold, heatmap_low, self.inspector.colormap))

    def _check_changed_files(self) -> None:
        session = self.session
        if session is None or session.read_only or not session.scores():
            return
        job = FunctionJob(session.check_changed_files, pass_cancel=True)
        job.succeeded.connect(lambda changed, s=session: self._on_changed_files(s, changed))
        self.runner.start(job)

    def _on_changed_files(self, session: BatchSession, check: object) -> None:
        if session is not self.session or check is None:
            return
        session.apply_check(check)
        parts = []
        if check.modified:
            parts.append(f"{len(check.modified)} photos changed since they were scored (rescore them: Ctrl+Shift+R)")
        if check.missing:
            parts.append(f"{len(check.missing)} photos are missing from the folder")
        if check.renamed:
            parts.append(f"{len(check.renamed)} renamed photos keep their decisions")
        if parts:
            self.statusBar().showMessage("; ".join(parts), 15000)
        self._refresh_current()

    # ================================================================================== scoring
    @property
    def is_scoring(self) -> bool:
        return self.score_job is not None

    def score_unscored(self) -> None:
        if self.session is None or self.score_job is not None or self.session.read_only:
            return
        paths = self.session.unscored_paths()
        if not paths:
            return
        if self.detector is None:
            if self.load_job is None:
                self.statusBar().showMessage(f"{len(paths)} photos are not scored yet: choose a model to score them")
            return
        self.start_scoring(paths)

    def rescore_all(self) -> None:
        if self.session is None or self.detector is None or self.score_job is not None:
            return
        paths = [r.path for r in self.session.records if r.path.is_file()]
        missing = [r.rel_path for r in self.session.records if r.error is None and not r.path.is_file()]
        self.start_scoring(paths)
        self._missing_at_scoring = missing if self.score_job is not None else []

    def start_scoring(self, paths: list[Path]) -> None:
        session, detector = self.session, self.detector
        if session is None or detector is None or not paths:
            return
        try:
            session.adopt_model(detector.info(), self.model_path)
        except ReviewLogError as exc:
            QMessageBox.warning(self, "Cannot score", str(exc))
            return
        self._apply_overlay_scale()
        self.histogram.set_threshold(session.threshold or 0.0)
        if session.alarm_threshold is not None:
            self.histogram.set_alarm_threshold(session.alarm_threshold)
        job = ScoreJob(detector, paths, session.record_result, batch_size=self.score_batch_size)
        job.scored.connect(self._on_scored)
        job.device_changed.connect(self._on_device_changed)
        job.progress.connect(self._on_score_progress)
        job.failed.connect(self._on_score_failed)
        job.cancelled.connect(lambda: self.statusBar().showMessage("Scoring cancelled; the scores so far are kept", 8000))
        job.succeeded.connect(lambda n: self.statusBar().showMessage(scored_message(n, self._missing_at_scoring), 15000))
        job.finished.connect(self._on_score_finished)
        self.score_job = job
        self._missing_at_scoring = []
        self.list_model.resort_delay_ms = 1000  # re-sorting the grid once a second is enough while scoring
        self.progress_label.setText("Scoring")
        self.progress_bar.setRange(0, len(paths))
        self.progress_bar.setValue(0)
        self.progress_bar.setFormat(f"%v / {len(paths)}")
        for widget in (self.progress_label, self.progress_bar, self.cancel_button):
            widget.show()
        self.cancel_button.setEnabled(True)
        self.runner.start(job)
        self._update_actions()

    def cancel_scoring(self) -> None:
        if self.score_job is not None:
            self.score_job.cancel()
            self.cancel_button.setEnabled(False)
            self.progress_label.setText("Stopping…")

    def _on_scored(self, record: ImageRecord) -> None:
        if self.session is None or self.score_job is None:
            return
        self.session.accept_record(record)
        rel = record.rel_path
        if self.current_rel is None:
            self.show_rel(self.list_model.first_rel_path() or rel)
            self._auto_selected = True
        elif rel == self.current_rel:
            self._refresh_current()
        self._schedule_histogram()

    def _on_score_progress(self, event: ProgressEvent) -> None:
        self.progress_bar.setRange(0, max(1, event.total))
        self.progress_bar.setValue(event.done)
        eta = format_eta(event.eta_s)
        self.progress_label.setText(f"Scoring · {eta}" if eta else "Scoring")

    def _on_device_changed(self, device: str, message: str) -> None:
        """The GPU ran out of memory even for one photo: scoring goes on on the CPU, and the reviewer is told."""
        self.device_text = f"{device} (GPU out of memory)"
        self._update_engine_label()
        self.statusBar().showMessage(message, 15000)

    def _on_score_failed(self, message: str) -> None:
        QMessageBox.warning(self, "Scoring stopped",
                            f"Scoring stopped with an error:\n\n{message}\n\nThe scores so far are kept.")

    def _on_score_finished(self) -> None:
        self.score_job = None
        self.list_model.resort_delay_ms = 150
        for widget in (self.progress_label, self.progress_bar, self.cancel_button):
            widget.hide()
        self.list_model.resort()
        self.update_histogram()
        self._update_actions()
        if (self.current_rel is None or self._auto_selected) and self.list_model.first_rel_path():
            self.show_rel(self.list_model.first_rel_path())  # the reviewer starts with the highest score
            self._auto_selected = True
        else:
            self.thumbnail_panel.select(self.current_rel)
        self.check_training_likeness()
        self.scoring_finished.emit()
        if self._pending_model is not None and not self._closing:
            pending, self._pending_model = self._pending_model, None
            self.load_model(pending)

    # ================================================================================== showing photos
    def show_rel(self, rel_path: Optional[str]) -> None:
        if self.session is None or rel_path is None or not self.session.has(rel_path):
            return
        self._auto_selected = False
        self.current_rel = rel_path
        self.thumbnail_panel.select(rel_path)
        self._refresh_current()
        self._preload_neighbours()
        self._update_actions()

    def _refresh_current(self) -> None:
        if self.session is None or self.current_rel is None:
            return
        record = self.session.record(self.current_rel)
        zone = self.session.zone(record)
        status = review_status(record, self.session.is_flagged(record), zone)
        self.review_panel.show_record(record, status, self.session.threshold, self.session.alarm_threshold)
        self.photo_watch.watch(record.path)
        if self._photo_is_gone(self.current_rel):
            self._show_gone_photo(self.current_rel)
            return
        item = self.preloader.get(record)
        if item is None:
            self.preloader.request(record, urgent=True)
            if self.inspector.current is None or self.inspector.current.path != str(record.path):
                self.inspector.show_message(f"Loading {record.path.name}…")
                self.review_panel.show_crop(None)
            return
        self.inspector.show_image(item)
        self.review_panel.show_crop(item.hot_crop)
        self.image_shown.emit(self.current_rel)

    def _on_colormap_changed(self, _name: str) -> None:
        self._apply_overlay_scale()
        self._preload_neighbours()

    def _on_preloaded(self, rel_path: str) -> None:
        if rel_path == self.current_rel:
            self._refresh_current()

    def _preload_neighbours(self) -> None:
        if self.session is None:
            return
        listed = self.list_model.row_of(self.current_rel) >= 0
        for offset in (1, -1, 2, -2)[: 2 * PRELOAD_NEIGHBOURS]:
            rel = self.list_model.neighbour(self.current_rel, offset) if listed else None
            if rel is not None and rel != self.current_rel:
                self.preloader.request(self.session.record(rel))

    def step(self, delta: int) -> None:
        if self.session is None:
            return
        self.show_rel(self.list_model.neighbour(self.current_rel, delta))  # folder headers are passed over

    def next_undecided(self) -> None:
        rel = self._find_undecided(after=self.current_rel)
        if rel is None:
            self.statusBar().showMessage("Every scored photo in this list has a decision", 5000)
            return
        if self.list_model.row_of(rel) < 0:
            self.thumbnail_panel.set_filter("all")  # the photo to see next is hidden by the filter
        self.show_rel(rel)

    def review_order(self) -> tuple[list[str], list[str]]:
        """The order a person works in: alarm photos, then the review band, each highest score first; and,
        apart, the photos below pass in score order, for a reviewer who looks through them too (whatever the
        list's filter shows)."""
        session = self.session
        if session is None:
            return [], []
        rank = {"alarm": 0, "review": 1}
        flagged = [r for r in session.records if r.score is not None and session.zone(r) in rank]
        # a batch in folders is worked through folder by folder (the list's folder order), alarm first in each
        folder_rank = {name: i for i, name in enumerate(self.list_model.folders())}
        folder_of = self.list_model.folder_of
        flagged.sort(key=lambda r: (folder_rank.get(folder_of(r.rel_path), 0), rank[session.zone(r)], -r.score))
        chosen = {r.rel_path for r in flagged}
        rest = sorted((r for r in session.records if r.rel_path not in chosen), key=sort_key)
        return [r.rel_path for r in flagged], [r.rel_path for r in rest]

    def _find_undecided(self, after: Optional[str]) -> Optional[str]:
        """The next undecided photo at or above pass (alarm first); only when none is left, one below pass."""
        if self.session is None:
            return None
        for order in self.review_order():
            start = order.index(after) + 1 if after in order else 0
            for rel in order[start:] + order[:start]:
                record = self.session.record(rel)
                if rel != after and record.decision is None and record.score is not None:
                    return rel
        return None

    # ================================================================================== reviewing
    def ensure_reviewer(self) -> Optional[str]:
        """The reviewer's name, asked once and remembered; None if they decline to give one."""
        name = self.settings.reviewer
        if name:
            return name
        name = self.change_reviewer()
        if not name:
            self.statusBar().showMessage(REVIEWER_NEEDED, 10000)
        return name

    def change_reviewer(self) -> Optional[str]:
        name, ok = QInputDialog.getText(
            self, "Reviewer", "Your name, recorded with each decision:", QLineEdit.Normal, self.settings.reviewer
        )
        name = name.strip()
        if not ok or not name:
            return None
        self.settings.reviewer = name
        self.settings.sync()
        self._update_title()
        return name

    def decide(self, decision: str) -> bool:
        """Commit the decision for the current photo, then move to the next one in the list."""
        session, rel = self.session, self.current_rel
        if session is None or rel is None:
            return False
        if not session.can_decide(rel):
            record = session.record(rel) if session.has(rel) else None
            if session.read_only:
                reason = "the batch is read-only"
            elif record is not None and record.score is not None:
                reason = "the photo is no longer in the folder"
            else:
                reason = "this photo has no score yet"
            self.statusBar().showMessage(f"Cannot record a decision: {reason}", 5000)
            return False
        reviewer = self.ensure_reviewer()
        if not reviewer:
            return False
        order = self.list_model.rel_paths
        row = order.index(rel) if rel in order else -1
        following = order[row + 1] if 0 <= row < len(order) - 1 else None
        note = self.review_panel.note_edit.text().strip()
        try:
            session.decide(rel, decision, reviewer, note)
        except (ReviewLogError, ValueError) as exc:
            QMessageBox.critical(self, "Decision not saved", f"The decision could not be saved:\n\n{exc}")
            return False
        self.review_panel.forget_draft(rel)
        self.list_model.resort()
        if following is not None and session.has(following) and self.list_model.row_of(following) >= 0:
            self.show_rel(following)
        else:
            self._refresh_current()
        self._schedule_histogram()
        return True

    def undo(self) -> None:
        if self.session is None:
            return
        reviewer = self.settings.reviewer
        if not reviewer:
            self.statusBar().showMessage("Nothing to undo", 4000)
            return
        try:
            undone = self.session.undo(reviewer)
        except ReviewLogError as exc:
            QMessageBox.critical(self, "Undo failed", str(exc))
            return
        if undone is None:
            self.statusBar().showMessage("Nothing left to undo", 4000)
            return
        self.list_model.resort()
        now = self.session.record(undone.rel_path) if self.session.has(undone.rel_path) else None
        self.statusBar().showMessage(undo_message(undone, now), 8000)
        if self.list_model.row_of(undone.rel_path) >= 0:
            self.show_rel(undone.rel_path)
        else:
            self._refresh_current()
        self._schedule_histogram()

    def focus_note(self) -> None:
        if self.current_rel is None:
            return
        self.review_dock.show()
        self.review_panel.note_edit.setFocus(Qt.ShortcutFocusReason)
        self.review_panel.note_edit.selectAll()

    def commit_note(self, text: str) -> None:
        """Enter in the note field: re-record the current decision with the note, or keep it for the next one."""
        session, rel = self.session, self.current_rel
        self.inspector.canvas.setFocus()
        if session is None or rel is None:
            return
        record = session.record(rel)
        if record.decision is None:
            self.statusBar().showMessage("The note will be saved with your decision (C, R or U)", 5000)
            return
        reviewer = self.ensure_reviewer()
        if not reviewer or not session.can_decide(rel):
            return
        try:
            session.decide(rel, record.decision, reviewer, text.strip())
        except (ReviewLogError, ValueError) as exc:
            QMessageBox.critical(self, "Note not saved", str(exc))
            return
        self.review_panel.forget_draft(rel)
        self._refresh_current()
        self.statusBar().showMessage("Note saved", 3000)

    # ================================================================================== threshold
    def _schedule_histogram(self) -> None:
        """Coalesce redraws; while scoring, once a second is plenty and leaves the UI thread free."""
        if not self._histogram_timer.isActive():
            self._histogram_timer.start(1000 if self.score_job is not None else 250)

    def update_histogram(self) -> None:
        session = self.session
        if session is None:
            self.histogram.set_scores([])
            self.histogram.set_summary("No batch open")
            self._update_actions()
            return
        records = session.records
        threshold = session.threshold
        alarm = session.alarm_threshold
        self.histogram.line.setVisible(threshold is not None)
        self.histogram.above_region.setVisible(threshold is not None)
        self.histogram.alarm_line.setVisible(threshold is not None and alarm is not None)
        self.histogram.alarm_region.setVisible(threshold is not None and alarm is not None)
        if threshold is not None:
            self.histogram.set_threshold(threshold)
        if alarm is not None:
            self.histogram.set_alarm_threshold(alarm)
        self.histogram.set_scores(
            [r.score for r in records if r.score is not None],
            [r.score for r in records if r.score is not None and r.decision == Decision.CONFIRMED],
            [r.score for r in records if r.score is not None and r.decision == Decision.REJECTED],
        )
        self._show_workload()
        self._update_actions()

    def _show_workload(self) -> None:
        """The histogram's summary and the status line: the lines and how many photos a person must see."""
        session = self.session
        if session is None:
            self.workload_label.setText("")
            return
        counts = session.counts()
        text = counts.headline()
        lines = []
        if session.threshold is not None:
            lines.append(f"Pass {session.threshold:.4g}")
            if session.alarm_threshold is not None:
                lines.append(f"alarm {session.alarm_threshold:.4g}")
        self.histogram.set_summary(" · ".join([*lines, text]))
        self.workload_label.setText(f"To see: {counts.to_see()}" if counts.scored else "")

    def _on_threshold_dragged(self, value: float) -> None:
        if self.session is None:
            return
        self.session.preview_threshold(value)
        self._show_workload()
        self._refresh_current()

    def _on_alarm_dragged(self, value: float) -> None:
        if self.session is None:
            return
        self.session.preview_alarm_threshold(value)
        self._show_workload()
        self._refresh_current()

    def _reviewer_for_change(self, what: str) -> Optional[str]:
        """The reviewer who may change ``what`` of the open batch, or None (said why) when it cannot be saved."""
        session = self.session
        if session is None:
            return None
        if session.read_only:
            self.statusBar().showMessage(f"The batch is read-only: the {what} is not saved", 5000)
            return None
        return self.ensure_reviewer() or None

    def commit_alarm_threshold(self, value: float) -> bool:
        session = self.session
        reviewer = self._reviewer_for_change("alarm threshold")
        if session is None or reviewer is None:
            return False
        try:
            session.commit_alarm_threshold(value, reviewer)
        except ReviewLogError as exc:
            QMessageBox.critical(self, "Alarm threshold not saved", str(exc))
            return False
        self.statusBar().showMessage(f"Alarm threshold {value:.4g}: {session.counts().alarm} photos in alarm", 5000)
        self.update_histogram()
        self._refresh_current()
        return True

    def _on_threshold_released(self, value: float) -> None:
        self.commit_threshold(value)

    def commit_threshold(self, value: float) -> bool:
        session = self.session
        reviewer = self._reviewer_for_change("threshold")
        if session is None or reviewer is None:
            return False
        try:
            flagged = session.commit_threshold(value, reviewer)
        except ReviewLogError as exc:
            QMessageBox.critical(self, "Threshold not saved", str(exc))
            return False
        missed = session.confirmed_below(value)
        if missed:  # a safety matter: say it in words, and keep it on screen longer
            names = ", ".join(missed[:3]) + (f" and {len(missed) - 3} more" if len(missed) > 3 else "")
            self.statusBar().showMessage(
                f"Warning: pass {value:.4g} lies above {len(missed)} confirmed foreign "
                f"bod{'y' if len(missed) == 1 else 'ies'} of this batch ({names}): photos like "
                f"{'it' if len(missed) == 1 else 'them'} would not be sent to review", 20000)
        else:
            self.statusBar().showMessage(f"Pass threshold {value:.4g}: {flagged} photos to review", 5000)
        self.update_histogram()
        self._refresh_current()
        return True

    def save_threshold_to_model(self) -> None:
        session = self.session
        if session is None or session.threshold is None:
            return
        target = self.model_path or (Path(session.model_path) if session.model_path else None)
        if target is None or not target.is_file():
            QMessageBox.information(self, "Save threshold", "Choose the model first; its file receives the threshold.")
            return
        if self.score_job is not None:
            self.statusBar().showMessage("Wait until scoring has finished", 4000)
            return
        old = getattr(self.detector, "threshold", None) if self.detector is not None and target == self.model_path else None
        old_text = f" (now {old:.4g})" if isinstance(old, float) else ""
        alarm = session.alarm_threshold
        alarm_text = f" and alarm {alarm:.4g}" if alarm is not None else ""
        question = f"Use pass {session.threshold:.4g}{old_text}{alarm_text} for every future batch scored with “{target.stem}”?"
        missed = session.confirmed_below(session.threshold)
        if missed:
            question += (f"\n\nWarning: this pass line lies above {len(missed)} confirmed foreign "
                         f"bod{'y' if len(missed) == 1 else 'ies'} of this batch ({', '.join(missed[:5])}). "
                         "Future photos like these would not be sent to review.")
        answer = QMessageBox.question(
            self, "Save thresholds to model", question, QMessageBox.Yes | QMessageBox.No,
            QMessageBox.No if missed else QMessageBox.Yes,
        )
        if answer != QMessageBox.Yes:
            return
        reviewer = self.ensure_reviewer() or "unknown"
        threshold = session.threshold
        job = SaveThresholdJob(target, threshold, self.detector if target == self.model_path else None, alarm)

        def saved(_path: object) -> None:
            self.statusBar().showMessage(f"Pass {threshold:.4g}{alarm_text} saved to {target.name}", 6000)
            if self.session is not None and not self.session.read_only:
                try:
                    self.session.log.log_event("threshold_saved_to_model", reviewer, model=str(target), threshold=threshold,
                                               alarm_threshold=alarm)
                except ReviewLogError:
                    pass

        job.succeeded.connect(saved)
        job.failed.connect(lambda message: QMessageBox.warning(self, "Threshold not saved", message))
        job.finished.connect(self._update_actions)
        self.runner.start(job)

    # ================================================================================== training
    def open_train_dialog(self) -> TrainDialog:
        if self.train_dialog is None:
            self.train_dialog = TrainDialog(self.runner, self, self.settings.last_train_dir, self.library_folder,
                                            job_factory=self._train_job)
            self.train_dialog.model_trained.connect(self._on_model_trained)
            self.train_dialog.folder_edit.textChanged.connect(
                lambda text: setattr(self.settings, "last_train_dir", text.strip() or None)
            )
        self.train_dialog.show()
        self.train_dialog.raise_()
        self.train_dialog.activateWindow()
        return self.train_dialog

    def _on_model_trained(self, path: str) -> None:
        self.library_model.refresh()
        self.load_model(Path(path))

    def open_improve_dialog(self) -> Optional[ImproveModelDialog]:
        session, detector, model_path = self.session, self.detector, self.model_path
        if session is None or detector is None or model_path is None:
            self.statusBar().showMessage("Open a reviewed batch and its model first", 5000)
            return None
        if self.improve_dialog is not None and self.improve_dialog.job is not None:
            self.improve_dialog.show()
            self.improve_dialog.raise_()
            return self.improve_dialog
        trained_on = detector.meta.get("train_folder") if isinstance(getattr(detector, "meta", None), dict) else None
        normals = Path(trained_on) if trained_on and Path(trained_on).is_dir() else self.settings.last_train_dir
        dialog = ImproveModelDialog(self.runner, detector, model_path, session.log.path, session.records,
                                    normals_folder=normals, parent=self)
        dialog.model_improved.connect(self._on_model_improved)
        dialog.normals_edit.textChanged.connect(
            lambda text: setattr(self.settings, "last_train_dir", text.strip() or None)
        )
        self.improve_dialog = dialog
        dialog.show()
        dialog.raise_()
        dialog.activateWindow()
        return dialog

    def _on_model_improved(self, path: str, threshold: float) -> None:
        self._adopt_threshold = float(threshold)
        self.library_model.refresh()
        self.load_model(Path(path))

    def open_versions_dialog(self) -> Optional[ModelVersionsDialog]:
        if self.model_path is None:
            self.statusBar().showMessage("Choose a model first", 5000)
            return None
        dialog = ModelVersionsDialog(self.model_path, self)
        dialog.version_activated.connect(self._on_version_activated)
        dialog.setAttribute(Qt.WA_DeleteOnClose)
        dialog.show()
        return dialog

    def history_folders(self) -> list[Path]:
        """Where past reviews of this model lie: the folder holding this batch (its neighbours are usually the
        earlier batches) and the batches the model's versions learnt from."""
        folders: list[Path] = []
        if self.session is not None:
            folders.append(self.session.batch_dir.parent)
        meta = getattr(self.detector, "meta", None)
        lineage = meta.get("lineage") if isinstance(meta, dict) else None
        rounds = ([lineage] + list(lineage.get("history") or [])) if isinstance(lineage, dict) else []
        for round_ in rounds:
            for added in round_.get("added_images") or []:
                batch = added.get("batch") if isinstance(added, dict) else None
                if batch and Path(batch).is_dir() and Path(batch) not in folders:
                    folders.append(Path(batch))
        return folders

    def open_operating_point_dialog(self) -> Optional[OperatingPointDialog]:
        session = self.session
        if session is None or session.threshold is None:
            self.statusBar().showMessage("Open a scored batch first", 5000)
            return None
        from core.history import model_family

        name = session.model_name or (self.detector.info().get("name") if self.detector is not None else None)
        family = model_family(name) or model_family(session.model_path)
        counts = session.counts()
        dialog = OperatingPointDialog(self.runner, self.history_folders(), session.threshold, session.alarm_threshold,
                                      family, batch_text=counts.to_see(), can_apply=not session.read_only, parent=self)
        dialog.pass_chosen.connect(self._on_pass_chosen)
        dialog.setAttribute(Qt.WA_DeleteOnClose)
        dialog.show()
        self.operating_point_dialog = dialog
        return dialog

    def _on_pass_chosen(self, value: float) -> None:
        if self.commit_threshold(value):
            self.histogram.set_threshold(value)

    def _on_version_activated(self, path: str) -> None:
        self.library_model.refresh()
        self.load_model(Path(path))

    # ================================================================================== report, about
    def export_report(self) -> None:
        session = self.session
        if session is None:
            return
        folder = self.settings.last_export_dir or session.batch_dir
        default = Path(folder) / f"{session.batch_dir.name}-report.pdf"
        dialog = ExportDialog(default, self, self.remembered_inspection())
        if dialog.exec() != ExportDialog.Accepted:
            return
        self.remember_inspection(dialog.details)
        self.write_report(dialog.path, dialog.fmt, dialog.include_flagged.isChecked(), dialog.details)

    def write_report(self, path: Path, fmt: str, include_flagged: bool = False,
                     inspection: Optional[object] = None) -> Optional[ReportJob]:
        if self.session is None:
            return None
        self.settings.last_export_dir = path.parent
        job = ReportJob(self.session.log, path, fmt, include_flagged, inspection)
        job.succeeded.connect(lambda p: self.statusBar().showMessage(f"Report written to {p}", 10000))
        job.failed.connect(lambda message: QMessageBox.warning(self, "Report not written", message))
        self.statusBar().showMessage(f"Writing {path.name}…")
        self.runner.start(job)
        return job

    def about_text(self) -> str:
        lines = [f"<h3>{APP_NAME} {__version__}</h3>",
                 "<p>Finds foreign bodies on braking devices in inspection photos with a CSA-Flow "
                 "anomaly model trained on photos without defects.</p>"]
        if self.detector is not None:
            info = self.detector.info()
            version = split_version(self.model_path)[1] if self.model_path is not None else 1
            lines.append(
                f"<p><b>Model:</b> {html.escape(str(info.get('name')))} v{version} — {info.get('variant')}, "
                f"{info.get('backbone')}, {info.get('image_size')} px, threshold {info.get('threshold'):.4g}<br>"
                f"<span style='color:{COLORS.muted}'>{html.escape(str(self.model_path or ''))}</span></p>"
            )
        else:
            lines.append("<p><b>Model:</b> none loaded</p>")
        device = self.device_text or ("loading…" if self.engine_state == "loading" else "not loaded yet")
        lines.append(f"<p><b>Device:</b> {device}</p>")
        if self.session is not None:
            lines.append(f"<p><b>Review log:</b> {html.escape(str(self.session.log.path))}</p>")
        return "".join(lines)

    def show_about(self) -> AboutDialog:
        dialog = AboutDialog(self.about_text(), app_icon(), self)
        dialog.setAttribute(Qt.WA_DeleteOnClose)
        dialog.show()
        return dialog

    def shortcuts_text(self) -> str:
        rows = []
        for group_name, group in zip(
            ("File", "Review", "Navigate", "View", "Model", "Help"), self.actions.groups()
        ):
            for action in vars(group).values():
                keys = ", ".join(k.toString(QKeySequence.NativeText) for k in action.shortcuts())
                if keys:
                    label = action.text().replace("&", "")
                    rows.append(f"<tr><td style='padding-right:18px'><b>{keys}</b></td><td>{label}</td></tr>")
        for action in self.thumbnail_panel.folder_actions:  # a batch in folders: collapse, list one folder
            if action.isVisible() and not action.shortcut().isEmpty():
                keys = action.shortcut().toString(QKeySequence.NativeText)
                rows.append(f"<tr><td style='padding-right:18px'><b>{keys}</b></td><td>{action.text()}</td></tr>")
        return "<table>" + "".join(rows) + self.mouse_help_rows() + "</table>"

    def show_shortcuts(self) -> None:
        box = QMessageBox(self)
        box.setWindowTitle("Keyboard shortcuts")
        box.setTextFormat(Qt.RichText)
        box.setText(self.shortcuts_text())
        box.exec()

    # ================================================================================== state
    def _update_actions(self) -> None:
        session = self.session
        has_batch = session is not None
        rel = self.current_rel
        # a scored photo keeps its keys live even if its file went away: pressing one then says why it is refused
        record = session.record(rel) if session is not None and rel is not None and session.has(rel) else None
        can_decide = bool(record is not None and record.score is not None and not session.read_only)
        a = self.actions
        for action in (a.review.confirm, a.review.reject, a.review.unsure):
            action.setEnabled(can_decide)
        a.review.note.setEnabled(can_decide)
        a.review.undo.setEnabled(has_batch and not (session.read_only if session else True))
        has_rows = self.list_model.rowCount() > 0
        for action in (a.navigate.next, a.navigate.previous, a.navigate.next_undecided):
            action.setEnabled(has_rows)
        a.file.export_report.setEnabled(has_batch)
        scoring = self.score_job is not None
        a.model.score_batch.setEnabled(bool(has_batch and self.detector is not None and not scoring and session.has_unscored()))
        a.model.rescore_batch.setEnabled(bool(has_batch and self.detector is not None and not scoring))
        a.model.cancel_scoring.setEnabled(scoring)
        a.model.improve_model.setEnabled(bool(has_batch and self.detector is not None and self.model_path is not None
                                              and not scoring))
        a.model.model_versions.setEnabled(self.model_path is not None)
        a.model.operating_point.setEnabled(bool(has_batch and session.threshold is not None))
        can_save = bool(has_batch and session.threshold is not None and (self.model_path or session.model_path) and not scoring)
        a.model.save_threshold.setEnabled(can_save)
        self.histogram.save_button.setEnabled(can_save)
        self.histogram.line.setMovable(bool(has_batch and not session.read_only))
        self.histogram.alarm_line.setMovable(bool(has_batch and not session.read_only))

    def _update_title(self) -> None:
        parts = []
        if self.session is not None:
            name = self.session.batch_dir.name
            parts.append(f"{name} [read-only]" if self.session.read_only else name)
        if self.detector is not None:
            name = str(self.detector.info().get("name"))
            version = split_version(self.model_path)[1] if self.model_path is not None else 1
            parts.append(f"{name} v{version}" if version > 1 else name)
        if self.settings.reviewer:
            parts.append(self.settings.reviewer)
        parts.append(APP_NAME)
        self.setWindowTitle(" — ".join(parts))

    def is_settled(self) -> bool:
        """Batch open, nothing loading or scoring, current photo on screen: what a screenshot waits for."""
        if self.session is None:  # nothing to show but the empty window, once nothing is loading any more
            return (self.load_job is None and self._pending_model is None and self.engine_state != "loading"
                    and self.score_job is None)
        if self.score_job is not None or self.load_job is not None:
            return False
        if self.listing_job is not None or self._folder_check_for is not None:
            return False
        if self._pending_model is not None:
            return False
        if self.detector is not None and self.session.has_unscored():
            return False
        if self.current_rel is None:
            return len(self.session) == 0
        current = self.inspector.current
        record = self.session.record(self.current_rel)
        if record.error is not None or self._photo_is_gone(self.current_rel):
            return True
        return current is not None and current.path == str(record.path)

    # ================================================================================== closing
    def closeEvent(self, event: QCloseEvent) -> None:
        if self.train_dialog is not None and self.train_dialog.job is not None:
            answer = QMessageBox.question(self, "Stop training?", "A model is still being trained. Stop it and quit?")
            if answer != QMessageBox.Yes:
                event.ignore()
                return
        self._closing = True
        self.settings.save_window(self)
        self.settings.overlay_opacity = self.inspector.opacity
        self.settings.colormap = self.inspector.colormap
        self.settings.set_flag("overlay/visible", self.inspector.overlay_visible)
        self.settings.set_flag("overlay/outline", self.inspector.outline_visible)
        self.settings.sync()
        self.statusBar().showMessage("Stopping background work…")
        self.runner.shutdown()
        self.thumbnails.clear()
        self.thumbnails.wait(5000)
        self.preloader.clear()
        self.preloader.wait(5000)
        if self.session is not None:
            self.list_model.set_session(None)
            self.session.close()
            self.session = None
        super().closeEvent(event)
