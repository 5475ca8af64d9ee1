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
import struct
from pathlib import Path
from typing import BinaryIO, Optional

import numpy as np
from PIL import Image, ImageFile, UnidentifiedImageError

IMAGE_SUFFIXES: tuple[str, ...] = (".png", ".jpg", ".jpeg", ".bmp", ".tif", ".tiff", ".webp")

MAX_PIXELS: int = 100_000_000
"""Largest image (width x height) that :func:`load_image` decodes; a 100 MP RGB image is 300 MB of memory."""

# Decoders Pillow may use: the formats of IMAGE_SUFFIXES (MPO is how Pillow names many camera JPEGs). Keeping
# Pillow's dozens of other parsers away from uploaded files narrows what a malformed file can reach.
_PILLOW_FORMATS: tuple[str, ...] = ("PNG", "JPEG", "MPO", "BMP", "TIFF", "WEBP")

_DIGEST_CHUNK = 1 << 20
_ORIENTATION_TAG = 0x0112

# Leading bytes of the formats we read, to tell "damaged PNG" from "not an image at all".
_SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"\x89PNG\r\n\x1a\n", "PNG"),
    (b"\xff\xd8\xff", "JPEG"),
    (b"II*\x00", "TIFF"),
    (b"MM\x00*", "TIFF"),
    (b"II+\x00", "TIFF"),
    (b"MM\x00+", "TIFF"),
    (b"BM", "BMP"),
)


class ImageReadError(Exception):
    """A file that can't be used as a photo; ``str(error)`` is the short reason, e.g. "truncated PNG file".

    The path is kept apart from the reason so a batch can list "name: reason" without repeating folders.
    """

    def __init__(self, path: str | os.PathLike[str], reason: str) -> None:
        super().__init__(reason)
        self.path = Path(path)
        self.reason = reason

    def __str__(self) -> str:
        return self.reason

    def __reduce__(self):  # keeps the two-argument constructor working across process pools
        return (type(self), (self.path, self.reason))


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
# File checks and error wording
# --------------------------------------------------------------------------------------------------------------


def _check_is_file(p: Path, allow_empty: bool = False) -> None:
    """Turn the ways a path can fail to be a readable file into a one-line reason, before any decoder sees it."""
    try:
        info = os.stat(p)
    except FileNotFoundError:
        if os.path.islink(p):
            raise ImageReadError(p, "broken link (the file it points to is missing)") from None
        raise ImageReadError(p, "file not found") from None
    except OSError as exc:
        raise ImageReadError(p, _os_error_reason(exc)) from None
    if stat.S_ISDIR(info.st_mode):
        raise ImageReadError(p, "is a folder, not an image file")
    if not stat.S_ISREG(info.st_mode):
        raise ImageReadError(p, "not a regular file")
    if info.st_size == 0 and not allow_empty:
        raise ImageReadError(p, "empty file (0 bytes)")


def _os_error_reason(exc: OSError) -> str:
    if isinstance(exc, PermissionError):
        return "permission denied"
    if isinstance(exc, FileNotFoundError):
        return "file not found"
    if isinstance(exc, IsADirectoryError):
        return "is a folder, not an image file"
    text = exc.strerror or str(exc) or type(exc).__name__
    return _one_line(text[:1].lower() + text[1:])


def _one_line(text: str, limit: int = 120) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _sniff_format(fh: BinaryIO) -> Optional[str]:
    fh.seek(0)
    head = fh.read(16)
    fh.seek(0)
    for signature, name in _SIGNATURES:
        if head.startswith(signature):
            return name
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "WebP"
    return None


def _too_large(p: Path, width: int, height: int, limit: int) -> ImageReadError:
    return ImageReadError(p, f"image too large: {width}x{height} pixels (limit {limit / 1e6:g} megapixels)")


def _decode_error(p: Path, fmt: str, exc: BaseException) -> ImageReadError:
    message = str(exc)
    if isinstance(exc, EOFError) or "truncated" in message.lower() or "end of file" in message.lower():
        return ImageReadError(p, f"truncated {fmt} file")
    return ImageReadError(p, _one_line(f"damaged {fmt} file ({message or type(exc).__name__})"))


