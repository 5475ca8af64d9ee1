"""Where a batch's review log lives: inside the batch folder, or in the user's data folder when that is read-only.

The data folder keeps a link from each read-only batch to its log, so the log is found again; it can be moved
with the ``CSA_INSPECTOR_DATA_DIR`` environment variable.
"""
from __future__ import annotations

import hashlib
import json
import logging
import os
import re
import sqlite3
from datetime import datetime, timezone
from pathlib import Path
from typing import Optional

from core.atomicfile import atomic_write_text
from core.review.schema import SQLITE_HEADER

LOG_FOLDER_NAME = ".csa-inspector"
LOG_FILE_NAME = "review.sqlite"
HEATMAP_FOLDER_NAME = "heatmaps"
DATA_DIR_ENV = "CSA_INSPECTOR_DATA_DIR"
_log = logging.getLogger(__name__)


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



def _never_written(path: Path) -> bool:
    """A 0-byte file, or an SQLite file without a single table: what a full disk leaves at creation."""
    try:
        if path.stat().st_size == 0:
            return True
        with open(path, "rb") as stream:
            if stream.read(len(SQLITE_HEADER)) != SQLITE_HEADER:
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

