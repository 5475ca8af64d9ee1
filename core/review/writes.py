"""Changing a review log: thresholds and model settings, scores, decisions and undo, photos that moved or changed.

Every change is one committed, audited transaction (see :mod:`core.review.transactions`).
"""
from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any, Mapping, Optional

import numpy as np

from core.i18n import translate
from core.models.modelheader import ModelInfo
from core.review.fingerprints import file_fingerprint, file_sha256
from core.review.records import (
    CLEARED, REVIEW_DECISIONS, SYSTEM_REVIEWER, UNDO, ChangedFile, DecisionRecord, ReviewLogError, ReviewLogReadOnly,
)
from core.review.transactions import _check_reviewer, _one_line, _WriteTransaction, now_utc
from core.scoring.heatmap_store import save_heatmap


class ReviewLogWrites:
    """The writing half of :class:`core.review.log.ReviewLog` (which supplies ``_write``, ``_query`` and paths)."""

    def set_alarm_threshold(self, value: float, reviewer: str) -> None:
        """Move the alarm line of this batch (an audited ``alarm_threshold_changed`` event); flags stay as they are."""
        reviewer = _check_reviewer(reviewer)
        with self._write() as tx:
            self._apply_alarm_threshold(tx, float(value), reviewer)

    @staticmethod
    def _apply_alarm_threshold(tx: "_WriteTransaction", value: float, reviewer: str) -> None:
        if not np.isfinite(value):
            raise ReviewLogError(translate("ReviewLog", "alarm threshold must be a finite number, got {value}").format(
                value=value))
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
            raise ReviewLogError(translate("ReviewLog", "threshold must be a finite number, got {value}").format(value=value))
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
                raise ReviewLogError(translate("ReviewLog", "cannot store the heatmap of {photo}: {detail}").format(
                    photo=rel, detail=_one_line(exc))) from None
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
            raise ReviewLogReadOnly(translate(
                "ReviewLog", "review log {path} is read-only ({reason}); changes cannot be saved").format(
                path=self.path, reason=self.read_only_reason))

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
                raise ReviewLogError(translate(
                    "ReviewLog", "{photo} is not part of this batch's review log; score it first").format(
                    photo=rel))
            if image[1]:
                raise ReviewLogError(translate("ReviewLog", "{photo} is now listed as {listed}; decide on that photo").format(
                    photo=rel, listed=image[1]))
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

    # ---- events

    def log_event(self, kind: str, reviewer: str, **detail: Any) -> int:
        """Append a free-form audit event (e.g. 'rescored' for a whole batch)."""
        with self._write() as tx:
            return tx.event(kind, _check_reviewer(reviewer), detail)

    def check_changed_files(self) -> list[ChangedFile]:
        """Check every photo by content (see :mod:`core.photos.photo_check`), store the verdicts, return the changed ones.

        A changed photo keeps its old score and heatmap only for reference: it is marked ``changed`` until it
        is scored again, so nobody reviews a stale heatmap without knowing. Renamed photos take their record along.
        """
        from core.photos.photo_check import check_photos

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
