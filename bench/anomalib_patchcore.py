"""anomalib 2.7's PatchCore (k-center-greedy coreset, nearest-neighbour scoring) on our frozen features.

PatchCore describes each position by two intermediate feature maps of a frozen network (WideResNet-50
``layer2`` and ``layer3``, strides 8 and 16), each averaged over its 3 x 3 neighbourhood, the coarser one upsampled
to the finer grid and concatenated. Our backbone yields one stage, computed on the 3-scale input pyramid; its maps
of the full-size and the half-size input have the same factor-2 relation as ``layer2``/``layer3``. So here the
two "layers" are our features of pyramid levels 0 and 1 (the quarter-size level is not used, as PatchCore
uses two maps): the same frozen features every model in the benchmark gets. Everything else is anomalib's
:class:`~anomalib.models.image.patchcore.torch_model.PatchcoreModel` code: 3 x 3 average pooling, embedding,
k-center-greedy coreset (:class:`~anomalib.models.components.KCenterGreedy`), nearest-neighbour patch scores,
re-weighted image score with 9 neighbours and the Gaussian-blurred anomaly map at input size.

anomalib's greedy coreset search costs (patches x coreset size) and is slow on a CPU, so the memory bank keeps
1 % of the training patches (PatchCore's paper uses 1 % to 10 %, anomalib's default is 10 %), and at most
``coreset_max`` of them; the result table says what was kept.
"""
from __future__ import annotations

from pathlib import Path
from typing import Optional, Sequence

import numpy as np
import torch
from anomalib.models.components import KCenterGreedy
from anomalib.models.image.patchcore.anomaly_map import AnomalyMapGenerator
from anomalib.models.image.patchcore.torch_model import PatchcoreModel
from torch import nn

from bench.shared_features import PreparedFeatures, SharedFeatureDetector
from core.config import ModelConfig
from core.features.device import pick_device
from core.features.extractor import FeatureExtractor

#: Pyramid levels used as PatchCore's two layers (finest first).
PATCHCORE_LEVELS = 2
DEFAULT_CORESET_RATIO = 0.01
DEFAULT_CORESET_MAX = 1000


class SharedFeaturePatchcore(PatchcoreModel):
    """anomalib's PatchcoreModel whose layers are given feature maps instead of a timm network's outputs."""

    def __init__(self, n_layers: int = PATCHCORE_LEVELS, num_neighbors: int = 9):
        # anomalib's __init__ would build (and download) a timm backbone; these are the attributes it sets otherwise
        nn.Module.__init__(self)
        self.tiler = None
        self.backbone = "shared features"
        self.layers = [f"level{s}" for s in range(n_layers)]
        self.num_neighbors = num_neighbors
        self.feature_pooler = torch.nn.AvgPool2d(3, 1, 1)
        self.anomaly_map_generator = AnomalyMapGenerator()
        self.register_buffer("memory_bank", torch.empty(0))
        self.embedding_store: list[torch.Tensor] = []

    def embed(self, scales: Sequence[torch.Tensor]) -> torch.Tensor:
        """Locally aggregated patch embedding, B x D x h x w, as in anomalib's forward."""
        features = {layer: self.feature_pooler(f) for layer, f in zip(self.layers, scales)}
        return self.generate_embedding(features)

    @torch.no_grad()
    def add_to_memory(self, scales: Sequence[torch.Tensor]) -> None:
        self.embedding_store.append(self.reshape_embedding(self.embed(scales)))

    @torch.no_grad()
    def build_memory_bank(self, sampling_ratio: float) -> None:
        """The body of anomalib's ``subsample_embedding``, called directly to avoid its deprecation shim."""
        self.memory_bank = torch.vstack(self.embedding_store)
        self.embedding_store.clear()
        self.memory_bank = KCenterGreedy(embedding=self.memory_bank, sampling_ratio=sampling_ratio).sample_coreset()

    @torch.no_grad()
    def score(self, scales: Sequence[torch.Tensor], output_size: tuple[int, int]) -> tuple[torch.Tensor, torch.Tensor]:
        """anomalib's inference branch from the embedding on: image scores (B) and anomaly maps (B x 1 x H x W)."""
        embedding = self.embed([s.type(self.memory_bank.dtype) for s in scales])
        batch_size, _, height, width = embedding.shape
        embedding = self.reshape_embedding(embedding)
        patch_scores, locations = self.nearest_neighbors(embedding=embedding, n_neighbors=1)
        patch_scores = patch_scores.reshape((batch_size, -1))
        locations = locations.reshape((batch_size, -1))
        pred_score = self.compute_anomaly_score(patch_scores, locations, embedding)
        patch_scores = patch_scores.reshape((batch_size, 1, height, width))
        return pred_score, self.anomaly_map_generator(patch_scores, output_size)


