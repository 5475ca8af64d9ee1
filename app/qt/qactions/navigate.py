"""Navigate menu: moving through the photo list (the folder commands of a batch in folders join it at the end)."""
from __future__ import annotations

from PySide6.QtCore import QT_TRANSLATE_NOOP
from PySide6.QtGui import QKeySequence

from app.qt.qactions.command import Command, Menu

MENU = Menu("navigate", QT_TRANSLATE_NOOP("Menus", "&Navigate"), dict(
    next=Command(
        QT_TRANSLATE_NOOP("Commands", "&Next photo"), ["Right", "J"],
        QT_TRANSLATE_NOOP("Commands", "Next photo"),
        short=QT_TRANSLATE_NOOP("Commands", "Next ▸"), run=lambda w: w.photos.step(+1), enabled=lambda s: s.has_rows,
        toolbar=(30, 1)),
    previous=Command(
        QT_TRANSLATE_NOOP("Commands", "&Previous photo"), ["Left", "K"],
        QT_TRANSLATE_NOOP("Commands", "Previous photo"),
        short=QT_TRANSLATE_NOOP("Commands", "◂ Previous"), run=lambda w: w.photos.step(-1),
        enabled=lambda s: s.has_rows, toolbar=(30, 0)),
    next_undecided=Command(
        QT_TRANSLATE_NOOP("Commands", "Next &undecided"), ["N"],
        QT_TRANSLATE_NOOP("Commands", "Next photo without a decision"),
        short=QT_TRANSLATE_NOOP("Commands", "Next undecided"), run=lambda w: w.photos.next_undecided(),
        enabled=lambda s: s.has_rows, toolbar=(30, 2)),
    find=Command(
        QT_TRANSLATE_NOOP("Commands", "&Find photo by name…"), [QKeySequence.Find],
        QT_TRANSLATE_NOOP("Commands", "Search the photo list by file name"), run=lambda w: w.photos.focus_search()),
))
