"""The inspector's main window: thumbnails on the left, the photo with its heatmap in the middle, the
decision panel on the right and the score histogram below.

The window never waits for the engine. Torch is imported, models are loaded and photos are scored in
background jobs; the window only reacts to their signals. Reviewer decisions are the one thing done
synchronously, because each must be on disk before the window moves on to the next photo.

This module builds the widgets and wires them together; what the window does lives in the controllers
(:mod:`app.qt.controllers`) and its commands in :mod:`app.qt.qactions`, one declaration each.
"""
from __future__ import annotations

from pathlib import Path
from typing import Optional

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import (
    QDockWidget,
    QFrame,
    QLabel,
    QMainWindow,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QToolBar,
    QWidget,
)

from app import APP_NAME
from core import split_version
from app.qt.controllers.batches import BatchController
from app.qt.controllers.engine import EngineController
from app.qt.controllers.help import HelpController
from app.qt.controllers.models import ModelController
from app.qt.controllers.photos import PhotoController
from app.qt.controllers.reports import ReportController
from app.qt.controllers.review import ReviewController
from app.qt.controllers.scoring import ScoringController
from app.qt.controllers.thresholds import ThresholdController
from app.qt.icon import app_icon
from app.qt.models.image_list_model import ImageListModel
from app.qt.models.model_library_model import ModelLibraryModel
from app.qt.photo_watch import ShownPhotoWatcher
from app.qt.preload import ImagePreloader
from app.qt.qactions import CommandRegistry, CommandState
from app.qt.language_menu import add_language_menu
from app.qt.runtime_menu import add_runtime_menu
from app.qt.session import BatchSession
from app.qt.settings import InspectorSettings
from app.qt.thumbnails import ThumbnailCache
from app.qt.widgets.histogram import ScoreHistogram
from app.qt.widgets.image_view import ImageInspector
from app.qt.widgets.model_picker import ModelPicker
from app.qt.widgets.review_panel import ReviewPanel
from app.qt.widgets.thumbnail_list import ThumbnailPanel, add_folder_commands
from app.qt.workers import FunctionJob, JobRunner, LoadModelJob, ReportJob, ScoreJob
from core import Decision


