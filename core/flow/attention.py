"""Channel attention (CA) and self-attention (SA) of CSA-Flow.

Both live *inside* the coupling subnetworks (see ``subnet.py``): a coupling block stays invertible with an
exact log-determinant whatever its subnetwork computes, so attention can reweight channels and add global
context without letting the flow cheat. Placed in front of the flow without its Jacobian, a learnable
reweighting could shrink the features towards zero and lower the NLL without modelling anything.
"""
from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn


class ChannelAttention(nn.Module):
    """CA of the paper (eq. 2, F' = M_c(F) * F): one gate per channel from pooled statistics.

    Average and max pooling both feed a shared bottleneck MLP (as in CBAM), because foreign bodies are small:
    the max-pooled path keeps a strong local response from being averaged away over the whole image.
    """

    def __init__(self, channels: int, reduction: int = 4):
        super().__init__()
        hidden = max(channels // reduction, 4)
        self.mlp = nn.Sequential(
            nn.Conv2d(channels, hidden, 1), nn.ReLU(inplace=True), nn.Conv2d(hidden, channels, 1)
        )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        avg = F.adaptive_avg_pool2d(x, 1)
        peak = F.adaptive_max_pool2d(x, 1)
        gate = torch.sigmoid(self.mlp(avg) + self.mlp(peak))
        return x * gate


class SelfAttention2d(nn.Module):
    """SA of the paper (eq. 5, softmax(QK^T / sqrt(d)) V) over all positions of one feature map.

    Queries and keys are projected to a small width (1/8, as in SAGAN) to keep attention affordable on the CPU.
    The residual is scaled by a learnable ``gamma`` that starts at 0, so a fresh model begins as plain CS-Flow
    and only mixes in global context as far as it lowers the loss.
    """

    def __init__(self, channels: int, heads: int = 1, gamma_init: float = 0.0):
        super().__init__()
        qk = max(channels // 8, 8)
        qk = max(heads, (qk // heads) * heads)
        self.heads = heads
        self.query = nn.Conv2d(channels, qk, 1)
        self.key = nn.Conv2d(channels, qk, 1)
        self.value = nn.Conv2d(channels, channels, 1)
        self.gamma = nn.Parameter(torch.full((1,), float(gamma_init)))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        b, c, h, w = x.shape
        n = h * w

        def tokens(t: torch.Tensor) -> torch.Tensor:
            return t.reshape(b, self.heads, -1, n).transpose(2, 3)  # B, heads, N, d

        out = F.scaled_dot_product_attention(tokens(self.query(x)), tokens(self.key(x)), tokens(self.value(x)))
        out = out.transpose(2, 3).reshape(b, c, h, w)
        return x + self.gamma * out
