"""CSA Inspector engine: CSA-Flow anomaly detection for braking-device photos.

Importing ``core`` is cheap (no torch): the inspector imports it at start-up and loads the engine
(torch, timm) in the background through :func:`load_detector` / :func:`train_detector`.
"""
from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Optional, Sequence

from core.config import VARIANTS, BackboneConfig, FlowConfig, InputConfig, ModelConfig, TrainConfig
from core.results import Cancelled, CancelToken, ProgressCallback, ProgressEvent, ScoreResult

if TYPE_CHECKING:  # pragma: no cover
    from core.detector import Detector

__version__ = "0.1.0"

__all__ = [
    "VARIANTS", "BackboneConfig", "FlowConfig", "InputConfig", "ModelConfig", "TrainConfig",
    "Cancelled", "CancelToken", "ProgressCallback", "ProgressEvent", "ScoreResult",
    "load_detector", "train_detector", "warm_up_engine", "__version__",
]


def warm_up_engine() -> str:
    """Import torch and timm and return the device name that scoring will use ("cuda:0 (NVIDIA ...)" or "cpu")."""
    from core.device import describe_device, pick_device

    return describe_device(pick_device(None))


def load_detector(path: str | Path, device: Optional[str] = None) -> "Detector":
    """Load a model file written by :meth:`Detector.save`; refuses files that are not ours."""
    from core.detector import Detector

    return Detector.load(path, device=device)


def train_detector(
    images: Sequence[str | Path],
    config: Optional[ModelConfig] = None,
    progress: Optional[ProgressCallback] = None,
    cancel: Optional[CancelToken] = None,
    device: Optional[str] = None,
) -> "Detector":
    """Train a detector on defect-free images only; see :class:`core.detector.Detector`."""
    from core.detector import Detector

    return Detector.train(images, config or ModelConfig(), progress=progress, cancel=cancel, device=device)
