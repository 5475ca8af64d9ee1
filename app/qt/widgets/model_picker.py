"""Toolbar control to choose the model: a list of the library's scenarios plus "Browse…" for a file."""
from __future__ import annotations

from pathlib import Path
from typing import Optional

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QSizePolicy, QToolButton, QWidget

from app.qt.models.model_library_model import ModelLibraryModel


class ModelPicker(QWidget):
    """Emits ``model_chosen(path)`` when the reviewer picks another model; ``browse_requested`` for "…"."""

    model_chosen = Signal(str)
    browse_requested = Signal()

    def __init__(self, model: ModelLibraryModel, parent: Optional[QWidget] = None) -> None:
        super().__init__(parent)
        self.model = model
        label = QLabel(self.tr("Model"))
        label.setObjectName("muted")
        self.combo = QComboBox()
        self.combo.setModel(model)
        self.combo.setMinimumContentsLength(18)
        self.combo.setSizeAdjustPolicy(QComboBox.AdjustToMinimumContentsLengthWithIcon)
        self.combo.setSizePolicy(QSizePolicy.Preferred, QSizePolicy.Fixed)
        self.combo.setPlaceholderText(self.tr("Choose a model"))
        self.combo.setToolTip(self.tr("Model used to score the batch (one per inspection scenario)"))
        self.browse = QToolButton()
        self.browse.setText("…")
        self.browse.setToolTip(self.tr("Use a model file from another folder (Ctrl+M)"))
        layout = QHBoxLayout(self)
        layout.setContentsMargins(6, 0, 6, 0)
        layout.setSpacing(6)
        layout.addWidget(label)
        layout.addWidget(self.combo)
        layout.addWidget(self.browse)
        self._quiet = False
        self.combo.activated.connect(self._on_activated)
        self.browse.clicked.connect(self.browse_requested)

    def _on_activated(self, row: int) -> None:
        path = self.model.path_at(row)
        if path is not None and not self._quiet:
            self.model_chosen.emit(str(path))

    def show_path(self, path: Optional[Path]) -> None:
        """Select ``path`` in the list (adding it when it is outside the library) without emitting."""
        self._quiet = True
        try:
            if path is None:
                self.combo.setCurrentIndex(-1)
                return
            row = self.model.row_of(Path(path))
            if row < 0:
                row = self.model.add_file(Path(path))
            self.combo.setCurrentIndex(row)
        finally:
            self._quiet = False

    def current_path(self) -> Optional[Path]:
        return self.model.path_at(self.combo.currentIndex())
