"""File menu: batches in and reports out, who is reviewing, quitting."""
from __future__ import annotations

from PySide6.QtGui import QKeySequence

from app.qt.qactions.command import Command, Menu

MENU = Menu("file", "&File", (
    Command("open_batch", "&Open batch folder…", [QKeySequence.Open], "Open a folder of photos to review",
            short="Open batch…", run=lambda w: w.batches.choose_batch(), toolbar=(10, 0)),
    Command("reopen_last", "Reopen &last batch", ["Ctrl+Shift+O"], "Open the batch reviewed last",
            run=lambda w: w.batches.reopen_last_batch()),
    Command("open_model_file", "Open model &file…", ["Ctrl+M"], "Use a model file that is not in the library",
            run=lambda w: w.models.choose_model_file()),
    Command("export_report", "&Export report…", ["Ctrl+E"], "Write the batch report as PDF, HTML or CSV",
            short="Export…", run=lambda w: w.reports.export_report(), enabled=lambda s: s.has_batch, section=1,
            toolbar=(40, 2)),
    Command("change_reviewer", "Change &reviewer…", [], "Set the name recorded with each decision",
            run=lambda w: w.review.change_reviewer(), section=2),
    Command("quit", "&Quit", [QKeySequence.Quit], "Close the inspector", run=lambda w: w.close(), section=3),
))
