"""The review log: one SQLite file per batch holding scores, heatmap references and every reviewer decision.

Why SQLite: a reviewer's decisions must survive a crash, a pulled plug or a second inspector working on the
same batch. Each decision is its own committed transaction (WAL journal, ``synchronous=FULL``), so once
:meth:`ReviewLog.decide` returns the decision is on disk. Decisions and other changes are append-only audit
tables (triggers refuse updates and deletes); the current decision of an image is derived from the latest
row that was not undone, so undoing never erases anything.

Where the log lives: ``<batch>/.csa-inspector/review.sqlite`` with heatmaps in ``heatmaps/`` beside it, so the
log travels with the photos. When the batch folder is read-only the log goes to the user's data folder
instead and a link is recorded there, so :func:`open_for_batch` finds it again. The data folder can be moved
with the ``CSA_INSPECTOR_DATA_DIR`` environment variable.

``csa-inspector score`` writes this same log, so the inspector opens a batch scored on the command line
without scoring it again.
"""
from __future__ import annotations

import hashlib
import json
import logging
import os
import re
import sqlite3
import threading
import time
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Iterator, Mapping, Optional, Sequence

import numpy as np

from core import audit_chain
from core.batch_folder import photo_key
from core.atomicfile import atomic_write_text, folder_accepts_writes, is_marked_read_only
from core.heatmap_store import save_heatmap
from core.imageio import ImageReadError, file_digest
from core.modelheader import ModelInfo
from core.vocabulary import LOGGED_DECISIONS, Decision, LogMark

SCHEMA_VERSION = 2
APPLICATION_ID = 0x43534149  # "CSAI": marks the file as ours for anyone running `PRAGMA application_id`
LOG_FOLDER_NAME = ".csa-inspector"
LOG_FILE_NAME = "review.sqlite"
HEATMAP_FOLDER_NAME = "heatmaps"
DATA_DIR_ENV = "CSA_INSPECTOR_DATA_DIR"

REVIEW_DECISIONS = tuple(Decision)
CLEARED = LogMark.CLEARED
UNDO = LogMark.UNDO
#: Author of changes the program makes on its own (e.g. clearing a decision whose photo has changed).
SYSTEM_REVIEWER = "csa-inspector"
DEFAULT_BUSY_TIMEOUT_S = 5.0
#: How long a write keeps retrying (with back-off) while another program holds the log, before giving up.
DEFAULT_WRITE_PATIENCE_S = 120.0
_log = logging.getLogger(__name__)
_SQLITE_HEADER = b"SQLite format 3\x00"

_LOGGED = ", ".join(f"'{value}'" for value in LOGGED_DECISIONS)

_SCHEMA = f"""
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);

CREATE TABLE batch (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    batch_dir TEXT NOT NULL,
    created TEXT NOT NULL,
    model_path TEXT,
    model_name TEXT,
    model_variant TEXT,
    model_backbone TEXT,
    image_size INTEGER,
    threshold REAL,
    pixel_threshold REAL,
    heatmap_low REAL
);

CREATE TABLE images (
    id INTEGER PRIMARY KEY,
    rel_path TEXT NOT NULL UNIQUE,
    sha256 TEXT,
    width INTEGER,
    height INTEGER,
    score REAL,
    flagged INTEGER NOT NULL DEFAULT 0,
    heatmap_file TEXT,
    error TEXT,
    scored_at TEXT,
    changed TEXT
);

CREATE TABLE decisions (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    image_id INTEGER NOT NULL REFERENCES images(id),
    decision TEXT NOT NULL CHECK (decision IN ({_LOGGED})),
    reviewer TEXT NOT NULL,
    decided_at TEXT NOT NULL,
    note TEXT NOT NULL DEFAULT '',
    undoes INTEGER REFERENCES decisions(id),
    CHECK ((decision = '{UNDO}') = (undoes IS NOT NULL))
);
CREATE INDEX decisions_by_image ON decisions(image_id, id);
CREATE INDEX decisions_by_reviewer ON decisions(reviewer, id);
CREATE UNIQUE INDEX decisions_undone_once ON decisions(undoes) WHERE undoes IS NOT NULL;

CREATE TABLE events (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    kind TEXT NOT NULL,
    detail TEXT NOT NULL DEFAULT '{{}}',
    reviewer TEXT NOT NULL,
    at TEXT NOT NULL
);

CREATE TRIGGER decisions_no_update BEFORE UPDATE ON decisions
BEGIN SELECT RAISE(ABORT, 'decisions are an append-only audit trail'); END;
CREATE TRIGGER decisions_no_delete BEFORE DELETE ON decisions
BEGIN SELECT RAISE(ABORT, 'decisions are an append-only audit trail'); END;
CREATE TRIGGER events_no_update BEFORE UPDATE ON events
BEGIN SELECT RAISE(ABORT, 'events are an append-only audit trail'); END;
CREATE TRIGGER events_no_delete BEFORE DELETE ON events
BEGIN SELECT RAISE(ABORT, 'events are an append-only audit trail'); END;

CREATE VIEW live_decisions AS
    SELECT d.* FROM decisions d
    WHERE d.decision <> '{UNDO}' AND NOT EXISTS (SELECT 1 FROM decisions u WHERE u.undoes = d.id);

CREATE VIEW current_decisions AS
    SELECT image_id, id, decision, reviewer, decided_at, note FROM (
        SELECT l.*, ROW_NUMBER() OVER (PARTITION BY l.image_id ORDER BY l.id DESC) AS recency
        FROM live_decisions l)
    WHERE recency = 1 AND decision <> '{CLEARED}';
"""


#: Every column a current log has beyond the first format's tables; an older file gets them on open.
_ADDED_COLUMNS = {
    "batch": (("heatmap_low", "REAL"), ("threshold_set_by", "TEXT"), ("alarm_threshold", "REAL")),
    "images": (("file_size", "INTEGER"), ("file_mtime_ns", "INTEGER"), ("file_ctime_ns", "INTEGER"),
               ("file_inode", "INTEGER"), ("merged_into", "TEXT")),
}


# ----------------------------------------------------------------------------------------------- errors


class ReviewLogError(Exception):
    """Anything wrong with a review log; the message is one line meant for the reviewer."""


class ReviewLogMissing(ReviewLogError):
    """There is no review log where one was expected and creating one was not asked for."""


class ReviewLogReadOnly(ReviewLogError):
    """The log was opened read-only (file or folder not writable); changes are refused."""


class ReviewLogLocked(ReviewLogError):
    """Another program held the log longer than the busy timeout."""


class ReviewLogCorrupt(ReviewLogError):
    """The file is not a usable review log; it is left exactly as it was."""


