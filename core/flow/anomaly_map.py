"""Image scores and heatmaps from the latents."""
from __future__ import annotations

from typing import Sequence

import torch
import torch.nn.functional as F


def image_scores(latents: Sequence[torch.Tensor]) -> torch.Tensor:
    """Mean of z^2 / 2 over every latent dimension of all scales (CS-Flow's image score); one value per image."""
    flat = torch.cat([z.flatten(1) for z in latents], dim=1)
    return 0.5 * flat.pow(2).mean(dim=1)


def position_maps(latents: Sequence[torch.Tensor]) -> torch.Tensor:
    """Per-position ||z||^2 averaged over channels, scales brought to the finest grid and averaged: B x H x W.

    The channel mean keeps values near 1 on normal features whatever the backbone width, which gives the
    overlay and the pixel threshold a scale that means the same for every model.
    """
    size = latents[0].shape[-2:]
    maps = [
        F.interpolate(z.pow(2).mean(dim=1, keepdim=True), size=size, mode="bilinear", align_corners=False)
        for z in latents
    ]
    return torch.stack(maps, dim=0).mean(dim=0)[:, 0]


def likelihood_maps(latents: Sequence[torch.Tensor]) -> torch.Tensor:
    """Anomaly level from the scales' per-position likelihoods, summed on the finest grid (MSFlow): B x H x W.

    Each scale's ``exp(-mean_c z^2 / 2)`` lies in (0, 1]; their sum is subtracted from the number of scales, so 0 is
    "normal at every scale" and a position only gets hot where all scales find it unlikely. A product of the scales
    would let the coarse map, which sees a whole region as one cell, gate the fine one.
    """
    size = latents[0].shape[-2:]
    total = sum(
        F.interpolate(torch.exp(-0.5 * z.pow(2).mean(dim=1, keepdim=True)), size=size, mode="bilinear",
                      align_corners=False)
        for z in latents
    )
    return (len(latents) - total)[:, 0]


def grid_maps(latents: Sequence[torch.Tensor], fusion: str = "mean") -> torch.Tensor:
    """The heatmap on the finest feature grid, B x H x W, fused as :class:`core.config.MapConfig` says."""
    if fusion == "likelihood":
        return likelihood_maps(latents)
    return position_maps(latents)
