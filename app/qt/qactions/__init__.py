"""The inspector's commands, declared once each and grouped by the menu they live in.

``file.py`` ... ``help.py`` hold one :class:`~app.qt.qactions.command.Command` per command (words, keys,
toolbar place, handler, enable rule); :class:`~app.qt.qactions.registry.CommandRegistry` builds the QActions,
menus and toolbar from them and refreshes what is enabled from a :class:`~app.qt.qactions.state.CommandState`.
"""
from app.qt.qactions.command import Command, Menu
from app.qt.qactions.registry import MENUS, CommandRegistry
from app.qt.qactions.state import CommandState

__all__ = ["Command", "CommandRegistry", "CommandState", "MENUS", "Menu"]
