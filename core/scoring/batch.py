"""Scoring a batch folder end to end: scores into the review log, plus CSV/JSON and heatmap pictures.

Used by ``csa-inspector score`` (for example overnight), so the inspector later opens the batch with its
scores and heatmaps without scoring again.
"""
from __future__ import annotations

import csv
import dataclasses
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Optional, Sequence

import cv2

from core.atomicfile import atomic_write_bytes
from core.scoring.detector import Detector
from core.photos.batch_folder import SkippedEntry, folder_of, list_batch, photo_key
from core.config import ScoringConfig
from core.photos.imageio import ImageReadError, file_digest, load_image
from core.scoring.operating_point import ZONES, ordered, zone_of
from core.scoring.overlay import render_overlay
from core.photos.photo_check import PhotoCheck, check_photos
from core.results import CancelToken, ProgressCallback, ScoreResult
from core.review import ReviewLog, open_for_batch


@dataclass
class BatchOutcome:
    results: list[ScoreResult] = field(default_factory=list)
    log_path: Optional[Path] = None
    out_dir: Optional[Path] = None
    skipped: list[SkippedEntry] = field(default_factory=list)  # links and folders that are not part of the batch
    threshold: Optional[float] = None  # the threshold the photos were flagged against
    threshold_set_by: Optional[str] = None  # the reviewer whose threshold the batch keeps, if any
    log_in_fallback_location: bool = False
    check: Optional[PhotoCheck] = None
    alarm_threshold: Optional[float] = None  # the alarm line of the batch (never below ``threshold``)

    @property
    def scored(self) -> list[ScoreResult]:
        return [r for r in self.results if r.ok]

    @property
    def flagged(self) -> list[ScoreResult]:
        return [r for r in self.results if r.ok and r.flagged]

    @property
    def errors(self) -> list[ScoreResult]:
        return [r for r in self.results if not r.ok]

    def zone_counts(self) -> dict[str, int]:
        """Photos per zone (pass / review / alarm) at the thresholds the batch was scored with."""
        counts = {zone: 0 for zone in ZONES}
        for result in self.scored:
            zone = zone_of(result.score, self.threshold, self.alarm_threshold)
            if zone is not None:
                counts[zone] += 1
        return counts


def score_batch(
    detector: Detector,
    batch_dir: str | Path,
    out_dir: Optional[str | Path] = None,
    write_log: bool = True,
    heatmap_pictures: bool = True,
    progress: Optional[ProgressCallback] = None,
    cancel: Optional[CancelToken] = None,
    on_result: Optional[Callable[[ScoreResult], None]] = None,
    paths: Optional[Sequence[Path]] = None,
    batch_size: int = ScoringConfig.batch_size,
    on_busy: Optional[Callable[[str], None]] = None,
) -> BatchOutcome:
    listing = list_batch(batch_dir, exclude=[out_dir] if out_dir else [])
    batch_dir = listing.root
    if paths is None:
        paths = listing.photos
    else:  # keys are relative to the resolved batch folder, whatever path the caller used
        paths = [batch_dir / photo_key(batch_dir, Path(p).absolute()) for p in paths]
    if not paths:
        raise ValueError(f"no images found in {batch_dir} or its subfolders")
    outcome = BatchOutcome(out_dir=Path(out_dir) if out_dir else None, skipped=listing.skipped)
    log: Optional[ReviewLog] = None
    threshold = detector.threshold
    alarm: Optional[float] = detector.alarm_threshold
    if write_log:
        log = open_for_batch(batch_dir, create=True)
        if on_busy is not None:
            log.on_busy = on_busy
        outcome.log_path = log.path
        outcome.log_in_fallback_location = log.in_fallback_location
        try:
            outcome.check = check_photos(log, listing)  # renamed photos keep their decisions before re-scoring
            log.set_model_info(detector.info(), model_path=detector.path)
            info = log.batch_info()
        except BaseException:
            log.close()
            raise
        if info.threshold is not None:
            threshold = info.threshold  # the batch's own (a reviewer's) threshold outlives re-scoring
            outcome.threshold_set_by = info.threshold_set_by
        if info.alarm_threshold is not None:
            alarm = info.alarm_threshold
    outcome.threshold = threshold
    outcome.alarm_threshold = ordered(threshold, alarm)
    picture_dir = None
    if outcome.out_dir is not None:
        outcome.out_dir.mkdir(parents=True, exist_ok=True)
        if heatmap_pictures:
            picture_dir = outcome.out_dir / "heatmaps"
            picture_dir.mkdir(exist_ok=True)
    try:
        for result in detector.score_images(paths, progress=progress, cancel=cancel, batch_size=batch_size):
            if log is not None:
                digest = None
                if result.ok:
                    try:
                        digest = file_digest(result.path)
                    except (ImageReadError, OSError):
                        digest = None
                log.record_score(result.path, digest, result.score, result.flagged, result.heatmap,
                                 result.width or None, result.height or None, result.error)
            if result.ok and threshold is not None:
                result = dataclasses.replace(result, flagged=bool(result.score >= threshold))
            if picture_dir is not None and result.ok:
                _write_heatmap_picture(detector, result, picture_dir / heatmap_picture_name(batch_dir, result.path))
            if on_result is not None:
                on_result(result)
            # keep only what the summary needs: full-size heatmaps of a large batch would fill the memory
            outcome.results.append(
                ScoreResult(result.path, result.score, result.flagged, None, result.width, result.height, result.error)
            )
    finally:
        if log is not None:
            log.close()
    if outcome.out_dir is not None:
        write_score_tables(outcome.results, outcome.out_dir, threshold, batch_dir, outcome.alarm_threshold)
    return outcome


