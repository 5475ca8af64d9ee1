"""Review menu: the decision on the photo on screen, its note, and taking the last decision back."""
from __future__ import annotations

from PySide6.QtGui import QKeySequence

from app.qt.qactions.command import Command, Menu
from core.vocabulary import Decision

MENU = Menu("review", "&Review", (
    Command("confirm", "&Confirm foreign body", ["C"], "Confirm: a foreign body is present", short="Confirm",
            run=lambda w: w.review.decide(Decision.CONFIRMED), enabled=lambda s: s.can_decide, toolbar=(20, 0)),
    Command("reject", "&Reject false alarm", ["R"], "Reject: no foreign body, a false alarm", short="Reject",
            run=lambda w: w.review.decide(Decision.REJECTED), enabled=lambda s: s.can_decide, toolbar=(20, 1)),
    Command("unsure", "&Unsure", ["U"], "Mark as unsure, for a second opinion", short="Unsure",
            run=lambda w: w.review.decide(Decision.UNSURE), enabled=lambda s: s.can_decide, toolbar=(20, 2)),
    Command("note", "&Note…", ["Ctrl+N"], "Write a note for this photo", run=lambda w: w.review.focus_note(),
            enabled=lambda s: s.can_decide, section=1),
    Command("undo", "&Undo last decision", [QKeySequence.Undo], "Undo your last decision", short="Undo",
            run=lambda w: w.review.undo(), enabled=lambda s: s.has_batch and s.writable, section=1, toolbar=(20, 3)),
))
