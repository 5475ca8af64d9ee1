"""Help menu: the key list and what is running."""
from __future__ import annotations

from app.qt.qactions.command import Command, Menu

MENU = Menu("help", "&Help", (
    Command("shortcuts", "&Keyboard shortcuts", ["F1"], "List the keyboard shortcuts", run=lambda w: w.help.show_shortcuts()),
    Command("about", "&About CSA Inspector", [], "Version, model and device", run=lambda w: w.help.show_about()),
))
