"""What a command of the inspector is: its words, keys, place in the menus and toolbar, what it does and when it
can be used, all in one declaration.

The declarations live in one module per menu (``file.py``, ``review.py``, ...); :mod:`app.qt.qactions.registry`
turns them into QActions, menus and the toolbar and refreshes their enabled states, so adding a command means
writing one declaration and nothing else.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Callable, Mapping, Optional, Sequence

from PySide6.QtGui import QKeySequence

from app.qt.qactions.state import CommandState

if TYPE_CHECKING:
    from app.qt.main_window import MainWindow

Key = QKeySequence.StandardKey | str


@dataclass(frozen=True)
class Command:
    """One command. ``run`` gets the window; a checkable command gets ``on_toggled(window, checked)`` instead.

    ``enabled`` is asked on every state refresh; a command without it is always enabled. ``section`` splits its
    menu with separators, ``toolbar`` = (group, order) places it on the toolbar (groups are split by separators).
    """

    text: str
    keys: Sequence[Key] = ()
    tip: str = ""
    short: str = ""  # the toolbar button's label
    run: Optional[Callable[["MainWindow"], object]] = None
    on_toggled: Optional[Callable[["MainWindow", bool], object]] = None
    checked: Optional[bool] = None  # None: not checkable
    enabled: Optional[Callable[[CommandState], bool]] = None
    section: int = 0
    toolbar: Optional[tuple[int, int]] = None


@dataclass(frozen=True)
class Menu:
    """A menu of the menu bar: its title and its commands in menu order, by the name the window knows them by
    (``window.actions.<menu name>.<command name>``)."""

    name: str
    title: str
    commands: Mapping[str, Command]
