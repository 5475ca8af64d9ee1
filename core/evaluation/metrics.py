"""Evaluation metrics of the paper's Tables 3 to 5, plus the review-load figure."""
from __future__ import annotations

from typing import Optional, Sequence

import cv2
import numpy as np
from sklearn.metrics import roc_auc_score, roc_curve


def image_auroc(labels: Sequence[int], scores: Sequence[float]) -> float:
    return float(roc_auc_score(np.asarray(labels), np.asarray(scores, dtype=np.float64)))


def pixel_auroc(masks: Sequence[np.ndarray], heatmaps: Sequence[np.ndarray]) -> Optional[float]:
    """AUROC over all pixels of all images (masks and heatmaps at the same size per image)."""
    if not masks:
        return None
    y = np.concatenate([np.asarray(m, dtype=bool).ravel() for m in masks])
    if y.all() or not y.any():
        return None
    s = np.concatenate([np.asarray(h, dtype=np.float32).ravel() for h in heatmaps])
    return float(roc_auc_score(y, s))


def rates_at_threshold(labels: Sequence[int], scores: Sequence[float], threshold: float) -> dict[str, float]:
    """Recall_Ano (anomalies flagged), Recall_Norm (good images passed) and accuracy with score >= threshold flagged."""
    labels = np.asarray(labels).astype(bool)
    flagged = np.asarray(scores, dtype=np.float64) >= threshold
    recall_ano = float(flagged[labels].mean()) if labels.any() else float("nan")
    recall_norm = float((~flagged[~labels]).mean()) if (~labels).any() else float("nan")
    return {
        "recall_ano": recall_ano,
        "recall_norm": recall_norm,
        "accuracy": float((flagged == labels).mean()),
    }


def false_alarm_rate_at_recall(labels: Sequence[int], scores: Sequence[float], recall: float) -> float:
    """Share of good images flagged at the highest threshold that still flags ``recall`` of the anomalies.

    In service foreign bodies are rare, so this is the share of photos a person still has to look at.
    """
    labels = np.asarray(labels).astype(int)
    fpr, tpr, _ = roc_curve(labels, np.asarray(scores, dtype=np.float64))
    reach = np.nonzero(tpr >= recall - 1e-12)[0]
    return float(fpr[reach[0]]) if reach.size else 1.0


def pixel_aupro(masks: Sequence[np.ndarray], heatmaps: Sequence[np.ndarray], max_fpr: float = 0.3) -> Optional[float]:
    """Area under the per-region-overlap curve up to ``max_fpr``, divided by ``max_fpr`` (MVTec AD's AUPRO).

    Pixel AUROC lets one large defect outweigh many small ones; PRO averages the covered share of every
    connected ground-truth region instead, so a missed small foreign body costs as much as a missed large one.
    The curve is traced over every distinct heatmap value at once: each normal pixel adds ``1 / n_normal`` to the
    false-positive rate once the threshold falls below its value, each pixel of region ``k`` adds
    ``1 / (area_k * n_regions)`` to the mean overlap; the area is integrated up to the curve's point at exactly
    ``max_fpr`` (linear interpolation). ``None`` when there is no region or no normal pixel.
    """
    if not masks or not 0 < max_fpr <= 1:
        return None
    scores, weights_fp, weights_pro = [], [], []
    n_normal, n_regions = 0, 0
    for mask, heat in zip(masks, heatmaps):
        m = np.asarray(mask, dtype=bool)
        h = np.asarray(heat, dtype=np.float64)
        if h.shape != m.shape:
            raise ValueError(f"mask {m.shape} and heatmap {h.shape} differ in size")
        count, labels = cv2.connectedComponents(m.astype(np.uint8), connectivity=8)
        n_regions += count - 1
        n_normal += int((~m).sum())
        areas = np.bincount(labels.ravel(), minlength=count).astype(np.float64)
        region_weight = np.where(labels > 0, 1.0 / np.maximum(areas[labels], 1.0), 0.0)
        scores.append(h.ravel())
        weights_fp.append((~m).ravel().astype(np.float64))
        weights_pro.append(region_weight.ravel())
    if n_regions == 0 or n_normal == 0:
        return None
    s = np.concatenate(scores)
    order = np.argsort(-s, kind="stable")
    s = s[order]
    fpr = np.cumsum(np.concatenate(weights_fp)[order]) / n_normal
    pro = np.cumsum(np.concatenate(weights_pro)[order]) / n_regions
    # one point per distinct threshold: the last pixel of each run of equal values
    last = np.r_[np.nonzero(np.diff(s))[0], s.size - 1]
    fpr = np.r_[0.0, fpr[last]]
    pro = np.r_[0.0, pro[last]]
    inside = fpr <= max_fpr
    x, y = fpr[inside], pro[inside]
    if x[-1] < max_fpr:
        nxt = int(np.argmax(fpr > max_fpr)) if (fpr > max_fpr).any() else None
        if nxt is not None:
            x0, x1, y0, y1 = fpr[nxt - 1], fpr[nxt], pro[nxt - 1], pro[nxt]
            y_end = y0 + (y1 - y0) * (max_fpr - x0) / (x1 - x0)
            x, y = np.r_[x, max_fpr], np.r_[y, y_end]
    return float(np.trapezoid(y, x) / max_fpr)


def pointing_accuracy(masks: Sequence[np.ndarray], heatmaps: Sequence[np.ndarray],
                      tolerance: float = 0.03) -> Optional[float]:
    """Share of anomalous photos whose hottest heatmap pixel lies in the defect, grown by ``tolerance`` x long side.

    What a reviewer who jumps to the hottest spot experiences: does the view land on the foreign body? The
    small margin forgives a peak on the object's rim. Photos without a defect pixel are left out; ``None`` if none.
    """
    hits, counted = 0, 0
    for mask, heat in zip(masks, heatmaps):
        m = np.asarray(mask, dtype=bool)
        if not m.any():
            continue
        h = np.asarray(heat, dtype=np.float32)
        if h.shape != m.shape:
            raise ValueError(f"mask {m.shape} and heatmap {h.shape} differ in size")
        radius = int(round(tolerance * max(m.shape)))
        grown = m
        if radius > 0:
            kernel = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * radius + 1, 2 * radius + 1))
            grown = cv2.dilate(m.astype(np.uint8), kernel).astype(bool)
        peak = np.unravel_index(int(np.argmax(np.nan_to_num(h, nan=-np.inf))), h.shape)
        hits += bool(grown[peak])
        counted += 1
    return hits / counted if counted else None
