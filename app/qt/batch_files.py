"""Which photos belong to a batch folder.

A batch is normally one flat folder of photos. A folder holding only subfolders (one per camera or per
wagon) is taken as a whole, so the reviewer can open the parent without choosing each part.
"""
from __future__ import annotations

from pathlib import Path
from typing import Optional

from core.imageio import list_images


def list_batch_images(folder: Path) -> list[Path]:
    """Photos directly in ``folder``, else all photos below it; an unreadable folder gives an empty list."""
    try:
        found = list_images(folder)
        return found if found else list_images(folder, recursive=True)
    except OSError:
        return []


def photos_in_typed_folder(text: str) -> tuple[Optional[Path], list[Path]]:
    """For a folder field of a dialog: the folder typed (None when empty) and its photos (none if it is not one)."""
    text = text.strip()
    if not text:
        return None, []
    folder = Path(text).expanduser()
    return folder, list_batch_images(folder) if folder.is_dir() else []
