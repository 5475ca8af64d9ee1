"""The model library as a list model for the model picker: library models first, then files opened
from elsewhere during this session."""
from __future__ import annotations

from pathlib import Path
from typing import Any, Optional

from PySide6.QtCore import QAbstractListModel, QCoreApplication, QModelIndex, QObject, QPersistentModelIndex, Qt

from core import LibraryModel, list_library_models

PATH_ROLE = Qt.UserRole + 1


class ModelLibraryModel(QAbstractListModel):
    def __init__(self, folder: Optional[Path] = None, parent: Optional[QObject] = None) -> None:
        super().__init__(parent)
        self.folder = folder
        self._entries: list[LibraryModel] = []
        self._external: list[Path] = []
        self.refresh()

    def refresh(self) -> None:
        self.beginResetModel()
        self._entries = list_library_models(self.folder)
        library = {e.path.resolve() for e in self._entries}
        self._external = [p for p in self._external if p.resolve() not in library]
        self.endResetModel()

    def add_file(self, path: Path) -> int:
        """Make a model file from outside the library selectable; returns its row."""
        path = Path(path)
        row = self.row_of(path)
        if row >= 0:
            return row
        row = self.rowCount()
        self.beginInsertRows(QModelIndex(), row, row)
        self._external.append(path)
        self.endInsertRows()
        return row

    def path_at(self, row: int) -> Optional[Path]:
        if 0 <= row < len(self._entries):
            return self._entries[row].path
        row -= len(self._entries)
        if 0 <= row < len(self._external):
            return self._external[row]
        return None

    def row_of(self, path: Optional[Path]) -> int:
        if path is None:
            return -1
        try:
            wanted = Path(path).resolve()
        except OSError:
            return -1
        for row in range(self.rowCount()):
            candidate = self.path_at(row)
            if candidate is not None and candidate.resolve() == wanted:
                return row
        return -1

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._entries) + len(self._external)

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row = index.row()
        path = self.path_at(row)
        if path is None:
            return None
        in_library = row < len(self._entries)
        if role == Qt.DisplayRole:
            return self._entries[row].label if in_library else QCoreApplication.translate("ModelLibraryModel",
                "{name} (file)").format(name=path.stem)
        if role == Qt.ToolTipRole:
            entry = self._entries[row] if in_library else None
            if entry is not None and entry.n_versions > 1:
                return f"{path}\n" + QCoreApplication.translate(
                    "ModelLibraryModel", "version {version} of {count} is in use (Model ▸ Model versions…)").format(
                    version=entry.version, count=entry.n_versions)
            return str(path)
        if role == PATH_ROLE:
            return str(path)
        return None
