"""The model library: one trained model per inspection scenario, kept in the user's data folder.

A depot usually inspects a few kinds of braking device from fixed camera positions; each such scenario
gets its own model, named after it, so reviewers pick "bogie-left-disc" from a list instead of hunting
for files. Plain Python (no Qt) so the command line can save into the same place.
"""
from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

#: File endings of model files written by ``Detector.save``.
MODEL_SUFFIXES: tuple[str, ...] = (".csa",)
DEFAULT_SUFFIX = MODEL_SUFFIXES[0]
LIBRARY_ENV = "CSA_INSPECTOR_MODEL_LIBRARY"


@dataclass(frozen=True)
class LibraryModel:
    name: str
    path: Path
    modified: float  # seconds since the epoch, newest first in listings


def model_library_dir() -> Path:
    """``$CSA_INSPECTOR_MODEL_LIBRARY`` if set (shared network folder), else the user's data folder."""
    override = os.environ.get(LIBRARY_ENV)
    if override:
        return Path(override)
    from platformdirs import user_data_dir

    return Path(user_data_dir("csa-inspector")) / "models"


def is_model_file(path: Path) -> bool:
    return path.is_file() and path.suffix.lower() in MODEL_SUFFIXES


def list_library_models(folder: Optional[Path] = None) -> list[LibraryModel]:
    """Model files directly in the library, or one level down (a folder per scenario); newest first."""
    folder = Path(folder) if folder is not None else model_library_dir()
    if not folder.is_dir():
        return []
    found: list[LibraryModel] = []
    for entry in sorted(folder.iterdir()):
        candidates = [entry] if entry.is_file() else sorted(entry.iterdir()) if entry.is_dir() else []
        for candidate in candidates:
            if is_model_file(candidate):
                name = candidate.stem if candidate.parent == folder else f"{entry.name}/{candidate.stem}"
                try:
                    modified = candidate.stat().st_mtime
                except OSError:
                    continue
                found.append(LibraryModel(name=name, path=candidate, modified=modified))
    found.sort(key=lambda m: (-m.modified, m.name))
    return found


_UNSAFE = re.compile(r"[^A-Za-z0-9._ -]+")


def safe_model_name(name: str) -> str:
    """A file-name-safe version of a scenario name ("Bogie 3 / left disc" -> "Bogie 3 - left disc")."""
    cleaned = _UNSAFE.sub("-", name.strip()).strip(" .-")
    return cleaned[:80] or "model"


def library_path_for(name: str, folder: Optional[Path] = None) -> Path:
    """Where a model called ``name`` is saved in the library (the folder is created)."""
    folder = Path(folder) if folder is not None else model_library_dir()
    folder.mkdir(parents=True, exist_ok=True)
    return folder / f"{safe_model_name(name)}{DEFAULT_SUFFIX}"
