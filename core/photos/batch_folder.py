"""What a batch is: every photo at any depth below the batch folder, keyed by its path relative to it.

Depots store an inspection as a tree (train set / date / car / camera), so a batch folder may hold photos
directly, in subfolders, or both. The command line, the inspector, reports, retraining, the bench and the
review log all take the batch's photos from :func:`list_batch`, so they never disagree on what a batch is.

Rules, chosen so an overnight run over a share neither stops nor runs forever:
- hidden files and folders (leading dot, Windows hidden attribute) are skipped, and with them the batch's own
  ``.csa-inspector`` folder (review log, heatmaps);
- folders given in ``exclude`` (e.g. a results folder written inside the batch) are skipped;
- a linked folder is entered once: a link back into a folder being walked (a loop), or to a folder already
  listed through another path, is refused with a reason; a broken link is reported, not fatal;
- a photo is identified by its path relative to the resolved batch folder, with ``/`` separators, whatever
  path the user typed (``b``, ``./b``, ``/data/b``): the same photo always has the same key.
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Iterable, Optional

from core.photos.imageio import IMAGE_SUFFIXES, has_hidden_attribute, natural_key


@dataclass(frozen=True)
class SkippedEntry:
    """Something below the batch folder that is not part of the batch, and why."""

    rel_path: str
    reason: str


@dataclass
class BatchListing:
    """The photos of a batch folder (absolute paths below the resolved folder, natural order) and what was skipped."""

    root: Path
    photos: list[Path] = field(default_factory=list)
    skipped: list[SkippedEntry] = field(default_factory=list)

    @property
    def rel_paths(self) -> list[str]:
        return [photo_key(self.root, p) for p in self.photos]


def resolve_batch_folder(folder: str | os.PathLike[str]) -> Path:
    """The canonical batch folder: absolute, links and ``..`` resolved; ``OSError`` if it is not a folder."""
    root = Path(folder).expanduser()
    if not root.exists():
        raise FileNotFoundError(f"batch folder not found: {root}")
    if not root.is_dir():
        raise NotADirectoryError(f"not a folder: {root}")
    return root.resolve()


def photo_key(root: Path, path: str | os.PathLike[str]) -> str:
    """A photo's key in the batch rooted at ``root`` (a resolved folder).

    A relative ``path`` is taken as a key already; an absolute one below ``root`` (as typed, or once its links
    are resolved) becomes relative; anything else keeps its absolute path so it can never collide with a key.
    """
    candidate = Path(path)
    if not candidate.is_absolute():
        return PurePosixPath(candidate.as_posix()).as_posix()
    absolute = Path(os.path.abspath(candidate))
    for base in (root, Path(os.path.abspath(root))):
        try:
            return absolute.relative_to(base).as_posix()
        except ValueError:
            pass
    try:
        return candidate.resolve().relative_to(root.resolve()).as_posix()
    except (ValueError, OSError):
        return absolute.as_posix()


def folder_of(key: str) -> str:
    """The subfolder part of a photo key ('' for a photo directly in the batch folder)."""
    parent = PurePosixPath(key).parent.as_posix()
    return "" if parent == "." else parent


def list_batch(folder: str | os.PathLike[str], exclude: Iterable[str | os.PathLike[str]] = ()) -> BatchListing:
    """Every photo of the batch in ``folder``; ``OSError`` when the folder itself is missing or unreadable."""
    root = resolve_batch_folder(folder)
    excluded = {_real(Path(e)) for e in exclude}
    listing = BatchListing(root)
    os.scandir(root).close()  # an unreadable batch folder is an error, an unreadable subfolder is skipped
    visited: set[str] = {str(root)}
    # each pending entry: (folder path as walked, key prefix, real paths of the folders above it)
    pending: list[tuple[str, str, tuple[str, ...]]] = [(str(root), "", (str(root),))]
    while pending:
        current, prefix, ancestors = pending.pop()
        try:
            entries = sorted(os.scandir(current), key=lambda e: natural_key(Path(e.name)))
        except OSError as exc:
            listing.skipped.append(SkippedEntry(prefix.rstrip("/") or ".", f"folder cannot be read ({exc.strerror or exc})"))
            continue
        # walk subfolders in natural order (the stack pops the last one first), so which of two links to the
        # same folder is followed never depends on the file system's order
        below: list[tuple[str, str, tuple[str, ...]]] = []
        for entry in entries:
            rel = prefix + entry.name
            if entry.name.startswith("."):
                continue
            try:
                if has_hidden_attribute(entry):
                    continue
                if entry.is_symlink():
                    target = os.path.realpath(entry.path)
                    if not os.path.exists(target):
                        listing.skipped.append(SkippedEntry(rel, "broken link: its target does not exist"))
                        continue
                    inside = _is_below(target, str(root))
                    if os.path.isdir(target):
                        if target in ancestors or any(_is_below(a, target) for a in ancestors):
                            listing.skipped.append(SkippedEntry(rel, "link loop: it points back into a folder above it"))
                            continue
                        if inside:
                            listing.skipped.append(
                                SkippedEntry(rel, "link to a folder inside the batch, listed under its own name"))
                            continue
                        if target in visited:
                            listing.skipped.append(SkippedEntry(rel, "linked folder already listed through another path"))
                            continue
                        if target in excluded:
                            continue
                        visited.add(target)
                        below.append((entry.path, rel + "/", (*ancestors, target)))
                        continue
                    if _is_photo_name(entry.name) and os.path.isfile(target):
                        if inside:
                            listing.skipped.append(
                                SkippedEntry(rel, "link to a photo inside the batch, listed under its own name"))
                        else:
                            listing.photos.append(root / rel)
                    continue
                if entry.is_dir(follow_symlinks=False):
                    real = _real(Path(entry.path))
                    if real in excluded or real in visited:
                        continue
                    visited.add(real)
                    below.append((entry.path, rel + "/", (*ancestors, real)))
                    continue
                if _is_photo_name(entry.name) and entry.is_file(follow_symlinks=False):
                    listing.photos.append(root / rel)
            except OSError as exc:
                listing.skipped.append(SkippedEntry(rel, f"cannot be read ({exc.strerror or exc})"))
        pending.extend(reversed(below))
    listing.photos.sort(key=lambda p: natural_key(p.relative_to(root)))
    listing.skipped.sort(key=lambda s: natural_key(Path(s.rel_path)))
    return listing


def list_batch_photos(folder: str | os.PathLike[str], exclude: Iterable[str | os.PathLike[str]] = ()) -> list[Path]:
    """The photos of a batch folder (see :func:`list_batch`); an unreadable folder gives an empty list."""
    try:
        return list_batch(folder, exclude).photos
    except OSError:
        return []


def _is_photo_name(name: str) -> bool:
    return name.lower().endswith(IMAGE_SUFFIXES)


def _real(path: Path) -> str:
    return os.path.realpath(path)


def _is_below(folder: str, target: str) -> bool:
    """True when ``folder`` lies inside ``target`` (so entering ``target`` would walk ``folder`` again)."""
    try:
        return os.path.commonpath([folder, target]) == target
    except ValueError:
        return False


def subfolder_order(keys: Iterable[str]) -> list[str]:
    """The subfolders of ``keys`` in natural order ('' first), as the inspector and reports group photos."""
    folders = {folder_of(k) for k in keys}
    return sorted(folders, key=lambda f: (f != "", natural_key(Path(f)) if f else ()))


def photo_sort_key(key: str) -> tuple:
    """Natural order of photo keys: folder by folder, then by name (``img_2`` before ``img_10``)."""
    return natural_key(Path(key))


def optional_listing(folder: Optional[str | os.PathLike[str]]) -> Optional[BatchListing]:
    """The listing of ``folder``, or None when it is gone or unreadable (a report of a moved batch still works)."""
    if folder is None:
        return None
    try:
        return list_batch(folder)
    except OSError:
        return None
