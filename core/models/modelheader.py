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
class ModelInfo:
    """A loaded model as the review log, the inspector and the command line describe it (``Detector.info()``).

    A loaded model fills every field; a description that lacks one (an old review log, a test) leaves it None.
    """

    name: str
    variant: Optional[str] = None
    backbone: Optional[str] = None
    image_size: Optional[int] = None
    hidden_channels: Optional[int] = None
    threshold: Optional[float] = None  # pass
    alarm_threshold: Optional[float] = None
    pixel_threshold: Optional[float] = None
    heatmap_low: Optional[float] = None  # typical heatmap value of a good photo: the cold end of the overlay colours
    device: Optional[str] = None
    runtime: Optional[str] = None
    path: Optional[str] = None
    created: Optional[str] = None
    n_train_images: Optional[int] = None


@dataclass(frozen=True)
class AddedImage:
    """A photo the reviewer declared normal that an improved model learnt from (its lineage entry)."""

    path: Path
    sha256: str
    batch: str
    reviewer: Optional[str]
    decided_at: Optional[str]
    held_out: bool = False  # used to set the threshold rather than to fit the flow

    def as_meta(self) -> dict[str, Any]:
        return {"path": str(self.path), "sha256": self.sha256, "batch": self.batch, "reviewer": self.reviewer,
                "decided_at": self.decided_at, "held_out": self.held_out}

    @classmethod
    def from_meta(cls, entry: Any) -> Optional["AddedImage"]:
        """The entry as a model file stores it; None for one that names no photo."""
        if not isinstance(entry, dict) or not entry.get("path"):
            return None
        return cls(Path(str(entry["path"])), str(entry.get("sha256") or ""), str(entry.get("batch") or ""),
                   entry.get("reviewer"), entry.get("decided_at"), bool(entry.get("held_out", False)))


@dataclass(frozen=True)
class Lineage:
    """Where an improved model came from (``meta["lineage"]`` of its file): the model it continued from, the
    reviewed photos this round added, and the earlier rounds of its ancestors, newest first."""

    parent_path: Optional[str] = None
    parent_name: Optional[str] = None
    parent_created: Optional[str] = None
    added_images: tuple[AddedImage, ...] = ()
    old_normals: int = 0
    retrained_at: Optional[str] = None
    epochs: Optional[int] = None
    history: tuple["Lineage", ...] = ()

    @classmethod
    def from_meta(cls, meta: Any) -> Optional["Lineage"]:
        """The lineage of a model's metadata; None for a model that was trained, not improved."""
        lineage = meta.get("lineage") if isinstance(meta, dict) else None
        return cls._from_round(lineage) if isinstance(lineage, dict) and lineage else None

    @classmethod
    def _from_round(cls, data: dict[str, Any]) -> "Lineage":
        parent = data.get("parent") if isinstance(data.get("parent"), dict) else {}
        added = (AddedImage.from_meta(a) for a in data.get("added_images") or [])
        epochs = data.get("epochs")
        return cls(
            parent_path=str(parent["path"]) if parent.get("path") else None,
            parent_name=parent.get("name"),
            parent_created=parent.get("created"),
            added_images=tuple(a for a in added if a is not None),
            old_normals=int(data.get("old_normals") or 0),
            retrained_at=data.get("retrained_at"),
            epochs=int(epochs) if isinstance(epochs, (int, float)) else None,
            history=tuple(cls._from_round(r) for r in data.get("history") or [] if isinstance(r, dict)),
        )

    def as_meta(self, with_history: bool = True) -> dict[str, Any]:
        """The form a model file stores; the earlier rounds are stored flat, without a history of their own."""
        data: dict[str, Any] = {
            "parent": {"path": self.parent_path, "name": self.parent_name, "created": self.parent_created},
            "added_images": [a.as_meta() for a in self.added_images],
            "old_normals": self.old_normals,
            "retrained_at": self.retrained_at,
            "epochs": self.epochs,
        }
        if with_history:
            data["history"] = [r.as_meta(with_history=False) for r in self.history]
        return data

    def rounds(self) -> list["Lineage"]:
        """This improvement and every earlier one, newest first."""
        return [self, *self.history]

    def every_added_image(self) -> list[AddedImage]:
        return [a for r in self.rounds() for a in r.added_images]


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
    lineage = Lineage.from_meta(meta)
    added = list(lineage.added_images) if lineage else []
    parent = lineage.parent_path if lineage else None
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
        improved=lineage is not None,
        added_images=len(added),
        batches=tuple(sorted({a.batch for a in added if a.batch})),
        reviewers=tuple(sorted({str(a.reviewer) for a in added if a.reviewer})),
        meta=meta,
    )
