"""A path field with its "Browse…" button, as every dialog that asks for a file or folder shows it."""
from __future__ import annotations

from typing import Callable

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QHBoxLayout, QLineEdit, QPushButton


def path_row(edit: QLineEdit, browse: Callable[[], None], button_text: str = "") -> QHBoxLayout:
    """Lay ``edit`` out with a button that calls ``browse``; the caller adds the layout to its form."""
    button = QPushButton(button_text or QCoreApplication.translate("PathRow", "Browse…"))
    button.clicked.connect(browse)
    row = QHBoxLayout()
    row.setContentsMargins(0, 0, 0, 0)
    row.addWidget(edit, 1)
    row.addWidget(button)
    return row
