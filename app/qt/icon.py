"""The application icon, from the PNGs in ``resources/icons`` (drawn by ``resources/icons/make_icons.py``)."""
from __future__ import annotations

from functools import lru_cache

from PySide6.QtGui import QIcon

from core import resource_path

ICON_SIZES = (16, 24, 32, 48, 64, 128, 256)


@lru_cache(maxsize=1)
def app_icon() -> QIcon:
    """Every size the desktop may ask for; an empty icon (Qt's default) if the files are missing."""
    icon = QIcon()
    for size in ICON_SIZES:
        path = resource_path("icons", f"csa-inspector-{size}.png")
        if path.is_file():
            icon.addFile(str(path))
    return icon
