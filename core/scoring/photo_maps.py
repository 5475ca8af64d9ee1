"""From feature-grid heatmaps to a photo's heatmap and its peak level, for whole photos and tiled camera frames.

The grid map of every tile is first brought to a *working map* of a fixed number of pixels per grid cell, smoothed
there (so smoothing follows the model's grid, not the photo's pixel count), and placed into a canvas of the photo
at the working resolution; overlapping tiles are averaged. The canvas is what the peak score and the outline
threshold are measured on, so their meaning does not depend on the photo size; only the final picture is resized
to the photo, one photo at a time.
"""
from __future__ import annotations

from typing import Sequence

import cv2
import numpy as np

#: working-map pixels per cell of the finest feature grid
WORK_PIXELS_PER_CELL = 4

Box = tuple[int, int, int, int]


def working_map(grid: np.ndarray, smooth_cells: float) -> np.ndarray:
    """A grid map upsampled to the working resolution and smoothed by ``smooth_cells`` grid cells (Gaussian sigma)."""
    grid = np.asarray(grid, dtype=np.float32)
    h, w = grid.shape
    work = cv2.resize(grid, (w * WORK_PIXELS_PER_CELL, h * WORK_PIXELS_PER_CELL), interpolation=cv2.INTER_LINEAR)
    if smooth_cells > 0:
        work = cv2.GaussianBlur(work, (0, 0), smooth_cells * WORK_PIXELS_PER_CELL, borderType=cv2.BORDER_REPLICATE)
    return work


def photo_canvas(grids: Sequence[np.ndarray], boxes: Sequence[Box], width: int, height: int,
                 smooth_cells: float) -> np.ndarray:
    """The photo's heatmap at the working resolution: the tiles' working maps put in place, overlaps averaged.

    A whole (untiled) photo's canvas is its working map; the photo's aspect ratio is restored by :func:`to_photo`.
    """
    maps = [working_map(g, smooth_cells) for g in grids]
    if len(boxes) == 1:
        return maps[0]
    tile_side = boxes[0][2] - boxes[0][0]
    scale = maps[0].shape[1] / tile_side
    canvas_w, canvas_h = max(1, int(round(width * scale))), max(1, int(round(height * scale)))
    total = np.zeros((canvas_h, canvas_w), np.float32)
    weight = np.zeros((canvas_h, canvas_w), np.float32)
    for work, (x0, y0, x1, y1) in zip(maps, boxes):
        cx0, cy0 = int(round(x0 * scale)), int(round(y0 * scale))
        cx1, cy1 = min(canvas_w, int(round(x1 * scale))), min(canvas_h, int(round(y1 * scale)))
        if cx1 <= cx0 or cy1 <= cy0:
            continue
        total[cy0:cy1, cx0:cx1] += cv2.resize(work, (cx1 - cx0, cy1 - cy0), interpolation=cv2.INTER_LINEAR)
        weight[cy0:cy1, cx0:cx1] += 1.0
    return total / np.maximum(weight, 1.0)


def to_photo(canvas: np.ndarray, width: int, height: int) -> np.ndarray:
    """The canvas resized to the photo (float32, height x width)."""
    return cv2.resize(canvas.astype(np.float32, copy=False), (width, height), interpolation=cv2.INTER_LINEAR)


def peak_level(canvas: np.ndarray, share: float) -> float:
    """Mean of the hottest ``share`` of the canvas: a small foreign body's level, which an image-wide mean dilutes."""
    values = np.asarray(canvas, dtype=np.float32).ravel()
    k = max(1, int(round(share * values.size)))
    return float(np.partition(values, values.size - k)[values.size - k:].mean())
