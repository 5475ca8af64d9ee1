"""A depot's share as the batch rule meets it: a three-level tree of synthetic photos with links and hidden folders."""
from __future__ import annotations

import os
from pathlib import Path

from core.synthetic import SceneConfig, generate_batch

CARS = ("car01", "car02", "car03", "car04", "car05")
CAMERAS = ("cam1", "cam2", "cam3")


def build_depot_tree(root: Path, per_camera: int = 20, size: int = 64) -> Path:
    """``<root>/2026-11-30/carNN/camN/*.png``: 5 cars x 3 cameras x 20 = 300 photos, 2 foreign bodies a camera,
    plus a broken link, a link loop and a hidden folder, as a depot's share holds them."""
    day = root / "2026-11-30"
    seed = 0
    for car in CARS:
        for camera in CAMERAS:
            seed += 1
            generate_batch(day / car / camera, per_camera - 2, 2, config=SceneConfig(size=size, seed=seed),
                           labels_csv=None)
    os.symlink(root / "nowhere.png", day / "car01" / "cam1" / "gone.png")
    os.symlink(day, day / "car02" / "back-to-day")
    hidden = day / ".thumbnails"
    hidden.mkdir()
    generate_batch(hidden, 1, 0, config=SceneConfig(size=size, seed=99), labels_csv=None)
    return root
