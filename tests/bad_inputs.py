"""Odd and broken photo files, built at test time from known pixel values.

Shared by the loader's own tests (one file at a time, ``test_imageio.py``) and the end-to-end batch test
(all of them in one folder, ``test_bad_input_batch.py``), so both meet exactly the same files.
"""
from __future__ import annotations

import io
import os
import struct
import zlib
from pathlib import Path
from typing import Optional

import numpy as np
import tifffile
from PIL import Image

# Reasons that core.photos.imageio gives; the batch test expects them in every output.
EMPTY = "empty file (0 bytes)"
NOT_AN_IMAGE = "not an image"
TRUNCATED_PNG = "truncated PNG file"
TRUNCATED_JPEG = "truncated JPEG file"
BOMB = "image too large: 30000x30000 pixels (limit 100 megapixels)"
PERMISSION_DENIED = "permission denied"
BROKEN_LINK = "broken link (the file it points to is missing)"
LINK_LOOP = "too many levels of symbolic links"


def noise_rgb(h: int = 48, w: int = 64, seed: int = 0) -> np.ndarray:
    return np.random.default_rng(seed).integers(0, 256, (h, w, 3), dtype=np.uint8)


def save_png(path: Path, array: np.ndarray, mode: str | None = None) -> Path:
    Image.fromarray(array, mode=mode).save(path, format="PNG") if mode else Image.fromarray(array).save(path, "PNG")
    return path


def png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


def write_png_bomb(path: Path, side: int = 30000) -> Path:
    """A valid ``side`` x ``side`` 1-bit PNG of about 100 KB (at 30000) that would need 2.7 GB as RGB."""
    row = b"\x00" * (1 + (side + 7) // 8)
    compressor = zlib.compressobj(9)
    rows_per_block = 100
    idat = b"".join(compressor.compress(row * rows_per_block) for _ in range(side // rows_per_block)) + compressor.flush()
    ihdr = struct.pack(">IIBBBBB", side, side, 1, 0, 0, 0, 0)
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + png_chunk(b"IHDR", ihdr) + png_chunk(b"IDAT", idat) + png_chunk(b"IEND", b""))
    return path


def write_truncated(path: Path, fmt: str, keep: float) -> Path:
    """A 160 x 120 noise photo in ``fmt`` ("PNG", "JPEG") cut off after ``keep`` of its bytes, like a failed upload."""
    data = io.BytesIO()
    Image.fromarray(noise_rgb(120, 160)).save(data, fmt, **({"quality": 90} if fmt == "JPEG" else {}))
    whole = data.getvalue()
    path.write_bytes(whole[: int(len(whole) * keep)])
    return path


def write_text_named_png(path: Path) -> Path:
    path.write_text("this is not an image\n" * 20)
    return path


def write_cmyk_jpeg(path: Path) -> Path:
    """Left half (220, 40, 40), right half (40, 60, 200), stored as CMYK."""
    rgb = np.zeros((32, 32, 3), np.uint8)
    rgb[:, :16] = (220, 40, 40)
    rgb[:, 16:] = (40, 60, 200)
    Image.fromarray(rgb).convert("CMYK").save(path, "JPEG", quality=95)
    return path


def write_palette_png(path: Path, transparency: Optional[int] = None) -> Path:
    """4 x 2 palette image: index 0 is (10, 20, 30), pixel (1, 0) uses index 1 = (200, 150, 100)."""
    image = Image.new("P", (4, 2))
    image.putpalette([10, 20, 30, 200, 150, 100] + [0] * (256 * 3 - 6))
    image.putpixel((1, 0), 1)
    image.save(path, **({} if transparency is None else {"transparency": transparency}))
    return path


def write_bad_files(folder: Path) -> dict[str, str]:
    """Every kind of unusable file, in ``folder``; returns file name -> the reason the loader must give.

    A file made unreadable by ``chmod 000`` is only added when not running as root, for whom it stays readable.
    """
    expected = {
        write_png_bomb(folder / "bomb.png").name: BOMB,
        write_truncated(folder / "cut.png", "PNG", 0.6).name: TRUNCATED_PNG,
        write_truncated(folder / "cut.jpg", "JPEG", 0.5).name: TRUNCATED_JPEG,
        write_text_named_png(folder / "notes.png").name: NOT_AN_IMAGE,
    }
    (folder / "empty.png").write_bytes(b"")
    expected["empty.png"] = EMPTY
    (folder / "dangling.png").symlink_to(folder / "missing-target.png")
    expected["dangling.png"] = BROKEN_LINK
    (folder / "loop_a.png").symlink_to(folder / "loop_b.png")
    (folder / "loop_b.png").symlink_to(folder / "loop_a.png")
    expected["loop_a.png"] = expected["loop_b.png"] = LINK_LOOP
    if os.name == "posix" and os.geteuid() != 0:
        locked = save_png(folder / "locked.png", noise_rgb())
        locked.chmod(0)
        expected[locked.name] = PERMISSION_DENIED
    return expected


def write_odd_good_files(folder: Path) -> list[str]:
    """Unusual but decodable photos (bit depths, alpha, palette, CMYK, one pixel, a non-ASCII name); their names."""
    rng = np.random.default_rng(11)
    tifffile.imwrite(folder / "rgb16.tif", rng.integers(0, 65536, (96, 128, 3), dtype=np.uint16), photometric="rgb")
    tifffile.imwrite(folder / "float.tiff", rng.random((96, 128)).astype(np.float32))
    rgba = np.dstack([noise_rgb(96, 128, seed=3), np.full((96, 128), 255, np.uint8)])
    rgba[:, :20, 3] = 0
    save_png(folder / "rgba.png", rgba)
    write_palette_png(folder / "palette.png")
    write_cmyk_jpeg(folder / "cmyk.jpg")
    save_png(folder / "dot.png", np.array([[[1, 2, 3]]], np.uint8))
    save_png(folder / "Foto Drehgestell ß 東京 1.png", noise_rgb(96, 128, seed=4))
    return ["rgb16.tif", "float.tiff", "rgba.png", "palette.png", "cmyk.jpg", "dot.png", "Foto Drehgestell ß 東京 1.png"]
