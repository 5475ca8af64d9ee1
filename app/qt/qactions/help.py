"""Help menu: the key list and what is running."""
from __future__ import annotations

from PySide6.QtCore import QT_TRANSLATE_NOOP

from app.qt.qactions.command import Command, Menu

MENU = Menu("help", QT_TRANSLATE_NOOP("Menus", "&Help"), dict(
    shortcuts=Command(
        QT_TRANSLATE_NOOP("Commands", "&Keyboard shortcuts"), ["F1"],
        QT_TRANSLATE_NOOP("Commands", "List the keyboard shortcuts"), run=lambda w: w.help.show_shortcuts()),
    about=Command(
        QT_TRANSLATE_NOOP("Commands", "&About CSA Inspector"), [],
        QT_TRANSLATE_NOOP("Commands", "Version, model and device"), run=lambda w: w.help.show_about()),
))