def heatmap_picture_name(batch_dir: Path, photo: Path) -> str:
    """One flat folder of pictures for a tree of photos: ``car03/cam2/img_7.jpg`` -> ``car03__cam2__img_7_heatmap.png``,
    so photos of the same name in different cameras never overwrite each other's picture."""
    key = photo_key(batch_dir, photo)
    return key.rsplit(".", 1)[0].replace("/", "__") + "_heatmap.png"


HEATMAP_PICTURE_LONGEST_SIDE = 2560
"""Heatmap pictures of larger photos are shrunk to this: a 2064 x 1544 camera frame keeps its size, while a
48 MP photo would need gigabytes of float images to blend and a picture nobody views at full size."""


def _write_heatmap_picture(detector: Detector, result: ScoreResult, target: Path) -> None:
    try:
        photo = load_image(result.path)
    except ImageReadError:
        return
    heatmap = result.heatmap
    height, width = photo.shape[:2]
    scale = HEATMAP_PICTURE_LONGEST_SIDE / max(height, width)
    if scale < 1.0:
        # shrink the uint8 photo first, so blending never sees full-size float copies
        size = (max(1, round(width * scale)), max(1, round(height * scale)))
        photo = cv2.resize(photo, size, interpolation=cv2.INTER_AREA)
        heatmap = cv2.resize(heatmap, size, interpolation=cv2.INTER_AREA)
    picture = render_overlay(photo, heatmap, None, detector.pixel_threshold)
    ok, data = cv2.imencode(".png", cv2.cvtColor(picture, cv2.COLOR_RGB2BGR))
    if ok:
        atomic_write_bytes(target, data.tobytes())


def write_score_tables(results: Sequence[ScoreResult], out_dir: Path, threshold: float, batch_dir: Path,
                       alarm_threshold: Optional[float] = None) -> None:
    """scores.csv and scores.json, highest score first, unreadable files last with their reason.

    ``zone`` is pass, review or alarm (empty for unreadable files); ``flagged`` means at or above pass.
    """
    ordered = sorted(results, key=lambda r: (r.score is None, -(r.score or 0.0), str(r.path)))
    rows = [
        {
            "file": _relative(r.path, batch_dir),
            "folder": folder_of(_relative(r.path, batch_dir)),
            "score": None if r.score is None else round(r.score, 6),
            "zone": zone_of(r.score, threshold, alarm_threshold) or "",
            "flagged": bool(r.flagged),
            "width": r.width or None,
            "height": r.height or None,
            "error": r.error or "",
        }
        for r in ordered
    ]
    import io

    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(rows[0].keys()) if rows else ["file"])
    writer.writeheader()
    writer.writerows(rows)
    atomic_write_bytes(out_dir / "scores.csv", buffer.getvalue().encode("utf-8"))
    payload = {"batch": str(batch_dir), "threshold": threshold, "pass_threshold": threshold,
               "alarm_threshold": alarm_threshold if alarm_threshold is not None else threshold, "images": rows}
    atomic_write_bytes(out_dir / "scores.json", json.dumps(payload, indent=2).encode("utf-8"))


def _relative(path: Path, root: Path) -> str:
    return photo_key(root, path)
