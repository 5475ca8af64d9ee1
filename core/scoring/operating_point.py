"""The operating point: two thresholds that split photos into three zones.

Below *pass* a photo is treated as normal; at or above *alarm* it is very likely a foreign body; between
them lies the *review* band. Every photo at or above pass goes before a person ("flagged" means exactly
that), so pass decides the catch rate and the review load, while alarm only decides what a reviewer sees first.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from statistics import NormalDist
from typing import Any, Mapping, Optional, Sequence

import numpy as np

from core.i18n import translate
from core.vocabulary import Zone

PASS, REVIEW, ALARM = Zone.PASS, Zone.REVIEW, Zone.ALARM
ZONES = tuple(Zone)


def zone_of(score: Optional[float], pass_threshold: Optional[float], alarm_threshold: Optional[float]) -> Optional[str]:
    """The zone of one score; ``None`` when the photo has no score or no pass threshold is set yet."""
    if score is None or pass_threshold is None or not math.isfinite(pass_threshold):
        return None
    if score < pass_threshold:
        return PASS
    if alarm_threshold is not None and score >= max(alarm_threshold, pass_threshold):
        return ALARM
    return REVIEW


@dataclass(frozen=True)
class OperatingPoint:
    pass_threshold: float
    alarm_threshold: float

    def __post_init__(self) -> None:
        if self.alarm_threshold < self.pass_threshold:
            object.__setattr__(self, "alarm_threshold", self.pass_threshold)

    def zone(self, score: Optional[float]) -> Optional[str]:
        return zone_of(score, self.pass_threshold, self.alarm_threshold)


def ordered(pass_threshold: float, alarm_threshold: Optional[float]) -> float:
    """The alarm threshold, never below pass: an alarm photo is always also a photo to review."""
    if alarm_threshold is None or not math.isfinite(alarm_threshold):
        return pass_threshold
    return max(float(alarm_threshold), float(pass_threshold))


def derived_alarm_threshold(pass_threshold: float, calibration: Mapping[str, Any], alarm_share: float) -> float:
    """The alarm threshold of a model file that stored only one threshold.

    Such models set their threshold at a share ``r`` of held-out normal photos on a log-normal fit of their
    scores, and kept the median: the fit's spread follows from both, and the alarm line is the same fit's
    ``1 - alarm_share`` quantile. Without a median (older calibrations) the review band is left empty.
    """
    median = calibration.get("good_score_median") if isinstance(calibration, Mapping) else None
    rate = calibration.get("target_false_alarm_rate") if isinstance(calibration, Mapping) else None
    try:
        median, rate = float(median), float(rate)
    except (TypeError, ValueError):
        return float(pass_threshold)
    if not (median > 0 and pass_threshold > median and 0 < rate < 0.5 and 0 < alarm_share < rate):
        return float(pass_threshold)
    normal = NormalDist()
    sigma = math.log(pass_threshold / median) / normal.inv_cdf(1.0 - rate)
    return ordered(pass_threshold, median * math.exp(sigma * normal.inv_cdf(1.0 - alarm_share)))


def single_threshold_note(model_name: str, pass_threshold: float, alarm: float) -> str:
    """Says that the alarm line of a one-threshold model was derived, so the reviewer knows to save it."""
    return translate(
        "ModelFile", "model {name} has one threshold (made before pass and alarm thresholds): pass = "
        "{pass_threshold}, alarm derived as {alarm_threshold}; save the thresholds to keep them").format(
        name=model_name, pass_threshold=f"{pass_threshold:.4g}", alarm_threshold=f"{alarm:.4g}")


def thresholds_from_roc(labels: Sequence[int], scores: Sequence[float], catch_target: float,
                        alarm_share: float) -> OperatingPoint:
    """Both lines from a labelled set: pass keeps ``catch_target`` of the foreign bodies at or above it (as
    high as that allows), alarm is the lowest line that marks at most ``alarm_share`` of the normal photos."""
    labels_arr = np.asarray(labels, dtype=int)
    scores_arr = np.asarray(scores, dtype=np.float64)
    bad = np.sort(scores_arr[labels_arr == 1])
    good = np.sort(scores_arr[labels_arr == 0])
    if bad.size == 0 or good.size == 0:
        raise ValueError("placing the thresholds from the ROC needs both normal and foreign-body photos")
    # the k-th lowest foreign-body score: at most floor((1 - target) * n) of them may fall below pass
    allowed_misses = int(math.floor((1.0 - catch_target) * bad.size + 1e-9))
    pass_threshold = float(bad[min(allowed_misses, bad.size - 1)])
    allowed_alarms = int(math.floor(alarm_share * good.size + 1e-9))
    alarm_threshold = float(np.nextafter(good[good.size - 1 - min(allowed_alarms, good.size - 1)], np.inf))
    return OperatingPoint(pass_threshold, ordered(pass_threshold, alarm_threshold))


def zone_counts(scores: Sequence[Optional[float]], pass_threshold: Optional[float],
                alarm_threshold: Optional[float]) -> dict[str, int]:
    counts = {zone: 0 for zone in ZONES}
    for score in scores:
        zone = zone_of(score, pass_threshold, alarm_threshold)
        if zone is not None:
            counts[zone] += 1
    return counts
