"""Heatmap pictures shared by the inspector and the reports, so both show a photo the same way.

Heatmap values are per-position ``||z||^2`` of the flow output: on normal image areas they stay near the
typical level of defect-free photos (about 1 per channel on average, the flow maps normal features to a
standard normal distribution), and they grow without bound where something unusual sits.

Colour scale (:func:`color_range`): the cold end of the colour map is the *normal level* ``threshold_low``
and ``pixel_threshold`` (the value above which a region is outlined) sits at two thirds of the scale. So
normal areas are drawn in the cold colours, anything that crosses the outline threshold is already in the
hot part (yellow/orange for "jet" and "turbo", orange/red for "inferno" and "magma"), and clearly anomalous
regions saturate at the hot end. Anchoring the scale to the model's thresholds instead of each picture's
own minimum and maximum keeps the colours comparable from one photo to the next: a normal photo does not
get painted red just because its largest value is its own maximum.
"""
from __future__ import annotations

from typing import Optional, Sequence

import cv2
import numpy as np

#: The default colour map: turbo is perceptually ordered (lightness rises steadily from the cold to the hot end,
#: so the eye reads "hotter" the same everywhere, unlike jet's bright cyan and yellow bands) yet as vivid as jet.
DEFAULT_COLORMAP = "turbo"

COLORMAPS: dict[str, int] = {
    "jet": cv2.COLORMAP_JET,
    "inferno": cv2.COLORMAP_INFERNO,
    "viridis": cv2.COLORMAP_VIRIDIS,
    "turbo": cv2.COLORMAP_TURBO,
    "magma": cv2.COLORMAP_MAGMA,
}

#: Where ``pixel_threshold`` lies on the colour scale (0 = cold end, 1 = hot end).
THRESHOLD_POSITION = 2.0 / 3.0

#: Default outline colour (RGB): bright green is rare on brake hardware and stands out from all colour maps'
#: hot ends, and a dark rim drawn beneath keeps it visible on light backgrounds.
OUTLINE_COLOR = (0, 255, 0)


def color_range(pixel_threshold: float, threshold_low: Optional[float] = None,
                heatmap: Optional[np.ndarray] = None) -> tuple[float, float]:
    """Return ``(vmin, vmax)`` for :func:`colorize` (see the module docstring for the reasoning).

    ``threshold_low`` is the normal level of the heatmap. When it is unknown the median of ``heatmap`` is
    used: most of any photo is normal, so the median is a robust estimate of the normal level that does not
    depend on how the engine scales its values.
    """
    pixel_threshold = float(pixel_threshold)
    low = threshold_low
    if low is None and heatmap is not None and np.size(heatmap):
        finite = np.asarray(heatmap, dtype=np.float32)
        finite = finite[np.isfinite(finite)]
        low = float(np.median(finite)) if finite.size else None
    if low is None:
        low = 0.0
    low = float(low)
    if not low < pixel_threshold:
        # A photo that is anomalous almost everywhere: keep a visible gradient below the outline threshold.
        low = pixel_threshold * 0.5 if pixel_threshold > 0 else pixel_threshold - 1.0
    vmax = low + (pixel_threshold - low) / THRESHOLD_POSITION
    return low, vmax


def colorize(heatmap: np.ndarray, vmin: float, vmax: float, colormap: str = DEFAULT_COLORMAP) -> np.ndarray:
    """Map heatmap values linearly from ``[vmin, vmax]`` onto a colour map; returns uint8 RGB (H, W, 3)."""
    if colormap not in COLORMAPS:
        raise ValueError(f"unknown colour map {colormap!r}; choose one of {', '.join(COLORMAPS)}")
    values = np.asarray(heatmap, dtype=np.float32)
    if values.ndim != 2:
        raise ValueError(f"heatmap must be 2-D (height x width), got shape {values.shape}")
    span = float(vmax) - float(vmin)
    if not span > 0:
        span = 1e-6
    scaled = (values - float(vmin)) / span
    scaled = np.nan_to_num(scaled, nan=0.0, posinf=1.0, neginf=0.0)
    levels = np.clip(scaled * 255.0 + 0.5, 0, 255).astype(np.uint8)
    bgr = cv2.applyColorMap(levels, COLORMAPS[colormap])
    return cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB)


