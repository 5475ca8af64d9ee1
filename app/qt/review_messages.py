"""Status-bar sentences about what just happened to the reviewer's work, worded so nothing is left unsaid.

Kept apart from the window so each wording can be checked on its own: "Undid “unsure”" while the photo stays
unsure (only its note went), or "Scored 45 photos" while three photos were skipped, mislead a reviewer.
"""
from __future__ import annotations

from pathlib import Path
from typing import Optional, Sequence

from core.reviewlog import DecisionRecord, ImageRecord
from core.vocabulary import DECISION_WORDS, PhotoStatus

#: Names listed in a status message; more are counted.
NAMES_SHOWN = 5

REVIEWER_NEEDED = ("Nothing recorded: a reviewer name is needed, it is saved with every decision "
                   "(File ▸ Change reviewer…)")


def _word(decision: Optional[str]) -> str:
    return DECISION_WORDS.get(decision or "", decision or PhotoStatus.NOT_REVIEWED)


def undo_message(undone: DecisionRecord, now: Optional[ImageRecord]) -> str:
    """What the undo changed: the decision, or only the note when the decision before it was the same."""
    name = Path(undone.rel_path).name
    if now is not None and now.decision == undone.decision:
        if (now.note or "") != (undone.note or ""):
            kept = f"; the note is “{now.note}” again" if now.note else ""
            return f"Undid the note on {name}: it stays “{_word(now.decision)}”{kept}"
        return f"Undid the repeated “{_word(undone.decision)}” on {name}: it stays “{_word(now.decision)}”"
    if now is None or now.decision is None:
        return f"Undid “{_word(undone.decision)}” on {name}: not reviewed again"
    return f"Undid “{_word(undone.decision)}” on {name}: back to “{_word(now.decision)}”"


def name_list(rel_paths: Sequence[str], shown: int = NAMES_SHOWN) -> str:
    names = [Path(rel).name for rel in rel_paths[:shown]]
    more = len(rel_paths) - len(names)
    return ", ".join(names) + (f" and {more} more" if more > 0 else "")


def scored_message(scored: int, missing: Sequence[str] = ()) -> str:
    """"Scored N photos", naming the photos of the batch that could not be scored because they are gone."""
    text = f"Scored {scored} photos"
    if missing:
        text += (f"; {len(missing)} photo{'s' if len(missing) != 1 else ''} missing from the folder "
                 f"{'were' if len(missing) != 1 else 'was'} not scored: {name_list(missing)}")
    return text


def vanished_message(rel_path: str) -> str:
    return (f"{Path(rel_path).name} was deleted or moved away while the batch is open: its score and decision are "
            "kept in the review log, but no decision can be recorded for it")
