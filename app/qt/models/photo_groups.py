"""Photos grouped by the subfolder they lie in (date / car / camera), and the order the photo list follows.

A depot stores an inspection as a tree, and a reviewer works through it camera by camera: the list shows the
folders in their natural order (``car2`` before ``car10``, the batch folder itself first) and, inside each
folder, the photos in the review order the list model chose. :func:`in_list_order` is the one place the folder
order is decided; the list, "Next", "Previous" and "Next undecided" all walk the rows it produces.
"""
from __future__ import annotations

import html
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Callable, Iterable, Sequence

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication

from core import folder_of
from core import subfolder_order
from core import ImageRecord

BATCH_FOLDER_LABEL = QT_TRANSLATE_NOOP("PhotoGroups", "(batch folder)")


@dataclass(frozen=True)
class GroupHeader:
    """A header row of the photo list; never equal to a photo's key (a string)."""

    folder: str


@dataclass
class GroupCounts:
    """What a folder's header says: how many photos, how many flagged, how many have a decision."""

    folder: str
    photos: int = 0
    flagged: int = 0
    reviewed: int = 0
    unscored: int = 0
    errors: int = 0
    flagged_open: int = 0  # flagged and without a decision yet

    @property
    def label(self) -> str:
        return group_label(self.folder)

    def summary(self) -> str:
        """E.g. "20 photos · 3 flagged · 1 reviewed"; states only worth a word when present are left out otherwise."""
        photos = QCoreApplication.translate("PhotoGroups",
            "{count} photo") if self.photos == 1 else QCoreApplication.translate("PhotoGroups", "{count} photos")
        parts = [photos.format(count=self.photos), QCoreApplication.translate("PhotoGroups",
            "{count} flagged").format(count=self.flagged),
                 QCoreApplication.translate("PhotoGroups", "{count} reviewed").format(count=self.reviewed)]
        if self.unscored:
            parts.append(QCoreApplication.translate("PhotoGroups", "{count} not scored").format(count=self.unscored))
        if self.errors:
            parts.append(QCoreApplication.translate("PhotoGroups", "{count} unreadable").format(count=self.errors))
        return " · ".join(parts)

    @property
    def done(self) -> bool:
        """Every photo of the folder is scored and every flagged one has a decision (the header is drawn calmer)."""
        return self.flagged_open == 0 and self.unscored == 0


@dataclass(frozen=True)
class GroupRow:
    """What a folder header row shows: the folder's counts and whether it is collapsed."""

    counts: GroupCounts
    collapsed: bool


def group_label(folder: str) -> str:
    return folder if folder else QCoreApplication.translate("PhotoGroups", BATCH_FOLDER_LABEL)


def photo_title(rel_path: str, muted_color: str = "#9aa1aa") -> str:
    """The file name, and below it the folder it lies in when the batch is a tree (every camera has an img_0004);
    rich text for a label. A photo directly in the batch folder gets its plain name, as before."""
    folder = folder_of(rel_path)
    name = PurePosixPath(rel_path).name
    if not folder:
        return name
    return (f"{html.escape(name)}<br><span style='color:{muted_color}; font-weight:normal'>"
            f"{html.escape(folder)}</span>")


class FolderIndex:
    """Folder of each photo key, remembered: the list re-sorts thousands of keys on every change."""

    def __init__(self) -> None:
        self._folder: dict[str, str] = {}

    def folder(self, rel_path: str) -> str:
        folder = self._folder.get(rel_path)
        if folder is None:
            # keys are normalised posix paths: the part before the last "/" is core.folder_of's answer, without
            # building a path object per photo; a key at the file-system root ("/x.jpg") is left to folder_of
            head, slash, _name = rel_path.rpartition("/")
            folder = self._folder[rel_path] = head if head or not slash else folder_of(rel_path)
        return folder

    def folders(self, rel_paths: Iterable[str]) -> list[str]:
        """The distinct folders of ``rel_paths`` in list order (natural order, the batch folder first)."""
        one_photo_each = {self.folder(rel): rel for rel in rel_paths}
        return subfolder_order(one_photo_each.values())


def is_in_folder(folder: str, chosen: str) -> bool:
    """True when a photo lying in ``folder`` is listed when ``chosen`` is: the folder itself and every one below it
    (choosing a car lists its cameras); the batch folder ('') lists only the photos directly in it."""
    return folder == chosen or (bool(chosen) and folder.startswith(chosen + "/"))


def folder_choices(folders: Sequence[str]) -> list[str]:
    """The folders a reviewer can list on their own: each folder holding photos and each folder above them that
    splits the batch (a car above its cameras), a folder before the ones below it. A folder above every photo (the
    inspection date of a one-day batch) is left out: listing it is listing everything."""
    below: dict[str, int] = {}
    for folder in folders:
        parts = folder.split("/") if folder else []
        for depth in range(1, len(parts)):
            prefix = "/".join(parts[:depth])
            below[prefix] = below.get(prefix, 0) + 1
    choices: list[str] = []
    seen: set[str] = set()
    for folder in folders:
        parts = folder.split("/") if folder else []
        for depth in range(1, len(parts) + 1):
            prefix = "/".join(parts[:depth])
            if prefix not in seen and (depth == len(parts) or below[prefix] < len(folders)):
                seen.add(prefix)
                choices.append(prefix)
        if not parts and folder not in seen:
            seen.add(folder)
            choices.append(folder)
    return choices


def counts_with_folders_above(counts: dict[str, GroupCounts], choices: Iterable[str]) -> dict[str, GroupCounts]:
    """The counts of each choice: a folder's own photos plus those of every folder below it."""
    wanted = set(choices)
    total: dict[str, GroupCounts] = {}
    for folder, group in counts.items():
        parts = folder.split("/") if folder else [""]
        for depth in range(1, len(parts) + 1):
            prefix = "/".join(parts[:depth])
            if prefix not in wanted:
                continue
            into = total.get(prefix)
            if into is None:
                into = total[prefix] = GroupCounts(prefix)
            into.photos += group.photos
            into.flagged += group.flagged
            into.reviewed += group.reviewed
            into.unscored += group.unscored
            into.errors += group.errors
            into.flagged_open += group.flagged_open
    return total


def in_list_order(rel_paths: list[str], folder_of_rel: Callable[[str], str], folders: Sequence[str]) -> list[str]:
    """The photo list's order: folder by folder in the order of ``folders`` (natural order); inside a folder the
    photos keep the order they come in (the review order the list model chose: highest score first, ...)."""
    if len(folders) <= 1:
        return list(rel_paths)  # a flat batch: one folder, nothing to move
    rank = {name: i for i, name in enumerate(folders)}
    return sorted(rel_paths, key=lambda rel: rank[folder_of_rel(rel)])  # stable: the review order stays


def count_groups(records: Iterable[ImageRecord], folder_of_rel: Callable[[str], str],
                 is_flagged: Callable[[ImageRecord], bool]) -> dict[str, GroupCounts]:
    """One pass over the records: the numbers every folder header shows."""
    counts: dict[str, GroupCounts] = {}
    for record in records:
        folder = folder_of_rel(record.rel_path)
        group = counts.get(folder)
        if group is None:
            group = counts[folder] = GroupCounts(folder)
        group.photos += 1
        flagged = is_flagged(record)
        group.flagged += flagged
        if record.decision is not None:
            group.reviewed += 1
        elif flagged:
            group.flagged_open += 1
        if record.score is None:
            if record.error is not None:
                group.errors += 1
            elif not record.scored_at:
                group.unscored += 1
    return counts
