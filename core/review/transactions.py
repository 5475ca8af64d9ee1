"""Writing to a review log: one ``BEGIN IMMEDIATE`` transaction per change, waiting out other writers, sealing
every change into the audit chain, and SQLite's errors turned into one line a reviewer can act on."""
from __future__ import annotations

import json
import sqlite3
import time
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any, Mapping, Optional, Sequence

from core.i18n import translate
from core.review import audit_chain
from core.review.records import (
    ReviewLogCorrupt, ReviewLogError, ReviewLogLocked, ReviewLogReadOnly,
)

if TYPE_CHECKING:  # pragma: no cover
    from core.review.log import ReviewLog

DEFAULT_BUSY_TIMEOUT_S = 5.0
# How long a write keeps retrying (with back-off) while another program holds the log, before giving up.
DEFAULT_WRITE_PATIENCE_S = 120.0


def now_utc() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="milliseconds")


def _one_line(exc: BaseException) -> str:
    return " ".join(str(exc).split()) or type(exc).__name__


class _WriteTransaction:
    """``BEGIN IMMEDIATE`` ... ``COMMIT`` under the instance lock, with SQLite errors turned into ReviewLogErrors.

    IMMEDIATE takes the write lock up front, so two inspectors never deadlock upgrading a read to a write;
    the busy timeout makes the second one wait its turn, and a program holding the log longer is waited for
    with back-off up to the log's ``write_patience_s`` (said once through ``on_busy``). Before COMMIT every
    changed row is sealed into the audit chain (:mod:`core.review.audit_chain`), in the same transaction.
    """

    def __init__(self, log: ReviewLog):
        self._log = log
        self._db = log._db
        self.dirty_images: set[int] = set()
        self.dirty_batch = False

    def _begin(self) -> None:
        deadline = time.monotonic() + self._log.write_patience_s
        delay = 0.05
        told = False
        while True:
            try:
                self._db.execute("BEGIN IMMEDIATE")
                if told:
                    self._log.on_busy(f"review log {self._log.path} is free again; saving")
                return
            except sqlite3.OperationalError as exc:
                lowered = str(exc).lower()
                if not ("locked" in lowered or "busy" in lowered) or time.monotonic() >= deadline:
                    raise
                if not told:
                    self._log.on_busy(f"review log {self._log.path} is busy (another program is writing to it); "
                                      f"waiting up to {self._log.write_patience_s:.0f} s")
                    told = True
                time.sleep(max(0.0, min(delay, deadline - time.monotonic())))
                delay = min(delay * 2, 2.0)

    def _seal(self) -> None:
        if not audit_chain.has_ledger(self._db):
            return
        sealer = audit_chain.Sealer(self._db, now_utc())
        if self.dirty_batch:
            sealer.seal_batch()
        sealer.seal_images(self.dirty_images)
        sealer.seal_new_rows("decisions", "decision")
        sealer.seal_new_rows("events", "event")

    def __enter__(self) -> "_WriteTransaction":
        self._log._lock.acquire()
        try:
            self._begin()
        except sqlite3.Error as exc:
            self._log._lock.release()
            raise _translate(exc, self._log.path) from None
        except BaseException:
            self._log._lock.release()
            raise
        return self

    def __exit__(self, exc_type, exc, tb) -> bool:
        try:
            if exc_type is None:
                try:
                    self._seal()
                    self._db.execute("COMMIT")
                except sqlite3.Error as error:
                    self._rollback()
                    raise _translate(error, self._log.path) from None
            else:
                self._rollback()
                if isinstance(exc, sqlite3.Error):
                    raise _translate(exc, self._log.path) from None
        finally:
            self._log._lock.release()
        return False

    def _rollback(self) -> None:
        if self._db.in_transaction:
            try:
                self._db.execute("ROLLBACK")
            except sqlite3.Error:
                pass

    def run(self, sql: str, params: Sequence[Any] = ()) -> sqlite3.Cursor:
        return self._db.execute(sql, params)

    def many(self, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        self._db.executemany(sql, rows)

    def one(self, sql: str, params: Sequence[Any] = ()) -> Optional[tuple]:
        return self._db.execute(sql, params).fetchone()

    def event(self, kind: str, reviewer: str, detail: Mapping[str, Any]) -> int:
        return self._db.execute("INSERT INTO events(kind, detail, reviewer, at) VALUES (?, ?, ?, ?)",
                                (kind, json.dumps(dict(detail), default=str), reviewer, now_utc())).lastrowid


def _check_reviewer(reviewer: str) -> str:
    name = (reviewer or "").strip()
    if not name:
        raise ValueError("a reviewer name is required for every decision")
    return name


def _translate(exc: sqlite3.Error, path: Path) -> ReviewLogError:
    """Turn SQLite's messages into one line the reviewer can act on."""
    text = _one_line(exc)
    lowered = text.lower()
    if "locked" in lowered or "busy" in lowered:
        return ReviewLogLocked(translate(
            "ReviewLog", "review log {path} is busy: another program is writing to it; try again in a moment").format(path=path))
    if "readonly" in lowered or "read-only" in lowered:
        return ReviewLogReadOnly(translate("ReviewLog", "review log {path} is read-only; changes cannot be saved").format(
            path=path))
    if "not a database" in lowered or "malformed" in lowered or "corrupt" in lowered:
        return ReviewLogCorrupt(translate(
            "ReviewLog", "review log {path} is damaged ({detail}); it was left untouched, restore it from a backup"
            ).format(path=path, detail=text))
    if "unable to open" in lowered:
        return ReviewLogError(translate("ReviewLog", "cannot open review log {path} ({detail})").format(path=path, detail=text))
    if "disk" in lowered and "full" in lowered:
        return ReviewLogError(translate("ReviewLog", "cannot save to review log {path}: the disk is full").format(path=path))
    return ReviewLogError(translate("ReviewLog", "review log {path}: {detail}").format(path=path, detail=text))

