"""Turns the command declarations into QActions, menus and the toolbar, and keeps their enabled states current.

One QAction per command means the key, the menu entry, the toolbar button and any panel button all do the same
thing, are enabled together, and show the same shortcut in their tooltip.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Iterator, Mapping, Optional, Sequence

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMenuBar, QToolBar, QWidget

from app.qt.i18n import without_accelerator
from app.qt.qactions import file, help, model, navigate, review, view
from app.qt.qactions.command import Command, Menu
from app.qt.qactions.state import CommandState

if TYPE_CHECKING:
    from app.qt.main_window import MainWindow

#: The menus of the menu bar, left to right.
MENUS: tuple[Menu, ...] = (file.MENU, review.MENU, navigate.MENU, view.MENU, model.MENU, help.MENU)


def _tr(text: str) -> str:
    """A command's words in the inspector's language (declared with QT_TRANSLATE_NOOP in the "Commands" context)."""
    return QCoreApplication.translate("Commands", text)


def make_action(parent: QWidget, name: str, command: Command) -> QAction:
    """An action whose tooltip names its keys, e.g. "Next photo (Right, J)"; ``short`` labels toolbar buttons."""
    text = _tr(command.text)
    action = QAction(text, parent)
    action.setObjectName(name)
    if command.short:
        action.setIconText(_tr(command.short))
    keys = [QKeySequence(k) for k in command.keys]
    if keys:
        action.setShortcuts(keys)
        action.setShortcutContext(Qt.WindowShortcut)
    names = ", ".join(k.toString(QKeySequence.NativeText) for k in keys if not k.isEmpty())
    base = _tr(command.tip) if command.tip else without_accelerator(text).rstrip("…")
    action.setToolTip(f"{base} ({names})" if names else base)
    action.setStatusTip(base)
    if command.checked is not None:
        action.setCheckable(True)
        action.setChecked(command.checked)
    return action


class MenuActions:
    """The actions of one menu as attributes named after their commands (``actions.review.confirm``)."""

    def __init__(self, menu: Menu, actions: Mapping[str, QAction]) -> None:
        self.menu = menu
        self.by_name = dict(actions)

    def __getattr__(self, name: str) -> QAction:
        try:
            return self.__dict__["by_name"][name]
        except KeyError:
            raise AttributeError(name) from None

    def __iter__(self) -> Iterator[QAction]:
        return iter(self.by_name.values())


class CommandRegistry:
    """Every command of the window as a QAction, grouped by menu (``registry.model.score_batch``)."""

    def __init__(self, window: "MainWindow", menus: Sequence[Menu] = MENUS) -> None:
        self.menus = tuple(menus)
        self._rules: list[tuple[QAction, Command]] = []
        self._toolbar: list[tuple[tuple[int, int], QAction]] = []
        self._groups: dict[str, MenuActions] = {}
        for menu in self.menus:
            actions = {}
            for name, command in menu.commands.items():
                action = make_action(window, name, command)
                if command.on_toggled is not None:
                    action.toggled.connect(lambda on, c=command: c.on_toggled(window, on))
                elif command.run is not None:
                    action.triggered.connect(lambda _checked=False, c=command: c.run(window))
                if command.enabled is not None:
                    self._rules.append((action, command))
                if command.toolbar is not None:
                    self._toolbar.append((command.toolbar, action))
                actions[name] = action
            self._groups[menu.name] = MenuActions(menu, actions)

    def __getattr__(self, name: str) -> MenuActions:
        try:
            return self.__dict__["_groups"][name]
        except KeyError:
            raise AttributeError(name) from None

    def groups(self) -> tuple[MenuActions, ...]:
        return tuple(self._groups.values())

    def all(self) -> list[QAction]:
        return [action for group in self.groups() for action in group]

    # ------------------------------------------------------------------------------------------ building
    def build_menus(self, menubar: QMenuBar, extra: Optional[Mapping[str, Sequence[QAction]]] = None) -> None:
        """One menu per declaration module, split by sections; ``extra`` actions end a menu after a separator."""
        for group in self.groups():
            qmenu = menubar.addMenu(QCoreApplication.translate("Menus", group.menu.title))
            section = None
            for name, command in group.menu.commands.items():
                if section is not None and command.section != section:
                    qmenu.addSeparator()
                section = command.section
                qmenu.addAction(group.by_name[name])
            more = (extra or {}).get(group.menu.name)
            if more:
                qmenu.addSeparator()
                qmenu.addActions(list(more))

    def build_toolbar(self, toolbar: QToolBar, widgets: Optional[Mapping[int, QWidget]] = None) -> None:
        """The toolbar's commands by (group, order), groups split by separators; ``widgets`` open their group.

        Review and navigation come before the model commands: on a narrow screen the toolbar's end folds into
        its » menu, and what folds away should be the commands used once per batch, not on every photo.
        """
        widgets = dict(widgets or {})
        group = None
        for (place, _order), action in sorted(self._toolbar, key=lambda item: item[0]):
            if group is not None and place != group:
                toolbar.addSeparator()
            if place != group and place in widgets:
                toolbar.addWidget(widgets.pop(place))
            group = place
            toolbar.addAction(action)

    # ------------------------------------------------------------------------------------------ state
    def refresh(self, state: CommandState) -> None:
        for action, command in self._rules:
            action.setEnabled(bool(command.enabled(state)))

    def shortcut_rows(self) -> list[tuple[str, str]]:
        """(keys, label) for every command with keys, menu by menu: the F1 list."""
        rows = []
        for action in self.all():
            keys = ", ".join(k.toString(QKeySequence.NativeText) for k in action.shortcuts())
            if keys:
                rows.append((keys, without_accelerator(action.text())))
        return rows