# --------------------------------------------------------------------------------------------------------------
# Header
# --------------------------------------------------------------------------------------------------------------


class _Header:
    """What the header says: size, orientation, format, and the lazily opened Pillow image (if Pillow knows it)."""

    def __init__(self, size: tuple[int, int], orientation: int, fmt: str, pil: Optional[Image.Image]) -> None:
        self.size = size
        self.orientation = orientation
        self.format = fmt
        self.pil = pil

    def close(self) -> None:
        if self.pil is not None:
            self.pil.close()


def _read_header(p: Path, fh: BinaryIO) -> _Header:
    sniffed = _sniff_format(fh)
    try:
        im = Image.open(fh, formats=_pillow_formats())
    except Image.DecompressionBombError:
        # Pillow refuses before telling the size; ask its format readers directly (they parse the header only).
        unchecked = _open_ignoring_pillow_limit(fh)
        if unchecked is None:
            limit = 2 * (Image.MAX_IMAGE_PIXELS or 0) / 1e6
            raise ImageReadError(p, f"image too large (more than {limit:g} megapixels)") from None
        size, orientation = unchecked.size, _orientation(unchecked)
        unchecked.close()
        return _Header(size, orientation, sniffed or "image", None)
    except UnidentifiedImageError:
        if sniffed == "TIFF":
            return _tiff_header(p, fh)
        if sniffed:
            raise ImageReadError(p, f"damaged {sniffed} file (header unreadable)") from None
        raise ImageReadError(p, "not an image") from None
    except (OSError, SyntaxError, ValueError, struct.error, EOFError) as exc:  # the file is open: format trouble
        raise _decode_error(p, sniffed or "image", exc) from None
    return _Header(im.size, _orientation(im), im.format or sniffed or "image", im)


def _pillow_formats() -> tuple[str, ...]:
    """Our formats as this Pillow registers them (newer versions open MPO through the JPEG reader)."""
    Image.init()
    return tuple(f for f in _PILLOW_FORMATS if f in Image.OPEN)


def _open_ignoring_pillow_limit(fh: BinaryIO) -> Optional[ImageFile.ImageFile]:
    """Header of a file that Pillow's own bomb check refused, read through its registered format readers."""
    fh.seek(0)
    prefix = fh.read(16)
    for fmt in _pillow_formats():
        factory, accept = Image.OPEN[fmt]
        if accept is not None:
            verdict = accept(prefix)
            if not verdict or isinstance(verdict, str):
                continue
        fh.seek(0)
        try:
            return factory(fh, "")
        except Exception:  # noqa: BLE001 - a reader that can't parse the header simply isn't the right one
            continue
    return None


def _tiff_header(p: Path, fh: BinaryIO) -> _Header:
    """Header of a TIFF that Pillow can't identify (e.g. float RGB), read with tifffile."""
    import tifffile

    fh.seek(0)
    try:
        with tifffile.TiffFile(fh) as tif:
            page = tif.pages.first
            size = (int(page.imagewidth), int(page.imagelength))
            tag = page.tags.get(274)
            orientation = int(tag.value) if tag is not None else 1
    except Exception as exc:  # noqa: BLE001 - tifffile raises many types for malformed files
        raise _decode_error(p, "TIFF", exc) from None
    return _Header(size, orientation if 1 <= orientation <= 8 else 1, "TIFF", None)


def _orientation(im: Image.Image) -> int:
    """EXIF orientation (1..8) from what the header already holds; never triggers decoding."""
    if im.format != "TIFF" and "exif" not in im.info:
        return 1
    try:
        value = int(im.getexif().get(_ORIENTATION_TAG, 1))
    except Exception:  # noqa: BLE001 - a malformed EXIF block must not make the photo unreadable
        return 1
    return value if 1 <= value <= 8 else 1


# --------------------------------------------------------------------------------------------------------------
# Decoding
# --------------------------------------------------------------------------------------------------------------


