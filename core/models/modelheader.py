"""What a model file says about itself, read from its header alone (no torch, no tensors).

The inspector lists model versions with their date, parent and the reviewed photos they learnt from; reading a
few kilobytes of JSON per file keeps that list instant even for a folder of large models, and works before the
engine has been loaded.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Optional

#: Versions of one model are saved as "<name>.v2.csa", "<name>.v3.csa" ...; the original has no suffix.
_VERSION = re.compile(r"^(?P<base>.+)\.v(?P<n>[0-9]+)$")


def split_version(path: str | Path) -> tuple[str, int]:
    """("bogie-left", 3) for ``bogie-left.v3.csa`` (or the model name ``bogie-left.v3``); the original is version 1."""
    stem = Path(path).stem if Path(path).suffix.lower() == ".csa" else Path(path).name
    match = _VERSION.match(stem)
    return (match["base"], int(match["n"])) if match else (stem, 1)


#: A header bigger than this is not one of ours (ours are a few kB; the limit guards against hostile files).
MAX_HEADER_BYTES = 64 * 1024 * 1024


def parse_header(data: bytes, total_size: Optional[int] = None) -> dict[str, str]:
    """The ``__metadata__`` of a safetensors file from its first bytes (length prefix + JSON)."""
    if len(data) < 8:
        raise ValueError("file too short")
    size = int.from_bytes(data[:8], "little")
    limit = (total_size if total_size is not None else len(data)) - 8
    if size <= 0 or size > limit or size > MAX_HEADER_BYTES:
        raise ValueError("bad header length")
    if len(data) < 8 + size:
        raise ValueError("header cut short")
    header = json.loads(data[8 : 8 + size])
    if not isinstance(header, dict):
        raise ValueError("header is not a JSON object")
    metadata = header.get("__metadata__") or {}
    if not isinstance(metadata, dict):
        raise ValueError("metadata is not a JSON object")
    return {str(k): str(v) for k, v in metadata.items()}


def read_header(path: str | Path) -> dict[str, str]:
    """The metadata of the safetensors file at ``path``, reading only its header."""
    path = Path(path)
    with path.open("rb") as fh:
        prefix = fh.read(8)
        if len(prefix) < 8:
            raise ValueError("file too short")
        size = int.from_bytes(prefix, "little")
        total = path.stat().st_size
        if size <= 0 or size > total - 8 or size > MAX_HEADER_BYTES:
            raise ValueError("bad header length")
        return parse_header(prefix + fh.read(size), total)


@dataclass(frozen=True)
class ModelSummary:
    """One model version as the version list shows it."""

    path: Path
    name: str
    created: Optional[str]
    threshold: Optional[float]
    variant: Optional[str]
    backbone: Optional[str]
    image_size: Optional[int]
    parent: Optional[str]  # file the model was improved from, when it had been saved
    improved: bool = False  # continued from another model with reviewed photos (see core.training.retrain)
    added_images: int = 0
    batches: tuple[str, ...] = ()
    reviewers: tuple[str, ...] = ()
    error: Optional[str] = None  # why the header could not be read
    meta: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)


def summarize_model(path: str | Path) -> ModelSummary:
    """A :class:`ModelSummary` of ``path``; an unreadable file gives a summary with ``error`` set, never raises."""
    path = Path(path)
    try:
        header = read_header(path)
        meta = json.loads(header.get("meta", "{}"))
        config = json.loads(header.get("config", "{}"))
        meta = meta if isinstance(meta, dict) else {}
        config = config if isinstance(config, dict) else {}
    except (OSError, ValueError) as exc:
        return ModelSummary(path, path.stem, None, None, None, None, None, None, error=" ".join(str(exc).split()))
    lineage = meta.get("lineage") or {}
    added = [a for a in (lineage.get("added_images") or []) if isinstance(a, dict)]
    parent = (lineage.get("parent") or {}).get("path") if isinstance(lineage.get("parent"), dict) else None
    try:
        threshold: Optional[float] = float(header["threshold"])
    except (KeyError, ValueError):
        threshold = None
    image_size = (config.get("input") or {}).get("image_size")
    return ModelSummary(
        path=path,
        name=str(meta.get("name") or path.stem),
        created=meta.get("created"),
        threshold=threshold,
        variant=(config.get("flow") or {}).get("variant"),
        backbone=(config.get("backbone") or {}).get("name"),
        image_size=int(image_size) if isinstance(image_size, (int, float)) else None,
        parent=str(parent) if parent else None,
        improved=bool(lineage),
        added_images=len(added),
        batches=tuple(sorted({str(a["batch"]) for a in added if a.get("batch")})),
        reviewers=tuple(sorted({str(a["reviewer"]) for a in added if a.get("reviewer")})),
        meta=meta,
    )
