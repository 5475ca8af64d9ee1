"""Review menu: the decision on the photo on screen, its note, and taking the last decision back."""
from __future__ import annotations

from PySide6.QtCore import QT_TRANSLATE_NOOP
from PySide6.QtGui import QKeySequence

from app.qt.qactions.command import Command, Menu
from core import Decision

MENU = Menu("review", QT_TRANSLATE_NOOP("Menus", "&Review"), dict(
    confirm=Command(
        QT_TRANSLATE_NOOP("Commands", "&Confirm foreign body"), ["C"],
        QT_TRANSLATE_NOOP("Commands", "Confirm: a foreign body is present"),
        short=QT_TRANSLATE_NOOP("Commands", "Confirm"), run=lambda w: w.review.decide(Decision.CONFIRMED),
        enabled=lambda s: s.can_decide, toolbar=(20, 0)),
    reject=Command(
        QT_TRANSLATE_NOOP("Commands", "&Reject false alarm"), ["R"],
        QT_TRANSLATE_NOOP("Commands", "Reject: no foreign body, a false alarm"),
        short=QT_TRANSLATE_NOOP("Commands", "Reject"), run=lambda w: w.review.decide(Decision.REJECTED),
        enabled=lambda s: s.can_decide, toolbar=(20, 1)),
    unsure=Command(
        QT_TRANSLATE_NOOP("Commands", "&Unsure"), ["U"],
        QT_TRANSLATE_NOOP("Commands", "Mark as unsure, for a second opinion"),
        short=QT_TRANSLATE_NOOP("Commands", "Unsure"), run=lambda w: w.review.decide(Decision.UNSURE),
        enabled=lambda s: s.can_decide, toolbar=(20, 2)),
    note=Command(
        QT_TRANSLATE_NOOP("Commands", "&Note…"), ["Ctrl+N"],
        QT_TRANSLATE_NOOP("Commands", "Write a note for this photo"), run=lambda w: w.review.focus_note(),
        enabled=lambda s: s.can_decide, section=1),
    undo=Command(
        QT_TRANSLATE_NOOP("Commands", "&Undo last decision"), [QKeySequence.Undo],
        QT_TRANSLATE_NOOP("Commands", "Undo your last decision"),
        short=QT_TRANSLATE_NOOP("Commands", "Undo"), run=lambda w: w.review.undo(),
        enabled=lambda s: s.has_batch and s.writable, section=1, toolbar=(20, 3)),
))
