"""One vocabulary: the words the review log stores, the reports write and the inspector shows come from one module."""
from __future__ import annotations

import ast
import sqlite3

import pytest

from core import vocabulary
from core.review import ReviewLog, file_sha256, open_for_batch
from core.vocabulary import (
    DECISION_LABELS,
    DECISION_WORDS,
    LOGGED_DECISIONS,
    STAGE_BAR_LABELS,
    STAGE_LABELS,
    STATUS_BADGES,
    Decision,
    JobStage,
    LogMark,
    PhotoStatus,
    Zone,
)
from repo_paths import REPO_ROOT

ROOT = REPO_ROOT


@pytest.fixture(autouse=True)
def _private_data_dir(private_data_dir):
    """Keep fallback logs out of the real user-data folder."""


def test_decision_values_are_the_words_the_log_has_always_stored(tmp_path):
    assert [d.value for d in Decision] == ["confirmed", "rejected", "unsure"]
    assert [m.value for m in LogMark] == ["undo", "cleared"]
    batch = tmp_path / "batch"
    batch.mkdir()
    photos = []
    for index in range(3):
        photos.append(batch / f"photo_{index}.png")
        photos[-1].write_bytes(f"photo {index}".encode())
    with open_for_batch(batch, create=True) as log:
        for photo in photos:
            log.record_score(photo, file_sha256(photo), 3.0, True, None, 8, 8)
        for photo, decision in zip(photos, Decision):
            log.decide(photo, decision, "anna")
        log.clear_decision(photos[0], "anna")
        log.undo_last("anna")
        path = log.path
        summary = log.summary()
    assert (summary.confirmed, summary.rejected, summary.unsure) == (1, 1, 1)
    with sqlite3.connect(path) as raw:
        stored = [row[0] for row in raw.execute("SELECT decision FROM decisions ORDER BY id")]
        schema = raw.execute("SELECT sql FROM sqlite_master WHERE name = 'decisions'").fetchone()[0]
    assert stored == ["confirmed", "rejected", "unsure", "cleared", "undo"]
    assert all(type(value) is str for value in stored)
    assert "CHECK (decision IN ('confirmed', 'rejected', 'unsure', 'undo', 'cleared'))" in schema
    assert set(stored) == set(LOGGED_DECISIONS)


def test_log_refuses_a_word_outside_the_vocabulary(tmp_path):
    batch = tmp_path / "batch"
    batch.mkdir()
    photo = batch / "photo.png"
    photo.write_bytes(b"photo")
    with ReviewLog.open(batch, create=True) as log:
        log.record_score(photo, file_sha256(photo), 3.0, True, None, 8, 8)
        with pytest.raises(ValueError):
            log.decide(photo, "foreign body", "anna")
        with pytest.raises(ValueError):
            log.decide(photo, LogMark.UNDO, "anna")


def test_enums_compare_equal_to_the_plain_words():
    assert Decision.CONFIRMED == "confirmed" and f"{Decision.REJECTED}" == "rejected"
    assert [z.value for z in Zone] == ["pass", "review", "alarm"]
    assert [s.value for s in JobStage] == ["features", "train", "calibrate", "score"]
    assert PhotoStatus.UNREADABLE == "unreadable" and PhotoStatus.NOT_FLAGGED == "not flagged"
    assert PhotoStatus.CHANGED == "changed after scoring"


def test_every_label_is_present_and_not_empty():
    for table, keys in ((DECISION_LABELS, Decision), (DECISION_WORDS, Decision), (STAGE_LABELS, JobStage),
                        (STAGE_BAR_LABELS, JobStage)):
        assert set(table) == set(keys)
        assert all(isinstance(label, str) and label.strip() for label in table.values())
    badged = set(Decision) | set(PhotoStatus) - {PhotoStatus.NOT_FLAGGED, PhotoStatus.NOT_REVIEWED}
    assert set(STATUS_BADGES) == badged
    assert all(label.strip() for label in STATUS_BADGES.values())
    assert vocabulary.badge_of(PhotoStatus.NOT_FLAGGED) == ""


def test_labels_are_marked_for_the_qt_translation_tool():
    """pyside6-lupdate collects ``QT_TRANSLATE_NOOP("Vocabulary", "...")`` calls; every shown label is one."""
    tree = ast.parse((ROOT / "core" / "vocabulary.py").read_text(encoding="utf-8"))
    marked = {node.args[1].value for node in ast.walk(tree)
              if isinstance(node, ast.Call) and getattr(node.func, "id", "") == "QT_TRANSLATE_NOOP"
              and isinstance(node.args[0], ast.Constant) and node.args[0].value == vocabulary.CONTEXT}
    shown = [*DECISION_LABELS.values(), *DECISION_WORDS.values(), *STATUS_BADGES.values(), *STAGE_LABELS.values(),
             *vocabulary.TRAINING_STAGE_LABELS.values(), *vocabulary.IMPROVE_STAGE_LABELS.values()]
    assert set(shown) <= marked
    assert vocabulary.QT_TRANSLATE_NOOP("Vocabulary", "Scoring") == "Scoring"


#: Calls whose text arguments are words shown to people (translated), not the stored values.
_TEXT_CALLS = {"tr", "translate", "QT_TRANSLATE_NOOP"}


def _spelled_decisions(source: str) -> list[tuple[int, str]]:
    """String constants that are a stored decision word, or quote one inside SQL, outside shown texts."""
    tree = ast.parse(source)
    shown: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
            if name in _TEXT_CALLS:
                shown.update(id(arg) for arg in node.args)
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in shown:
            if node.value in LOGGED_DECISIONS or any(f"'{word}'" in node.value for word in LOGGED_DECISIONS):
                found.append((node.lineno, node.value))
    return found


def test_no_module_but_the_vocabulary_spells_out_a_decision():
    """The decision words are written once; everywhere else (SQL included) uses the enum."""
    offenders = []
    for folder in ("core", "app"):
        for path in sorted((ROOT / folder).rglob("*.py")):
            if path == ROOT / "core" / "vocabulary.py":
                continue
            for number, text in _spelled_decisions(path.read_text(encoding="utf-8")):
                offenders.append(f"{path.relative_to(ROOT)}:{number}: {text[:60]!r}")
    assert not offenders, "\n".join(offenders)


def test_the_spelling_check_finds_a_decision_and_skips_shown_texts():
    assert _spelled_decisions('if record.decision == "confirmed":\n    pass\n') == [(1, "confirmed")]
    assert _spelled_decisions('SQL = "SELECT sum(decision = \'unsure\') FROM decisions"\n')
    assert not _spelled_decisions('label = self.tr("confirmed")\nword = QT_TRANSLATE_NOOP("Glossary", "unsure")\n')
