"""Tamper evidence for a review log: every change is sealed into a hash chain that ``verify`` re-checks.

SQLite's triggers keep honest programs from rewriting the audit trail, but anyone with the ``sqlite3`` tool can
drop them, edit a decision and put them back. So each committed change also appends a row to the ``ledger``
table: the digest of the changed row, chained to the previous ledger row by SHA-256. :func:`verify_log` walks the
chain and compares every decision, event, photo and the batch settings with their latest sealed digest, so an
edit, a deletion or an insertion made outside CSA Inspector shows up, and the report says so.

What it cannot do without a secret key: stop someone who rebuilds the whole chain with this very algorithm.
That is why reports print the chain head: a filed report pins the state of the trail at that moment.
"""
from __future__ import annotations

import hashlib
import json
import sqlite3
from dataclasses import dataclass, field
from typing import Any, Iterable, Optional

from core.i18n import QT_TRANSLATE_NOOP, translate

GENESIS = "0" * 64

LEDGER_SCHEMA = """
CREATE TABLE IF NOT EXISTS ledger (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    kind TEXT NOT NULL,
    ref TEXT NOT NULL,
    digest TEXT NOT NULL,
    at TEXT NOT NULL,
    prev TEXT NOT NULL,
    hash TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS ledger_by_kind ON ledger(kind, id);
CREATE TRIGGER IF NOT EXISTS ledger_no_update BEFORE UPDATE ON ledger
BEGIN SELECT RAISE(ABORT, 'the ledger is an append-only audit trail'); END;
CREATE TRIGGER IF NOT EXISTS ledger_no_delete BEFORE DELETE ON ledger
BEGIN SELECT RAISE(ABORT, 'the ledger is an append-only audit trail'); END
"""

# Columns that the program itself derives from sealed values (re-checked separately) or that only speed up the
# photo check; they change without a sealed event and are left out of a photo's digest.
DERIVED_IMAGE_COLUMNS = frozenset({"id", "flagged", "changed", "file_size", "file_mtime_ns", "file_ctime_ns",
                                   "file_inode"})
APPEND_ONLY_TRIGGERS = ("decisions_no_update", "decisions_no_delete", "events_no_update", "events_no_delete",
                        "ledger_no_update", "ledger_no_delete")


