"""Which photos belong to a folder a dialog names: the engine's one batch rule (:mod:`core.photos.batch_folder`)."""
from __future__ import annotations

from pathlib import Path
from typing import Optional

from core import list_batch_photos as list_batch_images


def photos_in_typed_folder(text: str) -> tuple[Optional[Path], list[Path]]:
    """For a folder field of a dialog: the folder typed (None when empty) and its photos (none if it is not one)."""
    text = text.strip()
    if not text:
        return None, []
    folder = Path(text).expanduser()
    return folder, list_batch_images(folder) if folder.is_dir() else []
