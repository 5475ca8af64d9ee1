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

import logging
import sqlite3
import threading
from pathlib import Path
from typing import Any, Iterator, Optional, Sequence

from core.i18n import translate
from core.atomicfile import folder_accepts_writes, is_marked_read_only
from core.photos.batch_folder import photo_key
from core.review.locations import (
    HEATMAP_FOLDER_NAME, LOG_FOLDER_NAME, _move_aside, _never_written, _record_link, default_log_path,
    fallback_log_path, find_log,
)
from core.review.reads import ReviewLogReads
from core.review.records import (
    ImageRecord, ReviewLogCorrupt, ReviewLogError, ReviewLogMissing, ReviewLogReadOnly,
)
from core.review.schema import (
    APPLICATION_ID, SCHEMA_VERSION, SQLITE_HEADER, _create_schema, _migrate, _table_columns, _use_durable_journal,
)
from core.review.transactions import (
    DEFAULT_BUSY_TIMEOUT_S, DEFAULT_WRITE_PATIENCE_S, _one_line, _translate, _WriteTransaction,
)
from core.review.writes import ReviewLogWrites

_log = logging.getLogger(__name__)


def open_for_batch(batch_dir: str | Path, create: bool = False, read_only: bool = False,
                   busy_timeout_s: float = DEFAULT_BUSY_TIMEOUT_S) -> "ReviewLog":
    """Open the review log of ``batch_dir``, creating it (in the batch, or the user-data folder) if asked.

    The folder is resolved first (links, ``..``, relative paths), so photo keys never depend on how the
    folder was typed.
    """
    batch_dir = Path(batch_dir).expanduser().resolve()
    if not batch_dir.is_dir():
        raise ReviewLogError(translate("ReviewLog", "batch folder {folder} does not exist").format(folder=batch_dir))
    existing = find_log(batch_dir)
    if existing is not None and _never_written(existing):
        if read_only or not create:
            raise ReviewLogMissing(translate(
                "ReviewLog", "batch folder {folder} has no review log yet: {path} is empty (it was never written, "
                "e.g. the disk was full); score the batch to start one").format(folder=batch_dir, path=existing))
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
        raise ReviewLogMissing(translate(
            "ReviewLog", "batch folder {folder} has no review log yet (it has not been scored)").format(
            folder=batch_dir))
    if read_only:
        raise ReviewLogMissing(translate("ReviewLog", "batch folder {folder} has no review log to open read-only").format(
            folder=batch_dir))
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


# -------------------------------------------------------------------------------------------- the log


class ReviewLog(ReviewLogWrites, ReviewLogReads):
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
            raise ReviewLogError(translate("ReviewLog", "{path} is not a file").format(path=path))
        if not exists and (not create or read_only):
            raise ReviewLogMissing(translate("ReviewLog", "review log {path} does not exist").format(path=path))
        fresh = not exists or path.stat().st_size == 0
        if exists and not fresh:
            with open(path, "rb") as stream:
                if stream.read(len(SQLITE_HEADER)) != SQLITE_HEADER:
                    raise ReviewLogCorrupt(translate(
                        "ReviewLog", "{path} is not a review log (not an SQLite database); it was left untouched"
                    ).format(path=path))
        reason = ""
        if read_only:
            reason = translate("ReviewLog", "opened read-only on request")
        elif exists and is_marked_read_only(path):
            reason = translate("ReviewLog", "the file is read-only")
        elif not folder_accepts_writes(path.parent):
            reason = translate("ReviewLog", "its folder {folder} is read-only").format(folder=path.parent)
        if reason and fresh:
            raise ReviewLogReadOnly(translate("ReviewLog", "cannot create review log {path}: {reason}").format(
                path=path, reason=reason))
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
                    raise ReviewLogMissing(translate(
                        "ReviewLog", "review log {path} is an empty file (it was never written)").format(
                        path=path))
                if read_only:
                    raise ReviewLogReadOnly(translate("ReviewLog", "cannot create review log {path}: it is read-only").format(
                        path=path))
                if batch_dir is None:
                    batch_dir = path.parent.parent if path.parent.name == LOG_FOLDER_NAME else path.parent
                _use_durable_journal(connection)
                _create_schema(connection, Path(batch_dir))
                _migrate(connection, fresh=True)
                return
            application_id = connection.execute("PRAGMA application_id").fetchone()[0]
            if application_id != APPLICATION_ID:
                raise ReviewLogCorrupt(translate(
                    "ReviewLog", "{path} is an SQLite file but not a CSA Inspector review log; it was left untouched"
                ).format(path=path))
            version = connection.execute("PRAGMA user_version").fetchone()[0]
            if version > SCHEMA_VERSION:
                raise ReviewLogError(translate(
                    "ReviewLog", "review log {path} was written by a newer CSA Inspector (format {version}); "
                    "update the program to open it").format(path=path, version=version))
            problems = [row[0] for row in connection.execute("PRAGMA integrity_check(5)")]
            if problems != ["ok"]:
                detail = _one_line(Exception("; ".join(str(p) for p in problems)))[:160]
                raise ReviewLogCorrupt(translate(
                    "ReviewLog", "review log {path} is damaged ({detail}); it was left untouched, "
                    "restore it from a backup").format(path=path, detail=detail))
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
            raise ReviewLogReadOnly(translate(
                "ReviewLog", "review log {path} is read-only ({reason}); changes cannot be saved").format(
                path=self.path, reason=self.read_only_reason))
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
        """How an image is keyed in the log: see :func:`core.photos.batch_folder.photo_key` (a relative path is a key)."""
        return photo_key(self.batch_dir, path)

    def absolute_path(self, rel_path: str) -> Path:
        return self.batch_dir / rel_path

    # ---- batch information

    def _column(self, table: str, column: str, alias: str = "") -> str:
        """The column, or NULL where an older log opened read-only lacks it (writable logs are upgraded on open)."""
        prefix = f"{alias}." if alias else ""
        return f"{prefix}{column}" if column in self._columns[table] else f"NULL AS {column}"


def iter_flagged(log: ReviewLog) -> Iterator[ImageRecord]:
    """Flagged images in descending score order: the order in which a reviewer should work through them."""
    yield from sorted(log.images(flagged_only=True), key=lambda r: -(r.score or 0.0))
