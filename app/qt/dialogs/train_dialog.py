"""Train a model for a new inspection scenario from a folder of defect-free photos.

The dialog stays open while training so the reviewer sees loss and remaining time; the result goes
straight into the model library under the scenario's name.
"""
from __future__ import annotations

from pathlib import Path
from typing import Callable, Optional

from PySide6.QtCore import QT_TRANSLATE_NOOP, Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from core import library_path_for, list_library_models, model_library_dir, safe_model_name
from app.qt.batch_files import photos_in_typed_folder
from app.qt.widgets.path_row import path_row
from app.qt.dialogs.job_dialog import JobDialog
from app.qt.workers import JobRunner, TrainJob
from core import VARIANTS, BackboneConfig, FlowConfig, InputConfig, ModelConfig, TrainConfig
from core import TRAINING_STAGE_LABELS

#: Backbones whose weights ship with the application (no download needed on a depot workstation).
BACKBONES: tuple[tuple[str, str], ...] = (
    ("tf_efficientnet_lite0", QT_TRANSLATE_NOOP("TrainDialog", "EfficientNet-Lite0 (fast)")),
    ("tf_efficientnet_lite2", QT_TRANSLATE_NOOP("TrainDialog", "EfficientNet-Lite2 (more detail)")),
)
VARIANT_LABELS = {
    "csflow": "CS-Flow",
    "csflow+ca": QT_TRANSLATE_NOOP("TrainDialog", "CS-Flow + channel attention"),
    "csflow+sa": QT_TRANSLATE_NOOP("TrainDialog", "CS-Flow + spatial attention"),
    "csa": QT_TRANSLATE_NOOP("TrainDialog", "CSA-Flow (both attentions)"),
}
class TrainDialog(JobDialog):
    """Emits ``model_trained(path)`` once the model file is in the library."""

    model_trained = Signal(str)
    stage_labels = TRAINING_STAGE_LABELS
    stop_question = (QT_TRANSLATE_NOOP("JobDialog", "Stop training?"),
                     QT_TRANSLATE_NOOP("JobDialog", "Training is still running. Stop it?"))

    def __init__(
        self,
        runner: JobRunner,
        parent: Optional[QWidget] = None,
        start_folder: Optional[Path] = None,
        library_folder: Optional[Path] = None,
        job_factory: Callable[..., TrainJob] = TrainJob,
    ) -> None:
        super().__init__(runner, parent)
        self.setWindowTitle(self.tr("Train a new model"))
        self.setMinimumWidth(560)
        self.library_folder = library_folder
        self.job_factory = job_factory
        self.saved_path: Optional[Path] = None
        self._images: list[Path] = []

        self.name_edit = QLineEdit()
        self.name_edit.setPlaceholderText(self.tr("e.g. bogie-left-disc"))
        self.folder_edit = QLineEdit(str(start_folder) if start_folder else "")
        self.folder_edit.setPlaceholderText(self.tr("Folder with photos that show no foreign body"))
        folder_row = path_row(self.folder_edit, self._browse)
        self.count_label = QLabel("")
        self.count_label.setObjectName("muted")
        self.variant_combo = QComboBox()
        for variant in VARIANTS:
            self.variant_combo.addItem(self.tr(VARIANT_LABELS.get(variant, variant)), variant)
        self.variant_combo.setCurrentIndex(list(VARIANTS).index(FlowConfig().variant))
        self.backbone_combo = QComboBox()
        for name, label in BACKBONES:
            self.backbone_combo.addItem(self.tr(label), name)
        self.size_spin = QSpinBox()
        self.size_spin.setRange(64, 1024)
        self.size_spin.setSingleStep(32)
        self.size_spin.setValue(InputConfig().image_size)
        self.size_spin.setSuffix(self.tr(" px"))
        self.epochs_spin = QSpinBox()
        self.epochs_spin.setRange(1, 1000)
        self.epochs_spin.setValue(TrainConfig().epochs)

        form = QFormLayout()
        form.setLabelAlignment(Qt.AlignRight)
        form.setHorizontalSpacing(14)
        form.setVerticalSpacing(8)
        form.addRow(self.tr("Scenario name"), self.name_edit)
        form.addRow(self.tr("Good photos"), folder_row)
        form.addRow("", self.count_label)
        form.addRow(self.tr("Variant"), self.variant_combo)
        form.addRow(self.tr("Backbone"), self.backbone_combo)
        form.addRow(self.tr("Image size"), self.size_spin)
        form.addRow(self.tr("Epochs"), self.epochs_spin)

        self.destination_label = QLabel("")
        self.destination_label.setObjectName("muted")
        self.destination_label.setWordWrap(True)

        self.buttons = QDialogButtonBox()
        self.train_button = self.buttons.addButton(self.tr("Train"), QDialogButtonBox.AcceptRole)
        self.cancel_button = self.buttons.addButton(self.tr("Cancel training"), QDialogButtonBox.RejectRole)
        self.close_button = self.buttons.addButton(QDialogButtonBox.Close)
        self.cancel_button.setEnabled(False)
        self.train_button.clicked.connect(self.start_training)
        self.cancel_button.clicked.connect(self.cancel_training)
        self.close_button.clicked.connect(self.close)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(18, 16, 18, 14)
        layout.setSpacing(10)
        layout.addLayout(form)
        layout.addSpacing(6)
        layout.addWidget(self.stage_label)
        layout.addWidget(self.progress_bar)
        layout.addWidget(self.detail_label)
        layout.addWidget(self.destination_label)
        layout.addStretch(1)
        layout.addWidget(self.buttons)

        self.folder_edit.textChanged.connect(self._refresh_folder)
        self.name_edit.textChanged.connect(self._refresh_destination)
        self._refresh_folder()
        self._refresh_destination()

    # -- inputs -----------------------------------------------------------------------------------
    def _browse(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, self.tr("Folder with good photos"), self.folder_edit.text())
        if folder:
            self.folder_edit.setText(folder)
            if not self.name_edit.text().strip():
                self.name_edit.setText(safe_model_name(Path(folder).name))

    def _refresh_folder(self) -> None:
        folder, self._images = photos_in_typed_folder(self.folder_edit.text())
        if folder is None:
            self.count_label.setText("")
        elif not folder.is_dir():
            self.count_label.setText(self.tr("This folder does not exist"))
        else:
            self.count_label.setText(self.tr("{count} photos found").format(count=len(self._images)))
        self._update_buttons()

    def _refresh_destination(self) -> None:
        name = self.name_edit.text().strip()
        if not name:
            self.destination_label.setText("")
        else:
            folder = self.library_folder or model_library_dir()
            self.destination_label.setText(self.tr("Goes into the model library as “{name}” ({folder})").format(
                name=safe_model_name(name), folder=folder))
        self._update_buttons()

    def _update_buttons(self) -> None:
        running = self.job is not None
        self.train_button.setEnabled(not running and bool(self.name_edit.text().strip()) and len(self._images) >= 2)
        self.cancel_button.setEnabled(running and not self.job.is_cancelled)
        for widget in (self.name_edit, self.folder_edit, self.variant_combo, self.backbone_combo, self.size_spin,
                       self.epochs_spin):
            widget.setEnabled(not running)

    @property
    def images(self) -> list[Path]:
        return list(self._images)

    def config(self) -> ModelConfig:
        return ModelConfig(
            backbone=BackboneConfig(name=str(self.backbone_combo.currentData())),
            flow=FlowConfig(variant=str(self.variant_combo.currentData())),
            train=TrainConfig(epochs=int(self.epochs_spin.value())),
            input=InputConfig(image_size=int(self.size_spin.value())),
        )

    def set_config(self, config: ModelConfig) -> None:
        """Pre-fill the form (used for retraining a scenario with its previous settings)."""
        index = self.variant_combo.findData(config.flow.variant)
        if index >= 0:
            self.variant_combo.setCurrentIndex(index)
        index = self.backbone_combo.findData(config.backbone.name)
        if index < 0:
            self.backbone_combo.addItem(config.backbone.name, config.backbone.name)
            index = self.backbone_combo.count() - 1
        self.backbone_combo.setCurrentIndex(index)
        self.size_spin.setValue(config.input.image_size)
        self.epochs_spin.setValue(config.train.epochs)

    # -- training ---------------------------------------------------------------------------------
    def start_training(self, config: Optional[ModelConfig] = None) -> None:
        name = self.name_edit.text().strip()
        if not name or len(self._images) < 2:
            return
        target = library_path_for(name, self.library_folder)
        existing = {m.path.resolve() for m in list_library_models(self.library_folder)}
        if target.resolve() in existing:
            answer = QMessageBox.question(
                self, self.tr("Replace model?"),
                self.tr("A model named “{name}” is already in the library. Replace it?").format(name=target.stem)
            )
            if answer != QMessageBox.Yes:
                return
        config = config if isinstance(config, ModelConfig) else self.config()
        self.start_job(self.job_factory(self._images, config, target, name=name), self.tr("Loading the engine…"),
                       self.tr("{count} good photos, {epochs} epochs").format(count=len(self._images),
                                                                             epochs=config.train.epochs))

    def cancel_training(self) -> None:
        self.cancel_job()

    def _on_succeeded(self, path: object) -> None:
        self.saved_path = Path(str(path))
        self.show_finished_bar(True)
        self.stage_label.setText(self.tr("Model “{name}” is ready and selected.").format(name=self.saved_path.stem))
        self.model_trained.emit(str(self.saved_path))

    def _on_failed(self, message: str) -> None:
        self.show_finished_bar(False)
        self.stage_label.setText(self.tr("Training failed"))
        self.detail_label.setText(message)

    def _on_cancelled(self) -> None:
        self.show_finished_bar(False)
        self.stage_label.setText(self.tr("Training cancelled; nothing was saved"))