def _decode(p: Path, fh: BinaryIO, limit: int) -> np.ndarray:
    header = _read_header(p, fh)
    try:
        width, height = header.size
        if width * height > limit:
            raise _too_large(p, width, height, limit)
        if width <= 0 or height <= 0:
            raise ImageReadError(p, f"image has no pixels ({width}x{height})")
        if header.pil is None and header.format != "TIFF":
            # Pillow's own bomb check refused it, which also caps a max_pixels set above Pillow's limit.
            raise _too_large(p, width, height, min(limit, 2 * (Image.MAX_IMAGE_PIXELS or limit)))
        if header.format == "TIFF":
            rgb = _decode_tiff(p, fh, header)
        else:
            rgb = _decode_pillow(p, header)
    finally:
        header.close()
    return _apply_orientation(rgb, header.orientation)


def _decode_pillow(p: Path, header: _Header) -> np.ndarray:
    im = header.pil
    assert im is not None
    if ImageFile.LOAD_TRUNCATED_IMAGES:  # set elsewhere in the process; a cut-off photo must still be refused
        raise ImageReadError(p, "cannot check for truncation: PIL.ImageFile.LOAD_TRUNCATED_IMAGES is enabled")
    try:
        im.load()
        return _pillow_to_rgb8(im)
    except ImageReadError:
        raise
    except MemoryError:
        raise
    except (OSError, SyntaxError, ValueError, EOFError, struct.error, IndexError) as exc:
        if isinstance(exc, PermissionError):
            raise
        raise _decode_error(p, header.format, exc) from None


def _pillow_to_rgb8(im: Image.Image) -> np.ndarray:
    mode = im.mode
    if mode == "RGB":
        return np.asarray(im, dtype=np.uint8).copy()
    if mode == "L":
        return _gray_to_rgb(np.asarray(im, dtype=np.uint8))
    if mode == "1":
        return _gray_to_rgb(np.asarray(im.convert("L"), dtype=np.uint8))
    if mode.startswith("I;16"):
        return _gray_to_rgb(_uint_to_uint8(np.asarray(im).astype(np.uint16), 16))
    if mode == "I":
        values = np.asarray(im, dtype=np.int64)
        if values.size and values.min() >= 0 and values.max() <= 0xFFFF:
            return _gray_to_rgb(_uint_to_uint8(values.astype(np.uint16), 16))
        return _gray_to_rgb(_stretch_to_uint8(values.astype(np.float64)))
    if mode == "F":
        return _gray_to_rgb(_float_to_uint8(np.asarray(im, dtype=np.float32)))
    if mode == "P" and "transparency" not in im.info:
        return np.asarray(im.convert("RGB"), dtype=np.uint8).copy()
    if mode in ("RGBA", "RGBa", "LA", "La", "PA", "P"):
        rgba = np.asarray(im.convert("RGBA"), dtype=np.uint8)
        return _composite_on_black(rgba[..., :3], rgba[..., 3])
    return np.asarray(im.convert("RGB"), dtype=np.uint8).copy()  # CMYK, YCbCr, LAB, HSV


def _decode_tiff(p: Path, fh: BinaryIO, header: _Header) -> np.ndarray:
    """TIFF through tifffile (16-bit RGB, float, odd bit depths); Pillow for what tifffile can't (e.g. codecs)."""
    try:
        rgb = _tifffile_to_rgb8(fh)
    except MemoryError:
        raise
    except Exception as exc:  # noqa: BLE001 - fall back to Pillow, which reports truncation in its own words
        if header.pil is None:
            raise _decode_error(p, "TIFF", exc) from None
        rgb = None
    if rgb is None:
        if header.pil is None:
            raise ImageReadError(p, "unsupported TIFF colour model")
        fh.seek(0)
        return _decode_pillow(p, header)
    return rgb


