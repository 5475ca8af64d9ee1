"""Evaluation metrics of the paper's Tables 3 to 5, plus the review-load figure."""
from __future__ import annotations

from typing import Optional, Sequence

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
