"""Is each photo still the one that was scored and reviewed? Checked by content on every read of a batch.

A decision belongs to the photo the reviewer looked at, not to a file name. So whenever a batch is read (the
inspector opening it, a report, retraining, re-scoring), every photo is compared with the content hash stored
at scoring time. File size, times and inode only let an untouched file skip the re-hash; the change time is
among them, which ``cp -p`` or ``touch -r`` cannot set back, so a replaced photo is always re-hashed.

Outcomes per photo: as scored, ``modified`` (different content: its decision no longer applies), ``missing``,
or renamed (same content under a name the log did not know: the record and its decision follow the content).
Photos in the folder that the log does not know are listed as not scored yet.
"""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

from core.photos.batch_folder import BatchListing, SkippedEntry, optional_listing
from core.results import CancelToken, Cancelled
from core.review import ImageRecord, ReviewLog, file_fingerprint, file_sha256

MODIFIED = "modified"
MISSING = "missing"


@dataclass
class PhotoCheck:
    """What a check of a batch found; ``folder_photos`` is None when the folder itself could not be listed."""

    reasons: dict[str, Optional[str]] = field(default_factory=dict)  # key -> None (as scored), modified, missing
    renamed: list[tuple[str, str]] = field(default_factory=list)  # (old key, new key)
    new: list[str] = field(default_factory=list)  # in the folder, not in the log: not scored yet
    folder_photos: Optional[int] = None
    skipped: list[SkippedEntry] = field(default_factory=list)
    rehashed: int = 0

    @property
    def modified(self) -> list[str]:
        return [rel for rel, why in self.reasons.items() if why == MODIFIED]

    @property
    def missing(self) -> list[str]:
        return [rel for rel, why in self.reasons.items() if why == MISSING]

    def apply(self, records: list[ImageRecord]) -> list[ImageRecord]:
        """The records as this check sees them, for a reader that cannot store the verdicts (a report).

        A renamed photo's record moves to its new name; if the new name was scored as well, the record with a
        decision wins (the decision follows the content).
        """
        by_rel = {r.rel_path: r for r in records}
        moved = {}
        for old, new in self.renamed:
            source, existing = by_rel.get(old), by_rel.get(new)
            if source is None:
                continue
            if existing is not None and (existing.decision is not None or source.decision is None):
                moved[old] = None  # the record under the new name already speaks for the photo
            else:
                moved[old] = new
        dropped = {new for new in moved.values() if new is not None}
        out = []
        for record in records:
            if record.rel_path in moved:
                new_rel = moved[record.rel_path]
                if new_rel is not None:
                    out.append(dataclasses.replace(record, rel_path=new_rel, path=_sibling(record, new_rel),
                                                   changed=False, changed_reason=None))
                continue
            if record.rel_path in dropped:
                continue
            reason = self.reasons.get(record.rel_path, record.changed_reason)
            out.append(dataclasses.replace(record, changed=reason is not None, changed_reason=reason))
        return out


def _sibling(record: ImageRecord, new_rel: str) -> Path:
    """The absolute path of ``new_rel`` in the same batch as ``record``."""
    root = record.path
    for _ in record.rel_path.split("/"):
        root = root.parent
    return root / new_rel


def check_photos(log: ReviewLog, listing: Optional[BatchListing] = None, persist: bool = True,
                 cancel: Optional[CancelToken] = None) -> PhotoCheck:
    """Compare every photo of ``log`` with its folder; store the verdicts when ``persist`` and the log is writable."""
    known = log.fingerprints()
    if listing is None:
        listing = optional_listing(log.batch_dir)
    check = PhotoCheck()
    if listing is not None:
        check.folder_photos = len(listing.photos)
        check.skipped = list(listing.skipped)
        check.new = [rel for rel in listing.rel_paths if rel not in known]
    refreshed: dict[str, tuple[int, int, int, int]] = {}
    hashes: dict[str, str] = {}
    for rel, (sha, stored, _previous) in known.items():
        if cancel is not None and cancel.is_set():
            raise Cancelled()
        path = log.absolute_path(rel)
        now = file_fingerprint(path)
        if now is None:
            check.reasons[rel] = MISSING
            continue
        if sha is None or (stored is not None and now == stored):
            check.reasons[rel] = None
            continue
        try:
            digest = file_sha256(path)
        except OSError:
            check.reasons[rel] = MISSING
            continue
        check.rehashed += 1
        hashes[rel] = digest
        if digest == sha:
            check.reasons[rel] = None
            refreshed[rel] = now
        else:
            check.reasons[rel] = MODIFIED
    _find_renamed(log, check, known, hashes, cancel)
    if persist and not log.read_only:
        for old, new in check.renamed:
            log.move_key(old, new, "renamed: the same content under a new name")
        moved = {old for old, _ in check.renamed}
        log.mark_changed({rel: why for rel, why in check.reasons.items() if rel not in moved})
        log.refresh_fingerprints(refreshed)
        check.new = [rel for rel in check.new if rel not in {new for _, new in check.renamed}]
    return check


def _find_renamed(log: ReviewLog, check: PhotoCheck, known: dict, hashes: dict[str, str],
                  cancel: Optional[CancelToken]) -> None:
    """A missing photo whose content turns up under another name was renamed (or moved within the batch)."""
    missing = {known[rel][0]: rel for rel in check.missing if known[rel][0]}
    if not missing:
        return
    candidates: dict[str, str] = {}
    for rel in check.new:
        if cancel is not None and cancel.is_set():
            raise Cancelled()
        try:
            candidates.setdefault(file_sha256(log.absolute_path(rel)), rel)
        except OSError:
            continue
    for rel, (sha, _stored, _previous) in known.items():
        if sha and check.reasons.get(rel) is None:
            candidates.setdefault(hashes.get(rel, sha), rel)
    for sha, old in missing.items():
        new = candidates.get(sha)
        if new is not None and new != old:
            check.renamed.append((old, new))
            check.reasons.pop(old, None)
