"""Where the files under ``resources/`` (icons and the like) are, in the source tree and in the desktop bundle.

From a checkout, ``resources/`` sits next to ``core/``. The PyInstaller bundle (``make package``) copies it to
the same relative place inside its data folder, ``sys._MEIPASS``, because in a frozen program ``__file__`` is not
a dependable anchor. Code that needs a bundled file asks :func:`resource_path` so both layouts work unchanged.
"""
from __future__ import annotations

import sys
from pathlib import Path

__all__ = ["RESOURCES_DIRNAME", "resource_path", "resources_root"]

RESOURCES_DIRNAME = "resources"


def resources_root() -> Path:
    """The ``resources/`` folder of the running program: the bundle's data folder when frozen, else the checkout."""
    bundle_dir = getattr(sys, "_MEIPASS", None)
    if getattr(sys, "frozen", False) and bundle_dir:
        return Path(bundle_dir) / RESOURCES_DIRNAME
    return Path(__file__).resolve().parent.parent / RESOURCES_DIRNAME


def resource_path(*parts: str) -> Path:
    """Path of a file or folder under ``resources/``, e.g. ``resource_path("icons", "app.svg")``.

    Existence is not checked, so callers can decide whether a missing file is an error or means "use a
    fallback". Parts that would leave ``resources/`` (absolute paths, ``..``) are refused, since they point
    at files the bundle does not contain.
    """
    relative = Path(*parts) if parts else Path()
    if relative.is_absolute() or ".." in relative.parts:
        raise ValueError(f"a resource path must stay inside {RESOURCES_DIRNAME}/; got {'/'.join(parts)!r}")
    return resources_root() / relative
