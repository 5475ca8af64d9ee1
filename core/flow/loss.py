"""Negative log-likelihood of CS-Flow / CSA-Flow (paper eq. 8)."""
from __future__ import annotations

from typing import Sequence

import torch


def nll_per_dim(latents: Sequence[torch.Tensor], log_det: torch.Tensor) -> torch.Tensor:
    """Mean over the batch of (||z||^2 / 2 - log|det J|), divided by the number of dimensions.

    Dividing by the dimension count keeps the loss's size independent of input size and width, so one
    learning rate serves 256 px CPU models and 1024 px GPU models alike. The constant log(2 pi)/2 is left out.
    """
    sq = sum(z.pow(2).flatten(1).sum(1) for z in latents)
    dims = sum(z[0].numel() for z in latents)
    return ((0.5 * sq - log_det) / dims).mean()
