"""Where exported graphs and the remembered ``auto`` choice live: next to the feature cache."""
from __future__ import annotations

import hashlib
import inspect
import json
import os
from pathlib import Path
from typing import Any

import torch
from torch import nn


#: ONNX operator set of the exported graphs; part of every graph's key.
ONNX_OPSET = 17


def default_runtime_dir() -> Path:
    """``$CSA_INSPECTOR_CACHE/runtimes`` if set, else ``runtimes`` in the user's cache folder."""
    from core.features.feature_cache import CACHE_ENV

    override = os.environ.get(CACHE_ENV)
    if override:
        return Path(override) / "runtimes"
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("csa-inspector")) / "runtimes"


def module_identity(module: nn.Module) -> dict[str, Any]:
    """What decides the numbers a backbone module computes: its weights, its code and whether it is folded.

    A :class:`~core.features.backbone.FeatureBackbone` carries a digest of its feature weights; any other module is
    hashed from its state dict. The source of the module's class is hashed too, so a changed ``forward`` (other
    stages returned, other fusion) never reuses a graph exported from the old one.
    """
    weights = getattr(module, "weights_digest", None)
    if weights is None:
        digest = hashlib.sha256()
        for key, tensor in module.state_dict().items():
            data = tensor.detach().cpu().contiguous()
            digest.update(f"{key}|{data.dtype}|{tuple(data.shape)}".encode())
            digest.update(data.reshape(-1).view(torch.uint8).numpy().tobytes())
        weights = digest.hexdigest()
    # a view of another module (core.features.backbone.StageOutputs) computes with that module's code as well
    classes = [type(module)] + [type(inner) for inner in [getattr(module, "backbone", None)] if isinstance(inner, nn.Module)]
    try:
        code = hashlib.sha256("".join(inspect.getsource(c) for c in classes).encode()).hexdigest()[:16]
    except (OSError, TypeError):  # no source at hand (a frozen bundle): the class names and version must do
        code = ",".join(f"{c.__module__}.{c.__qualname__}" for c in classes)
    return {
        "module": f"{type(module).__module__}.{type(module).__qualname__}",
        "name": getattr(module, "name", None),
        "stage": getattr(module, "stage", None),
        "weights": weights,
        "code": code,
        "fused": bool(getattr(module, "_fused", False)),
    }


def graph_key(identity: dict[str, Any], input_shape: tuple[int, ...], layout: dict[str, Any]) -> str:
    """File name stem of one exported graph: module identity, input size, output layout, exporter version."""
    key = {
        "identity": identity,
        "input": list(input_shape),
        "layout": layout,
        "exporter": f"torch {torch.__version__}",
        "opset": ONNX_OPSET,
    }
    return hashlib.sha256(json.dumps(key, sort_keys=True).encode()).hexdigest()[:24]