class MainWindow(QMainWindow):
    """Holds the open batch (``session``), the photo on screen (``current_rel``) and the model in use
    (``detector``, ``model_path``); the controllers act on them. Signals are for observers such as the
    screenshot mode and tests; nothing inside depends on them."""

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
        self.photo_watch = ShownPhotoWatcher(self)
        self.session: Optional[BatchSession] = None
        self.current_rel: Optional[str] = None
        self.detector: Optional[object] = None
        self.model_path: Optional[Path] = None
        self.closing = False

        self.engine = EngineController(self)
        self.models = ModelController(self)
        self.batches = BatchController(self)
        self.scoring = ScoringController(self)
        self.photos = PhotoController(self)
        self.review = ReviewController(self)
        self.thresholds = ThresholdController(self)
        self.reports = ReportController(self)
        self.help = HelpController(self)

        self.setWindowIcon(app_icon())
        self.actions = CommandRegistry(self)
        self._build_ui()
        self._connect()
        self._restore_look()
        self.refresh_commands()
        self.update_title()
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
        self.thumbnail_dock = self._dock(self.tr("Photos"), "PhotosDock", self.thumbnail_panel, Qt.LeftDockWidgetArea)
        self.review_panel = ReviewPanel()
        review_scroll = QScrollArea()  # lets the window shrink to a laptop screen without cutting the panel off
        review_scroll.setWidget(self.review_panel)
        review_scroll.setWidgetResizable(True)
        review_scroll.setFrameShape(QFrame.NoFrame)
        review_scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarAlwaysOff)
        review_scroll.setMinimumWidth(self.review_panel.minimumWidth() + 12)
        self.review_dock = self._dock(self.tr("Review"), "ReviewDock", review_scroll, Qt.RightDockWidgetArea)
        self.histogram = ScoreHistogram()
        self.histogram.setMinimumHeight(110)
        self.histogram_dock = self._dock(self.tr("Score histogram"), "HistogramDock", self.histogram, Qt.BottomDockWidgetArea)
        self.resizeDocks([self.thumbnail_dock, self.review_dock], [330, 270], Qt.Horizontal)
        self.resizeDocks([self.histogram_dock], [190], Qt.Vertical)

        self.review_panel.add_decision_button(self.actions.review.confirm, "confirm")
        self.review_panel.add_decision_button(self.actions.review.reject, "reject")
        self.review_panel.add_decision_button(self.actions.review.unsure, Decision.UNSURE.value)

        self.toolbar = QToolBar(self.tr("Main toolbar"))
        self.toolbar.setObjectName("MainToolbar")
        self.toolbar.setMovable(False)
        self.toolbar.setToolButtonStyle(Qt.ToolButtonTextOnly)
        self.addToolBar(Qt.TopToolBarArea, self.toolbar)
        self.model_picker = ModelPicker(self.library_model)
        self.actions.build_toolbar(self.toolbar, widgets={50: self.model_picker})

        docks = (self.thumbnail_dock, self.review_dock, self.histogram_dock)
        self.actions.build_menus(self.menuBar(), extra={"view": [d.toggleViewAction() for d in docks]})
        self.runtime_menu = add_runtime_menu(self.menuBar(), self.settings, self.engine.runtime_changed)
        add_folder_commands(self.menuBar(), self.thumbnail_panel.folder_actions)
        self.language_menu = add_language_menu(self.menuBar(), self.settings, self)
        self._build_status_bar()

    def _build_status_bar(self) -> None:
        status = self.statusBar()
        status.setSizeGripEnabled(True)
        self.progress_label = QLabel("")
        self.progress_bar = QProgressBar()
        self.progress_bar.setFixedWidth(220)
        self.progress_bar.setTextVisible(True)
        self.cancel_button = QPushButton(self.tr("Cancel"))
        self.cancel_button.setToolTip(self.actions.model.cancel_scoring.toolTip())
        self.cancel_button.clicked.connect(self.actions.model.cancel_scoring.trigger)
        self.engine_label = QLabel("")
        self.engine_label.setObjectName("muted")
        # how many photos a person must see in this batch, and what share that is
        self.workload_label = QLabel("")
        self.workload_label.setToolTip(self.tr("Photos at or above the pass line (alarm first, then the review band)"))
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
        view = self.actions.view
        controls = self.inspector.controls
        # the overlay bar's buttons are these actions, so they show the same keys in their tooltips
        controls.fit_button.clicked.disconnect()
        controls.actual_button.clicked.disconnect()
        controls.fit_button.setDefaultAction(view.fit)
        controls.actual_button.setDefaultAction(view.actual_size)
        controls.overlay_toggled.connect(view.toggle_overlay.setChecked)
        controls.outline_toggled.connect(view.toggle_outline.setChecked)
        self.inspector.colormap_changed.connect(self.photos.on_colormap_changed)
        self.thumbnail_panel.current_changed.connect(self.show_rel)
        self.list_model.counts_changed.connect(self.thresholds.schedule_histogram)
        self.list_model.layoutChanged.connect(self.refresh_commands)
        self.list_model.modelReset.connect(self.refresh_commands)
        self.preloader.ready.connect(self.photos.on_preloaded)
        self.model_picker.model_chosen.connect(lambda path: self.load_model(Path(path)))
        self.model_picker.browse_requested.connect(self.models.choose_model_file)
        self.review_panel.note_committed.connect(self.review.commit_note)
        self.review_panel.note_left.connect(self.review.leave_note)
        self.photo_watch.vanished.connect(self.batches.on_photo_vanished)
        self.thresholds.connect()

    def _restore_look(self) -> None:
        if not self.settings.restore_window(self):
            self.resize(1400, 880)
        self.inspector.set_opacity(self.settings.overlay_opacity)
        self.inspector.set_colormap(self.settings.colormap)
        self.actions.view.toggle_overlay.setChecked(self.settings.flag("overlay/visible", True))
        self.actions.view.toggle_outline.setChecked(self.settings.flag("overlay/outline", True))
        self.inspector.set_overlay_visible(self.actions.view.toggle_overlay.isChecked())
        self.inspector.set_outline_visible(self.actions.view.toggle_outline.isChecked())

    # ================================================================================== state
    def refresh_commands(self) -> None:
        """Enable each command by its own rule; the histogram's save button and lines follow the same facts."""
        state = CommandState.of(self)
        self.actions.refresh(state)
        self.histogram.save_button.setEnabled(state.can_save_threshold)
        self.histogram.line.setMovable(state.writable)
        self.histogram.alarm_line.setMovable(state.writable)

    def update_title(self) -> None:
        parts = []
        if self.session is not None:
            name = self.session.batch_dir.name
            parts.append(self.tr("{name} [read-only]").format(name=name) if self.session.read_only else name)
        if self.detector is not None:
            name = str(self.detector.info().name)
            version = split_version(self.model_path)[1] if self.model_path is not None else 1
            parts.append(f"{name} v{version}" if version > 1 else name)
        if self.settings.reviewer:
            parts.append(self.settings.reviewer)
        parts.append(APP_NAME)
        self.setWindowTitle(" — ".join(parts))

    def is_settled(self) -> bool:
        """Batch open, nothing loading or scoring, current photo on screen: what a screenshot waits for."""
        pending = self.models.pending_model is not None
        if self.session is None:  # nothing to show but the empty window, once nothing is loading any more
            return self.load_job is None and not pending and self.engine.state != "loading" and self.score_job is None
        if self.score_job is not None or self.load_job is not None or pending:
            return False
        if self.batches.listing_job is not None or self.batches.folder_check_for is not None:
            return False
        if self.detector is not None and self.session.has_unscored():
            return False
        if self.current_rel is None:
            return len(self.session) == 0
        current = self.inspector.current
        record = self.session.record(self.current_rel)
        if record.error is not None or self.batches.photo_is_gone(self.current_rel):
            return True
        return current is not None and current.path == str(record.path)

    # ================================================================================== what others ask of the window
    @property
    def score_job(self) -> Optional[ScoreJob]:
        return self.scoring.job

    @property
    def is_scoring(self) -> bool:
        return self.scoring.job is not None

    @property
    def score_batch_size(self) -> int:
        return self.scoring.batch_size

    @score_batch_size.setter
    def score_batch_size(self, value: int) -> None:
        self.scoring.batch_size = value

    @property
    def load_job(self) -> Optional[LoadModelJob]:
        return self.models.load_job

    @property
    def device_text(self) -> str:
        return self.engine.device_text

    @property
    def open_seconds(self) -> Optional[float]:
        """How long the last :meth:`open_batch` took (for benchmarks)."""
        return self.batches.open_seconds

    def start_engine_warm_up(self) -> None:
        self.engine.start_warm_up()

    def open_batch(self, folder: Path) -> bool:
        return self.batches.open_batch(folder)

    def close_batch(self) -> None:
        self.batches.close_batch()

    def offer_last_batch(self) -> Optional[QPushButton]:
        return self.batches.offer_last_batch()

    def check_training_likeness(self):
        return self.batches.check_training_likeness()

    def load_model(self, path: Path) -> None:
        self.models.load_model(path)

    def show_rel(self, rel_path: Optional[str]) -> None:
        self.photos.show_rel(rel_path)

    def decide(self, decision: str) -> bool:
        return self.review.decide(decision)

    def focus_note(self) -> None:
        self.review.focus_note()

    def commit_threshold(self, value: float) -> bool:
        return self.thresholds.commit_threshold(value)

    def save_threshold_to_model(self) -> None:
        self.thresholds.save_threshold_to_model()

    def open_operating_point_dialog(self):
        return self.thresholds.open_operating_point_dialog()

    def open_train_dialog(self):
        return self.models.open_train_dialog()

    def open_improve_dialog(self):
        return self.models.open_improve_dialog()

    def open_versions_dialog(self):
        return self.models.open_versions_dialog()

    def write_report(self, path: Path, fmt: str, include_flagged: bool = False,
                     inspection: Optional[object] = None) -> Optional[ReportJob]:
        return self.reports.write_report(path, fmt, include_flagged, inspection)

    def shortcuts_text(self) -> str:
        return self.help.shortcuts_text()

    def about_text(self) -> str:
        return self.help.about_text()

    def show_about(self):
        return self.help.show_about()

    # ================================================================================== closing
    def closeEvent(self, event: QCloseEvent) -> None:
        train_dialog = self.models.train_dialog
        if train_dialog is not None and train_dialog.job is not None:
            answer = QMessageBox.question(self, self.tr("Stop training?"),
                                          self.tr("A model is still being trained. Stop it and quit?"))
            if answer != QMessageBox.Yes:
                event.ignore()
                return
        self.closing = True
        self.settings.save_window(self)
        self.settings.overlay_opacity = self.inspector.opacity
        self.settings.colormap = self.inspector.colormap
        self.settings.set_flag("overlay/visible", self.inspector.overlay_visible)
        self.settings.set_flag("overlay/outline", self.inspector.outline_visible)
        self.settings.sync()
        self.statusBar().showMessage(self.tr("Stopping background work…"))
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