# ------------------------------------------------------------------------------------------ plain data


@dataclass(frozen=True)
class BatchInfo:
    batch_dir: Path
    created: str
    model_path: Optional[str] = None
    model_name: Optional[str] = None
    variant: Optional[str] = None
    backbone: Optional[str] = None
    image_size: Optional[int] = None
    threshold: Optional[float] = None
    pixel_threshold: Optional[float] = None
    heatmap_low: Optional[float] = None  # normal heatmap level, the cold end of the overlay colours
    threshold_set_by: Optional[str] = None  # the reviewer who last moved the threshold; None: the model's own
    alarm_threshold: Optional[float] = None  # at or above: very likely a foreign body (threshold is the pass line)


@dataclass(frozen=True)
class ImageRecord:
    """One photo of the batch with its score and its current decision (``None`` = not reviewed)."""

    path: Path
    rel_path: str
    sha256: Optional[str]
    width: Optional[int]
    height: Optional[int]
    score: Optional[float]
    flagged: bool
    decision: Optional[str]
    reviewer: Optional[str]
    decided_at: Optional[str]
    note: str
    error: Optional[str]
    heatmap_path: Optional[Path]
    changed: bool
    changed_reason: Optional[str] = None  # "modified" or "missing"
    scored_at: Optional[str] = None

    @property
    def reviewed(self) -> bool:
        return self.decision is not None


@dataclass(frozen=True)
class DecisionRecord:
    """One row of the audit trail; ``undone`` tells whether a later ``undo`` row cancelled it."""

    id: int
    rel_path: str
    decision: str
    reviewer: str
    decided_at: str
    note: str
    undoes: Optional[int]
    undone: bool


@dataclass(frozen=True)
class EventRecord:
    id: int
    kind: str
    detail: dict
    reviewer: str
    at: str


@dataclass(frozen=True)
class Summary:
    """Counts over the batch. ``unreviewed`` counts flagged photos without a decision: the work left."""

    images: int
    scored: int
    errors: int
    flagged: int
    confirmed: int
    rejected: int
    unsure: int
    unreviewed: int
    reviewed: int
    flagged_reviewed: int
    changed: int

    @property
    def finished(self) -> bool:
        return self.unreviewed == 0


def summarize(records: Sequence["ImageRecord"]) -> Summary:
    """The same counts as :meth:`ReviewLog.summary`, over records a reader has already adjusted (a report
    applies its content check before counting)."""
    images = scored = errors = flagged = confirmed = rejected = unsure = unreviewed = reviewed = 0
    flagged_reviewed = changed = 0
    for r in records:
        images += 1
        scored += r.score is not None
        errors += r.error is not None
        flagged += r.flagged
        confirmed += r.decision == Decision.CONFIRMED
        rejected += r.decision == Decision.REJECTED
        unsure += r.decision == Decision.UNSURE
        unreviewed += r.flagged and r.decision is None
        reviewed += r.decision is not None
        flagged_reviewed += r.flagged and r.decision is not None
        changed += r.changed
    return Summary(images, scored, errors, flagged, confirmed, rejected, unsure, unreviewed, reviewed,
                   flagged_reviewed, changed)


@dataclass(frozen=True)
class ChangedFile:
    rel_path: str
    reason: str  # "modified" or "missing"


# ------------------------------------------------------------------------------------------- locations


def data_root() -> Path:
    """Per-user folder for logs of read-only batches (``CSA_INSPECTOR_DATA_DIR`` overrides it)."""
    override = os.environ.get(DATA_DIR_ENV)
    if override:
        return Path(override)
    from platformdirs import user_data_dir

    return Path(user_data_dir("csa-inspector", appauthor=False))


def default_log_path(batch_dir: str | Path) -> Path:
    return Path(batch_dir).absolute() / LOG_FOLDER_NAME / LOG_FILE_NAME


def fallback_log_path(batch_dir: str | Path) -> Path:
    """Where the log of a read-only batch goes: named after the folder plus a hash of its full path."""
    batch_dir = Path(batch_dir).absolute()
    digest = hashlib.sha256(str(batch_dir).encode("utf-8")).hexdigest()[:12]
    slug = re.sub(r"[^A-Za-z0-9_.-]+", "_", batch_dir.name).strip("._") or "batch"
    return data_root() / "batches" / f"{slug[:40]}-{digest}" / LOG_FILE_NAME


def _links_file() -> Path:
    return data_root() / "batch-links.json"


def _read_links() -> dict[str, str]:
    try:
        data = json.loads(_links_file().read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _record_link(batch_dir: Path, log_path: Path) -> None:
    links = _read_links()
    links[str(batch_dir)] = str(log_path)
    _links_file().parent.mkdir(parents=True, exist_ok=True)
    atomic_write_text(_links_file(), json.dumps(links, indent=1, sort_keys=True))


def find_log(batch_dir: str | Path) -> Optional[Path]:
    """The existing review log of a batch: in the batch folder, else the recorded user-data location."""
    typed = Path(batch_dir).absolute()
    resolved = typed.resolve()
    candidates = [default_log_path(resolved)]
    links = _read_links()
    for folder in dict.fromkeys((resolved, typed)):
        linked = links.get(str(folder))
        if linked:
            candidates.append(Path(linked))
        candidates.append(fallback_log_path(folder))
    return next((c for c in candidates if c.is_file()), None)


def open_for_batch(batch_dir: str | Path, create: bool = False, read_only: bool = False,
                   busy_timeout_s: float = DEFAULT_BUSY_TIMEOUT_S) -> "ReviewLog":
    """Open the review log of ``batch_dir``, creating it (in the batch, or the user-data folder) if asked.

    The folder is resolved first (links, ``..``, relative paths), so photo keys never depend on how the
    folder was typed.
    """
    batch_dir = Path(batch_dir).expanduser().resolve()
    if not batch_dir.is_dir():
        raise ReviewLogError(f"batch folder {batch_dir} does not exist")
    existing = find_log(batch_dir)
    if existing is not None and _never_written(existing):
        if read_only or not create:
            raise ReviewLogMissing(f"batch folder {batch_dir} has no review log yet: {existing} is empty "
                                   "(it was never written, e.g. the disk was full); score the batch to start one")
        _move_aside(existing)
        existing = None
    if existing is not None:
        log = ReviewLog._open_file(existing, create=False, read_only=read_only, batch_dir=batch_dir,
                                   busy_timeout_s=busy_timeout_s)
        if not log.read_only:
            try:
                log.repair_doubled_keys()
            except BaseException:
                log.close()
                raise
        return log
    if not create:
        raise ReviewLogMissing(f"batch folder {batch_dir} has no review log yet (it has not been scored)")
    if read_only:
        raise ReviewLogMissing(f"batch folder {batch_dir} has no review log to open read-only")
    local = default_log_path(batch_dir)
    local_ok = folder_accepts_writes(local.parent) if local.parent.is_dir() else folder_accepts_writes(batch_dir)
    if local_ok:
        local.parent.mkdir(exist_ok=True)
        return ReviewLog._open_file(local, create=True, batch_dir=batch_dir, busy_timeout_s=busy_timeout_s)
    fallback = fallback_log_path(batch_dir)
    fallback.parent.mkdir(parents=True, exist_ok=True)
    log = ReviewLog._open_file(fallback, create=True, batch_dir=batch_dir, busy_timeout_s=busy_timeout_s)
    _record_link(batch_dir, fallback)
    return log


# ---------------------------------------------------------------------------------------------- helpers


def _never_written(path: Path) -> bool:
    """A 0-byte file, or an SQLite file without a single table: what a full disk leaves at creation."""
    try:
        if path.stat().st_size == 0:
            return True
        with open(path, "rb") as stream:
            if stream.read(len(_SQLITE_HEADER)) != _SQLITE_HEADER:
                return False
        connection = sqlite3.connect(path.as_uri() + "?mode=ro", uri=True)
        try:
            return connection.execute("SELECT count(*) FROM sqlite_master").fetchone()[0] == 0
        finally:
            connection.close()
    except (OSError, sqlite3.Error):
        return False


def _move_aside(path: Path) -> Path:
    """Keep an unusable log file (and its journal files) under a dated name instead of deleting it."""
    stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    target = path.with_name(f"{path.name}.empty-{stamp}")
    for suffix in ("", "-wal", "-shm"):
        source = path.with_name(path.name + suffix)
        if source.exists():
            os.replace(source, target.with_name(target.name + suffix))
    _log.warning("review log %s was never written; moved aside to %s and started anew", path, target)
    return target


def now_utc() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="milliseconds")


