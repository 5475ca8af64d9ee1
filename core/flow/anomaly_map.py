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
