"""Small, deterministic subsets of an MVTec category for quick runs of the benchmark.

:func:`core.evaluation.category.evaluate_category` reads a category folder, so a test subset is written as a folder of
symbolic links (images and their masks) in a temporary place; the data itself is never copied.
"""
from __future__ import annotations

import os
from pathlib import Path
from typing import Sequence, TypeVar

from core.photos.datasets import TestItem, test_items

T = TypeVar("T")


def evenly_spaced(items: Sequence[T], limit: int | None) -> list[T]:
    """``limit`` items spread over the whole sequence (all of them when ``limit`` is None or not smaller)."""
    items = list(items)
    if limit is None or limit >= len(items):
        return items
    if limit <= 0:
        return []
    step = len(items) / limit
    return [items[int(i * step)] for i in range(limit)]


def pick_test_items(category_dir: Path, limit: int | None) -> list[TestItem]:
    """About half good and half anomalous photos, the anomalous ones spread over all defect types."""
    items = test_items(category_dir)
    if limit is None or limit >= len(items):
        return items
    good = [i for i in items if i.label == 0]
    bad = [i for i in items if i.label == 1]
    n_good = min(len(good), max(limit // 2, limit - len(bad)))
    return evenly_spaced(good, n_good) + evenly_spaced(bad, limit - n_good)


def link_test_subset(category_dir: Path, items: Sequence[TestItem], destination: Path) -> Path:
    """A category folder at ``destination`` whose ``test/`` and ``ground_truth/`` link to ``items`` and their masks."""
    destination.mkdir(parents=True, exist_ok=True)
    for item in items:
        target = destination / "test" / item.defect_type / item.path.name
        target.parent.mkdir(parents=True, exist_ok=True)
        os.symlink(item.path.resolve(), target)
        if item.mask_path is not None:
            mask = destination / "ground_truth" / item.defect_type / item.mask_path.name
            mask.parent.mkdir(parents=True, exist_ok=True)
            os.symlink(item.mask_path.resolve(), mask)
    return destination
