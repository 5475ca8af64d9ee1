"""Help: the key list (every command's keys, the folder commands, what the mouse does) and the About box."""
from __future__ import annotations

import html

from PySide6.QtCore import QT_TRANSLATE_NOOP, Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QMessageBox

from app import APP_NAME
from app.qt.controllers.base import Controller
from app.qt.dialogs.about_dialog import AboutDialog
from app.qt.icon import app_icon

from app.qt.theme import COLORS
from core import __version__, split_version

#: Rows added to the F1 list for what the mouse does (actions only know their keys).
MOUSE_HELP = (
    (QT_TRANSLATE_NOOP("HelpController", "Mouse wheel"), QT_TRANSLATE_NOOP("HelpController",
        "Zoom the photo in or out where the pointer is")),
    (QT_TRANSLATE_NOOP("HelpController", "Drag on the photo"), QT_TRANSLATE_NOOP("HelpController", "Move the zoomed photo")),
    (QT_TRANSLATE_NOOP("HelpController", "Click a thumbnail"), QT_TRANSLATE_NOOP("HelpController", "Show that photo")),
    (QT_TRANSLATE_NOOP("HelpController", "Drag the threshold line"), QT_TRANSLATE_NOOP("HelpController",
        "Move the threshold; release to save it for the batch")),
)


def _row(keys: str, label: str) -> str:
    return f"<tr><td style='padding-right:18px'><b>{keys}</b></td><td>{label}</td></tr>"


class HelpController(Controller):
    def shortcuts_text(self) -> str:
        rows = [_row(keys, label) for keys, label in self.w.actions.shortcut_rows()]
        for action in self.w.thumbnail_panel.folder_actions:  # a batch in folders: collapse, list one folder
            if action.isVisible() and not action.shortcut().isEmpty():
                rows.append(_row(action.shortcut().toString(QKeySequence.NativeText), action.text()))
        return "<table>" + "".join(rows) + "".join(_row(self.tr(what), self.tr(does)) for what, does in MOUSE_HELP) + "</table>"

    def show_shortcuts(self) -> None:
        box = QMessageBox(self.w)
        box.setWindowTitle(self.tr("Keyboard shortcuts"))
        box.setTextFormat(Qt.RichText)
        box.setText(self.shortcuts_text())
        box.exec()

    def about_text(self) -> str:
        w = self.w
        lines = [f"<h3>{APP_NAME} {__version__}</h3>",
                 "<p>" + self.tr("Finds foreign bodies on braking devices in inspection photos with a CSA-Flow "
                                 "anomaly model trained on photos without defects.") + "</p>"]
        model_label = self.tr("Model:")
        if w.detector is not None:
            info = w.detector.info()
            version = split_version(w.model_path)[1] if w.model_path is not None else 1
            model = self.tr("{name} v{version} — {variant}, {backbone}, {size} px, threshold {threshold}").format(
                name=html.escape(str(info.name)), version=version, variant=info.variant,
                backbone=info.backbone, size=info.image_size, threshold=f"{info.threshold:.4g}")
            lines.append(f"<p><b>{model_label}</b> {model}<br>"
                         f"<span style='color:{COLORS.muted}'>{html.escape(str(w.model_path or ''))}</span></p>")
        else:
            none_loaded = self.tr("none loaded")
            lines.append(f"<p><b>{model_label}</b> {none_loaded}</p>")
        device = w.engine.device_text or (self.tr("loading…") if w.engine.state == "loading" else
                                          self.tr("not loaded yet"))
        device_label, log_label = self.tr("Device:"), self.tr("Review log:")
        lines.append(f"<p><b>{device_label}</b> {device}</p>")
        if w.session is not None:
            lines.append(f"<p><b>{log_label}</b> {html.escape(str(w.session.log.path))}</p>")
        return "".join(lines)

    def show_about(self) -> AboutDialog:
        dialog = AboutDialog(self.about_text(), app_icon(), self.w)
        dialog.setAttribute(Qt.WA_DeleteOnClose)
        dialog.show()
        return dialog
