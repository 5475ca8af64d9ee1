"""Review logs filled with synthetic photos, scores, heatmaps and decisions, for the report tests."""
from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
from pypdf import PdfReader

from core.photos.imageio import file_digest
from core.review import open_for_batch


def brake_photo(index: int, height: int, width: int, defect: bool) -> tuple[np.ndarray, np.ndarray]:
    """A grey brake-like scene (disc, pad, bolts) and its heatmap; a defect adds a bright object and a hot spot."""
    rng = np.random.default_rng(index)
    photo = np.full((height, width, 3), 70, np.uint8)
    centre = (width // 2, height // 2)
    cv2.circle(photo, centre, int(min(height, width) * 0.42), (150, 150, 155), -1)
    cv2.circle(photo, centre, int(min(height, width) * 0.15), (95, 95, 100), -1)
    for angle in range(0, 360, 60):
        x = int(centre[0] + np.cos(np.radians(angle)) * min(height, width) * 0.27)
        y = int(centre[1] + np.sin(np.radians(angle)) * min(height, width) * 0.27)
        cv2.circle(photo, (x, y), max(2, width // 40), (60, 60, 60), -1)
    cv2.rectangle(photo, (int(width * 0.78), int(height * 0.3)), (int(width * 0.92), int(height * 0.7)),
                  (120, 110, 90), -1)
    photo = np.clip(photo.astype(int) + rng.integers(-6, 7, photo.shape), 0, 255).astype(np.uint8)
    heat = (1.0 + 0.15 * rng.standard_normal((height // 4, width // 4))).astype(np.float32)
    if defect:
        x, y = int(width * (0.3 + 0.3 * rng.random())), int(height * (0.3 + 0.3 * rng.random()))
        size = max(3, width // 14)
        cv2.rectangle(photo, (x, y), (x + size, y + size // 2), (230, 200, 40), -1)
        cy, cx = (y + size // 4) // 4, (x + size // 2) // 4
        yy, xx = np.mgrid[: height // 4, : width // 4]
        heat += 9.0 * np.exp(-((yy - cy) ** 2 + (xx - cx) ** 2) / (2 * max(1.5, size / 6) ** 2))
    return photo, heat


def build_batch(folder: Path, n_images: int, decisions: dict[int, tuple[str, str, str]], size=(96, 128),
                unreadable: int = 1, defects_every: int = 5) -> Path:
    """Score ``n_images`` synthetic photos into a review log; ``decisions`` maps index -> (decision, reviewer, note)."""
    folder.mkdir(parents=True, exist_ok=True)
    height, width = size
    with open_for_batch(folder, create=True) as log:
        log.set_batch_info(model_path="models/brakes.csa", model_name="brakes-2024", variant="csa",
                           backbone="tf_efficientnet_lite0", image_size=384, threshold=3.0, pixel_threshold=4.0)
        for index in range(n_images):
            path = folder / f"wagon_{index:03d}.png"
            defect = index % defects_every == 0
            photo, heat = brake_photo(index, height, width, defect)
            cv2.imwrite(str(path), cv2.cvtColor(photo, cv2.COLOR_RGB2BGR))
            score = float(heat.max())
            full_heat = cv2.resize(heat, (width, height), interpolation=cv2.INTER_LINEAR)
            log.record_score(path, file_digest(path), score, score >= 3.0, full_heat, width, height)
        for index in range(unreadable):
            bad = folder / f"broken_{index}.jpg"
            bad.write_bytes(b"\xff\xd8\xff truncated")
            log.record_score(bad, file_digest(bad), None, False, None, None, None, error="truncated JPEG file")
        for index, (decision, reviewer, note) in decisions.items():
            log.decide(f"wagon_{index:03d}.png", decision, reviewer, note)
    return folder


def pdf_text(path: Path) -> str:
    """The text of every page of a PDF report, as a reader's copy-and-paste would give it."""
    return "\n".join(page.extract_text() for page in PdfReader(str(path)).pages)