def fit_heatmap(heatmap: np.ndarray, height: int, width: int) -> np.ndarray:
    """Resize a (possibly reduced-resolution) heatmap to the photo's size, smoothly."""
    values = np.asarray(heatmap, dtype=np.float32)
    if values.shape == (height, width):
        return values
    return cv2.resize(values, (int(width), int(height)), interpolation=cv2.INTER_LINEAR)


def blend(image_rgb: np.ndarray, heatmap: np.ndarray, vmin: float, vmax: float, alpha: float = 0.5,
          colormap: str = DEFAULT_COLORMAP, min_alpha: Optional[float] = None) -> np.ndarray:
    """Lay the coloured heatmap over the photo; ``alpha`` is the heatmap's weight (0 = photo only).

    With ``min_alpha`` the weight grows with the heatmap value, from ``min_alpha`` at ``vmin`` to ``alpha`` at
    ``vmax``: normal areas keep only a light cool tint and the photo stays readable, unusual areas are
    painted at full strength.
    """
    photo = as_rgb(image_rgb)
    values = fit_heatmap(heatmap, photo.shape[0], photo.shape[1])
    colours = colorize(values, vmin, vmax, colormap)
    alpha = float(np.clip(alpha, 0.0, 1.0))
    if min_alpha is None:
        return cv2.addWeighted(colours, alpha, photo, 1.0 - alpha, 0.0)
    span = float(vmax) - float(vmin)
    level = np.clip(np.nan_to_num((values - float(vmin)) / (span if span > 0 else 1e-6), nan=0.0), 0.0, 1.0)
    weight = (float(np.clip(min_alpha, 0.0, alpha)) + (alpha - float(np.clip(min_alpha, 0.0, alpha))) * level)[..., None]
    mixed = colours.astype(np.float32) * weight + photo.astype(np.float32) * (1.0 - weight)
    return np.clip(mixed + 0.5, 0, 255).astype(np.uint8)


