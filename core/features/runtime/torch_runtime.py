"""The reference runtime: the backbone module itself, as PyTorch runs it (and the only one on CUDA)."""
from __future__ import annotations

from typing import Any

import torch
from torch import nn


class TorchBackbone:
    """Calls the module unchanged; every other runtime is measured against what this returns."""

    name = "torch"

    def __init__(self, module: nn.Module) -> None:
        self.module = module

    def __call__(self, x: torch.Tensor) -> Any:
        return self.module(x)

    def stages(self, x: torch.Tensor) -> list[torch.Tensor]:
        """The maps of every stage the backbone returns from one pass (``forward_stages``)."""
        return self.module.forward_stages(x)

    def describe(self) -> str:
        return f"PyTorch {torch.__version__.split('+')[0]}"
