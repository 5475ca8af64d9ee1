"""Cross-scale subnetwork: predicts the affine coefficients of one coupling half for all three scales at once.

The subnetwork of a coupling block may be any function, so CA and SA sit here (see ``attention.py``).
"""
from __future__ import annotations

from typing import Sequence

import torch
import torch.nn.functional as F
from torch import nn

from core.flow.attention import ChannelAttention, SelfAttention2d


class CrossScaleSubnet(nn.Module):
    """Fully convolutional, with information exchanged between neighbouring scales (CS-Flow).

    Per scale: [CA] -> conv -> LeakyReLU -> [SA] -> conv + upsampled coarser + strided finer -> LeakyReLU -> conv.
    The output convolutions start at zero (as in Glow), so every coupling block starts as the identity and
    training begins from a stable point. CS-Flow instead scales the output by a ``gamma`` that starts at 0
    (``init="zero_gamma"``); there the other weights get no gradient until gamma has grown. The learnable
    ``gamma`` is kept, starting at 1 with zero output convolutions.
    """

    def __init__(
        self,
        in_channels: int,
        out_channels: int,
        hidden_channels: int,
        kernel_size: int,
        n_scales: int,
        leaky_slope: float,
        use_ca: bool,
        use_sa: bool,
        sa_heads: int = 1,
        sa_scales: Sequence[int] = (1, 2),
        init: str = "zero_out",
        sa_gamma_init: float = 0.0,
    ):
        super().__init__()
        if init not in ("zero_out", "zero_gamma"):
            raise ValueError(f"unknown subnetwork initialisation {init!r}; use 'zero_out' or 'zero_gamma'")
        pad = kernel_size // 2
        self.n_scales = n_scales
        self.slope = leaky_slope

        def per_scale(factory):
            return nn.ModuleList(factory() for _ in range(n_scales))

        self.ca = per_scale(lambda: ChannelAttention(in_channels)) if use_ca else None
        self.conv_in = per_scale(lambda: nn.Conv2d(in_channels, hidden_channels, kernel_size, padding=pad))
        # Attention cost grows with the square of the positions: on the finest grid it would double the CPU
        # time, while the coarser grids see the whole image in few tokens and pass context down via `up`.
        self.sa = (
            nn.ModuleDict({str(s): SelfAttention2d(hidden_channels, sa_heads, sa_gamma_init)
                           for s in sa_scales if s < n_scales})
            if use_sa
            else None
        )
        self.conv_mid = per_scale(lambda: nn.Conv2d(hidden_channels, hidden_channels, kernel_size, padding=pad))
        # from the coarser scale s+1 into s (then upsampled), and from the finer scale s-1 into s (stride 2)
        self.up = nn.ModuleList(
            nn.Conv2d(hidden_channels, hidden_channels, kernel_size, padding=pad) for _ in range(n_scales - 1)
        )
        self.down = nn.ModuleList(
            nn.Conv2d(hidden_channels, hidden_channels, kernel_size, padding=pad, stride=2)
            for _ in range(n_scales - 1)
        )
        self.conv_out = per_scale(lambda: nn.Conv2d(hidden_channels, out_channels, kernel_size, padding=pad))
        if init == "zero_out":
            for conv in self.conv_out:
                nn.init.zeros_(conv.weight)
                nn.init.zeros_(conv.bias)
        self.gamma = nn.Parameter(torch.ones(1) if init == "zero_out" else torch.zeros(1))

    def forward(self, xs: Sequence[torch.Tensor]) -> list[torch.Tensor]:
        act = lambda t: F.leaky_relu(t, self.slope)  # noqa: E731
        hidden = []
        for s, x in enumerate(xs):
            if self.ca is not None:
                x = self.ca[s](x)
            h = act(self.conv_in[s](x))
            if self.sa is not None and str(s) in self.sa:
                h = self.sa[str(s)](h)
            hidden.append(h)

        mixed = []
        for s, h in enumerate(hidden):
            out = self.conv_mid[s](h)
            size = h.shape[-2:]
            if s + 1 < self.n_scales:
                coarse = self.up[s](hidden[s + 1])
                out = out + F.interpolate(coarse, size=size, mode="bilinear", align_corners=False)
            if s > 0:
                fine = self.down[s - 1](hidden[s - 1])
                if fine.shape[-2:] != size:
                    fine = F.interpolate(fine, size=size, mode="bilinear", align_corners=False)
                out = out + fine
            mixed.append(act(out))
        return [self.gamma * self.conv_out[s](m) for s, m in enumerate(mixed)]
