"""Does a batch look like the photos the model learnt from? A warning when it plainly does not.

A model trained on brake units and used on photos of something else (tires, another camera, night shots) does not
fail quietly: nearly every photo scores far above the threshold and the heatmaps are red all over. A reviewer new
to the tool reads that as "everything is a foreign body". Foreign bodies are rare, so a batch in which most photos
are flagged says more about the model than about the photos; the held-out normal photos the threshold was
calibrated on (stored in the model file) show how far away the batch is.

The check uses only the scores, so it works from the review log alone (reports, reopened batches) and costs
nothing while scoring.
"""
from __future__ import annotations

import json
import statistics
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable, Mapping, Optional

from core.i18n import translate

# Fewer scored photos than this say nothing about a batch as a whole.
MIN_PHOTOS = 5
# Share of the batch above the threshold from which the batch is called unlike the training photos. The threshold
# flags about 1 % of normal photos; even a batch with many foreign bodies has most photos without one.
FLAGGED_SHARE = 0.5
# ... and the median photo must score well above it: a batch that happens to be half foreign bodies has its median
# photo near the threshold, a batch of photos of something else far above it (about 3 x for the brake-unit model on
# tire photos).
MEDIAN_FACTOR = 1.5


@dataclass(frozen=True)
class HeldOutNormals:
    """What the model file says about its held-out normal photos (the calibration set)."""

    threshold: Optional[float] = None
    median: Optional[float] = None
    highest: Optional[float] = None
    count: Optional[int] = None


@dataclass(frozen=True)
class LikenessWarning:
    """The batch looks unlike the training photos; ``message`` is one paragraph for a reviewer."""

    scored: int
    flagged: int
    median_score: float
    threshold: float
    normals: HeldOutNormals

    @property
    def ratio(self) -> float:
        return self.median_score / self.threshold if self.threshold > 0 else float("inf")

    @property
    def message(self) -> str:
        """In the inspector's language (English on the command line); numbers go in after translating."""
        held = ""
        if self.normals.median is not None and self.normals.highest is not None:
            held = translate("TrainingLikeness", " (the model's held-out normal photos: median {median}, "
                                                 "highest {highest})").format(
                median=f"{self.normals.median:.3g}", highest=f"{self.normals.highest:.3g}")
        return translate("TrainingLikeness",
                         "This batch looks unlike the photos the model was trained on: {flagged} of {scored} "
                         "photos score above the threshold, the median photo at {ratio} x the threshold{held}. "
                         "The red areas may only mean \"different from the training photos\": check that the "
                         "right model is used for these photos before trusting the flags.").format(
            flagged=self.flagged, scored=self.scored, ratio=f"{self.ratio:.1f}", held=held)


def normals_from_meta(meta: Mapping[str, Any], threshold: Optional[float] = None) -> HeldOutNormals:
    """Held-out statistics from a model's ``meta`` (its ``calibration`` entry), tolerating older files."""
    calibration = meta.get("calibration") if isinstance(meta, Mapping) else None
    calibration = calibration if isinstance(calibration, Mapping) else {}

    def number(key: str) -> Optional[float]:
        value = calibration.get(key)
        try:
            return float(value) if value is not None else None
        except (TypeError, ValueError):
            return None

    count = number("n_good_images")
    return HeldOutNormals(threshold=threshold, median=number("good_score_median"), highest=number("good_score_max"),
                          count=int(count) if count is not None else None)


def normals_from_model_file(path: Optional[str | Path]) -> HeldOutNormals:
    """Read from the model file's header only (no torch); empty when the file is gone or not a model."""
    if not path:
        return HeldOutNormals()
    from core.models.modelheader import read_header

    try:
        header = read_header(path)
        meta = json.loads(header.get("meta", "{}"))
        threshold = float(header["threshold"]) if "threshold" in header else None
    except (OSError, ValueError, KeyError):
        return HeldOutNormals()
    return normals_from_meta(meta if isinstance(meta, dict) else {}, threshold)


def check_training_likeness(scores: Iterable[Optional[float]], threshold: Optional[float],
                            normals: HeldOutNormals = HeldOutNormals()) -> Optional[LikenessWarning]:
    """A warning when half the batch or more scores above the threshold the model was calibrated to and the median
    photo scores 1.5 times that threshold or more; else None.

    ``threshold`` is the model's own (a threshold a reviewer raised for this batch must not hide the warning, so
    the model's calibrated one in ``normals`` is preferred when known). The held-out normal highest score raises
    the bar where it is above the threshold.
    """
    values = [float(s) for s in scores if s is not None]
    reference = normals.threshold if normals.threshold is not None else threshold
    if len(values) < MIN_PHOTOS or reference is None or not reference > 0:
        return None
    bar = max(reference, normals.highest or 0.0)
    flagged = sum(1 for s in values if s >= bar)
    median = float(statistics.median(values))
    if flagged < FLAGGED_SHARE * len(values) or median < MEDIAN_FACTOR * bar:
        return None
    return LikenessWarning(scored=len(values), flagged=flagged, median_score=median, threshold=float(reference),
                           normals=normals)
