"""Backbone features of photos kept on disk, so improving a model does not read its old normals again.

Improving a model from a review continues training on the model's original good photos plus the new ones. On a
CPU, running the backbone over a few hundred old photos again costs more than the few training epochs themselves;
their features are stored here when the model is trained and reused by every later improvement.

An entry is keyed by the photo's content hash (a changed file is a new photo) inside a folder per feature
extractor (backbone weights signature, backbone and input settings), so features of another backbone or image
size are never mixed in. Entries are safetensors files (no pickle); a damaged one is dropped and recomputed. The
folder is trimmed, least recently used first, to a size limit.
"""
from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import tempfile
from pathlib import Path
from typing import Optional, Sequence

import torch
from safetensors import SafetensorError
from safetensors.torch import load_file, save_file

from core.features.extractor import FeatureExtractor, FeatureSet
from core.photos.imageio import ImageReadError, file_digest
from core.results import CancelToken, ProgressCallback

CACHE_ENV = "CSA_INSPECTOR_CACHE"
DEFAULT_MAX_BYTES = 4 * 1024**3
_FORMAT = 2  # 2: each entry holds one sample per tile of the photo (N x C x H x W per scale)


def default_cache_dir() -> Path:
    """``$CSA_INSPECTOR_CACHE/features`` if set, else the user's cache folder."""
    override = os.environ.get(CACHE_ENV)
    if override:
        return Path(override) / "features"
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("csa-inspector")) / "features"


class FeatureCache:
    def __init__(self, root: Optional[Path] = None, max_bytes: int = DEFAULT_MAX_BYTES) -> None:
        self.root = Path(root) if root is not None else default_cache_dir()
        self.max_bytes = int(max_bytes)

    def folder_for(self, extractor: FeatureExtractor) -> Path:
        """One folder per way of computing features: same photo, other backbone or size, other entry."""
        key = {
            "format": _FORMAT,
            "signature": extractor.signature,
            "backbone": dataclasses.asdict(extractor.backbone_config),
            "input": dataclasses.asdict(extractor.inputs),
        }
        patches = getattr(extractor, "patches", None)
        if patches is not None:  # the patch embedding is one more map: its settings are part of the key
            key["patches"] = {k: getattr(patches, k) for k in ("patch_stages", "patch_grid", "patch_dim", "patch_border",
                                                                "patch_balance")}
        digest = hashlib.sha256(json.dumps(key, sort_keys=True, default=str).encode()).hexdigest()[:20]
        return self.root / digest

    def load(self, extractor: FeatureExtractor, sha256: str) -> Optional[list[torch.Tensor]]:
        path = self.folder_for(extractor) / f"{sha256}.safetensors"
        if not path.is_file():
            return None
        try:
            tensors = load_file(str(path))
            scales = [tensors[f"scale{s}"] for s in range(extractor.n_maps)]
        except (SafetensorError, OSError, KeyError, ValueError):
            path.unlink(missing_ok=True)  # damaged or foreign: recompute
            return None
        try:
            os.utime(path)  # recently used, kept longest when trimming
        except OSError:
            pass
        return scales

    def store(self, extractor: FeatureExtractor, sha256: str, scales: Sequence[torch.Tensor]) -> None:
        """Best effort: a full or read-only disk only means the next improvement reads the photo again."""
        folder = self.folder_for(extractor)
        try:
            folder.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(prefix=".", suffix=".tmp", dir=folder)
            os.close(fd)
            try:
                save_file({f"scale{s}": t.detach().cpu().contiguous() for s, t in enumerate(scales)}, tmp)
                os.replace(tmp, folder / f"{sha256}.safetensors")
            finally:
                Path(tmp).unlink(missing_ok=True)
        except OSError:
            return

    def store_set(self, extractor: FeatureExtractor, features: FeatureSet, digests: dict[Path, str]) -> None:
        for path, rows in samples_by_path(features).items():
            if path in digests:
                self.store(extractor, digests[path], [s[rows[0] : rows[-1] + 1] for s in features.scales])
        self.trim()

    def trim(self) -> None:
        """Drop the least recently used entries until the cache fits ``max_bytes``."""
        try:
            entries = [(p.stat().st_mtime, p.stat().st_size, p) for p in self.root.glob("*/*.safetensors")]
        except OSError:
            return
        total = sum(size for _, size, _ in entries)
        for _, size, path in sorted(entries):
            if total <= self.max_bytes:
                break
            path.unlink(missing_ok=True)
            total -= size


def digests_of(paths: Sequence[Path]) -> tuple[dict[Path, str], dict[Path, str]]:
    """Content hashes of the readable files, and the reason for each one that cannot be read."""
    digests: dict[Path, str] = {}
    errors: dict[Path, str] = {}
    for path in paths:
        try:
            digests[Path(path)] = file_digest(path)
        except ImageReadError as exc:
            errors[Path(path)] = exc.reason
        except OSError as exc:
            errors[Path(path)] = exc.strerror or str(exc)
    return digests, errors


def extract_with_cache(
    extractor: FeatureExtractor,
    paths: Sequence[str | Path],
    cache: Optional[FeatureCache],
    progress: Optional[ProgressCallback] = None,
    cancel: Optional[CancelToken] = None,
    digests: Optional[dict[Path, str]] = None,
) -> FeatureSet:
    """Features of ``paths`` in their order: cached ones read from disk, the others computed and stored.

    ``digests``: content hashes the caller already has for these paths (every path then needs one), so no file is
    read twice just to be hashed.
    """
    paths = [Path(p) for p in paths]
    if cache is None:
        return extractor.extract_paths(paths, progress=progress, cancel=cancel)
    if digests is None:
        digests, errors = digests_of(paths)
    else:
        errors = {}
    found: dict[Path, list[torch.Tensor]] = {}
    missing: list[Path] = []
    for path in paths:
        if path not in digests:
            continue
        cached = cache.load(extractor, digests[path])
        if cached is None:
            missing.append(path)
        else:
            found[path] = cached
    if missing:
        fresh = extractor.extract_paths(missing, progress=progress, cancel=cancel)
        errors.update(fresh.errors)
        cache.store_set(extractor, fresh, digests)
        for path, rows in samples_by_path(fresh).items():
            found[path] = [s[rows[0] : rows[-1] + 1] for s in fresh.scales]
    kept = [p for p in paths if p in found]
    if not kept:
        return FeatureSet([torch.empty(0)] * extractor.n_maps, [], errors)
    scales = [torch.cat([found[p][s] for p in kept]) for s in range(extractor.n_maps)]
    return FeatureSet(scales, [p for p in kept for _ in range(found[p][0].shape[0])], errors)


def samples_by_path(features: FeatureSet) -> dict[Path, list[int]]:
    """The sample rows of each photo (one per tile, consecutive), in order."""
    rows: dict[Path, list[int]] = {}
    for i, path in enumerate(features.paths):
        rows.setdefault(path, []).append(i)
    return rows
