"""Every command of the inspector as a QAction, grouped by the menu it lives in.

One action per command means the key, the menu entry, the toolbar button and any panel button all do
the same thing, are enabled together, and show the same shortcut in their tooltip.
"""
from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Optional, Sequence

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMenuBar, QToolBar


def make_action(
    parent: QObject,
    text: str,
    shortcuts: Sequence[QKeySequence | QKeySequence.StandardKey | str] = (),
    tip: str = "",
    checkable: bool = False,
    checked: bool = False,
    short: str = "",
) -> QAction:
    """An action whose tooltip names its keys, e.g. "Next photo (Right, J)"; ``short`` labels toolbar buttons."""
    action = QAction(text, parent)
    if short:
        action.setIconText(short)
    keys = [QKeySequence(s) for s in shortcuts]
    if keys:
        action.setShortcuts(keys)
        action.setShortcutContext(Qt.WindowShortcut)
    names = ", ".join(k.toString(QKeySequence.NativeText) for k in keys if not k.isEmpty())
    base = tip or text.replace("&", "").rstrip("…")
    action.setToolTip(f"{base} ({names})" if names else base)
    action.setStatusTip(base)
    if checkable:
        action.setCheckable(True)
        action.setChecked(checked)
    return action


@dataclass
class FileActions:
    open_batch: QAction
    reopen_last: QAction
    open_model_file: QAction
    export_report: QAction
    change_reviewer: QAction
    quit: QAction


@dataclass
class ReviewActions:
    confirm: QAction
    reject: QAction
    unsure: QAction
    note: QAction
    undo: QAction


@dataclass
class NavigateActions:
    next: QAction
    previous: QAction
    next_undecided: QAction
    find: QAction


@dataclass
class ViewActions:
    toggle_overlay: QAction
    toggle_outline: QAction
    fit: QAction
    actual_size: QAction
    zoom_in: QAction
    zoom_out: QAction
    hottest_spot: QAction


@dataclass
class ModelActions:
    score_batch: QAction
    rescore_batch: QAction
    cancel_scoring: QAction
    train_model: QAction
    improve_model: QAction
    model_versions: QAction
    save_threshold: QAction
    operating_point: QAction
    refresh_library: QAction


@dataclass
class HelpActions:
    shortcuts: QAction
    about: QAction


@dataclass
class InspectorActions:
    file: FileActions
    review: ReviewActions
    navigate: NavigateActions
    view: ViewActions
    model: ModelActions
    help: HelpActions

    def all(self) -> list[QAction]:
        return [getattr(group, f.name) for group in self.groups() for f in fields(group)]

    def groups(self):
        return (self.file, self.review, self.navigate, self.view, self.model, self.help)


def create_actions(parent: QObject) -> InspectorActions:
    a = make_action
    return InspectorActions(
        file=FileActions(
            open_batch=a(parent, "&Open batch folder…", [QKeySequence.Open], "Open a folder of photos to review",
                         short="Open batch…"),
            reopen_last=a(parent, "Reopen &last batch", ["Ctrl+Shift+O"], "Open the batch reviewed last"),
            open_model_file=a(parent, "Open model &file…", ["Ctrl+M"], "Use a model file that is not in the library"),
            export_report=a(parent, "&Export report…", ["Ctrl+E"], "Write the batch report as PDF, HTML or CSV", short="Export…"),
            change_reviewer=a(parent, "Change &reviewer…", [], "Set the name recorded with each decision"),
            quit=a(parent, "&Quit", [QKeySequence.Quit], "Close the inspector"),
        ),
        review=ReviewActions(
            confirm=a(parent, "&Confirm foreign body", ["C"], "Confirm: a foreign body is present", short="Confirm"),
            reject=a(parent, "&Reject false alarm", ["R"], "Reject: no foreign body, a false alarm", short="Reject"),
            unsure=a(parent, "&Unsure", ["U"], "Mark as unsure, for a second opinion", short="Unsure"),
            note=a(parent, "&Note…", ["Ctrl+N"], "Write a note for this photo"),
            undo=a(parent, "&Undo last decision", [QKeySequence.Undo], "Undo your last decision", short="Undo"),
        ),
        navigate=NavigateActions(
            next=a(parent, "&Next photo", ["Right", "J"], "Next photo", short="Next ▸"),
            previous=a(parent, "&Previous photo", ["Left", "K"], "Previous photo", short="◂ Previous"),
            next_undecided=a(parent, "Next &undecided", ["N"], "Next photo without a decision", short="Next undecided"),
            find=a(parent, "&Find photo by name…", [QKeySequence.Find], "Search the photo list by file name"),
        ),
        view=ViewActions(
            toggle_overlay=a(parent, "Heatmap &overlay", ["O"], "Show or hide the heatmap", checkable=True, checked=True,
                             short="Heatmap"),
            toggle_outline=a(parent, "Region o&utline", ["Shift+O"], "Show or hide region outlines", checkable=True,
                             checked=True),
            fit=a(parent, "&Fit to window", ["F"], "Fit the photo to the window", short="Fit"),
            actual_size=a(parent, "&Actual size (1:1)", ["1"], "One photo pixel per screen pixel", short="1:1"),
            zoom_in=a(parent, "Zoom &in", ["+", "=", QKeySequence.ZoomIn], "Zoom into the photo"),
            zoom_out=a(parent, "Zoom ou&t", ["-", QKeySequence.ZoomOut], "Zoom out of the photo"),
            hottest_spot=a(parent, "Go to &hottest spot", ["H"], "Centre and zoom on the hottest part of the heatmap",
                           short="Hottest spot"),
        ),
        model=ModelActions(
            score_batch=a(parent, "&Score batch", ["Ctrl+R"], "Score the photos that have no score yet"),
            rescore_batch=a(parent, "&Rescore all photos", ["Ctrl+Shift+R"], "Score every photo again with the current model"),
            cancel_scoring=a(parent, "&Cancel scoring", ["Esc"], "Stop scoring after the current photos"),
            train_model=a(parent, "&Train new model…", ["Ctrl+T"], "Train a model from photos without foreign bodies",
                          short="Train…"),
            improve_model=a(parent, "&Improve model from this review…", ["Ctrl+I"],
                            "Retrain with the photos rejected as false alarms; you decide whether to use the result",
                            short="Improve…"),
            model_versions=a(parent, "Model &versions…", [], "Earlier versions of this model; make one active again"),
            save_threshold=a(parent, "Save thresholds to &model", [],
                             "Write the batch's pass and alarm thresholds into the model file"),
            operating_point=a(parent, "&Operating point…", [],
                              "How many foreign bodies the pass line has caught in past reviews, and what moving it "
                              "would change"),
            refresh_library=a(parent, "Re&fresh model library", [], "Look for new models in the library folder"),
        ),
        help=HelpActions(
            shortcuts=a(parent, "&Keyboard shortcuts", ["F1"], "List the keyboard shortcuts"),
            about=a(parent, "&About CSA Inspector", [], "Version, model and device"),
        ),
    )


