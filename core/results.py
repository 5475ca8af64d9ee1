"""Plain data passed between the engine and its front-ends (CLI, inspector, reports).

Kept free of torch so the inspector can import it at start-up without paying for the engine.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Optional, Protocol

import numpy as np


@dataclass(frozen=True)
class ScoreResult:
    """Outcome of scoring one image.

    ``score`` is ``None`` when the image could not be read; ``error`` then says why, so a batch can list
    every skipped file with its reason instead of stopping.
    """

    path: Path
    score: Optional[float]
    flagged: bool
    heatmap: Optional[np.ndarray] = None  # float32, original image height x width, per-position ||z||^2
    width: int = 0
    height: int = 0
    error: Optional[str] = None

    @property
    def ok(self) -> bool:
        return self.error is None


@dataclass(frozen=True)
class ProgressEvent:
    """One step of a long job. ``done``/``total`` count images (scoring, feature extraction) or epochs."""

    stage: str  # a core.vocabulary.JobStage
    done: int
    total: int
    loss: Optional[float] = None
    eta_s: Optional[float] = None
    message: str = ""
    extra: dict = field(default_factory=dict)


ProgressCallback = Callable[[ProgressEvent], None]


class CancelToken(Protocol):
    """Anything with ``is_set()``, e.g. ``threading.Event``: long jobs poll it between batches."""

    def is_set(self) -> bool: ...


class Cancelled(Exception):
    """Raised by a long job that stopped because its cancel token was set."""
