"""A GPU with little free memory, imitated around the real modules, so the out-of-memory fallback runs on any machine."""
from __future__ import annotations

import copy
from typing import Optional

import torch

from core.scoring.detector import Detector


class FullGpu(torch.nn.Module):
    """A real module on a GPU with little free memory: more than ``max_batch`` images at once raise CUDA out of
    memory (``max_batch=0``: even one), until the module is moved to the CPU. Records every call's batch size."""

    def __init__(self, inner: torch.nn.Module, max_batch: Optional[int] = None):
        super().__init__()
        self.inner = inner
        self.max_batch = max_batch
        self.attempts: list[int] = []
        self.moves: list[torch.device] = []

    @property
    def on_cpu(self) -> bool:
        return any(device.type == "cpu" for device in self.moves)

    def _allocate(self, x) -> None:
        batch = (x[0] if isinstance(x, (list, tuple)) else x).shape[0]
        self.attempts.append(batch)
        if self.max_batch is not None and not self.on_cpu and batch > self.max_batch:
            raise torch.cuda.OutOfMemoryError(f"CUDA out of memory. Tried to allocate 2.00 GiB for {batch} images")

    def forward(self, x):
        self._allocate(x)
        return self.inner(x)

    def forward_stages(self, x):
        """The backbone's one-pass maps (the flow's and the patch memory's), under the same memory limit."""
        self._allocate(x)
        return self.inner.forward_stages(x)

    @property
    def outputs(self) -> tuple[int, ...]:
        return self.inner.outputs

    def to(self, device):
        self.moves.append(torch.device(device))
        return super().to(device)


def on_full_gpu(trained: Detector, max_batch: int) -> tuple[Detector, FullGpu, FullGpu]:
    """A detector sharing the trained model's weights, its backbone behind ``max_batch``; the shared model is untouched."""
    extractor = copy.copy(trained.extractor)
    backbone = extractor.backbone = FullGpu(trained.extractor.backbone, max_batch)
    flow = FullGpu(trained.flow)
    detector = Detector(trained.config, flow, extractor, trained.threshold, trained.pixel_threshold, dict(trained.meta),
                        trained.alarm_threshold, patch_memory=trained.patch_memory)
    return detector, backbone, flow
