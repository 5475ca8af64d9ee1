"""What every peer model of the benchmark shares with our detector: the features, the split and the scoring loop.

A comparison of anomaly-detection heads only means something when they see identical inputs. So a peer gets
the :class:`core.features.extractor.FeatureExtractor` our detector uses (same backbone weights, stage, input size and
3-scale pyramid; run unfused, as anomalib runs timm models), the same held-out split of the training images, and
the same file-to-heatmap loop as
:meth:`core.scoring.detector.Detector.score_images`; only the part after the backbone differs. A peer also offers the
two members :func:`core.evaluation.category.evaluate_category` reads (``score_images`` and ``threshold``), so every model
is evaluated by the same code.
"""
from __future__ import annotations

from abc import ABC, abstractmethod
from pathlib import Path
from typing import Any, Iterator, Optional, Sequence

import cv2
import numpy as np
import torch

from core.config import ModelConfig
from core.scoring.detector import seed_everything, split_holdout
from core.features.extractor import FeatureExtractor, FeatureSet, LoadedImage, iter_loaded
from core.results import Cancelled, CancelToken, ProgressCallback, ScoreResult
from core.training.threshold import threshold_for_good_scores


class PreparedFeatures:
    """Training features split exactly as :meth:`core.scoring.detector.Detector.train` splits them."""

    def __init__(self, extractor: FeatureExtractor, train: FeatureSet, holdout: Optional[FeatureSet], skipped: dict):
        self.extractor = extractor
        self.train = train
        self.holdout = holdout
        self.skipped = skipped

    @classmethod
    def extract(cls, paths: Sequence[Path], config: ModelConfig, device: torch.device) -> "PreparedFeatures":
        seed_everything(config.train.seed)
        # the backbone as anomalib's own feature extractor runs it: timm's eager modules, batch norms unfolded;
        # features equal ours up to float rounding, so accuracy is compared on the same inputs
        extractor = FeatureExtractor(config.backbone, config.input, device, fuse=False)
        features = extractor.extract_paths(list(paths))
        if len(features) < 2:
            raise ValueError(f"need at least 2 readable training images, got {len(features)}")
        train_idx, hold_idx = split_holdout(len(features), config.train.holdout_fraction, config.train.seed)
        holdout = features.subset(hold_idx) if hold_idx else None
        return cls(extractor, features.subset(train_idx), holdout, dict(features.errors))

    @property
    def calibration_set(self) -> FeatureSet:
        """Held-out good images when there are any, as for our detector; otherwise the training images."""
        return self.holdout if self.holdout is not None else self.train


class SharedFeatureDetector(ABC):
    """A peer model on our features, scored from files the same way as our detector.

    Subclasses implement :meth:`score_features`: image scores and anomaly maps at the network input size.
    """

    label: str = "peer"

    def __init__(self, config: ModelConfig, extractor: FeatureExtractor):
        self.config = config
        self.extractor = extractor
        self.threshold = float("inf")
        self.meta: dict[str, Any] = {}

    @property
    def device(self) -> torch.device:
        return self.extractor.device

    @abstractmethod
    def score_features(self, scales: Sequence[torch.Tensor]) -> tuple[np.ndarray, np.ndarray]:
        """Image scores (B) and anomaly maps (B x H x W, at any size) for one batch of features on the device."""

    def calibrate(self, good: FeatureSet, false_alarm_rate: float, batch_size: int = 32) -> None:
        """Image threshold at the configured false-alarm rate on good images, like our detector's."""
        scores = []
        for start in range(0, len(good), batch_size):
            batch = [s[start : start + batch_size].to(self.device) for s in good.scales]
            scores.append(self.score_features(batch)[0])
        self.threshold = threshold_for_good_scores(np.concatenate(scores), false_alarm_rate)

    def score_images(
        self,
        paths: Sequence[str | Path],
        progress: Optional[ProgressCallback] = None,
        cancel: Optional[CancelToken] = None,
        batch_size: int = 8,
    ) -> Iterator[ScoreResult]:
        """Same contract and decoding path as :meth:`core.scoring.detector.Detector.score_images` (progress is not reported)."""
        pending: list[LoadedImage] = []
        for item in iter_loaded([Path(p) for p in paths], self.config.input):
            if cancel is not None and cancel.is_set():
                raise Cancelled("scoring cancelled")
            if item.error is not None:
                yield from self._score_loaded(pending)
                pending.clear()
                yield ScoreResult(item.path, None, False, error=item.error)
                continue
            pending.append(item)
            if len(pending) >= batch_size:
                yield from self._score_loaded(pending)
                pending.clear()
        yield from self._score_loaded(pending)

    @torch.no_grad()
    def _score_loaded(self, items: list[LoadedImage]) -> list[ScoreResult]:
        if not items:
            return []
        scores, maps = self.score_features(self.extractor.extract([item.levels for item in items]))
        results = []
        for item, score, grid in zip(items, scores, maps):
            heatmap = cv2.resize(grid.astype(np.float32), (item.width, item.height), interpolation=cv2.INTER_LINEAR)
            results.append(
                ScoreResult(item.path, float(score), bool(score >= self.threshold), heatmap, item.width, item.height)
            )
        return results
