"""The model library: one trained model per inspection scenario, kept in the user's data folder.

A depot usually inspects a few kinds of braking device from fixed camera positions; each such scenario
gets its own model, named after it, so reviewers pick "bogie-left-disc" from a list instead of hunting
for files. The command line and the inspector both save into and list from here.
"""
from __future__ import annotations

import glob
import json
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
    """One scenario of the library: its name and the file of the version in use."""

    name: str
    path: Path  # the active version (see ``active_version``)
    modified: float  # seconds since the epoch of the newest version, newest first in listings
    version: int = 1
    n_versions: int = 1

    @property
    def label(self) -> str:
        """"bogie-left", or "bogie-left · v2 of 3" once the model has been improved from reviews."""
        return self.name if self.n_versions <= 1 else f"{self.name} · v{self.version} of {self.n_versions}"


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
    """Scenarios directly in the library or one level down (a folder per scenario); newest first.

    The versions of a model improved from reviews ("x.csa", "x.v2.csa" ...) are one entry that points at the
    version in use, so the list shows scenarios, not files.
    """
    folder = Path(folder) if folder is not None else model_library_dir()
    if not folder.is_dir():
        return []
    groups: dict[tuple[Path, str], list[tuple[Path, float]]] = {}
    prefixes: dict[tuple[Path, str], str] = {}
    for entry in sorted(folder.iterdir()):
        candidates = [entry] if entry.is_file() else sorted(entry.iterdir()) if entry.is_dir() else []
        for candidate in candidates:
            if not is_model_file(candidate):
                continue
            try:
                modified = candidate.stat().st_mtime
            except OSError:
                continue
            key = (candidate.parent, split_version(candidate)[0])
            groups.setdefault(key, []).append((candidate, modified))
            prefixes[key] = "" if candidate.parent == folder else f"{entry.name}/"
    found: list[LibraryModel] = []
    pointers: dict[Path, dict[str, str]] = {}  # active.json of each folder, read once
    for (parent, base), files in groups.items():
        if parent not in pointers:
            pointers[parent] = _read_active(parent)
        active = _pick_active(base, [path for path, _ in files], pointers[parent])
        found.append(LibraryModel(name=f"{prefixes[(parent, base)]}{base}", path=active,
                                  modified=max(m for _, m in files), version=split_version(active)[1],
                                  n_versions=len(files)))
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


# ------------------------------------------------------------------------------------------ versions
#
# A model improved from a review is saved next to its parent as "<name>.v2.csa", "<name>.v3.csa" ..., never over
# it, so a retrained model that turns out worse can be dropped by making an earlier version active again. Which
# version is in use is recorded per model in a small "active.json" in the folder of the model files; without an
# entry the original (unversioned) file stays active, so saving a new version never switches to it by itself.

ACTIVE_FILE = "active.json"
_VERSION = re.compile(r"^(?P<base>.+)\.v(?P<n>[0-9]+)$")


def split_version(path: Path) -> tuple[str, int]:
    """("bogie-left", 3) for ``bogie-left.v3.csa``; the original file is version 1."""
    match = _VERSION.match(Path(path).stem)
    return (match["base"], int(match["n"])) if match else (Path(path).stem, 1)


def model_versions(path: Path) -> list[Path]:
    """Every saved version of the model that ``path`` belongs to (including itself), oldest first."""
    path = Path(path)
    base, _ = split_version(path)
    found = [p for p in path.parent.glob(f"{glob.escape(base)}*") if is_model_file(p) and split_version(p)[0] == base]
    return sorted(found, key=lambda p: split_version(p)[1])


def next_version_path(path: Path) -> Path:
    """Where the next version of ``path``'s model goes: one past the highest version saved so far."""
    path = Path(path)
    base, _ = split_version(path)
    highest = max([split_version(p)[1] for p in model_versions(path)] + [1])
    return path.with_name(f"{base}.v{highest + 1}{path.suffix or DEFAULT_SUFFIX}")


def active_version(path: Path) -> Path:
    """The version of ``path``'s model in use: the one recorded in ``active.json``, else the original file."""
    path = Path(path)
    versions = model_versions(path)
    return _pick_active(split_version(path)[0], versions, _read_active(path.parent)) if versions else path


def _pick_active(base: str, versions: list[Path], pointers: dict[str, str]) -> Path:
    """The version ``active.json`` names if it is one of ``versions``, else the lowest version."""
    chosen = pointers.get(base)
    named = [p for p in versions if p.name == chosen]
    return named[0] if named else min(versions, key=lambda p: split_version(p)[1])


def set_active_version(path: Path) -> None:
    """Make ``path`` the version in use of its model (e.g. go back to an earlier one)."""
    from core.atomicfile import atomic_write_text

    path = Path(path)
    if not is_model_file(path):
        raise FileNotFoundError(f"model file not found: {path}")
    base, _ = split_version(path)
    pointers = _read_active(path.parent)
    pointers[base] = path.name
    atomic_write_text(path.parent / ACTIVE_FILE, json.dumps(pointers, indent=1, sort_keys=True))


def activate_fresh_model(path: Path) -> None:
    """A model trained from scratch and saved over the original file of an improved one replaces all its versions:
    it becomes the version in use. A model without other versions needs no record of which is in use."""
    path = Path(path)
    if len(model_versions(path)) > 1:
        set_active_version(path)


def _read_active(folder: Path) -> dict[str, str]:
    try:
        data = json.loads((Path(folder) / ACTIVE_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return {str(k): str(v) for k, v in data.items()} if isinstance(data, dict) else {}

