"""Reading a review log: the batch's settings, its photos with their current decisions, the audit trail, counts."""
from __future__ import annotations

import json
import sqlite3
from datetime import datetime
from pathlib import Path
from typing import Any, Optional, Sequence

from core.i18n import translate
from core.review import audit_chain
from core.review.records import (
    SYSTEM_REVIEWER, BatchInfo, DecisionRecord, EventRecord, ImageRecord, ReviewLogError, Summary,
)
from core.review.transactions import _translate
from core.vocabulary import Decision


class ReviewLogReads:
    """The reading half of :class:`core.review.log.ReviewLog` (which supplies ``_query``, ``_column`` and paths)."""

    def batch_info(self) -> BatchInfo:
        row = self._query("SELECT batch_dir, created, model_path, model_name, model_variant, model_backbone, "
                          f"image_size, threshold, pixel_threshold, {self._column('batch', 'heatmap_low')}, "
                          f"{self._column('batch', 'threshold_set_by')}, {self._column('batch', 'alarm_threshold')} "
                          "FROM batch WHERE id = 1")[0]
        return BatchInfo(self.batch_dir, row[1], *row[2:])

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
            raise ReviewLogError(translate("ReviewLog", "{path} is not part of this batch's review log").format(path=path))
        return self._record(rows[0])

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
        """Re-check the audit chain and every sealed row (see :mod:`core.review.audit_chain`)."""
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
