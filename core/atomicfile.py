"""Writing files so that a crash, a full disk or a read-only folder never leaves half a file behind.

Every file the inspector produces (heatmaps, reports, the review-log link index) is written to a temporary
file in the destination folder and moved into place with ``os.replace`` only after it was flushed to disk.
A reader therefore sees either the old file or the complete new one.

Write permission is judged by the permission bits as well as by the operating system: the tool is often
run with administrator rights on shared batch folders, and a folder or file that someone marked read-only
is respected even when the account could override it.
"""
from __future__ import annotations

import contextlib
import errno
import os
import stat
import tempfile
from pathlib import Path
from typing import IO, Iterator

_WRITE_BITS = stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH


def is_marked_read_only(path: str | Path) -> bool:
    """True when ``path`` has no write permission bit at all, or this account may not write to it."""
    try:
        mode = os.stat(path).st_mode
    except OSError:
        return False
    return (mode & _WRITE_BITS) == 0 or not os.access(path, os.W_OK)


def folder_accepts_writes(folder: str | Path) -> bool:
    """Whether new files can be created in ``folder`` (an existing directory).

    Besides the permission bits this creates and removes a probe file, which is the only reliable test for
    read-only mounts and network shares whose permissions are not what ``stat`` reports.
    """
    folder = Path(folder)
    if not folder.is_dir() or is_marked_read_only(folder):
        return False
    try:
        handle, probe = tempfile.mkstemp(prefix=".write-probe-", dir=folder)
    except OSError:
        return False
    os.close(handle)
    with contextlib.suppress(OSError):
        os.unlink(probe)
    return True


def nearest_existing_folder(path: str | Path) -> Path:
    """The folder itself if it exists, else its closest existing ancestor (where it would be created)."""
    path = Path(path).absolute()
    while not path.exists() and path.parent != path:
        path = path.parent
    return path


def current_umask() -> int:
    """The process's umask, read without changing it where the system allows (Linux reports it in /proc).

    Setting and restoring the umask to read it would briefly give files made by other threads the wrong mode.
    """
    with contextlib.suppress(OSError, ValueError):
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def new_file_mode() -> int:
    """The mode an ordinary new file gets (0o666 less the umask).

    Temporary files are created private (0600); the finished file must be readable by whoever may read the
    user's other files, e.g. colleagues opening reports and models on a shared drive.
    """
    return 0o666 & ~current_umask()


def give_default_mode(handle: int) -> None:
    """Give the open file ``handle`` the mode a plainly created file would have (no-op where unsupported)."""
    if hasattr(os, "fchmod"):
        with contextlib.suppress(OSError):
            os.fchmod(handle, new_file_mode())


class ReadOnlyFolderError(PermissionError):
    """The destination folder does not accept new files."""


@contextlib.contextmanager
def atomic_writer(path: str | Path, binary: bool = True, encoding: str = "utf-8",
                  newline: str | None = None, durable: bool = True) -> Iterator[IO]:
    """Yield a file object whose content replaces ``path`` only if the ``with`` block finishes.

    On any exception the temporary file is removed and ``path`` keeps its previous content (or stays absent).
    ``durable`` flushes the data to the disk before the rename (slower); files that can be recomputed, such as
    heatmaps, skip it.
    """
    path = Path(path)
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir() or is_marked_read_only(folder):
        raise ReadOnlyFolderError(f"cannot write to folder {folder}: it is read-only or missing")
    try:
        handle, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=folder)
    except OSError as exc:
        if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
            raise ReadOnlyFolderError(f"cannot write to folder {folder}: it is read-only") from None
        raise
    give_default_mode(handle)
    try:
        mode = "wb" if binary else "w"
        kwargs = {} if binary else {"encoding": encoding, "newline": newline}
        with os.fdopen(handle, mode, **kwargs) as stream:
            yield stream
            stream.flush()
            if durable:
                os.fsync(stream.fileno())
        os.replace(tmp_name, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp_name)
        raise
    if durable:
        _fsync_folder(folder)


def atomic_write_bytes(path: str | Path, data: bytes, durable: bool = True) -> None:
    with atomic_writer(path, durable=durable) as stream:
        stream.write(data)


def atomic_write_text(path: str | Path, text: str, encoding: str = "utf-8") -> None:
    with atomic_writer(path, binary=False, encoding=encoding, newline="") as stream:
        stream.write(text)


def _fsync_folder(folder: Path) -> None:
    """Make the rename itself durable (POSIX); folders cannot be opened this way on Windows."""
    if os.name != "posix":
        return
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