class AnomalibPatchcoreDetector(SharedFeatureDetector):
    """PatchCore's memory bank of our features of the training images (the held-out ones set the threshold)."""

    label = "anomalib PatchCore"

    def __init__(self, config: ModelConfig, extractor: FeatureExtractor, model: SharedFeaturePatchcore):
        super().__init__(config, extractor)
        self.model = model.eval()

    @staticmethod
    def feature_config(config: ModelConfig) -> ModelConfig:
        """The same configuration with the pyramid cut to the levels PatchCore uses (no features computed in vain)."""
        inputs = type(config.input)(image_size=config.input.image_size, n_scales=PATCHCORE_LEVELS)
        return type(config)(backbone=config.backbone, flow=config.flow, train=config.train, input=inputs)

    @classmethod
    def train(cls, images: Sequence[str | Path], config: ModelConfig, device: Optional[str] = None,
              coreset_ratio: float = DEFAULT_CORESET_RATIO, coreset_max: Optional[int] = DEFAULT_CORESET_MAX,
              batch_size: int = 32) -> "AnomalibPatchcoreDetector":
        if not 0 < coreset_ratio <= 1:
            raise ValueError(f"coreset ratio must be in (0, 1], got {coreset_ratio}")
        if coreset_max is not None and coreset_max < 1:
            raise ValueError(f"coreset_max must be at least 1, got {coreset_max}")
        torch_device = pick_device(device)
        config = cls.feature_config(config)
        prepared = PreparedFeatures.extract([Path(p) for p in images], config, torch_device)
        model = SharedFeaturePatchcore().to(torch_device)
        train = prepared.train
        for start in range(0, len(train), batch_size):
            model.add_to_memory([s[start : start + batch_size].to(torch_device) for s in train.scales])
        n_patches = sum(e.shape[0] for e in model.embedding_store)
        bank_size = max(1, int(n_patches * coreset_ratio))  # anomalib refuses an empty coreset
        if coreset_max is not None:
            bank_size = min(bank_size, coreset_max)
        ratio = (bank_size + 0.5) / n_patches  # KCenterGreedy keeps int(n_patches * ratio) = bank_size
        torch.manual_seed(config.train.seed)  # the greedy search starts at a random patch
        model.build_memory_bank(ratio)
        detector = cls(config, prepared.extractor, model)
        detector.calibrate(prepared.calibration_set, config.train.target_false_alarm_rate)
        detector.meta = {
            "n_train_images": len(train),
            "n_holdout_images": len(prepared.holdout) if prepared.holdout is not None else 0,
            "skipped_images": {str(p): r for p, r in prepared.skipped.items()},
            "coreset_ratio": coreset_ratio,
            "coreset_max": coreset_max,
            "n_patches": n_patches,
            "memory_bank_size": int(model.memory_bank.shape[0]),
            "embedding_dim": int(model.memory_bank.shape[1]),
        }
        return detector

    @torch.no_grad()
    def score_features(self, scales: Sequence[torch.Tensor]) -> tuple[np.ndarray, np.ndarray]:
        side = self.config.input.image_size
        scores, maps = self.model.score(list(scales)[:PATCHCORE_LEVELS], (side, side))
        return scores.float().cpu().numpy(), maps[:, 0].float().cpu().numpy()
