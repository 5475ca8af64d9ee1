"""How a photo is recognised again: its content hash, and a cheap fingerprint that tells when to re-hash it."""
from __future__ import annotations

import os
from pathlib import Path
from typing import Optional

from core.photos.imageio import ImageReadError, file_digest


def file_fingerprint(path: str | Path) -> Optional[tuple[int, int, int, int]]:
    """Size, modification and change times and inode: if all four are as stored, the file was not touched.

    The change time (ctime) cannot be set by ``cp -p`` or ``touch``; it moves whenever content or metadata are
    written, so a photo replaced with an older timestamp is still noticed and re-hashed.
    """
    try:
        info = os.stat(path)
    except OSError:
        return None
    return info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino


def file_sha256(path: str | Path) -> str:
    """Content hash used to key images and heatmaps; ``OSError`` when the file cannot be read."""
    try:
        return file_digest(path)
    except ImageReadError as exc:
        raise OSError(f"{path}: {exc}") from None

