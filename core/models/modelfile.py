"""The model file: flow weights + JSON config, thresholds and metadata, in one safetensors file.

safetensors holds only tensors and a JSON header, so opening a model file can never execute code
(unlike a pickle). The backbone is not stored: it is frozen and rebuilt from its config, and its
weight signature is checked so a model is never scored with features it was not trained on.
"""
from __future__ import annotations

import json
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Optional

import torch
from safetensors import SafetensorError
from safetensors.torch import load as load_tensors
from safetensors.torch import save as save_tensors

from core.i18n import translate
from core.atomicfile import give_default_mode
from core.config import ModelConfig
from core.models.modelheader import parse_header

FORMAT_NAME = "csa-inspector-model"
# 2: may hold tensors besides the flow's (the patch memory, ``patch_memory.*``); version 1 files load as before
FORMAT_VERSION = 2
# tensor names that are not the flow's state dict
_EXTRA_PREFIXES = ("patch_memory.",)
SUFFIX = ".csa"


class ModelFileError(Exception):
    """A model file that cannot be used; the message is one line for the user."""


@dataclass
class ModelFile:
    config: ModelConfig
    state_dict: dict[str, torch.Tensor]
    threshold: float
    pixel_threshold: float
    backbone_signature: str
    feature_shapes: list[tuple[int, int, int]]
    meta: dict[str, Any] = field(default_factory=dict)
    alarm_threshold: Optional[float] = None  # None: a file written before pass and alarm thresholds
    extra_tensors: dict[str, torch.Tensor] = field(default_factory=dict)  # e.g. the patch memory


def save_model_file(model: ModelFile, path: str | Path) -> Path:
    """Write atomically (temporary file + rename): a crash never leaves a half model under the final name."""
    path = Path(path)
    header = {
        "format": FORMAT_NAME,
        "format_version": str(FORMAT_VERSION),
        "config": json.dumps(model.config.to_dict()),
        "threshold": repr(float(model.threshold)),
        "pixel_threshold": repr(float(model.pixel_threshold)),
        "backbone_signature": model.backbone_signature,
        "feature_shapes": json.dumps([list(s) for s in model.feature_shapes]),
        "meta": json.dumps(model.meta, default=str),
    }
    if model.alarm_threshold is not None:
        header["alarm_threshold"] = repr(float(model.alarm_threshold))
    tensors = {k: v.detach().cpu().contiguous() for k, v in model.state_dict.items()}
    tensors.update({k: v.detach().cpu().contiguous() for k, v in model.extra_tensors.items()})
    data = save_tensors(tensors, metadata=header)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    give_default_mode(fd)  # colleagues on a shared drive can open it, as the umask allows
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def load_model_file(path: str | Path) -> ModelFile:
    path = Path(path)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise ModelFileError(translate("ModelFile", "model file not found: {path}").format(path=path)) from None
    except IsADirectoryError:
        raise ModelFileError(translate("ModelFile", "model path is a folder, not a model file: {path}").format(
            path=path)) from None
    except OSError as err:
        raise ModelFileError(translate("ModelFile", "cannot read model file {path}: {detail}").format(
            path=path, detail=err.strerror or err)) from None
    if not data:
        raise ModelFileError(translate("ModelFile", "model file is empty: {path}").format(path=path))
    try:
        tensors = load_tensors(data)
        header = _read_header(data)
    except (SafetensorError, ValueError, json.JSONDecodeError) as err:
        raise ModelFileError(translate(
            "ModelFile", "not a CSA Inspector model file (or damaged/truncated): {path} ({detail})").format(
            path=path, detail=str(err).splitlines()[0][:120])) from None
    if header.get("format") != FORMAT_NAME:
        raise ModelFileError(translate("ModelFile", "not a CSA Inspector model file: {path} (foreign safetensors file)").format(
            path=path))
    version = int(header.get("format_version", "0"))
    if version > FORMAT_VERSION:
        raise ModelFileError(translate(
            "ModelFile", "model file {path} has format version {version}; this CSA Inspector reads up to "
            "{supported}, please update").format(path=path, version=version, supported=FORMAT_VERSION))
    try:
        return ModelFile(
            config=ModelConfig.from_dict(json.loads(header["config"])),
            state_dict={k: v for k, v in tensors.items() if not k.startswith(_EXTRA_PREFIXES)},
            threshold=float(header["threshold"]),
            pixel_threshold=float(header["pixel_threshold"]),
            backbone_signature=header["backbone_signature"],
            feature_shapes=[tuple(s) for s in json.loads(header["feature_shapes"])],
            meta=json.loads(header.get("meta", "{}")),
            alarm_threshold=float(header["alarm_threshold"]) if "alarm_threshold" in header else None,
            extra_tensors={k: v for k, v in tensors.items() if k.startswith(_EXTRA_PREFIXES)},
        )
    except (KeyError, TypeError, ValueError) as err:
        raise ModelFileError(translate(
            "ModelFile", "damaged CSA Inspector model file {path}: missing or bad field {field}").format(
            path=path, field=err)) from None


def _read_header(data: bytes) -> dict[str, str]:
    """The ``__metadata__`` of a safetensors byte string (the library's loader drops it)."""
    return parse_header(data)
