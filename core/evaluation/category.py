"""Evaluate a detector on a labelled MVTec-style category."""
from __future__ import annotations

from pathlib import Path
from typing import Any, Optional

import cv2
import numpy as np

from core.photos.datasets import load_mask, test_items
from core.scoring.detector import Detector
from core.evaluation.metrics import (
    false_alarm_rate_at_recall, image_auroc, pixel_aupro, pixel_auroc, pointing_accuracy, rates_at_threshold,
)
from core.results import CancelToken, ProgressCallback
from core.config import ROC_CATCH_TARGET, TrainConfig
from core.scoring.operating_point import thresholds_from_roc, zone_counts
from core.training.threshold import roc_optimal_threshold

PIXEL_EVAL_SIDE = 256  # masks and heatmaps are compared at this size: enough for AUROC, light on memory


def evaluate_category(
    detector: Detector,
    category_dir: str | Path,
    progress: Optional[ProgressCallback] = None,
    cancel: Optional[CancelToken] = None,
) -> dict[str, Any]:
    """All metrics on ``test/`` of a category.

    Recall and accuracy are given at the ROC-optimal threshold of this labelled set (as the paper reports them)
    and, under ``at_model_threshold``, at the threshold stored in the model, which is what the reviewer sees.
    """
    items = test_items(Path(category_dir))
    if not items:
        raise ValueError(f"no test images under {category_dir}/test")
    by_path = {item.path: item for item in items}
    labels, scores, masks, maps, skipped = [], [], [], [], {}
    for result in detector.score_images([i.path for i in items], progress=progress, cancel=cancel):
        if not result.ok:
            skipped[str(result.path)] = result.error
            continue
        item = by_path[result.path]
        labels.append(item.label)
        scores.append(result.score)
        size = (PIXEL_EVAL_SIDE, PIXEL_EVAL_SIDE)
        maps.append(cv2.resize(result.heatmap, size, interpolation=cv2.INTER_AREA))
        if item.mask_path is not None:
            masks.append(load_mask(item.mask_path, size))
        elif item.label == 0:
            masks.append(np.zeros(size[::-1], dtype=bool))
        else:
            maps.pop()  # an anomaly without a mask cannot take part in the pixel metric

    good_maps = [m for m, mask in zip(maps, masks) if not mask.any()]
    pixel_threshold = getattr(detector, "pixel_threshold", None)
    labels_arr = np.asarray(labels)
    scores_arr = np.asarray(scores)
    has_both = labels_arr.size and labels_arr.min() != labels_arr.max()
    # other detectors evaluated the same way (the bench's peers) may carry only the one threshold
    alarm = getattr(detector, "alarm_threshold", detector.threshold)
    alarm_share = getattr(detector.config.train, "alarm_false_alarm_rate", TrainConfig.alarm_false_alarm_rate)
    roc_threshold = roc_optimal_threshold(labels_arr, scores_arr) if has_both else detector.threshold
    result = {
        "image_auroc": image_auroc(labels_arr, scores_arr) if has_both else None,
        "pixel_auroc": pixel_auroc(masks, maps) if len(masks) == len(maps) else None,
        "pixel_aupro": pixel_aupro(masks, maps) if len(masks) == len(maps) else None,
        "pointing": pointing_accuracy(masks, maps) if len(masks) == len(maps) else None,
        **rates_at_threshold(labels_arr, scores_arr, roc_threshold),
        "threshold": roc_threshold,
        "at_model_threshold": {"threshold": detector.threshold, "alarm_threshold": alarm,
                               **rates_at_threshold(labels_arr, scores_arr, detector.threshold),
                               "zones": zone_counts(scores_arr.tolist(), detector.threshold, alarm)},
        # how much of a defect-free photo the outline encloses: the reviewer's view of the pixel threshold
        "good_outlined_share": (
            float(np.mean([(m >= pixel_threshold).mean() for m in good_maps]))
            if good_maps and pixel_threshold is not None else None),
        # ... and how many of them show an outline at all ("usually empty" is the aim)
        "good_outlined_photos": (
            float(np.mean([bool((m >= pixel_threshold).any()) for m in good_maps]))
            if good_maps and pixel_threshold is not None else None),
        "n_images": int(labels_arr.size),
        "n_anomalous": int(labels_arr.sum()),
        "skipped": skipped,
    }
    if has_both:
        # the operating point this labelled set suggests: pass keeps ROC_CATCH_TARGET of its foreign bodies,
        # alarm marks at most the model's alarm share of its normal photos
        point = thresholds_from_roc(labels_arr, scores_arr, ROC_CATCH_TARGET, alarm_share)
        result["operating_point_from_roc"] = {
            "pass_threshold": point.pass_threshold, "alarm_threshold": point.alarm_threshold,
            "catch_target": ROC_CATCH_TARGET, **rates_at_threshold(labels_arr, scores_arr, point.pass_threshold),
            "review_share": float((scores_arr >= point.pass_threshold).mean()),
        }
        for recall, key in ((1.0, "100"), (0.99, "99"), (0.95, "95")):
            result[f"false_alarm_rate_at_recall_{key}"] = false_alarm_rate_at_recall(labels_arr, scores_arr, recall)
    return result