def _tifffile_to_rgb8(fh: BinaryIO) -> Optional[np.ndarray]:
    """First page as RGB uint8, or ``None`` when its colour model is one that Pillow handles better."""
    import tifffile

    fh.seek(0)
    with tifffile.TiffFile(fh) as tif:
        page = tif.pages.first
        photometric = int(page.photometric)
        if photometric not in (0, 1, 2):  # MINISWHITE, MINISBLACK, RGB; palette/CMYK/YCbCr go to Pillow
            return None
        data = page.asarray()
        axes = page.axes
        bits = int(page.bitspersample)
        extra = len(page.extrasamples) if page.extrasamples else 0

    if "S" in axes and axes.index("S") < axes.index("Y"):  # planar storage: samples first
        data = np.moveaxis(data, axes.index("S"), -1)
    data = np.asarray(data)
    if data.ndim == 2:
        data = data[..., None]
    if data.ndim != 3:  # volumes and other layouts: leave them to Pillow
        return None

    if data.dtype == np.bool_:
        scaled = data.astype(np.uint8) * 255
    elif data.dtype.kind == "f":
        scaled = _float_to_uint8(data)
    elif data.dtype.kind == "u":
        scaled = _uint_to_uint8(data, bits)
    else:
        scaled = _stretch_to_uint8(data.astype(np.float64))

    if photometric == 0:  # MINISWHITE: 0 is white
        scaled[..., : scaled.shape[-1] - extra] = 255 - scaled[..., : scaled.shape[-1] - extra]
    channels = scaled.shape[-1]
    colour = 3 if photometric == 2 else 1
    if channels < colour:
        return None
    base = scaled[..., :colour]
    rgb = np.repeat(base, 3, axis=-1) if colour == 1 else base
    if extra and channels > colour:
        return _composite_on_black(rgb, scaled[..., colour])
    return np.ascontiguousarray(rgb)


def _uint_to_uint8(values: np.ndarray, bits: int) -> np.ndarray:
    if values.dtype == np.uint8 and bits >= 8:
        return values.copy()
    shift = max(0, min(bits, values.dtype.itemsize * 8) - 8)
    if bits < 8:  # 1..7-bit samples: spread over 0..255
        top = (1 << bits) - 1
        return (values.astype(np.uint32) * 255 // max(top, 1)).astype(np.uint8)
    return np.clip(values >> shift, 0, 255).astype(np.uint8)


def _float_to_uint8(values: np.ndarray) -> np.ndarray:
    data = np.asarray(values, dtype=np.float64)
    finite = np.isfinite(data)
    if not finite.any():
        return np.zeros(data.shape, dtype=np.uint8)
    lo, hi = data[finite].min(), data[finite].max()
    data = np.where(finite, data, 0.0)
    if lo >= 0.0 and hi <= 1.0:
        return np.round(data * 255.0).astype(np.uint8)
    return _stretch_to_uint8(data, lo, hi)


def _stretch_to_uint8(values: np.ndarray, lo: Optional[float] = None, hi: Optional[float] = None) -> np.ndarray:
    lo = float(values.min()) if lo is None else float(lo)
    hi = float(values.max()) if hi is None else float(hi)
    if hi <= lo:
        return np.zeros(values.shape, dtype=np.uint8)
    return np.round(np.clip((values - lo) / (hi - lo), 0.0, 1.0) * 255.0).astype(np.uint8)


def _gray_to_rgb(gray: np.ndarray) -> np.ndarray:
    return np.ascontiguousarray(np.repeat(gray[..., None], 3, axis=-1))


def _composite_on_black(rgb: np.ndarray, alpha: np.ndarray) -> np.ndarray:
    weighted = rgb.astype(np.uint32) * alpha.astype(np.uint32)[..., None]
    return ((weighted + 127) // 255).astype(np.uint8)


def _apply_orientation(rgb: np.ndarray, orientation: int) -> np.ndarray:
    """Same result as ``PIL.ImageOps.exif_transpose`` for EXIF orientations 1..8."""
    if orientation == 2:
        rgb = rgb[:, ::-1]
    elif orientation == 3:
        rgb = rgb[::-1, ::-1]
    elif orientation == 4:
        rgb = rgb[::-1, :]
    elif orientation == 5:
        rgb = rgb.transpose(1, 0, 2)
    elif orientation == 6:
        rgb = np.rot90(rgb, k=-1)
    elif orientation == 7:
        rgb = rgb[::-1, ::-1].transpose(1, 0, 2)
    elif orientation == 8:
        rgb = np.rot90(rgb, k=1)
    else:
        return rgb
    return np.ascontiguousarray(rgb)


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
