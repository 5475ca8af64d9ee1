"""Reading photos from disk into uint8 RGB arrays, with one clear reason whenever a file can't be used.

Everything that decodes a photo goes through :func:`load_image`, so the same rules apply to training, scoring
and the inspector's display:

* **Size guard before decoding.** Pillow reads only the header in ``Image.open``; the pixel count is checked
  against :data:`MAX_PIXELS` before ``load()`` decodes anything, so a few-KB "decompression bomb" costs nothing.
* **Truncated files are errors.** Pillow's ``ImageFile.LOAD_TRUNCATED_IMAGES`` stays ``False`` (the default);
  a cut-off upload raises :class:`ImageReadError` instead of becoming a half-grey photo that the detector would
  score as a huge anomaly.
* **16-bit samples keep their high byte** (``value >> 8``). A fixed scale keeps photos from the same camera
  comparable: a per-image min/max stretch would erase exposure differences and blow sensor noise on a flat,
  dark photo up into full-contrast texture. Pillow already reduces 16-bit RGB PNGs this way, so grey and colour
  files agree. TIFFs that declare fewer bits (a 12-bit camera writing ``BitsPerSample=12``, which tifffile
  unpacks when ``imagecodecs`` is installed) are shifted by ``bits - 8`` instead, so they don't come out black.
* **Float images:** data within 0..1 is taken as intensities (``x 255``), again so exposure stays comparable;
  float data outside 0..1 has no agreed scale and is stretched by its own finite min/max. NaN/inf become 0.
* **Alpha is composited on black**, so fully transparent pixels don't show whatever colour the encoder left
  behind; grey images are repeated into three channels; palette images are expanded; CMYK becomes RGB.
* **EXIF orientation is applied**, so heatmaps line up with the photo as every viewer shows it. Only
  orientation found in the header counts, which keeps :func:`image_size` and :func:`load_image` in agreement.
"""
from __future__ import annotations

import hashlib
import os
import re
import stat
from pathlib import Path
from typing import Optional

import numpy as np


from core.photos.read_errors import ImageReadError, _check_is_file, _os_error_reason
from core.photos.decoding import _decode, _read_header

IMAGE_SUFFIXES: tuple[str, ...] = (".png", ".jpg", ".jpeg", ".bmp", ".tif", ".tiff", ".webp")

MAX_PIXELS: int = 100_000_000
"""Largest image (width x height) that :func:`load_image` decodes; a 100 MP RGB image is 300 MB of memory."""

_DIGEST_CHUNK = 1 << 20


# --------------------------------------------------------------------------------------------------------------
# Public API
# --------------------------------------------------------------------------------------------------------------


def load_image(path: str | os.PathLike[str], max_pixels: Optional[int] = None) -> np.ndarray:
    """Decode a photo into a ``uint8`` RGB array of shape ``(height, width, 3)``.

    Raises :class:`ImageReadError` for anything that is not a complete, readable image of at most
    ``max_pixels`` pixels (default :data:`MAX_PIXELS`, read at call time). Pillow's own guard
    (``2 * PIL.Image.MAX_IMAGE_PIXELS``, about 179 MP) still caps PNG/JPEG/BMP/WebP above that.
    """
    p = Path(path)
    limit = MAX_PIXELS if max_pixels is None else max_pixels
    _check_is_file(p)
    try:
        with open(p, "rb") as fh:
            return _decode(p, fh, limit)
    except ImageReadError:
        raise
    except MemoryError:
        raise ImageReadError(p, "not enough memory to decode the image") from None
    except OSError as exc:
        raise ImageReadError(p, _os_error_reason(exc)) from None


def image_size(path: str | os.PathLike[str]) -> tuple[int, int]:
    """``(width, height)`` as :func:`load_image` would return it, read from the header only (no decoding).

    Reports the size of oversized images too, so the caller can say how big a refused file is.
    """
    p = Path(path)
    _check_is_file(p)
    try:
        with open(p, "rb") as fh:
            header = _read_header(p, fh)
    except ImageReadError:
        raise
    except OSError as exc:
        raise ImageReadError(p, _os_error_reason(exc)) from None
    try:
        width, height = header.size
        if header.orientation in (5, 6, 7, 8):
            width, height = height, width
        return width, height
    finally:
        header.close()


def list_images(folder: str | os.PathLike[str], recursive: bool = False) -> list[Path]:
    """Image files in ``folder`` (suffix case-insensitive), in natural order ("img_2" before "img_10").

    Hidden files and folders (leading dot, or the Windows hidden attribute) are skipped, broken links are left
    out, and linked folders are never entered, so a link loop can't make the walk run forever. Subfolders that
    can't be read are skipped; an unreadable or missing ``folder`` itself raises ``OSError``.
    """
    root = Path(folder)
    if not root.exists():
        raise FileNotFoundError(f"folder not found: {root}")
    if not root.is_dir():
        raise NotADirectoryError(f"not a folder: {root}")

    found: list[Path] = []
    pending = [os.fspath(root)]
    first = True
    while pending:
        current = pending.pop()
        try:
            entries = os.scandir(current)
        except OSError:
            if first:
                raise
            continue
        first = False
        with entries:
            for entry in entries:
                if entry.name.startswith("."):
                    continue
                try:
                    if entry.is_dir(follow_symlinks=False):
                        if recursive and not has_hidden_attribute(entry):
                            pending.append(entry.path)
                        continue
                    if entry.name.lower().endswith(IMAGE_SUFFIXES) and entry.is_file() and not has_hidden_attribute(entry):
                        found.append(Path(entry.path))
                except OSError:
                    continue
    found.sort(key=lambda p: natural_key(p.relative_to(root)))
    return found


def file_digest(path: str | os.PathLike[str]) -> str:
    """SHA-256 of the file content as hex, read in 1 MiB chunks so large photos don't fill memory."""
    p = Path(path)
    _check_is_file(p, allow_empty=True)
    digest = hashlib.sha256()
    try:
        with open(p, "rb") as fh:
            for chunk in iter(lambda: fh.read(_DIGEST_CHUNK), b""):
                digest.update(chunk)
    except OSError as exc:
        raise ImageReadError(p, _os_error_reason(exc)) from None
    return digest.hexdigest()


# --------------------------------------------------------------------------------------------------------------
# Listing
# --------------------------------------------------------------------------------------------------------------


def has_hidden_attribute(entry: os.DirEntry) -> bool:
    """Windows hides files by attribute rather than by name; elsewhere the attribute doesn't exist."""
    flag = getattr(stat, "FILE_ATTRIBUTE_HIDDEN", 0)
    if not flag:
        return False
    try:
        return bool(getattr(entry.stat(follow_symlinks=False), "st_file_attributes", 0) & flag)
    except OSError:
        return False


_DIGITS = re.compile(r"(\d+)")


def natural_key(relative: Path) -> tuple:
    def part_key(part: str) -> tuple:
        pieces = _DIGITS.split(part.casefold())
        return tuple(int(piece) if i % 2 else piece for i, piece in enumerate(pieces))

    return tuple(part_key(part) for part in relative.parts), str(relative)
