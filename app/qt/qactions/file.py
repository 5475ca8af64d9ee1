"""File menu: batches in and reports out, who is reviewing, quitting."""
from __future__ import annotations

from PySide6.QtCore import QT_TRANSLATE_NOOP
from PySide6.QtGui import QKeySequence

from app.qt.qactions.command import Command, Menu

MENU = Menu("file", QT_TRANSLATE_NOOP("Menus", "&File"), dict(
    open_batch=Command(
        QT_TRANSLATE_NOOP("Commands", "&Open batch folder…"), [QKeySequence.Open],
        QT_TRANSLATE_NOOP("Commands", "Open a folder of photos to review"),
        short=QT_TRANSLATE_NOOP("Commands", "Open batch…"), run=lambda w: w.batches.choose_batch(), toolbar=(10, 0)),
    reopen_last=Command(
        QT_TRANSLATE_NOOP("Commands", "Reopen &last batch"), ["Ctrl+Shift+O"],
        QT_TRANSLATE_NOOP("Commands", "Open the batch reviewed last"), run=lambda w: w.batches.reopen_last_batch()),
    open_model_file=Command(
        QT_TRANSLATE_NOOP("Commands", "Open model &file…"), ["Ctrl+M"],
        QT_TRANSLATE_NOOP("Commands", "Use a model file that is not in the library"),
        run=lambda w: w.models.choose_model_file()),
    export_report=Command(
        QT_TRANSLATE_NOOP("Commands", "&Export report…"), ["Ctrl+E"],
        QT_TRANSLATE_NOOP("Commands", "Write the batch report as PDF, HTML or CSV"),
        short=QT_TRANSLATE_NOOP("Commands", "Export…"), run=lambda w: w.reports.export_report(),
        enabled=lambda s: s.has_batch, section=1, toolbar=(40, 2)),
    change_reviewer=Command(
        QT_TRANSLATE_NOOP("Commands", "Change &reviewer…"), [],
        QT_TRANSLATE_NOOP("Commands", "Set the name recorded with each decision"),
        run=lambda w: w.review.change_reviewer(), section=2),
    quit=Command(
        QT_TRANSLATE_NOOP("Commands", "&Quit"), [QKeySequence.Quit],
        QT_TRANSLATE_NOOP("Commands", "Close the inspector"), run=lambda w: w.close(), section=3),
))
