"""Where the engine runs: CUDA when present, else the CPU; the user can always override."""
from __future__ import annotations

from typing import Optional

import torch


def pick_device(requested: Optional[str]) -> torch.device:
    """Resolve "auto"/None to CUDA when available; a requested CUDA device that is absent is an error, not a silent CPU run."""
    if requested in (None, "", "auto"):
        return torch.device("cuda:0" if torch.cuda.is_available() else "cpu")
    device = torch.device(requested)
    if device.type == "cuda" and not torch.cuda.is_available():
        raise RuntimeError(f"device {requested!r} was requested but no CUDA GPU is available")
    return device


def describe_device(device: torch.device) -> str:
    if device.type == "cuda":
        return f"{device} ({torch.cuda.get_device_name(device)})"
    return "cpu"
