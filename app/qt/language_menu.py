"""View → Language: the system's language, English or Simplified Chinese, kept in the inspector's settings.

Every text of the window is made when the window is built, so a new language shows after a restart; the dialog
offers one at once (nothing is lost: each decision is in the review log the moment it is made).
"""
from __future__ import annotations

import sys
from typing import Callable, Optional

from PySide6.QtCore import QCoreApplication, QProcess
from PySide6.QtGui import QAction, QActionGroup
from PySide6.QtWidgets import QMainWindow, QMenu, QMenuBar, QMessageBox

from app.qt.i18n import LANGUAGE_NAMES, LANGUAGES, active_language, effective_language, find_menu, system_language
from app.qt.settings import InspectorSettings

SYSTEM_CHOICE = ""


def restart_program() -> bool:
    """Start the inspector again with the same command line (the caller closes this one)."""
    if getattr(sys, "frozen", False):
        return QProcess.startDetached(sys.executable, sys.argv[1:])[0]
    return QProcess.startDetached(sys.executable, sys.argv)[0]


def ask_restart(window: QMainWindow, restart: Callable[[], bool] = restart_program) -> bool:
    """Offer to restart now; True when the window closed and a new inspector was started."""
    answer = QMessageBox.question(
        window, QCoreApplication.translate("LanguageMenu", "Language"),
        QCoreApplication.translate("LanguageMenu", "The inspector shows the new language after a restart. "
                                                   "Restart now? Your decisions are already saved."),
        QMessageBox.Yes | QMessageBox.No, QMessageBox.Yes)
    if answer != QMessageBox.Yes or not window.close():
        return False
    return restart()


def add_language_menu(menubar: QMenuBar, settings: InspectorSettings, window: Optional[QMainWindow] = None,
                      restart: Callable[[], bool] = restart_program) -> QMenu:
    """A submenu of View (or of the menu bar when there is none) with the system choice and each language."""
    view_menu = find_menu(menubar, "&View")
    menu = (view_menu or menubar).addMenu(QCoreApplication.translate("LanguageMenu", "&Language"))
    menu.setObjectName("languageMenu")
    group = QActionGroup(menu)
    group.setExclusive(True)
    chosen = settings.language if settings.language in LANGUAGES else SYSTEM_CHOICE
    system_name = LANGUAGE_NAMES[system_language()]
    entries = [(SYSTEM_CHOICE, QCoreApplication.translate("LanguageMenu", "System language ({name})").format(
        name=system_name))] + [(code, LANGUAGE_NAMES[code]) for code in LANGUAGES]
    for code, label in entries:
        action = QAction(label, menu, checkable=True)
        action.setData(code)
        action.setChecked(code == chosen)
        group.addAction(action)
        menu.addAction(action)

    def choose(action: QAction) -> None:
        code = str(action.data() or "")
        settings.language = code
        settings.sync()
        if effective_language(code) != active_language() and window is not None:
            ask_restart(window, restart)

    group.triggered.connect(choose)
    return menu
