"""The inspector's language: English or Simplified Chinese, the system's unless the reviewer chose one.

Texts are translated by Qt from the compiled catalogues ``resources/i18n/csa_inspector_<language>.qm``, which
``make translations`` builds from the ``.ts`` files (and ``make package`` puts in the bundle). A checkout where
nobody ran make still gets its language: a missing or outdated ``.qm`` is compiled once into the user's cache
folder with PySide6's own ``lrelease``. Qt's catalogue of its standard texts (OK, Cancel, …) comes along, and
the default QLocale follows the language, so numbers and dates read the way the reviewer expects.
"""
from __future__ import annotations

import logging
import re
import subprocess
import sys
from pathlib import Path
from typing import Optional

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QTranslator
from PySide6.QtWidgets import QMenu, QMenuBar

from core import (
    DEFAULT_LANGUAGE,
    LANGUAGES,
    TS_PREFIX,
    normalize_language,
    set_language,
    translation_source,
)

log = logging.getLogger(__name__)

# What the language menu shows: each language in its own words, so anyone can find theirs.
LANGUAGE_NAMES = {"en": "English", "zh_CN": "简体中文"}

_installed: list[QTranslator] = []
_active_language = DEFAULT_LANGUAGE


def system_language() -> str:
    return normalize_language(QLocale.system().name())


def effective_language(choice: Optional[str]) -> str:
    """The reviewer's choice when it is a language we have; the system's language otherwise."""
    return choice if choice in LANGUAGES else system_language()


def active_language() -> str:
    """The language of the running inspector (what reports exported from it are written in)."""
    return _active_language


def _cache_folder() -> Path:
    from platformdirs import user_cache_dir

    from app import APP_NAME, ORGANIZATION

    return Path(user_cache_dir(APP_NAME, ORGANIZATION)) / "i18n"


def _lrelease() -> Optional[Path]:
    import PySide6

    folder = Path(PySide6.__file__).resolve().parent
    for name in ("lrelease", "lrelease.exe"):
        if (folder / name).is_file():
            return folder / name
    return None


def compiled_catalog(language: str) -> Optional[Path]:
    """The ``.qm`` of a language, compiling it from its ``.ts`` when the built one is missing or outdated."""
    source = translation_source(language)
    built = source.with_suffix(".qm")
    if built.is_file() and (not source.is_file() or built.stat().st_mtime >= source.stat().st_mtime):
        return built
    if not source.is_file():
        return None
    cached = _cache_folder() / f"{TS_PREFIX}_{language}.qm"
    if cached.is_file() and cached.stat().st_mtime >= source.stat().st_mtime:
        return cached
    tool = _lrelease()
    if tool is None or getattr(sys, "frozen", False):
        log.warning("no compiled translation for %s and no lrelease to build it; showing English", language)
        return None
    cached.parent.mkdir(parents=True, exist_ok=True)
    result = subprocess.run([str(tool), "-silent", str(source), "-qm", str(cached)], capture_output=True, text=True)
    if result.returncode != 0 or not cached.is_file():
        log.warning("cannot compile %s: %s", source, result.stderr.strip())
        return None
    return cached


def install_language(app: QCoreApplication, language: str) -> str:
    """Make ``language`` the inspector's language; returns the one in effect (English when it cannot load)."""
    global _active_language
    for translator in _installed:
        app.removeTranslator(translator)
    _installed.clear()
    _active_language = DEFAULT_LANGUAGE
    set_language(DEFAULT_LANGUAGE)
    QLocale.setDefault(QLocale(QLocale.English, QLocale.UnitedStates))
    if language == DEFAULT_LANGUAGE or language not in LANGUAGES:
        return DEFAULT_LANGUAGE
    catalog = compiled_catalog(language)
    ours = QTranslator(app)
    if catalog is None or not ours.load(str(catalog)):
        return DEFAULT_LANGUAGE
    qt_own = QTranslator(app)
    if qt_own.load(QLocale(language), "qtbase", "_", QLibraryInfo.path(QLibraryInfo.TranslationsPath)):
        app.installTranslator(qt_own)
        _installed.append(qt_own)
    app.installTranslator(ours)
    _installed.append(ours)
    QLocale.setDefault(QLocale(language))
    set_language(language)  # messages the engine words (warnings, review-log errors) follow the inspector
    _active_language = language
    return language


def find_menu(menubar: QMenuBar, title: str) -> Optional[QMenu]:
    """The menu of ``menubar`` titled ``title`` (its English text, e.g. "&Model"), in whichever language is shown.

    Menu titles are translated in the context "Menus"; code that adds entries to another module's menu finds it
    here instead of comparing with the English text, which a Chinese window does not show.
    """
    wanted = {title.replace("&", ""), QCoreApplication.translate("Menus", title).replace("&", "")}
    for action in menubar.actions():
        if action.menu() is not None and action.text().replace("&", "") in wanted:
            return action.menu()
    return None


def without_accelerator(text: str) -> str:
    """A menu text as a label: "&Confirm foreign body" -> "Confirm foreign body", "确认异物(&C)" -> "确认异物"."""
    return re.sub(r"\(&\w\)", "", text).replace("&", "")
