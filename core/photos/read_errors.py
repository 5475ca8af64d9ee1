"""Why a file cannot be used as a photo: the error every reader raises, and the one-line reasons it carries."""
from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import BinaryIO, Optional




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


