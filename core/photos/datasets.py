"""Finding training and test images, in the MVTec AD folder layout or in a plain folder of photos.

MVTec AD layout (one *category* folder)::

    category/train/good/*.png                      defect-free training photos
    category/test/good/*.png                       defect-free test photos
    category/test/<defect type>/*.png              defective test photos
    category/ground_truth/<defect type>/<stem>_mask.png   pixel masks (0/255) of the defective ones
    category/validation/good/*.png                 optional, defect-free (MVTec 3D-AD has it)

Folders and files that are hidden, or not images, are ignored; order is natural ("2" before "10").
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar, Optional

import cv2
import numpy as np

from core.photos.imageio import IMAGE_SUFFIXES, list_images, load_image

GOOD = "good"


@dataclass(frozen=True)
class TestItem:
    """One test photo with its ground truth: ``label`` 0 = good, 1 = anomalous.

    ``mask_path`` is ``None`` for good photos and for anomalous ones whose mask is missing (then only the
    image-level label is known, and pixel metrics must skip it).
    """

    __test__: ClassVar[bool] = False  # not a pytest test class despite the name

    path: Path
    label: int
    defect_type: str
    mask_path: Optional[Path]


def is_mvtec_category(directory: str | os.PathLike[str]) -> bool:
    """True when ``directory`` has ``train/good``, i.e. it is one category of an MVTec AD style dataset."""
    return (Path(directory) / "train" / GOOD).is_dir()


def find_categories(root: str | os.PathLike[str], max_depth: int = 2) -> list[Path]:
    """MVTec categories at or below ``root`` (``root`` itself if it is one), searched ``max_depth`` levels deep.

    Lets the user pick a dataset's top folder (``mvtec_anomaly_detection/``) instead of one category.
    """
    start = Path(root)
    if is_mvtec_category(start):
        return [start]
    found: list[Path] = []
    level = [start]
    for _ in range(max_depth):
        next_level: list[Path] = []
        for folder in level:
            try:
                children = sorted(
                    (p for p in folder.iterdir() if p.is_dir() and not p.is_symlink() and not p.name.startswith(".")),
                    key=lambda p: p.name.casefold(),
                )
            except OSError:
                continue
            for child in children:
                (found if is_mvtec_category(child) else next_level).append(child)
        level = next_level
    return found


def training_images(directory: str | os.PathLike[str]) -> list[Path]:
    """Defect-free photos to train on: ``train/good`` of an MVTec category, else the images in the folder itself.

    Raises ``ValueError`` with a sentence the user can act on when the folder is missing or holds no images.
    """
    folder = Path(directory)
    if not folder.is_dir():
        raise ValueError(f"training folder not found: {folder}")
    source = folder / "train" / GOOD if is_mvtec_category(folder) else folder
    try:
        images = list_images(source)
    except OSError as exc:
        raise ValueError(f"cannot read the training folder {source}: {exc.strerror or exc}") from None
    if not images:
        kinds = ", ".join(s.lstrip(".") for s in IMAGE_SUFFIXES)
        raise ValueError(f"no images ({kinds}) found in {source}")
    return images


def validation_images(category_dir: str | os.PathLike[str]) -> list[Path]:
    """Extra defect-free photos in ``validation/good`` (empty list when the category has none)."""
    folder = Path(category_dir) / "validation" / GOOD
    return list_images(folder) if folder.is_dir() else []


def test_items(category_dir: str | os.PathLike[str]) -> list[TestItem]:
    """Every photo under ``test/``, good ones first, then each defect type in name order."""
    category = Path(category_dir)
    test_dir = category / "test"
    if not test_dir.is_dir():
        raise ValueError(f"no test folder in {category} (expected {test_dir})")
    types = sorted(
        (p.name for p in test_dir.iterdir() if p.is_dir() and not p.name.startswith(".")),
        key=lambda name: (name != GOOD, name.casefold()),
    )
    items: list[TestItem] = []
    for defect_type in types:
        label = 0 if defect_type == GOOD else 1
        for path in list_images(test_dir / defect_type):
            mask = None if label == 0 else _mask_for(category, defect_type, path)
            items.append(TestItem(path=path, label=label, defect_type=defect_type, mask_path=mask))
    return items


test_items.__test__ = False  # type: ignore[attr-defined]  # a library function, not a pytest test


def _mask_for(category: Path, defect_type: str, image: Path) -> Optional[Path]:
    folder = category / "ground_truth" / defect_type
    for suffix in (".png",) + tuple(s for s in IMAGE_SUFFIXES if s != ".png"):
        candidate = folder / f"{image.stem}_mask{suffix}"
        if candidate.is_file():
            return candidate
    return None


def load_mask(path: str | os.PathLike[str], size: Optional[tuple[int, int]] = None) -> np.ndarray:
    """A ground-truth mask as a bool array (``True`` = defect), optionally resized to ``size = (width, height)``.

    MVTec masks are 0/255; label images that use 0/1 are accepted too. Anti-aliased masks are cut at half
    intensity. Resizing averages (when shrinking) or interpolates and cuts again at one half, so a thin defect
    neither vanishes nor swells more than necessary. Raises :class:`core.photos.imageio.ImageReadError` for unreadable files.
    """
    values = load_image(path).max(axis=2)
    if values.max() <= 1:
        values = values * 255
    mask = values >= 128
    if size is None or (mask.shape[1], mask.shape[0]) == tuple(size):
        return mask
    width, height = (int(v) for v in size)
    if width <= 0 or height <= 0:
        raise ValueError(f"mask size must be positive, got {size}")
    shrinking = width * height < mask.shape[0] * mask.shape[1]
    resized = cv2.resize(mask.astype(np.float32), (width, height),
                         interpolation=cv2.INTER_AREA if shrinking else cv2.INTER_LINEAR)
    return resized >= 0.5
