"""The review log's tables, how a new log is created and how a log of an older format is brought up to date."""
from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from core.review import audit_chain
from core.review.records import CLEARED, SYSTEM_REVIEWER, UNDO
from core.review.transactions import now_utc
from core.vocabulary import LOGGED_DECISIONS

SCHEMA_VERSION = 2
APPLICATION_ID = 0x43534149  # "CSAI": marks the file as ours for anyone running `PRAGMA application_id`
SQLITE_HEADER = b"SQLite format 3\x00"

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