def row_digest(columns: Iterable[str], values: Iterable[Any], skip: frozenset[str] = frozenset()) -> str:
    """SHA-256 of a row's non-empty columns by name, so adding a column to a later format keeps old digests."""
    content = {c: v for c, v in zip(columns, values) if v is not None and c not in skip}
    text = json.dumps(content, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def link_hash(prev: str, kind: str, ref: str, digest: str, at: str) -> str:
    return hashlib.sha256("|".join((prev, kind, ref, digest, at)).encode("utf-8")).hexdigest()


def has_ledger(db: sqlite3.Connection) -> bool:
    return db.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'ledger'").fetchone() is not None


def _columns(db: sqlite3.Connection, table: str) -> list[str]:
    return [row[1] for row in db.execute(f"PRAGMA table_info({table})")]


def _rows(db: sqlite3.Connection, table: str, where: str = "", params: tuple = ()) -> tuple[list[str], list[tuple]]:
    columns = _columns(db, table)
    return columns, db.execute(f"SELECT {', '.join(columns)} FROM {table} {where}", params).fetchall()


def image_digest(columns: list[str], row: tuple) -> str:
    return row_digest(columns, row, DERIVED_IMAGE_COLUMNS)


class Sealer:
    """Appends ledger rows inside an open write transaction (the caller commits)."""

    def __init__(self, db: sqlite3.Connection, now: str) -> None:
        self.db = db
        self.now = now
        head = db.execute("SELECT hash FROM ledger ORDER BY id DESC LIMIT 1").fetchone()
        self.head = head[0] if head else GENESIS

    def append(self, kind: str, ref: str, digest: str) -> None:
        new = link_hash(self.head, kind, ref, digest, self.now)
        self.db.execute("INSERT INTO ledger(kind, ref, digest, at, prev, hash) VALUES (?, ?, ?, ?, ?, ?)",
                        (kind, ref, digest, self.now, self.head, new))
        self.head = new

    def seal_new_rows(self, table: str, kind: str) -> None:
        """Seal the rows of an append-only table (decisions, events) added since the last seal."""
        # rows are sealed in id order, so the newest seal of a kind names the highest id sealed so far
        last = self.db.execute("SELECT ref FROM ledger WHERE kind = ? ORDER BY id DESC LIMIT 1", (kind,)).fetchone()
        columns, rows = _rows(self.db, table, "WHERE id > ? ORDER BY id", (int(last[0]) if last else 0,))
        for row in rows:
            self.append(kind, str(row[0]), row_digest(columns, row))

    def seal_images(self, image_ids: Iterable[int]) -> None:
        ids = sorted(set(image_ids))
        if not ids:
            return
        columns = _columns(self.db, "images")
        for start in range(0, len(ids), 500):
            chunk = ids[start:start + 500]
            rows = self.db.execute(f"SELECT {', '.join(columns)} FROM images WHERE id IN ({','.join('?' * len(chunk))})",
                                   chunk).fetchall()
            for row in rows:
                self.append("image", str(row[0]), image_digest(columns, row))

    def seal_batch(self) -> None:
        columns, rows = _rows(self.db, "batch")
        for row in rows:
            self.append("batch", "1", row_digest(columns, row))

    def seal_everything(self) -> None:
        """Start a chain for a log written before chains existed (or re-seal after a format change)."""
        self.seal_batch()
        self.seal_images(row[0] for row in self.db.execute("SELECT id FROM images"))
        self.seal_new_rows("decisions", "decision")
        self.seal_new_rows("events", "event")


@dataclass
class VerifyResult:
    """What :func:`verify_log` found; ``ok`` only when the chain is whole and every row matches its seal."""

    problems: list[str] = field(default_factory=list)
    entries: int = 0
    head: str = ""
    chained: bool = True  # False for a log written before chains existed

    @property
    def ok(self) -> bool:
        return self.chained and not self.problems

    def headline(self) -> str:
        """One line in the current language (a report's, the inspector's; English on the command line)."""
        if not self.chained:
            return translate("AuditTrail", "audit trail not verifiable: this log was written by an older version "
                                           "and not opened since")
        if self.ok:
            return translate("AuditTrail", "audit trail verified ({entries} entries, chain head {head})").format(
                entries=self.entries, head=self.head[:16])
        more = ""
        if len(self.problems) > 3:
            more = translate("AuditTrail", " (+{count} more)").format(count=len(self.problems) - 3)
        return translate("AuditTrail", "AUDIT TRAIL BROKEN: {problems}").format(
            problems=translate("AuditTrail", "; ").join(self.problems[:3])) + more


# Per kind of sealed row, so that each sentence can be translated whole.
_ADDED = {"decision": QT_TRANSLATE_NOOP("AuditTrail", "decision {ref} was added outside CSA Inspector"),
          "event": QT_TRANSLATE_NOOP("AuditTrail", "event {ref} was added outside CSA Inspector")}
_CHANGED = {"decision": QT_TRANSLATE_NOOP("AuditTrail", "decision {ref} was changed after it was recorded"),
            "event": QT_TRANSLATE_NOOP("AuditTrail", "event {ref} was changed after it was recorded")}
_DELETED = {"decision": QT_TRANSLATE_NOOP("AuditTrail", "decision {ref} was deleted"),
            "event": QT_TRANSLATE_NOOP("AuditTrail", "event {ref} was deleted")}


def verify_log(db: sqlite3.Connection) -> VerifyResult:
    """Re-check the chain and every sealed row; read-only, any number of problems are collected."""
    result = VerifyResult()
    if not has_ledger(db):
        result.chained = False
        return result
    latest: dict[tuple[str, str], str] = {}
    prev = GENESIS
    for entry_id, kind, ref, digest, at, stored_prev, stored_hash in db.execute(
            "SELECT id, kind, ref, digest, at, prev, hash FROM ledger ORDER BY id"):
        result.entries += 1
        if stored_prev != prev or link_hash(prev, kind, ref, digest, at) != stored_hash:
            result.problems.append(translate(
                "AuditTrail", "ledger entry {entry} was altered or the chain was cut before it").format(entry=entry_id))
        prev = stored_hash
        latest[(kind, ref)] = digest
    result.head = prev
    present = {name for (name,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")}
    missing = [t for t in APPEND_ONLY_TRIGGERS if t not in present]
    if missing:
        result.problems.append(translate("AuditTrail", "append-only protection removed ({triggers})").format(
            triggers=", ".join(missing)))

    for table, kind in (("decisions", "decision"), ("events", "event")):
        columns, rows = _rows(db, table, "ORDER BY id")
        seen = set()
        for row in rows:
            ref = str(row[0])
            seen.add(ref)
            sealed = latest.get((kind, ref))
            if sealed is None:
                result.problems.append(translate("AuditTrail", _ADDED[kind]).format(ref=ref))
            elif sealed != row_digest(columns, row):
                result.problems.append(translate("AuditTrail", _CHANGED[kind]).format(ref=ref))
        for (sealed_kind, ref) in latest:
            if sealed_kind == kind and ref not in seen:
                result.problems.append(translate("AuditTrail", _DELETED[kind]).format(ref=ref))

    columns, rows = _rows(db, "images")
    seen = set()
    for row in rows:
        ref = str(row[0])
        seen.add(ref)
        sealed = latest.get(("image", ref))
        name = row[columns.index("rel_path")]
        if sealed is None:
            result.problems.append(translate("AuditTrail", "photo {name} was added outside CSA Inspector").format(
                name=name))
        elif sealed != image_digest(columns, row):
            result.problems.append(translate(
                "AuditTrail", "the scoring record of {name} was changed outside CSA Inspector").format(name=name))
    for (sealed_kind, ref) in latest:
        if sealed_kind == "image" and ref not in seen:
            result.problems.append(translate("AuditTrail", "the scoring record of photo #{ref} was deleted").format(
                ref=ref))

    columns, rows = _rows(db, "batch")
    if rows and latest.get(("batch", "1")) != row_digest(columns, rows[0]):
        result.problems.append(translate(
            "AuditTrail", "the batch settings (model, thresholds) were changed outside CSA Inspector"))
    if rows and "threshold" in columns:
        threshold = rows[0][columns.index("threshold")]
        if threshold is not None:
            wrong = db.execute("SELECT count(*) FROM images WHERE flagged <> (score IS NOT NULL AND score >= ?)",
                               (threshold,)).fetchone()[0]
            if wrong:
                result.problems.append(translate(
                    "AuditTrail", "{count} photo(s) are marked flagged or not against the batch threshold").format(
                    count=wrong))
    return result


def chain_head(db: sqlite3.Connection) -> Optional[str]:
    if not has_ledger(db):
        return None
    row = db.execute("SELECT hash FROM ledger ORDER BY id DESC LIMIT 1").fetchone()
    return row[0] if row else GENESIS