def region_contours(heatmap: np.ndarray, pixel_threshold: float, min_area: float = 0.0) -> list[np.ndarray]:
    """Outer outlines of the regions where the heatmap exceeds ``pixel_threshold``, as N x 2 int (x, y) arrays.

    ``min_area`` (in pixels) drops specks that would only clutter the picture.
    """
    values = np.nan_to_num(np.asarray(heatmap, dtype=np.float32), nan=0.0)
    mask = (values > float(pixel_threshold)).astype(np.uint8)
    if not mask.any():
        return []
    found, _ = cv2.findContours(mask, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    contours = []
    for contour in found:
        if min_area > 0 and cv2.contourArea(contour) < min_area:
            continue
        contours.append(contour.reshape(-1, 2).astype(np.int32))
    return contours


def default_thickness(height: int, width: int) -> int:
    """Outline width that stays visible after the picture is scaled down for a screen or a page."""
    return max(2, int(round(min(height, width) / 250)))


def draw_outline(image_rgb: np.ndarray, contours: Sequence[np.ndarray], color: tuple[int, int, int] = OUTLINE_COLOR,
                 thickness: Optional[int] = None) -> np.ndarray:
    """Return a copy of the photo with the contours drawn on it, each over a thin dark rim for contrast."""
    picture = as_rgb(image_rgb).copy()
    if not contours:
        return picture
    if thickness is None:
        thickness = default_thickness(picture.shape[0], picture.shape[1])
    shapes = [np.asarray(c, dtype=np.int32).reshape(-1, 1, 2) for c in contours]
    rim = max(1, thickness // 2)
    cv2.drawContours(picture, shapes, -1, (0, 0, 0), thickness + 2 * rim, lineType=cv2.LINE_AA)
    cv2.drawContours(picture, shapes, -1, tuple(int(c) for c in color), thickness, lineType=cv2.LINE_AA)
    return picture


#: Heatmap weight on normal areas, relative to ``alpha``, in the standard picture (see :func:`blend`).
NORMAL_AREA_WEIGHT = 0.25


def render_overlay(image_rgb: np.ndarray, heatmap: np.ndarray, threshold_low: Optional[float],
                   pixel_threshold: float, alpha: float = 0.5, colormap: str = DEFAULT_COLORMAP, outline: bool = True,
                   outline_color: tuple[int, int, int] = OUTLINE_COLOR, min_region_area: float = 0.0,
                   fade_normal: bool = True) -> np.ndarray:
    """The standard picture: photo, heatmap on the scale of :func:`color_range`, and outlined regions.

    ``fade_normal`` paints normal areas lighter (``NORMAL_AREA_WEIGHT`` x ``alpha``) so the photo itself stays
    easy to read and the eye goes to the hot regions. The heatmap may be at a lower resolution than the photo
    (as stored by :mod:`core.scoring.heatmap_store`); it is resized to the photo first so outlines follow its pixels.
    """
    photo = as_rgb(image_rgb)
    values = fit_heatmap(heatmap, photo.shape[0], photo.shape[1])
    vmin, vmax = color_range(pixel_threshold, threshold_low, values)
    picture = blend(photo, values, vmin, vmax, alpha=alpha, colormap=colormap,
                    min_alpha=alpha * NORMAL_AREA_WEIGHT if fade_normal else None)
    if outline:
        picture = draw_outline(picture, region_contours(values, pixel_threshold, min_region_area), outline_color)
    return picture


def as_rgb(image: np.ndarray) -> np.ndarray:
    """Accept grey, RGB or RGBA, uint8 or 16-bit or float in [0, 1]; return uint8 RGB."""
    array = np.asarray(image)
    if array.dtype != np.uint8:
        if np.issubdtype(array.dtype, np.floating):
            array = np.clip(np.nan_to_num(array) * 255.0 + 0.5, 0, 255).astype(np.uint8)
        elif array.dtype == np.uint16:
            array = (array >> 8).astype(np.uint8)
        else:
            array = np.clip(array, 0, 255).astype(np.uint8)
    if array.ndim == 2:
        return np.ascontiguousarray(np.stack([array] * 3, axis=-1))
    if array.ndim == 3 and array.shape[2] == 1:
        return np.ascontiguousarray(np.repeat(array, 3, axis=2))
    if array.ndim == 3 and array.shape[2] == 4:
        return np.ascontiguousarray(array[:, :, :3])
    if array.ndim == 3 and array.shape[2] == 3:
        return np.ascontiguousarray(array)
    raise ValueError(f"not an image array: shape {array.shape}")


def hottest_spot(heatmap: np.ndarray, width: int, height: int) -> tuple[float, float]:
    """(x, y) in photo pixels of the heatmap's hottest point; the heatmap may be stored at a lower resolution."""
    values = np.nan_to_num(np.asarray(heatmap, dtype=np.float32), nan=-np.inf)
    row, col = np.unravel_index(int(np.argmax(values)), values.shape)
    return (col + 0.5) * width / values.shape[1], (row + 0.5) * height / values.shape[0]


def hottest_box(heatmap: np.ndarray, width: int, height: int, share: float = 0.15,
                min_side: int = 64) -> tuple[int, int, int, int]:
    """A square (x0, y0, x1, y1) around the hottest spot, ``share`` of the photo's long side wide, inside the photo.

    The reviewer's close-up: large enough to show what surrounds the spot, small enough that a foreign body of a
    few percent of the frame fills a good part of it.
    """
    x, y = hottest_spot(heatmap, width, height)
    side = int(min(max(share * max(width, height), min_side), width, height))
    x0 = int(min(max(round(x - side / 2), 0), width - side))
    y0 = int(min(max(round(y - side / 2), 0), height - side))
    return x0, y0, x0 + side, y0 + side
