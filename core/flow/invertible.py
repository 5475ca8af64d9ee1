"""Invertible building blocks over a list of feature maps (one per scale), in FrEIA's module interface.

Each returns the exact log|det J| per sample, so the loss is a true negative log-likelihood of the features.
"""
from __future__ import annotations

import math
from typing import Iterable, Sequence

import torch
from FrEIA.modules import InvertibleModule

from core.flow.subnet import CrossScaleSubnet

Tensors = Sequence[torch.Tensor]

# CS-Flow's soft clamp: alpha * 2/pi * atan(s / alpha) keeps log-scales inside (-alpha, alpha).
_TWO_OVER_PI = 2.0 / math.pi


def soft_clamp(s: torch.Tensor, alpha: float) -> torch.Tensor:
    return alpha * _TWO_OVER_PI * torch.atan(s / alpha)


class FixedStandardize(InvertibleModule):
    """Per-channel (x - mean) / std with statistics fixed from the training features.

    Not learnable, so it cannot be used to shrink features; its log-determinant (a constant) is still returned
    so that the model stays an exact density of the backbone features. It lets a few CPU epochs start near the
    right scale instead of spending them learning per-channel offsets.
    """

    def __init__(self, dims_in, dims_c=None):
        super().__init__(dims_in, dims_c)
        for s, dims in enumerate(dims_in):
            self.register_buffer(f"mean{s}", torch.zeros(dims[0], 1, 1))
            self.register_buffer(f"log_std{s}", torch.zeros(dims[0], 1, 1))

    @torch.no_grad()
    def set_statistics(self, means: Iterable[torch.Tensor], stds: Iterable[torch.Tensor]) -> None:
        for s, (mean, std) in enumerate(zip(means, stds)):
            getattr(self, f"mean{s}").copy_(mean.reshape(-1, 1, 1))
            getattr(self, f"log_std{s}").copy_(std.clamp_min(1e-4).log().reshape(-1, 1, 1))

    def forward(self, x: Tensors, c=None, rev: bool = False, jac: bool = True):
        out, log_det = [], 0.0
        for s, t in enumerate(x):
            mean, log_std = getattr(self, f"mean{s}"), getattr(self, f"log_std{s}")
            if rev:
                out.append(t * log_std.exp() + mean)
            else:
                out.append((t - mean) * torch.exp(-log_std))
            log_det = log_det - log_std.sum() * t.shape[-1] * t.shape[-2]
        log_det = torch.full((x[0].shape[0],), float(log_det), device=x[0].device, dtype=x[0].dtype)
        return out, (-log_det if rev else log_det)

    def output_dims(self, input_dims):
        return input_dims


class ParallelPermute(InvertibleModule):
    """A fixed random channel permutation per scale (seeded, so a saved model rebuilds the same one)."""

    def __init__(self, dims_in, dims_c=None, seed: int = 0):
        super().__init__(dims_in, dims_c)
        gen = torch.Generator().manual_seed(seed)
        for s, dims in enumerate(dims_in):
            perm = torch.randperm(dims[0], generator=gen)
            self.register_buffer(f"perm{s}", perm)
            self.register_buffer(f"inv{s}", torch.argsort(perm))

    def forward(self, x: Tensors, c=None, rev: bool = False, jac: bool = True):
        key = "inv" if rev else "perm"
        out = [t[:, getattr(self, f"{key}{s}")] for s, t in enumerate(x)]
        return out, torch.zeros(x[0].shape[0], device=x[0].device, dtype=x[0].dtype)

    def output_dims(self, input_dims):
        return input_dims


class CrossScaleCoupling(InvertibleModule):
    """Real-NVP style affine coupling applied to all scales in parallel (paper eq. 3 and 4).

    Each scale's channels split into halves (a, b). b is transformed with coefficients predicted from all
    scales' a by one cross-scale subnetwork, then a with coefficients from all transformed b.
    """

    def __init__(
        self,
        dims_in,
        dims_c=None,
        hidden_channels: int = 256,
        kernel_size: int = 3,
        clamp: float = 3.0,
        leaky_slope: float = 0.1,
        use_ca: bool = True,
        use_sa: bool = True,
        sa_heads: int = 1,
        sa_scales: Sequence[int] = (1, 2),
        subnet_init: str = "zero_out",
        sa_gamma_init: float = 0.0,
    ):
        super().__init__(dims_in, dims_c)
        channels = dims_in[0][0]
        if any(d[0] != channels for d in dims_in):
            raise ValueError("all scales must have the same number of channels")
        self.split = channels // 2
        self.rest = channels - self.split
        self.clamp = clamp
        common = dict(
            hidden_channels=hidden_channels, kernel_size=kernel_size, n_scales=len(dims_in),
            leaky_slope=leaky_slope, use_ca=use_ca, use_sa=use_sa, sa_heads=sa_heads, sa_scales=sa_scales,
            init=subnet_init, sa_gamma_init=sa_gamma_init,
        )
        self.net_b = CrossScaleSubnet(self.split, 2 * self.rest, **common)  # a -> coefficients for b
        self.net_a = CrossScaleSubnet(self.rest, 2 * self.split, **common)  # b' -> coefficients for a

    def _affine(self, coeffs: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        log_scale, shift = coeffs.chunk(2, dim=1)
        return soft_clamp(log_scale, self.clamp), shift

    def forward(self, x: Tensors, c=None, rev: bool = False, jac: bool = True):
        a = [t[:, : self.split] for t in x]
        b = [t[:, self.split :] for t in x]
        log_det = torch.zeros(x[0].shape[0], device=x[0].device, dtype=x[0].dtype)
        if not rev:
            b_out = []
            for t, coeff in zip(b, self.net_b(a)):
                log_s, shift = self._affine(coeff)
                b_out.append(t * log_s.exp() + shift)
                log_det = log_det + log_s.flatten(1).sum(1)
            a_out = []
            for t, coeff in zip(a, self.net_a(b_out)):
                log_s, shift = self._affine(coeff)
                a_out.append(t * log_s.exp() + shift)
                log_det = log_det + log_s.flatten(1).sum(1)
            return [torch.cat(p, dim=1) for p in zip(a_out, b_out)], log_det

        a_in = []
        for t, coeff in zip(a, self.net_a(b)):
            log_s, shift = self._affine(coeff)
            a_in.append((t - shift) * torch.exp(-log_s))
            log_det = log_det - log_s.flatten(1).sum(1)
        b_in = []
        for t, coeff in zip(b, self.net_b(a_in)):
            log_s, shift = self._affine(coeff)
            b_in.append((t - shift) * torch.exp(-log_s))
            log_det = log_det - log_s.flatten(1).sum(1)
        return [torch.cat(p, dim=1) for p in zip(a_in, b_in)], log_det

    def output_dims(self, input_dims):
        return input_dims


