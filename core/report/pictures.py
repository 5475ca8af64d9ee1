"""The photo-with-heatmap picture of one report entry, as JPEG bytes ready to embed."""
from __future__ import annotations

import io
from dataclasses import dataclass
from typing import Optional

import cv2
import numpy as np
from PIL import Image

from core.scoring.heatmap_store import HeatmapFileError, load_heatmap
from core.scoring.overlay import DEFAULT_COLORMAP, as_rgb, blend, hottest_box, render_overlay
from core.i18n import translate
from core.review import BatchInfo, ImageRecord

#: Wide enough to see a small foreign body on a printed A4 page, small enough to keep a 50-entry report light.
PICTURE_WIDTH = 900
#: Pixels between the plain photo and its overlay, white like the page.
PAIR_GAP = 12
JPEG_QUALITY = 85
#: The close-up beside the photo: a full-resolution crop is shrunk to this side at most (never enlarged).
CROP_PICTURE_SIDE = 360
OVERLAY_ALPHA = 0.55


@dataclass(frozen=True)
class Picture:
    jpeg: Optional[bytes]  # None when the photo could not be shown
    width: int
    height: int
    remark: str = ""  # why the photo or its heatmap is missing, or a warning about it
    crop_jpeg: Optional[bytes] = None  # the hottest spot cut from the photo at full resolution, without overlay
    crop_side: int = 0


def load_photo(path) -> np.ndarray:
    """Read a photo as uint8 RGB, with the same rules as scoring (EXIF orientation, 16-bit, alpha)."""
    from core.photos.imageio import load_image

    return load_image(path)


def entry_picture(record: ImageRecord, batch: BatchInfo, max_width: int = PICTURE_WIDTH,
                  colormap: str = DEFAULT_COLORMAP) -> Picture:
    try:
        photo = as_rgb(load_photo(record.path))
    except Exception as exc:  # any unreadable photo becomes a remark, never a failed report
        return Picture(None, 0, 0, translate("Report", "photo not available: {error}").format(error=exc))
    plain = photo
    remarks = []
    if record.changed:
        remarks.append(translate("Report", "the file changed after scoring; the heatmap may not match it"))
    heatmap = None
    if record.heatmap_path is not None:
        try:
            heatmap = load_heatmap(record.heatmap_path, size=photo.shape[:2])
        except HeatmapFileError as exc:
            remarks.append(str(exc))
    else:
        remarks.append(translate("Report", "no heatmap stored"))
    crop = None
    if heatmap is not None:
        x0, y0, x1, y1 = hottest_box(heatmap, photo.shape[1], photo.shape[0])
        crop = shrink_to_width(photo[y0:y1, x0:x1], CROP_PICTURE_SIDE)
        if batch.pixel_threshold is not None and np.isfinite(batch.pixel_threshold):
            photo = render_overlay(photo, heatmap, batch.heatmap_low, batch.pixel_threshold, alpha=OVERLAY_ALPHA,
                                   colormap=colormap)
        else:
            finite = heatmap[np.isfinite(heatmap)]
            if finite.size:
                photo = blend(photo, heatmap, float(np.median(finite)), float(finite.max()), OVERLAY_ALPHA, colormap)
    if heatmap is not None:
        # the red wash changes colours (a golden nut looks orange): the photo as taken stands beside it
        half = max(1, (max_width - PAIR_GAP) // 2)
        photo = side_by_side(shrink_to_width(plain, half), shrink_to_width(photo, half))
    else:
        photo = shrink_to_width(photo, max_width)
    return Picture(encode_jpeg(photo), photo.shape[1], photo.shape[0], "; ".join(remarks),
                   encode_jpeg(crop) if crop is not None else None, crop.shape[1] if crop is not None else 0)


def side_by_side(left: np.ndarray, right: np.ndarray, gap: int = PAIR_GAP) -> np.ndarray:
    """Two RGB pictures of the same size next to each other on white."""
    height = max(left.shape[0], right.shape[0])
    canvas = np.full((height, left.shape[1] + gap + right.shape[1], 3), 255, dtype=np.uint8)
    canvas[: left.shape[0], : left.shape[1]] = as_rgb(left)
    canvas[: right.shape[0], left.shape[1] + gap :] = as_rgb(right)
    return canvas


def shrink_to_width(picture: np.ndarray, max_width: int) -> np.ndarray:
    """Never enlarges: upscaling adds no detail, only file size."""
    height, width = picture.shape[:2]
    if width <= max_width:
        return picture
    new_height = max(1, round(height * max_width / width))
    return cv2.resize(picture, (max_width, new_height), interpolation=cv2.INTER_AREA)


def encode_jpeg(picture: np.ndarray, quality: int = JPEG_QUALITY) -> bytes:
    buffer = io.BytesIO()
    Image.fromarray(as_rgb(picture)).save(buffer, format="JPEG", quality=quality, optimize=True)
    return buffer.getvalue()
