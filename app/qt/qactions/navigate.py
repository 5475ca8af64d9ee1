"""Navigate menu: moving through the photo list (the folder commands of a batch in folders join it at the end)."""
from __future__ import annotations

from PySide6.QtGui import QKeySequence

from app.qt.qactions.command import Command, Menu

MENU = Menu("navigate", "&Navigate", (
    Command("next", "&Next photo", ["Right", "J"], "Next photo", short="Next ▸", run=lambda w: w.photos.step(+1),
            enabled=lambda s: s.has_rows, toolbar=(30, 1)),
    Command("previous", "&Previous photo", ["Left", "K"], "Previous photo", short="◂ Previous",
            run=lambda w: w.photos.step(-1), enabled=lambda s: s.has_rows, toolbar=(30, 0)),
    Command("next_undecided", "Next &undecided", ["N"], "Next photo without a decision", short="Next undecided",
            run=lambda w: w.photos.next_undecided(), enabled=lambda s: s.has_rows, toolbar=(30, 2)),
    Command("find", "&Find photo by name…", [QKeySequence.Find], "Search the photo list by file name",
            run=lambda w: w.photos.focus_search()),
))
