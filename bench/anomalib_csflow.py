"""anomalib 2.7's CS-Flow (the plain cross-scale flow, no attention) on our frozen features.

anomalib's :class:`~anomalib.models.image.csflow.torch_model.CsFlowModel` always builds torchvision's
EfficientNet-B5 with a weight download, and its :class:`CrossScaleFlow` sizes the input nodes for that network
(304 channels at 1/32, 1/64, 1/128 of the input). Only the graph construction depends on that, so
:class:`SharedFeatureCrossScaleFlow` overrides ``_create_graph`` with the same nodes (anomalib's
``ParallelPermute`` and ``ParallelGlowCouplingLayer``, seeds, kernel sizes and clamp) but input nodes shaped like
our three feature maps. Scores, anomaly maps and the loss are anomalib's own functions, unchanged.

Training follows our trainer's recipe (Adam with the same learning rate, betas and weight decay, gradient
clipping, epochs, held-out early stopping, bf16 autocast on CUDA) with anomalib's :class:`CsFlowLoss`.
anomalib's coupling layer sums its log-determinant over the batch (as the original CS-Flow code does), so in
that loss the Jacobian term counts once per image of the batch; this is kept as published.
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Optional, Sequence

import numpy as np
import torch
from anomalib.models.image.csflow.anomaly_map import AnomalyMapGenerator, AnomalyMapMode
from anomalib.models.image.csflow.loss import CsFlowLoss
from anomalib.models.image.csflow.torch_model import (
    CrossScaleFlow,
    CsFlowModel,
    ParallelGlowCouplingLayer,
    ParallelPermute,
)
from FrEIA.framework import GraphINN, InputNode, Node, OutputNode

from bench.shared_features import PreparedFeatures, SharedFeatureDetector
from core.config import ModelConfig, TrainConfig
from core.features.device import pick_device
from core.features.extractor import FeatureExtractor
from core.training.trainer import BestEpoch, adam_for, mean_loss, train_epoch


class SharedFeatureCrossScaleFlow(CrossScaleFlow):
    """anomalib's cross-scale flow with input nodes of the given (channels, height, width) per scale, finest first.

    anomalib's coupling layer upsamples coarser scales by exactly 2, so each grid must be twice the next one.
    """

    def __init__(self, feature_shapes: Sequence[tuple[int, int, int]], n_coupling_blocks: int, clamp: float,
                 hidden_channels: int):
        shapes = [tuple(int(v) for v in s) for s in feature_shapes]
        if len(shapes) != 3:
            raise ValueError(f"anomalib's CS-Flow couples exactly 3 scales, got {len(shapes)}")
        for fine, coarse in zip(shapes, shapes[1:]):
            if fine[1:] != (2 * coarse[1], 2 * coarse[2]):
                raise ValueError(
                    f"anomalib's CS-Flow needs each feature grid to be twice the next coarser one, got {shapes}; "
                    f"use an image size that is a multiple of 4 x the backbone stride (128 for a stride-32 stage)")
        self.feature_shapes = shapes
        super().__init__(input_dims=(3, 0, 0), n_coupling_blocks=n_coupling_blocks, clamp=clamp,
                         cross_conv_hidden_channels=hidden_channels)

    def _create_graph(self) -> GraphINN:
        # anomalib's construction with only the input nodes changed
        nodes: list[Node] = [InputNode(*shape, name=f"input{s}") for s, shape in enumerate(self.feature_shapes)]
        for block in range(self.n_coupling_blocks):
            if block == 0:
                node_to_permute = [nodes[-3].out0, nodes[-2].out0, nodes[-1].out0]
            else:
                node_to_permute = [nodes[-1].out0, nodes[-1].out1, nodes[-1].out2]
            nodes.append(Node(inputs=node_to_permute, module_type=ParallelPermute, module_args={"seed": block},
                              name=f"permute_{block}"))
            nodes.append(Node(
                inputs=[nodes[-1].out0, nodes[-1].out1, nodes[-1].out2],
                module_type=ParallelGlowCouplingLayer,
                module_args={
                    "clamp": self.clamp,
                    "subnet_args": {"channels_hidden": self.cross_conv_hidden_channels,
                                    "kernel_size": self.kernel_sizes[block]},
                },
                name=f"fc1_{block}",
            ))
        last = nodes[-1]
        nodes.extend([OutputNode([last.out0], name="output_end0"), OutputNode([last.out1], name="output_end1"),
                      OutputNode([last.out2], name="output_end2")])
        return GraphINN(nodes)


@dataclass
class FlowFitSummary:
    epochs_run: int = 0
    best_epoch: int = 0
    best_val_loss: Optional[float] = None
    stopped_early: bool = False
    seconds: float = 0.0
    train_losses: list[float] = field(default_factory=list)


def fit_cross_scale_flow(flow: CrossScaleFlow, train_features: Sequence[torch.Tensor],
                         val_features: Optional[Sequence[torch.Tensor]], config: TrainConfig, device: torch.device,
                         on_epoch: Optional[Callable[[int, Optional[dict]], None]] = None) -> FlowFitSummary:
    """The loop of :func:`core.training.trainer.fit_flow` with anomalib's loss; keeps the epoch with the lowest
    held-out loss.

    ``on_epoch(epoch, best_state)`` is called after each epoch with the weights that would be kept so far.
    """
    criterion = CsFlowLoss()

    def csflow_loss(z: Sequence[torch.Tensor], jac: torch.Tensor) -> torch.Tensor:
        return criterion(list(z), jac)

    flow.to(device)
    optimizer = adam_for(flow, config)
    generator = torch.Generator().manual_seed(config.seed)
    train_on_device = [f.to(device) for f in train_features]
    summary = FlowFitSummary()
    best = BestEpoch(flow, config.early_stop_patience)
    start = time.monotonic()
    for epoch in range(1, config.epochs + 1):
        summary.train_losses.append(train_epoch(flow, optimizer, train_on_device, config, generator, device, csflow_loss,
                                                epoch, name="anomalib CS-Flow"))
        summary.epochs_run = epoch
        held_out = val_features is not None and val_features[0].shape[0] > 0
        best.update(epoch, mean_loss(flow, val_features, device, csflow_loss) if held_out else None)
        summary.best_val_loss, summary.best_epoch = best.loss, best.epoch
        if on_epoch is not None:
            on_epoch(epoch, best.state)
        if best.out_of_patience(epoch):
            summary.stopped_early = True
            break
    best.restore()
    summary.seconds = time.monotonic() - start
    return summary


class AnomalibCsFlowDetector(SharedFeatureDetector):
    """anomalib's CS-Flow head, same width, blocks and clamp as our flow, trained on our features."""

    label = "anomalib CsFlow"

    def __init__(self, config: ModelConfig, extractor: FeatureExtractor, flow: SharedFeatureCrossScaleFlow):
        super().__init__(config, extractor)
        self.flow = flow.eval()
        side = config.input.image_size
        self.anomaly_maps = AnomalyMapGenerator(input_dims=(3, side, side), mode=AnomalyMapMode.ALL)

    @classmethod
    def train(cls, images: Sequence[str | Path], config: ModelConfig,
              device: Optional[str] = None) -> "AnomalibCsFlowDetector":
        torch_device = pick_device(device)
        prepared = PreparedFeatures.extract([Path(p) for p in images], config, torch_device)
        shapes = [tuple(s.shape[1:]) for s in prepared.train.scales]
        torch.manual_seed(config.flow.seed)
        flow = SharedFeatureCrossScaleFlow(shapes, config.flow.n_blocks, config.flow.clamp,
                                           config.flow.hidden_channels)
        holdout = prepared.holdout.scales if prepared.holdout is not None else None
        summary = fit_cross_scale_flow(flow, prepared.train.scales, holdout, config.train, torch_device)
        detector = cls(config, prepared.extractor, flow)
        detector.calibrate(prepared.calibration_set, config.train.target_false_alarm_rate)
        detector.meta = {
            "n_train_images": len(prepared.train),
            "n_holdout_images": len(prepared.holdout) if prepared.holdout is not None else 0,
            "skipped_images": {str(p): r for p, r in prepared.skipped.items()},
            "training": {"epochs_run": summary.epochs_run, "best_epoch": summary.best_epoch,
                         "stopped_early": summary.stopped_early, "seconds": round(summary.seconds, 2)},
            "n_parameters": sum(p.numel() for p in flow.parameters()),
        }
        return detector

    @torch.no_grad()
    def score_features(self, scales: Sequence[torch.Tensor]) -> tuple[np.ndarray, np.ndarray]:
        z, _ = self.flow(list(scales))
        z = list(z)
        scores = CsFlowModel._compute_anomaly_scores(z)
        maps = self.anomaly_maps(z)[:, 0]
        return scores.float().cpu().numpy(), maps.float().cpu().numpy()
