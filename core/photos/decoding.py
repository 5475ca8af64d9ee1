"""Decoding photos into uint8 RGB: headers read before any pixel (size guard, orientation), Pillow for the common
formats, tifffile for TIFFs that Pillow cannot read, and the rules that bring every sample format to 8 bits."""
from __future__ import annotations

import struct
from pathlib import Path
from typing import BinaryIO, Optional

import numpy as np
from PIL import Image, ImageFile, UnidentifiedImageError


from core.photos.read_errors import ImageReadError, _decode_error, _sniff_format, _too_large

# Decoders Pillow may use: the formats of IMAGE_SUFFIXES (MPO is how Pillow names many camera JPEGs). Keeping
# Pillow's dozens of other parsers away from uploaded files narrows what a malformed file can reach.
_PILLOW_FORMATS: tuple[str, ...] = ("PNG", "JPEG", "MPO", "BMP", "TIFF", "WEBP")

_ORIENTATION_TAG = 0x0112


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


