"""Model → Backbone runtime: the reviewer's choice of what runs the backbone on this workstation's CPU.

The choice is a workstation preference (kept in the inspector's settings), not part of a model. Changing it
applies to the next model load; the window reloads the current model so the engine label tells the truth.
"""
from __future__ import annotations

from typing import Callable

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication
from PySide6.QtGui import QAction, QActionGroup
from PySide6.QtWidgets import QMenu, QMenuBar

from app.qt.i18n import find_menu
from app.qt.settings import InspectorSettings
from core import RUNTIMES

LABELS = {
    "auto": QT_TRANSLATE_NOOP("RuntimeMenu", "Automatic (fastest that matches PyTorch)"),
    "torch": "PyTorch",
    "onnxruntime": "ONNX Runtime",
    "openvino": "OpenVINO",
}


def add_runtime_menu(menubar: QMenuBar, settings: InspectorSettings, changed: Callable[[str], None]) -> QMenu:
    """A submenu of the Model menu (or of the menu bar when there is none) with one checkable entry per runtime."""
    model_menu = find_menu(menubar, "&Model")
    menu = (model_menu or menubar).addMenu(QCoreApplication.translate("RuntimeMenu", "Backbone &runtime"))
    menu.setToolTipsVisible(True)
    group = QActionGroup(menu)
    group.setExclusive(True)
    current = settings.runtime
    for name in RUNTIMES:
        action = QAction(QCoreApplication.translate("RuntimeMenu", LABELS.get(name, name)), menu, checkable=True)
        action.setData(name)
        action.setChecked(name == current)
        action.setToolTip(QCoreApplication.translate(
            "RuntimeMenu", "Checked against PyTorch on every load; if it differs, PyTorch runs. CUDA always runs PyTorch."))
        group.addAction(action)
        menu.addAction(action)

    def choose(action: QAction) -> None:
        name = str(action.data())
        if name != settings.runtime:
            settings.runtime = name
            changed(name)

    group.triggered.connect(choose)
    return menu