def build_menus(menubar: QMenuBar, actions: InspectorActions, extra_view: Optional[Sequence[QAction]] = None) -> None:
    file_menu = menubar.addMenu("&File")
    for action in (actions.file.open_batch, actions.file.reopen_last, actions.file.open_model_file):
        file_menu.addAction(action)
    file_menu.addSeparator()
    file_menu.addAction(actions.file.export_report)
    file_menu.addSeparator()
    file_menu.addAction(actions.file.change_reviewer)
    file_menu.addSeparator()
    file_menu.addAction(actions.file.quit)

    review_menu = menubar.addMenu("&Review")
    for action in (actions.review.confirm, actions.review.reject, actions.review.unsure):
        review_menu.addAction(action)
    review_menu.addSeparator()
    review_menu.addAction(actions.review.note)
    review_menu.addAction(actions.review.undo)

    navigate_menu = menubar.addMenu("&Navigate")
    for action in (actions.navigate.next, actions.navigate.previous, actions.navigate.next_undecided):
        navigate_menu.addAction(action)
    navigate_menu.addAction(actions.navigate.find)

    view_menu = menubar.addMenu("&View")
    for action in (actions.view.toggle_overlay, actions.view.toggle_outline):
        view_menu.addAction(action)
    view_menu.addSeparator()
    view_menu.addAction(actions.view.fit)
    view_menu.addAction(actions.view.actual_size)
    view_menu.addAction(actions.view.zoom_in)
    view_menu.addAction(actions.view.zoom_out)
    view_menu.addAction(actions.view.hottest_spot)
    if extra_view:
        view_menu.addSeparator()
        for action in extra_view:
            view_menu.addAction(action)

    model_menu = menubar.addMenu("&Model")
    for action in (actions.model.score_batch, actions.model.rescore_batch, actions.model.cancel_scoring):
        model_menu.addAction(action)
    model_menu.addSeparator()
    model_menu.addAction(actions.model.operating_point)
    model_menu.addAction(actions.model.save_threshold)
    model_menu.addSeparator()
    model_menu.addAction(actions.model.train_model)
    model_menu.addAction(actions.model.improve_model)
    model_menu.addAction(actions.model.model_versions)
    model_menu.addAction(actions.model.refresh_library)

    help_menu = menubar.addMenu("&Help")
    help_menu.addAction(actions.help.shortcuts)
    help_menu.addAction(actions.help.about)


def build_toolbar_left(toolbar: QToolBar, actions: InspectorActions) -> None:
    """Batch commands; the review commands follow, the model picker comes last (see the window)."""
    toolbar.addAction(actions.file.open_batch)


def build_toolbar_right(toolbar: QToolBar, actions: InspectorActions) -> None:
    """Review and navigation commands, in the order a reviewer uses them."""
    toolbar.addSeparator()
    for action in (actions.review.confirm, actions.review.reject, actions.review.unsure, actions.review.undo):
        toolbar.addAction(action)
    toolbar.addSeparator()
    for action in (actions.navigate.previous, actions.navigate.next, actions.navigate.next_undecided):
        toolbar.addAction(action)
    toolbar.addSeparator()
    toolbar.addAction(actions.view.toggle_overlay)
    toolbar.addAction(actions.view.hottest_spot)
    toolbar.addAction(actions.file.export_report)
