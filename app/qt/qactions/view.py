"""View menu: what is drawn over the photo and how far it is zoomed (the panels' toggles join it at the end)."""
from __future__ import annotations

from PySide6.QtGui import QKeySequence

from app.qt.qactions.command import Command, Menu

#: How much one press of + or - zooms.
ZOOM_STEP = 1.25

MENU = Menu("view", "&View", (
    Command("toggle_overlay", "Heatmap &overlay", ["O"], "Show or hide the heatmap", short="Heatmap", checked=True,
            on_toggled=lambda w, on: w.inspector.set_overlay_visible(on), toolbar=(40, 0)),
    Command("toggle_outline", "Region o&utline", ["Shift+O"], "Show or hide region outlines", checked=True,
            on_toggled=lambda w, on: w.inspector.set_outline_visible(on)),
    Command("fit", "&Fit to window", ["F"], "Fit the photo to the window", short="Fit",
            run=lambda w: w.inspector.canvas.fit(), section=1),
    Command("actual_size", "&Actual size (1:1)", ["1"], "One photo pixel per screen pixel", short="1:1",
            run=lambda w: w.inspector.canvas.actual_size(), section=1),
    Command("zoom_in", "Zoom &in", ["+", "=", QKeySequence.ZoomIn], "Zoom into the photo",
            run=lambda w: w.photos.zoom_by(ZOOM_STEP), section=1),
    Command("zoom_out", "Zoom ou&t", ["-", QKeySequence.ZoomOut], "Zoom out of the photo",
            run=lambda w: w.photos.zoom_by(1 / ZOOM_STEP), section=1),
    Command("hottest_spot", "Go to &hottest spot", ["H"], "Centre and zoom on the hottest part of the heatmap",
            short="Hottest spot", run=lambda w: w.inspector.go_to_hottest_spot(), section=1, toolbar=(40, 1)),
))
