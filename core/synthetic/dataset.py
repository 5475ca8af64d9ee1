"""Writing synthetic photos to disk: an MVTec AD category for training and evaluation, or a plain batch folder.

File names and seeds are fixed by the arguments, so the same call gives byte-identical files.
"""
from __future__ import annotations

import csv
import re
from pathlib import Path
from typing import Optional

import numpy as np
from PIL import Image

from core.synthetic.scene_config import DEFECT_TYPE, SceneConfig
from core.synthetic.scene import compose_scene, render_scene


def generate_dataset(
    root: str | Path,
    n_train: int = 40,
    n_test_good: int = 12,
    n_test_bad: int = 12,
    config: SceneConfig = SceneConfig(),
    category: str = "brake_unit",
) -> Path:
    """Write an MVTec AD category under ``root/category`` and return that folder.

    ``train/good/000.png ...``, ``test/good``, ``test/foreign_body`` and ``ground_truth/foreign_body/NNN_mask.png``.
    Every image has its own seed derived from ``(config.seed, split, index)``, so changing one count doesn't change
    the other splits, and the same arguments give byte-identical files. Earlier generated files in these folders
    are removed first so a smaller rerun leaves no stale images.
    """
    category_dir = Path(root) / category
    splits = (
        ("train", category_dir / "train" / "good", n_train, False),
        ("test_good", category_dir / "test" / "good", n_test_good, False),
        ("test_bad", category_dir / "test" / DEFECT_TYPE, n_test_bad, True),
    )
    mask_dir = category_dir / "ground_truth" / DEFECT_TYPE
    for folder in [s[1] for s in splits] + [mask_dir]:
        folder.mkdir(parents=True, exist_ok=True)
        _remove_generated_files(folder)
    for split_id, (_, folder, count, bad) in enumerate(splits):
        width = max(3, len(str(max(count - 1, 0))))
        for index in range(count):
            rng = np.random.default_rng([config.seed, split_id, index])
            image, mask = render_scene(rng, config, foreign_body=bad)
            name = f"{index:0{width}d}"
            _write_png(folder / f"{name}.png", image)
            if bad:
                _write_png(mask_dir / f"{name}_mask.png", mask)
    return category_dir


def generate_batch(
    folder: str | Path,
    n_good: int,
    n_bad: int,
    config: SceneConfig = SceneConfig(),
    labels_csv: Optional[str] = "labels.csv",
) -> Path:
    """Write a plain folder of photos (``img_0001.png`` ...), good and bad shuffled, as a scoring demo would see.

    With ``labels_csv`` (a file name inside ``folder``) a CSV with columns ``file,label,foreign_kind`` is written
    as well (label 1 = foreign body). Seeds don't overlap with :func:`generate_dataset`'s for the same
    ``config.seed``, so a batch never repeats a training photo. Earlier ``img_*.png`` files are replaced.
    """
    out = Path(folder)
    out.mkdir(parents=True, exist_ok=True)
    _remove_generated_files(out, _BATCH_NAME)
    total = n_good + n_bad
    labels = np.array([0] * n_good + [1] * n_bad)
    np.random.default_rng([config.seed, 3]).shuffle(labels)
    width = max(4, len(str(total)))
    rows = []
    for index, label in enumerate(labels):
        rng = np.random.default_rng([config.seed, 3, index])
        scene = compose_scene(rng, config, foreign_body=bool(label))
        name = f"img_{index + 1:0{width}d}.png"
        _write_png(out / name, scene.image)
        rows.append((name, int(label), scene.foreign_kind or ""))
    if labels_csv:
        with open(out / labels_csv, "w", newline="", encoding="utf-8") as fh:
            writer = csv.writer(fh, lineterminator="\n")
            writer.writerow(["file", "label", "foreign_kind"])
            writer.writerows(rows)
    return out


def _write_png(path: Path, array: np.ndarray) -> None:
    # Pillow writes no timestamps, so the bytes depend only on the pixels; it also handles non-ASCII paths.
    Image.fromarray(array).save(path, format="PNG", compress_level=3)


_DATASET_NAME = re.compile(r"^\d+(_mask)?\.png$")
_BATCH_NAME = re.compile(r"^img_\d+\.png$")


def _remove_generated_files(folder: Path, pattern: re.Pattern = _DATASET_NAME) -> None:
    """Delete only files named the way this module names them, never anything else in the folder."""
    for path in folder.iterdir():
        if path.is_file() and pattern.match(path.name):
            path.unlink()


