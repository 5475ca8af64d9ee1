"""Heatmaps on disk, one compressed file per image, named by the image's content hash.

Heatmaps are kept at reduced resolution (longest side :data:`STORED_LONGEST_SIDE`) in float16: the engine
computes them on a coarse feature grid anyway, so a full-resolution copy would only multiply the size of a
batch folder. Loaders pass the photo's size and get a smooth upsampled array back.
Naming files by content hash means a renamed photo keeps its heatmap and a changed photo never picks up a
stale one.
"""
from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path
from typing import Optional

import cv2
import numpy as np

from core.atomicfile import atomic_write_bytes

STORED_LONGEST_SIDE = 512
SUFFIX = ".npz"
_FLOAT16_MAX = float(np.finfo(np.float16).max)
_KEY_PATTERN = re.compile(r"^[A-Za-z0-9_.-]{1,128}$")


class HeatmapFileError(Exception):
    """A stored heatmap is missing or unreadable; the message names the file."""


def heatmap_file_name(key: str) -> str:
    if not _KEY_PATTERN.match(key) or key.startswith("."):
        raise ValueError(f"heatmap key must be a plain file-name stem such as a hex hash, got {key!r}")
    return key + SUFFIX


def reduce_resolution(heatmap: np.ndarray, longest_side: int = STORED_LONGEST_SIDE) -> np.ndarray:
    """Shrink so the longest side is at most ``longest_side``; area averaging keeps small hot spots visible."""
    values = np.asarray(heatmap, dtype=np.float32)
    height, width = values.shape
    scale = longest_side / max(height, width)
    if scale >= 1.0:
        return values
    size = (max(1, int(round(width * scale))), max(1, int(round(height * scale))))
    return cv2.resize(values, size, interpolation=cv2.INTER_AREA)


def save_heatmap(folder: str | Path, key: str, array: np.ndarray,
                 longest_side: int = STORED_LONGEST_SIDE) -> Path:
    """Store ``array`` (H x W) as ``<folder>/<key>.npz`` and return that path; replaces an older file atomically."""
    values = np.asarray(array, dtype=np.float32)
    if values.ndim != 2 or values.size == 0:
        raise ValueError(f"heatmap must be a non-empty 2-D array, got shape {values.shape}")
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / heatmap_file_name(key)
    reduced = reduce_resolution(values, longest_side)
    # float16 overflows to inf above ~65504; clipping keeps extreme values the hottest colour instead.
    stored = np.clip(np.nan_to_num(reduced, nan=0.0), -_FLOAT16_MAX, _FLOAT16_MAX).astype(np.float16)
    buffer = io.BytesIO()
    np.savez_compressed(buffer, heatmap=stored, original_shape=np.asarray(values.shape, dtype=np.int64))
    # Not forced to disk: a heatmap lost in a power cut is recomputed by scoring again, and the rename still
    # guarantees that no half-written file appears under the final name.
    atomic_write_bytes(path, buffer.getvalue(), durable=False)
    return path


def load_heatmap(path: str | Path, size: Optional[tuple[int, int]] = None) -> np.ndarray:
    """Read a stored heatmap as float32.

    ``size`` is ``(height, width)`` of the photo; when given the heatmap is upsampled to it. Without it the
    stored (reduced) resolution is returned.
    """
    path = Path(path)
    try:
        with np.load(path, allow_pickle=False) as data:
            values = np.asarray(data["heatmap"], dtype=np.float32)
    except FileNotFoundError:
        raise HeatmapFileError(f"heatmap file {path} is missing") from None
    except (OSError, ValueError, KeyError, zipfile.BadZipFile, EOFError) as exc:
        raise HeatmapFileError(f"heatmap file {path} is unreadable: {exc}") from None
    if values.ndim != 2:
        raise HeatmapFileError(f"heatmap file {path} does not hold a 2-D heatmap")
    if size is not None:
        height, width = int(size[0]), int(size[1])
        if values.shape != (height, width):
            values = cv2.resize(values, (width, height), interpolation=cv2.INTER_LINEAR)
    return values


def stored_original_shape(path: str | Path) -> tuple[int, int]:
    """The (height, width) the heatmap had before it was reduced for storage."""
    with np.load(Path(path), allow_pickle=False) as data:
        height, width = (int(v) for v in data["original_shape"])
    return height, width