def file_fingerprint(path: str | Path) -> Optional[tuple[int, int, int, int]]:
    """Size, modification and change times and inode: if all four are as stored, the file was not touched.

    The change time (ctime) cannot be set by ``cp -p`` or ``touch``; it moves whenever content or metadata are
    written, so a photo replaced with an older timestamp is still noticed and re-hashed.
    """
    try:
        info = os.stat(path)
    except OSError:
        return None
    return info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino


def file_sha256(path: str | Path) -> str:
    """Content hash used to key images and heatmaps; ``OSError`` when the file cannot be read."""
    try:
        return file_digest(path)
    except ImageReadError as exc:
        raise OSError(f"{path}: {exc}") from None


def _one_line(exc: BaseException) -> str:
    return " ".join(str(exc).split()) or type(exc).__name__


# -------------------------------------------------------------------------------------------- the log


class ReviewLog:
    """A batch's review log. Safe to share between threads; several instances may share one file."""

    def __init__(self, connection: sqlite3.Connection, path: Path, batch_dir: Path, read_only_reason: str = ""):
        self._db = connection
        self._lock = threading.RLock()
        self.path = path
        self.batch_dir = batch_dir
        self.heatmap_dir = path.parent / HEATMAP_FOLDER_NAME
        self.read_only_reason = read_only_reason
        self.write_patience_s = DEFAULT_WRITE_PATIENCE_S
        self.on_busy = _log.warning  # told once per wait when another program holds the log
        self._columns = {table: _table_columns(connection, table) for table in ("batch", "images")}

    @property
    def in_fallback_location(self) -> bool:
        """True when the log is kept in the user's data folder because the batch folder is read-only."""
        return self.path.parent != self.batch_dir / LOG_FOLDER_NAME

    # ---- opening and closing

    @classmethod
    def open(cls, location: str | Path, create: bool = False, read_only: bool = False,
             batch_dir: str | Path | None = None, busy_timeout_s: float = DEFAULT_BUSY_TIMEOUT_S) -> "ReviewLog":
        """Open a log by batch folder (see :func:`open_for_batch`) or by the path of the log file itself."""
        location = Path(location)
        if location.is_dir():
            return open_for_batch(location, create=create, read_only=read_only, busy_timeout_s=busy_timeout_s)
        return cls._open_file(location, create=create, read_only=read_only,
                              batch_dir=Path(batch_dir) if batch_dir else None, busy_timeout_s=busy_timeout_s)

    @classmethod
    def _open_file(cls, path: Path, create: bool, read_only: bool = False, batch_dir: Optional[Path] = None,
                   busy_timeout_s: float = DEFAULT_BUSY_TIMEOUT_S) -> "ReviewLog":
        path = Path(path).absolute()
        exists = path.exists()
        if exists and not path.is_file():
            raise ReviewLogError(f"{path} is not a file")
        if not exists and (not create or read_only):
            raise ReviewLogMissing(f"review log {path} does not exist")
        fresh = not exists or path.stat().st_size == 0
        if exists and not fresh:
            with open(path, "rb") as stream:
                if stream.read(len(_SQLITE_HEADER)) != _SQLITE_HEADER:
                    raise ReviewLogCorrupt(f"{path} is not a review log (not an SQLite database); it was left untouched")
        reason = ""
        if read_only:
            reason = "opened read-only on request"
        elif exists and is_marked_read_only(path):
            reason = "the file is read-only"
        elif not folder_accepts_writes(path.parent):
            reason = f"its folder {path.parent} is read-only"
        if reason and fresh:
            raise ReviewLogReadOnly(f"cannot create review log {path}: {reason}")
        connection = cls._connect(path, read_only=bool(reason), busy_timeout_s=busy_timeout_s)
        try:
            cls._prepare(connection, path, fresh=fresh, read_only=bool(reason), batch_dir=batch_dir, create=create)
        except BaseException:
            connection.close()
            raise
        actual_batch_dir = cls._batch_dir_of(connection, path, batch_dir)
        return cls(connection, path, actual_batch_dir, reason)

    @staticmethod
    def _connect(path: Path, read_only: bool, busy_timeout_s: float) -> sqlite3.Connection:
        uri = path.as_uri() + ("?mode=ro" if read_only else "?mode=rwc")
        try:
            connection = sqlite3.connect(uri, uri=True, timeout=busy_timeout_s, isolation_level=None,
                                         check_same_thread=False)
            connection.execute("SELECT count(*) FROM sqlite_master").fetchone()
        except sqlite3.OperationalError as exc:
            wal = path.with_name(path.name + "-wal")
            if not (read_only and "unable to open" in str(exc) and (not wal.exists() or wal.stat().st_size == 0)):
                raise _translate(exc, path) from None
            # A WAL-mode file in a folder where the shared-memory file cannot be created: with no pending
            # journal nothing can be missed by reading the main file as an unchanging snapshot.
            try:
                connection = sqlite3.connect(path.as_uri() + "?mode=ro&immutable=1", uri=True,
                                             timeout=busy_timeout_s, isolation_level=None, check_same_thread=False)
            except sqlite3.Error as second:
                raise _translate(second, path) from None
        except sqlite3.Error as exc:
            raise _translate(exc, path) from None
        return connection

    @staticmethod
    def _prepare(connection: sqlite3.Connection, path: Path, fresh: bool, read_only: bool,
                 batch_dir: Optional[Path], create: bool) -> None:
        try:
            connection.execute("PRAGMA foreign_keys=ON")
            tables = connection.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]
            if fresh and tables == 0:
                if not create:
                    raise ReviewLogMissing(f"review log {path} is an empty file (it was never written)")
                if read_only:
                    raise ReviewLogReadOnly(f"cannot create review log {path}: it is read-only")
                if batch_dir is None:
                    batch_dir = path.parent.parent if path.parent.name == LOG_FOLDER_NAME else path.parent
                _use_durable_journal(connection)
                _create_schema(connection, Path(batch_dir))
                _migrate(connection, fresh=True)
                return
            application_id = connection.execute("PRAGMA application_id").fetchone()[0]
            if application_id != APPLICATION_ID:
                raise ReviewLogCorrupt(f"{path} is an SQLite file but not a CSA Inspector review log; it was left untouched")
            version = connection.execute("PRAGMA user_version").fetchone()[0]
            if version > SCHEMA_VERSION:
                raise ReviewLogError(f"review log {path} was written by a newer CSA Inspector (format {version}); "
                                     "update the program to open it")
            problems = [row[0] for row in connection.execute("PRAGMA integrity_check(5)")]
            if problems != ["ok"]:
                detail = _one_line(Exception("; ".join(str(p) for p in problems)))[:160]
                raise ReviewLogCorrupt(f"review log {path} is damaged ({detail}); "
                                       "it was left untouched, restore it from a backup")
            if not read_only:
                _use_durable_journal(connection)
                _migrate(connection, fresh=False)
        except sqlite3.Error as exc:
            raise _translate(exc, path) from None

    @staticmethod
    def _batch_dir_of(connection: sqlite3.Connection, path: Path, given: Optional[Path]) -> Path:
        """A log inside the batch follows the batch when the folder is moved; others keep the stored folder."""
        if path.parent.name == LOG_FOLDER_NAME:
            return path.parent.parent.resolve()
        if given is not None:
            return Path(given).resolve()
        row = connection.execute("SELECT batch_dir FROM batch WHERE id = 1").fetchone()
        return Path(row[0]) if row else path.parent

    def close(self) -> None:
        with self._lock:
            self._db.close()

    def __enter__(self) -> "ReviewLog":
        return self

    def __exit__(self, *exc_info: Any) -> None:
        self.close()

    @property
    def read_only(self) -> bool:
        return bool(self.read_only_reason)

    # ---- transactions

    def _write(self) -> "_WriteTransaction":
        if self.read_only:
            raise ReviewLogReadOnly(f"review log {self.path} is read-only ({self.read_only_reason}); "
                                    "changes cannot be saved")
        return _WriteTransaction(self)

    def _query(self, sql: str, params: Sequence[Any] = ()) -> list[sqlite3.Row]:
        with self._lock:
            try:
                cursor = self._db.execute(sql, params)
                return cursor.fetchall()
            except sqlite3.Error as exc:
                raise _translate(exc, self.path) from None

    # ---- paths

    def rel_path(self, path: str | Path) -> str:
        """How an image is keyed in the log: see :func:`core.batch_folder.photo_key` (a relative path is a key)."""
        return photo_key(self.batch_dir, path)

    def absolute_path(self, rel_path: str) -> Path:
        return self.batch_dir / rel_path

    # ---- batch information

    def _column(self, table: str, column: str, alias: str = "") -> str:
        """The column, or NULL where an older log opened read-only lacks it (writable logs are upgraded on open)."""
        prefix = f"{alias}." if alias else ""
        return f"{prefix}{column}" if column in self._columns[table] else f"NULL AS {column}"

    def batch_info(self) -> BatchInfo:
        row = self._query("SELECT batch_dir, created, model_path, model_name, model_variant, model_backbone, "
                          f"image_size, threshold, pixel_threshold, {self._column('batch', 'heatmap_low')}, "
                          f"{self._column('batch', 'threshold_set_by')}, {self._column('batch', 'alarm_threshold')} "
                          "FROM batch WHERE id = 1")[0]
        return BatchInfo(self.batch_dir, row[1], *row[2:])

    def set_alarm_threshold(self, value: float, reviewer: str) -> None:
        """Move the alarm line of this batch (an audited ``alarm_threshold_changed`` event); flags stay as they are."""
        reviewer = _check_reviewer(reviewer)
        with self._write() as tx:
            self._apply_alarm_threshold(tx, float(value), reviewer)

    @staticmethod
    def _apply_alarm_threshold(tx: "_WriteTransaction", value: float, reviewer: str) -> None:
        if not np.isfinite(value):
            raise ReviewLogError(f"alarm threshold must be a finite number, got {value}")
        old = tx.one("SELECT alarm_threshold FROM batch WHERE id = 1")[0]
        tx.dirty_batch = True
        tx.run("UPDATE batch SET alarm_threshold = ? WHERE id = 1", (value,))
        if reviewer != SYSTEM_REVIEWER:  # the operating point is the batch's own from now on (see set_batch_info)
            tx.run("UPDATE batch SET threshold_set_by = ? WHERE id = 1", (reviewer,))
        if old != value:
            tx.event("alarm_threshold_changed", reviewer, {"before": old, "after": value})

    _BATCH_COLUMNS = {"model_path": "model_path", "model_name": "model_name", "variant": "model_variant",
                      "backbone": "model_backbone", "image_size": "image_size", "threshold": "threshold",
                      "pixel_threshold": "pixel_threshold", "heatmap_low": "heatmap_low"}

    def set_batch_info(self, *, model_path: str | Path | None = None, model_name: Optional[str] = None,
                       variant: Optional[str] = None, backbone: Optional[str] = None,
                       image_size: Optional[int] = None, threshold: Optional[float] = None,
                       pixel_threshold: Optional[float] = None, heatmap_low: Optional[float] = None,
                       reviewer: str = SYSTEM_REVIEWER, alarm_threshold: Optional[float] = None) -> None:
        """Record the model and thresholds used for the batch; only the given fields change.

        A different model than before is logged as a ``model_changed`` event and a different threshold as
        ``threshold_changed`` (with re-flagging, as :meth:`set_threshold`).
        """
        given = {"model_path": None if model_path is None else str(model_path), "model_name": model_name,
                 "variant": variant, "backbone": backbone, "image_size": image_size,
                 "pixel_threshold": pixel_threshold, "heatmap_low": heatmap_low}
        given = {k: v for k, v in given.items() if v is not None}
        with self._write() as tx:
            tx.dirty_batch = True
            old = tx.one("SELECT model_path, model_name, model_variant, model_backbone, image_size, "
                         "threshold, threshold_set_by FROM batch WHERE id = 1")
            if given:
                assignments = ", ".join(f"{self._BATCH_COLUMNS[k]} = ?" for k in given)
                tx.run(f"UPDATE batch SET {assignments} WHERE id = 1", list(given.values()))
            model_keys = ("model_path", "model_name", "variant", "backbone", "image_size")
            before = dict(zip(model_keys, old[:5]))
            after = {k: given.get(k, before[k]) for k in model_keys}
            if any(before[k] is not None for k in model_keys) and after != before:
                tx.event("model_changed", reviewer, {"before": before, "after": after})
            old_alarm = tx.one("SELECT alarm_threshold FROM batch WHERE id = 1")[0]
            if alarm_threshold is not None and not (old[6] and reviewer == SYSTEM_REVIEWER and old_alarm is not None):
                # like the pass line: once a reviewer moved the batch's lines, a model's own never override them
                self._apply_alarm_threshold(tx, float(alarm_threshold), reviewer)
            if threshold is None:
                return
            if old[6] and reviewer == SYSTEM_REVIEWER and old[5] is not None:
                # the threshold belongs to the batch once a reviewer moved it: a model's own never overrides it
                if float(threshold) != old[5]:
                    tx.event("model_threshold_not_applied", SYSTEM_REVIEWER,
                             {"batch_threshold": old[5], "set_by": old[6], "model_threshold": float(threshold)})
                return
            self._apply_threshold(tx, float(threshold), old[5], reviewer)

    def set_model_info(self, info: ModelInfo, model_path: str | Path | None = None,
                       reviewer: str = SYSTEM_REVIEWER) -> None:
        """Take the model description from ``Detector.info()`` (name, variant, backbone, image_size, thresholds)."""
        def finite(value: Any) -> Optional[float]:
            # An uncalibrated model has infinite thresholds; they are left unset rather than flagging nothing.
            return float(value) if value is not None and np.isfinite(value) else None

        self.set_batch_info(model_path=model_path or info.path, model_name=info.name, variant=info.variant,
                            backbone=info.backbone, image_size=info.image_size, threshold=finite(info.threshold),
                            pixel_threshold=finite(info.pixel_threshold), heatmap_low=finite(info.heatmap_low),
                            reviewer=reviewer, alarm_threshold=finite(info.alarm_threshold))

    def set_threshold(self, value: float, reviewer: str) -> int:
        """Change the image-score threshold, re-flag every scored image and log it; returns the flagged count."""
        reviewer = _check_reviewer(reviewer)
        with self._write() as tx:
            old = tx.one("SELECT threshold FROM batch WHERE id = 1")[0]
            self._apply_threshold(tx, float(value), old, reviewer)
            return tx.one("SELECT count(*) FROM images WHERE flagged = 1")[0]

    @staticmethod
    def _apply_threshold(tx: "_WriteTransaction", value: float, old: Optional[float], reviewer: str) -> None:
        if not np.isfinite(value):
            raise ReviewLogError(f"threshold must be a finite number, got {value}")
        tx.dirty_batch = True
        before = tx.one("SELECT count(*) FROM images WHERE flagged = 1")[0]
        tx.run("UPDATE batch SET threshold = ?, threshold_set_by = ? WHERE id = 1",
               (value, None if reviewer == SYSTEM_REVIEWER else reviewer))
        tx.run("UPDATE images SET flagged = (score IS NOT NULL AND score >= ?)", (value,))
        after = tx.one("SELECT count(*) FROM images WHERE flagged = 1")[0]
        if old != value:
            tx.event("threshold_changed", reviewer,
                     {"before": old, "after": value, "flagged_before": before, "flagged_after": after})

    # ---- scores

    def record_score(self, path: str | Path, sha256: Optional[str], score: Optional[float], flagged: bool,
                     heatmap: Optional[np.ndarray], width: Optional[int], height: Optional[int],
                     error: Optional[str] = None) -> None:
        """Store (or replace) one image's scoring outcome; the heatmap goes to the heatmap folder.

        When a photo is scored again with different content, a decision made on the old content no longer
        applies: it is cleared by an audit row, never silently carried over. ``flagged`` is judged against the
        batch's own threshold when it has one (a reviewer's threshold survives re-scoring); the file's
        fingerprint is kept so later checks re-hash only files that were touched.
        """
        rel = self.rel_path(path)
        fingerprint = file_fingerprint(self.absolute_path(rel)) if sha256 is not None else None
        heatmap_file = None
        if heatmap is not None:
            key = sha256 or hashlib.sha256(rel.encode("utf-8")).hexdigest()
            self._require_writable()
            try:
                stored = save_heatmap(self.heatmap_dir, key, heatmap)
            except OSError as exc:
                raise ReviewLogError(f"cannot store the heatmap of {rel}: {_one_line(exc)}") from None
            heatmap_file = stored.relative_to(self.path.parent).as_posix()
        with self._write() as tx:
            threshold = tx.one("SELECT threshold FROM batch WHERE id = 1")[0]
            if threshold is not None and score is not None:
                flagged = float(score) >= threshold
            values = (sha256, width, height, None if score is None else float(score), int(bool(flagged)),
                      heatmap_file, error, now_utc(), *(fingerprint or (None,) * 4))
            old = tx.one("SELECT id, sha256, score, flagged FROM images WHERE rel_path = ?", (rel,))
            if old is None:
                cursor = tx.run("INSERT INTO images(sha256, width, height, score, flagged, heatmap_file, error, "
                                "scored_at, file_size, file_mtime_ns, file_ctime_ns, file_inode, rel_path) "
                                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", (*values, rel))
                tx.dirty_images.add(cursor.lastrowid)
                return
            tx.dirty_images.add(old[0])
            tx.run("UPDATE images SET sha256 = ?, width = ?, height = ?, score = ?, flagged = ?, heatmap_file = ?, "
                   "error = ?, scored_at = ?, file_size = ?, file_mtime_ns = ?, file_ctime_ns = ?, file_inode = ?, "
                   "changed = NULL, merged_into = NULL WHERE id = ?", (*values, old[0]))
            content_changed = old[1] is not None and sha256 is not None and old[1] != sha256
            if content_changed and tx.one("SELECT 1 FROM current_decisions WHERE image_id = ?", (old[0],)):
                tx.run("INSERT INTO decisions(image_id, decision, reviewer, decided_at, note) VALUES (?, ?, ?, ?, ?)",
                       (old[0], CLEARED, SYSTEM_REVIEWER, now_utc(),
                        "photo content changed since the decision; rescored"))
            if old[2] is not None or content_changed:
                tx.event("rescored", SYSTEM_REVIEWER,
                         {"path": rel, "score_before": old[2], "score_after": values[3],
                          "flagged_before": bool(old[3]), "flagged_after": bool(flagged),
                          "content_changed": content_changed})

    def record_result(self, result: Any, sha256: Optional[str] = None) -> None:
        """Store a :class:`core.results.ScoreResult`; hashes the file when ``sha256`` is not given."""
        if sha256 is None and result.error is None:
            try:
                sha256 = file_sha256(result.path)
            except OSError:
                sha256 = None
        self.record_score(result.path, sha256, result.score, result.flagged, result.heatmap,
                          result.width or None, result.height or None, result.error)

    def _require_writable(self) -> None:
        if self.read_only:
            raise ReviewLogReadOnly(f"review log {self.path} is read-only ({self.read_only_reason}); "
                                    "changes cannot be saved")

    # ---- reading images

    _IMAGE_QUERY = (
        "SELECT i.rel_path, i.sha256, i.width, i.height, i.score, i.flagged, c.decision, c.reviewer, "
        "c.decided_at, c.note, i.error, i.heatmap_file, i.changed, i.scored_at "
        "FROM images i LEFT JOIN current_decisions c ON c.image_id = i.id"
    )

    @property
    def _live(self) -> str:
        """SQL condition for photos still in the batch (a doubled or renamed key merged into another is not)."""
        return "i.merged_into IS NULL" if "merged_into" in self._columns["images"] else "1"

    def _record(self, row: Sequence[Any]) -> ImageRecord:
        heatmap = self.path.parent / row[11] if row[11] else None
        return ImageRecord(path=self.absolute_path(row[0]), rel_path=row[0], sha256=row[1], width=row[2],
                           height=row[3], score=row[4], flagged=bool(row[5]), decision=row[6], reviewer=row[7],
                           decided_at=row[8], note=row[9] or "", error=row[10], heatmap_path=heatmap,
                           changed=row[12] is not None, changed_reason=row[12], scored_at=row[13])

    def images(self, flagged_only: bool = False) -> list[ImageRecord]:
        """All images in scoring order (or only the flagged ones)."""
        where = f" WHERE {self._live}" + (" AND i.flagged = 1" if flagged_only else "")
        return [self._record(row) for row in self._query(self._IMAGE_QUERY + where + " ORDER BY i.id")]

    def image(self, path: str | Path) -> ImageRecord:
        rows = self._query(self._IMAGE_QUERY + f" WHERE i.rel_path = ? AND {self._live}", (self.rel_path(path),))
        if not rows:
            raise ReviewLogError(f"{path} is not part of this batch's review log")
        return self._record(rows[0])

    # ---- decisions

    def decide(self, path: str | Path, decision: str, reviewer: str, note: str = "") -> int:
        """Record a :class:`~core.vocabulary.Decision` or ``LogMark.CLEARED``; on disk when this returns.

        Returns the id of the audit row.
        """
        if decision not in (*REVIEW_DECISIONS, CLEARED):
            raise ValueError(f"decision must be one of {', '.join((*REVIEW_DECISIONS, CLEARED))}, got {decision!r}")
        reviewer = _check_reviewer(reviewer)
        rel = self.rel_path(path)
        with self._write() as tx:
            image = tx.one("SELECT id, merged_into FROM images WHERE rel_path = ?", (rel,))
            if image is None:
                raise ReviewLogError(f"{rel} is not part of this batch's review log; score it first")
            if image[1]:
                raise ReviewLogError(f"{rel} is now listed as {image[1]}; decide on that photo")
            return tx.run("INSERT INTO decisions(image_id, decision, reviewer, decided_at, note) VALUES (?, ?, ?, ?, ?)",
                          (image[0], decision, reviewer, now_utc(), note or "")).lastrowid

    def clear_decision(self, path: str | Path, reviewer: str, note: str = "") -> int:
        """Put an image back to "not reviewed" (recorded as a ``LogMark.CLEARED`` row)."""
        return self.decide(path, CLEARED, reviewer, note)

    def undo_last(self, reviewer: str) -> Optional[DecisionRecord]:
        """Cancel this reviewer's latest decision that is still in force; returns it, or None if nothing is left.

        The cancelled row stays in the audit trail; a ``LogMark.UNDO`` row pointing at it is appended.
        """
        reviewer = _check_reviewer(reviewer)
        with self._write() as tx:
            row = tx.one("SELECT l.id, i.rel_path, l.decision, l.reviewer, l.decided_at, l.note, l.image_id "
                         "FROM live_decisions l JOIN images i ON i.id = l.image_id "
                         "WHERE l.reviewer = ? ORDER BY l.id DESC LIMIT 1", (reviewer,))
            if row is None:
                return None
            tx.run("INSERT INTO decisions(image_id, decision, reviewer, decided_at, note, undoes) "
                   "VALUES (?, ?, ?, ?, '', ?)", (row[6], UNDO.value, reviewer, now_utc(), row[0]))
            return DecisionRecord(row[0], row[1], row[2], row[3], row[4], row[5], None, True)

    def history(self, path: str | Path) -> list[DecisionRecord]:
        """Every audit row of one image, oldest first, including undo rows."""
        rows = self._query(
            "SELECT d.id, i.rel_path, d.decision, d.reviewer, d.decided_at, d.note, d.undoes, "
            "EXISTS (SELECT 1 FROM decisions u WHERE u.undoes = d.id) "
            "FROM decisions d JOIN images i ON i.id = d.image_id WHERE i.rel_path = ? ORDER BY d.id",
            (self.rel_path(path),))
        return [DecisionRecord(r[0], r[1], r[2], r[3], r[4], r[5], r[6], bool(r[7])) for r in rows]

    def all_decisions(self) -> list[DecisionRecord]:
        rows = self._query(
            "SELECT d.id, i.rel_path, d.decision, d.reviewer, d.decided_at, d.note, d.undoes, "
            "EXISTS (SELECT 1 FROM decisions u WHERE u.undoes = d.id) "
            "FROM decisions d JOIN images i ON i.id = d.image_id ORDER BY d.id")
        return [DecisionRecord(r[0], r[1], r[2], r[3], r[4], r[5], r[6], bool(r[7])) for r in rows]

    def reviewers(self) -> list[str]:
        """People whose decisions are in force, in order of their first decision."""
        rows = self._query("SELECT reviewer, min(id) AS first FROM current_decisions GROUP BY reviewer ORDER BY first")
        return [r[0] for r in rows]

    def decision_times(self) -> tuple[Optional[datetime], Optional[datetime]]:
        """Time of the first and of the last decision still in force (UTC), or (None, None)."""
        first, last = self._query("SELECT min(decided_at), max(decided_at) FROM live_decisions "
                                  "WHERE reviewer <> ?", (SYSTEM_REVIEWER,))[0]
        def parse(text: Optional[str]) -> Optional[datetime]:
            return datetime.fromisoformat(text) if text else None

        return parse(first), parse(last)

    # ---- events

    def log_event(self, kind: str, reviewer: str, **detail: Any) -> int:
        """Append a free-form audit event (e.g. 'rescored' for a whole batch)."""
        with self._write() as tx:
            return tx.event(kind, _check_reviewer(reviewer), detail)

    def events(self) -> list[EventRecord]:
        rows = self._query("SELECT id, kind, detail, reviewer, at FROM events ORDER BY id")
        return [EventRecord(r[0], r[1], json.loads(r[2]), r[3], r[4]) for r in rows]

    # ---- overview

    def summary(self) -> Summary:
        row = self._query(
            "SELECT count(*), count(i.score), count(i.error), coalesce(sum(i.flagged), 0), "
            "coalesce(sum(c.decision = ?), 0), coalesce(sum(c.decision = ?), 0), coalesce(sum(c.decision = ?), 0), "
            "coalesce(sum(i.flagged = 1 AND c.decision IS NULL), 0), count(c.decision), "
            "coalesce(sum(i.flagged = 1 AND c.decision IS NOT NULL), 0), count(i.changed) "
            f"FROM images i LEFT JOIN current_decisions c ON c.image_id = i.id WHERE {self._live}",
            tuple(d.value for d in (Decision.CONFIRMED, Decision.REJECTED, Decision.UNSURE)))[0]
        return Summary(*(int(v) for v in row))

    def check_changed_files(self) -> list[ChangedFile]:
        """Check every photo by content (see :mod:`core.photo_check`), store the verdicts, return the changed ones.

        A changed photo keeps its old score and heatmap only for reference: it is marked ``changed`` until it
        is scored again, so nobody reviews a stale heatmap without knowing. Renamed photos take their record along.
        """
        from core.photo_check import check_photos

        self._require_writable()
        check = check_photos(self)
        return [ChangedFile(rel, why) for rel, why in check.reasons.items() if why]

    # ---- keys that move: renamed photos and doubled keys

    def move_key(self, old_rel: str, new_rel: str, reason: str) -> None:
        """The photo once listed as ``old_rel`` is now ``new_rel`` (same content): its record and decisions follow.

        If ``new_rel`` is already listed (scored as a new photo), the old record is merged into it: its decision,
        when newer than any on ``new_rel``, is carried over as a new audit row by the same reviewer.
        """
        with self._write() as tx:
            old = tx.one("SELECT id FROM images WHERE rel_path = ? AND merged_into IS NULL", (old_rel,))
            if old is None or old_rel == new_rel:
                return
            target = tx.one("SELECT id FROM images WHERE rel_path = ?", (new_rel,))
            tx.dirty_images.add(old[0])
            if target is None:
                tx.run("UPDATE images SET rel_path = ?, changed = NULL WHERE id = ?", (new_rel, old[0]))
            else:
                tx.dirty_images.add(target[0])
                carried = tx.one("SELECT decision, reviewer, decided_at, note, id FROM current_decisions "
                                 "WHERE image_id = ?", (old[0],))
                newer = tx.one("SELECT max(id) FROM live_decisions WHERE image_id = ?", (target[0],))[0]
                if carried is not None and (newer is None or newer < carried[4]):
                    note = (carried[3] + " " if carried[3] else "") + f"(decided as {old_rel})"
                    tx.run("INSERT INTO decisions(image_id, decision, reviewer, decided_at, note) VALUES (?, ?, ?, ?, ?)",
                           (target[0], carried[0], carried[1], carried[2], note))
                tx.run("UPDATE images SET merged_into = ? WHERE id = ?", (new_rel, old[0]))
                tx.run("UPDATE images SET merged_into = NULL WHERE id = ?", (target[0],))
            tx.event("photo_key_moved", SYSTEM_REVIEWER, {"from": old_rel, "to": new_rel, "reason": reason})

    def repair_doubled_keys(self) -> list[tuple[str, str]]:
        """Merge keys an earlier version stored with the batch folder's own name in front (``b/img.png`` for the
        batch ``b`` scored as a relative path) into the real key; returns (old, new) pairs."""
        if self.read_only:
            return []
        name = self.batch_dir.name
        prefix = name + "/"
        rows = self._query(f"SELECT i.rel_path FROM images i WHERE {self._live} AND substr(i.rel_path, 1, ?) = ?",
                           (len(prefix), prefix))
        moved = []
        for (rel,) in rows:
            stripped = rel[len(name) + 1:]
            if stripped and not (self.batch_dir / rel).exists() and (self.batch_dir / stripped).is_file():
                self.move_key(rel, stripped, "stored with the batch folder's name in front")
                moved.append((rel, stripped))
        return moved

    def mark_changed(self, reasons: Mapping[str, Optional[str]]) -> None:
        """Store the photo check's verdicts (``modified``, ``missing`` or None = as scored) where they differ."""
        rows = {r[0]: r[1] for r in self._query(f"SELECT i.rel_path, i.changed FROM images i WHERE {self._live}")}
        updates = [(reason, rel) for rel, reason in reasons.items() if rel in rows and rows[rel] != reason]
        if not updates:
            return
        with self._write() as tx:
            tx.many("UPDATE images SET changed = ? WHERE rel_path = ?", updates)
            newly = [{"path": rel, "reason": reason} for reason, rel in updates if reason]
            if newly:
                tx.event("files_changed", SYSTEM_REVIEWER, {"files": newly})

    def refresh_fingerprints(self, fingerprints: Mapping[str, tuple[int, int, int, int]]) -> None:
        """Remember files re-hashed and found unchanged, so the next check skips them again."""
        if not fingerprints or self.read_only:
            return
        with self._write() as tx:
            tx.many("UPDATE images SET file_size = ?, file_mtime_ns = ?, file_ctime_ns = ?, file_inode = ? "
                    "WHERE rel_path = ?", [(*fp, rel) for rel, fp in fingerprints.items()])

    def fingerprints(self) -> dict[str, tuple[Optional[str], Optional[tuple[int, int, int, int]], Optional[str]]]:
        """rel_path -> (sha256, stored fingerprint or None, changed marker) of every photo still in the batch."""
        cols = ", ".join(self._column("images", c, "i") for c in ("file_size", "file_mtime_ns", "file_ctime_ns", "file_inode"))
        out = {}
        for rel, sha, changed, *fp in self._query(f"SELECT i.rel_path, i.sha256, i.changed, {cols} FROM images i "
                                                  f"WHERE {self._live}"):
            out[rel] = (sha, tuple(fp) if all(v is not None for v in fp) else None, changed)
        return out

    # ---- tamper evidence

    def verify(self) -> "audit_chain.VerifyResult":
        """Re-check the audit chain and every sealed row (see :mod:`core.audit_chain`)."""
        with self._lock:
            try:
                return audit_chain.verify_log(self._db)
            except sqlite3.Error as exc:
                raise _translate(exc, self.path) from None

    def threshold_changes(self) -> list[EventRecord]:
        """Every change of the batch's pass or alarm threshold after the first one set at scoring, with who and
        when, oldest first (the event's kind tells which line moved)."""
        kinds = ("threshold_changed", "alarm_threshold_changed")
        return [e for e in self.events() if e.kind in kinds and e.detail.get("before") is not None]

    def data_version(self) -> int:
        """Changes whenever another connection commits, so an open inspector can tell when to refresh."""
        return int(self._query("PRAGMA data_version")[0][0])


class _WriteTransaction:
    """``BEGIN IMMEDIATE`` ... ``COMMIT`` under the instance lock, with SQLite errors turned into ReviewLogErrors.

    IMMEDIATE takes the write lock up front, so two inspectors never deadlock upgrading a read to a write;
    the busy timeout makes the second one wait its turn, and a program holding the log longer is waited for
    with back-off up to the log's ``write_patience_s`` (said once through ``on_busy``). Before COMMIT every
    changed row is sealed into the audit chain (:mod:`core.audit_chain`), in the same transaction.
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


def _use_durable_journal(connection: sqlite3.Connection) -> None:
    """WAL lets a second inspector read while one writes; FULL syncs the journal at every commit, so a
    decision that was reported as saved survives a crash or power cut."""
    connection.execute("PRAGMA journal_mode=WAL").fetchone()
    connection.execute("PRAGMA synchronous=FULL")


def _create_schema(connection: sqlite3.Connection, batch_dir: Path) -> None:
    """Create the tables in one transaction; a second program creating the same log at once finds them made."""
    connection.execute("BEGIN IMMEDIATE")
    try:
        if connection.execute("SELECT count(*) FROM sqlite_master").fetchone()[0] == 0:
            for statement in _SCHEMA.split(";\n"):
                if statement.strip():
                    connection.execute(statement)
            connection.execute(f"PRAGMA application_id={APPLICATION_ID}")
            connection.execute("PRAGMA user_version=1")
            connection.executemany("INSERT INTO meta(key, value) VALUES (?, ?)",
                                   [("schema_version", "1"), ("application", "CSA Inspector review log")])
            connection.execute("INSERT INTO batch(id, batch_dir, created) VALUES (1, ?, ?)",
                               (str(batch_dir.absolute()), now_utc()))
        connection.execute("COMMIT")
    except BaseException:
        if connection.in_transaction:
            connection.execute("ROLLBACK")
        raise


def _migrate(connection: sqlite3.Connection, fresh: bool) -> None:
    """Bring a log of any earlier format (or one missing a column) up to this version, in one transaction.

    Format 2 added the audit chain (``ledger``), file fingerprints for the photo check, merged keys and who set
    the batch's threshold. An existing log's rows are sealed as they are found, and the upgrade is an event.
    """
    version = connection.execute("PRAGMA user_version").fetchone()[0]
    missing = {table: [(name, kind) for name, kind in added if name not in _table_columns(connection, table)]
               for table, added in _ADDED_COLUMNS.items()}
    if version >= SCHEMA_VERSION and not any(missing.values()) and audit_chain.has_ledger(connection):
        return
    connection.execute("BEGIN IMMEDIATE")
    try:
        for table, columns in missing.items():
            for name, kind in columns:
                if name not in _table_columns(connection, table):
                    connection.execute(f"ALTER TABLE {table} ADD COLUMN {name} {kind}")
        new_chain = not audit_chain.has_ledger(connection)
        for statement in audit_chain.LEDGER_SCHEMA.split(";\n"):
            if statement.strip():
                connection.execute(statement)
        if not fresh:
            connection.execute("INSERT INTO events(kind, detail, reviewer, at) VALUES ('log_format_upgraded', ?, ?, ?)",
                               (json.dumps({"from": version, "to": SCHEMA_VERSION,
                                            "columns_added": {t: [c for c, _ in cols] for t, cols in missing.items() if cols}}),
                                SYSTEM_REVIEWER, now_utc()))
        sealer = audit_chain.Sealer(connection, now_utc())
        if new_chain:
            sealer.seal_everything()
        else:  # columns were added: the rows are the same, their seals still hold; seal only the event
            sealer.seal_new_rows("events", "event")
        connection.execute(f"PRAGMA user_version={SCHEMA_VERSION}")
        connection.execute("INSERT OR REPLACE INTO meta(key, value) VALUES ('schema_version', ?)", (str(SCHEMA_VERSION),))
        connection.execute("COMMIT")
    except BaseException:
        if connection.in_transaction:
            connection.execute("ROLLBACK")
        raise


def _table_columns(connection: sqlite3.Connection, table: str) -> set[str]:
    return {row[1] for row in connection.execute(f"PRAGMA table_info({table})")}


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
        return ReviewLogLocked(f"review log {path} is busy: another program is writing to it; try again in a moment")
    if "readonly" in lowered or "read-only" in lowered:
        return ReviewLogReadOnly(f"review log {path} is read-only; changes cannot be saved")
    if "not a database" in lowered or "malformed" in lowered or "corrupt" in lowered:
        return ReviewLogCorrupt(f"review log {path} is damaged ({text}); it was left untouched, restore it from a backup")
    if "unable to open" in lowered:
        return ReviewLogError(f"cannot open review log {path} ({text})")
    if "disk" in lowered and "full" in lowered:
        return ReviewLogError(f"cannot save to review log {path}: the disk is full")
    return ReviewLogError(f"review log {path}: {text}")


def iter_flagged(log: ReviewLog) -> Iterator[ImageRecord]:
    """Flagged images in descending score order: the order in which a reviewer should work through them."""
    yield from sorted(log.images(flagged_only=True), key=lambda r: -(r.score or 0.0))
