"""Decision thresholds: from good images alone, or ROC-optimal when anomalies are labelled."""
from __future__ import annotations

from statistics import NormalDist
from typing import Sequence

import numpy as np
from sklearn.metrics import roc_curve


def threshold_at_false_alarm_rate(good_scores: Sequence[float], false_alarm_rate: float) -> float:
    """Smallest threshold that flags at most ``false_alarm_rate`` of the given good images.

    With few held-out images this is the highest good score, i.e. zero false alarms on them; the rate
    then holds only approximately on new images, which the model file notes with the count used.
    """
    scores = np.sort(np.asarray(good_scores, dtype=np.float64))
    if scores.size == 0:
        raise ValueError("no good images to set a threshold from")
    allowed = int(np.floor(false_alarm_rate * scores.size))
    # flag when score >= threshold: put it just above the (allowed+1)-th highest good score
    k = scores.size - 1 - allowed
    return float(np.nextafter(scores[k], np.inf))


def threshold_for_good_scores(good_scores: Sequence[float], false_alarm_rate: float) -> float:
    """Threshold for a model: the empirical one, raised to a log-normal fit's (1 - rate) quantile if higher.

    A held-out set of a few dozen good photos cannot show where the top 1 % of good scores lies: the empirical
    threshold is then the highest held-out score and flags far more than 1 % of new good photos. Flow scores of
    good images are close to log-normal, so a fit to their logarithms extrapolates the tail instead.
    """
    empirical = threshold_at_false_alarm_rate(good_scores, false_alarm_rate)
    logs = np.log(np.clip(np.asarray(good_scores, dtype=np.float64), 1e-12, None))
    if logs.size < 3 or not 0 < false_alarm_rate < 1:
        return empirical
    fitted = float(np.exp(logs.mean() + NormalDist().inv_cdf(1.0 - false_alarm_rate) * logs.std(ddof=1)))
    return max(empirical, fitted)


def roc_optimal_threshold(labels: Sequence[int], scores: Sequence[float]) -> float:
    """Threshold maximising TPR - FPR (Youden's J) over the ROC curve of a labelled set."""
    labels = np.asarray(labels)
    if labels.min() == labels.max():
        raise ValueError("ROC-optimal threshold needs both good and anomalous images")
    fpr, tpr, thresholds = roc_curve(labels, np.asarray(scores, dtype=np.float64))
    best = int(np.argmax(tpr - fpr))
    return float(thresholds[best]) if np.isfinite(thresholds[best]) else float(np.max(scores))


def pixel_threshold_from_maps(good_maps: np.ndarray, quantile: float = 0.999) -> float:
    """A heatmap level that good images rarely exceed; regions above it are outlined for the reviewer."""
    return float(np.quantile(np.asarray(good_maps, dtype=np.float32).ravel(), quantile))


def pixel_threshold_from_peaks(good_peaks: Sequence[float], false_alarm_rate: float = 0.05) -> float:
    """The outline level: above the hottest pixel of all but ``false_alarm_rate`` of good photos.

    Set from each held-out good photo's hottest heatmap pixel (log-normal tail fit as for image scores), so a good
    photo usually shows no outline at all; a quantile over all pixels instead leaves a few outlined specks on
    nearly every photo.
    """
    return threshold_for_good_scores(good_peaks, false_alarm_rate)
