"""View menu: what is drawn over the photo and how far it is zoomed (the panels' toggles join it at the end)."""
from __future__ import annotations

from PySide6.QtCore import QT_TRANSLATE_NOOP
from PySide6.QtGui import QKeySequence

from app.qt.qactions.command import Command, Menu

#: How much one press of + or - zooms.
ZOOM_STEP = 1.25

MENU = Menu("view", QT_TRANSLATE_NOOP("Menus", "&View"), dict(
    toggle_overlay=Command(
        QT_TRANSLATE_NOOP("Commands", "Heatmap &overlay"), ["O"],
        QT_TRANSLATE_NOOP("Commands", "Show or hide the heatmap"),
        short=QT_TRANSLATE_NOOP("Commands", "Heatmap"), checked=True,
        on_toggled=lambda w, on: w.inspector.set_overlay_visible(on), toolbar=(40, 0)),
    toggle_outline=Command(
        QT_TRANSLATE_NOOP("Commands", "Region o&utline"), ["Shift+O"],
        QT_TRANSLATE_NOOP("Commands", "Show or hide region outlines"), checked=True,
        on_toggled=lambda w, on: w.inspector.set_outline_visible(on)),
    fit=Command(
        QT_TRANSLATE_NOOP("Commands", "&Fit to window"), ["F"],
        QT_TRANSLATE_NOOP("Commands", "Fit the photo to the window"),
        short=QT_TRANSLATE_NOOP("Commands", "Fit"), run=lambda w: w.inspector.canvas.fit(), section=1),
    actual_size=Command(
        QT_TRANSLATE_NOOP("Commands", "&Actual size (1:1)"), ["1"],
        QT_TRANSLATE_NOOP("Commands", "One photo pixel per screen pixel"),
        short=QT_TRANSLATE_NOOP("Commands", "1:1"), run=lambda w: w.inspector.canvas.actual_size(), section=1),
    zoom_in=Command(
        QT_TRANSLATE_NOOP("Commands", "Zoom &in"), ["+", "=", QKeySequence.ZoomIn],
        QT_TRANSLATE_NOOP("Commands", "Zoom into the photo"), run=lambda w: w.photos.zoom_by(ZOOM_STEP), section=1),
    zoom_out=Command(
        QT_TRANSLATE_NOOP("Commands", "Zoom ou&t"), ["-", QKeySequence.ZoomOut],
        QT_TRANSLATE_NOOP("Commands", "Zoom out of the photo"), run=lambda w: w.photos.zoom_by(1 / ZOOM_STEP),
        section=1),
    hottest_spot=Command(
        QT_TRANSLATE_NOOP("Commands", "Go to &hottest spot"), ["H"],
        QT_TRANSLATE_NOOP("Commands", "Centre and zoom on the hottest part of the heatmap"),
        short=QT_TRANSLATE_NOOP("Commands", "Hottest spot"), run=lambda w: w.inspector.go_to_hottest_spot(),
        section=1, toolbar=(40, 1)),
))
