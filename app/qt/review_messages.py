"""Status-bar sentences about what just happened to the reviewer's work, worded so nothing is left unsaid.

Kept apart from the window so each wording can be checked on its own: "Undid “unsure”" while the photo stays
unsure (only its note went), or "Scored 45 photos" while three photos were skipped, mislead a reviewer.
"""
from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Optional, Sequence

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication

from core import DecisionRecord, ImageRecord
from core import DECISION_WORDS

if TYPE_CHECKING:
    from core import ReviewCounts

#: Names listed in a status message; more are counted.
NAMES_SHOWN = 5

REVIEWER_NEEDED = QT_TRANSLATE_NOOP("ReviewMessages", "Nothing recorded: a reviewer name is needed, it is saved with "
                                                      "every decision (File ▸ Change reviewer…)")


def _tr(text: str) -> str:
    return QCoreApplication.translate("ReviewMessages", text)


def reviewer_needed() -> str:
    return _tr(REVIEWER_NEEDED)


def decision_word(decision: Optional[str]) -> str:
    """A decision in one or two words of the inspector's language, e.g. “foreign body” or “false alarm”."""
    if decision in DECISION_WORDS:
        return QCoreApplication.translate("Vocabulary", DECISION_WORDS[decision])
    return decision or QCoreApplication.translate("ReviewMessages", "not reviewed")



def undo_message(undone: DecisionRecord, now: Optional[ImageRecord]) -> str:
    """What the undo changed: the decision, or only the note when the decision before it was the same."""
    name = Path(undone.rel_path).name
    if now is not None and now.decision == undone.decision:
        if (now.note or "") != (undone.note or ""):
            kept = QCoreApplication.translate("ReviewMessages", "; the note is “{note}” again").format(
                note=now.note) if now.note else ""
            return QCoreApplication.translate("ReviewMessages", "Undid the note on {name}: it stays “{decision}”").format(
                name=name, decision=decision_word(now.decision)) + kept
        return QCoreApplication.translate("ReviewMessages",
            "Undid the repeated “{undone}” on {name}: it stays “{decision}”").format(
            undone=decision_word(undone.decision), name=name, decision=decision_word(now.decision))
    if now is None or now.decision is None:
        return QCoreApplication.translate("ReviewMessages", "Undid “{undone}” on {name}: not reviewed again").format(
            undone=decision_word(undone.decision), name=name)
    return QCoreApplication.translate("ReviewMessages", "Undid “{undone}” on {name}: back to “{decision}”").format(
        undone=decision_word(undone.decision), name=name, decision=decision_word(now.decision))


def name_list(rel_paths: Sequence[str], shown: int = NAMES_SHOWN) -> str:
    names = [Path(rel).name for rel in rel_paths[:shown]]
    more = len(rel_paths) - len(names)
    return ", ".join(names) + (QCoreApplication.translate("ReviewMessages", " and {count} more").format(
        count=more) if more > 0 else "")


def scored_message(scored: int, missing: Sequence[str] = ()) -> str:
    """"Scored N photos", naming the photos of the batch that could not be scored because they are gone."""
    text = QCoreApplication.translate("ReviewMessages", "Scored {count} photos").format(count=scored)
    if missing:
        if len(missing) == 1:
            more = QCoreApplication.translate("ReviewMessages", "; {count} photo missing from the folder was not scored: {names}")
        else:
            more = QCoreApplication.translate("ReviewMessages",
                "; {count} photos missing from the folder were not scored: {names}")
        text += more.format(count=len(missing), names=name_list(missing))
    return text


def vanished_message(rel_path: str) -> str:
    return QCoreApplication.translate("ReviewMessages",
        "{name} was deleted or moved away while the batch is open: its score and decision are kept in the "
              "review log, but no decision can be recorded for it").format(name=Path(rel_path).name)


def workload_text(counts: "ReviewCounts") -> str:
    """How many photos a person must see, e.g. "37 of 212 to review (17 %: 5 alarm)"."""
    share = (f"{100 * counts.share_to_see:.0f} %" if counts.share_to_see is not None
             else QCoreApplication.translate("ReviewMessages", "n/a"))
    return QCoreApplication.translate("ReviewMessages", "{flagged} of {total} to review ({share}: {alarm} alarm)").format(
        flagged=counts.flagged, total=counts.total, share=share, alarm=counts.alarm)


def counts_headline(counts: "ReviewCounts") -> str:
    """The counter above the thumbnails, e.g. "37 of 212 to review (17 %: 5 alarm), 12 reviewed"."""
    text = QCoreApplication.translate("ReviewMessages", "{workload}, {count} reviewed").format(
        workload=workload_text(counts), count=counts.reviewed)
    if counts.unscored:
        text += QCoreApplication.translate("ReviewMessages", ", {count} not scored").format(count=counts.unscored)
    if counts.errors:
        text += QCoreApplication.translate("ReviewMessages", ", {count} unreadable").format(count=counts.errors)
    return text
