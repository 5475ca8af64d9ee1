"""Help: the key list (every command's keys, the folder commands, what the mouse does) and the About box."""
from __future__ import annotations

import html

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QMessageBox

from app import APP_NAME
from app.model_library import split_version
from app.qt.controllers.base import Controller
from app.qt.dialogs.about_dialog import AboutDialog
from app.qt.icon import app_icon
from app.qt.theme import COLORS
from core import __version__

#: Rows added to the F1 list for what the mouse does (actions only know their keys).
MOUSE_HELP = (
    ("Mouse wheel", "Zoom the photo in or out where the pointer is"),
    ("Drag on the photo", "Move the zoomed photo"),
    ("Click a thumbnail", "Show that photo"),
    ("Drag the threshold line", "Move the threshold; release to save it for the batch"),
)


def _row(keys: str, label: str) -> str:
    return f"<tr><td style='padding-right:18px'><b>{keys}</b></td><td>{label}</td></tr>"


class HelpController(Controller):
    def shortcuts_text(self) -> str:
        rows = [_row(keys, label) for keys, label in self.w.actions.shortcut_rows()]
        for action in self.w.thumbnail_panel.folder_actions:  # a batch in folders: collapse, list one folder
            if action.isVisible() and not action.shortcut().isEmpty():
                rows.append(_row(action.shortcut().toString(QKeySequence.NativeText), action.text()))
        return "<table>" + "".join(rows) + "".join(_row(what, does) for what, does in MOUSE_HELP) + "</table>"

    def show_shortcuts(self) -> None:
        box = QMessageBox(self.w)
        box.setWindowTitle("Keyboard shortcuts")
        box.setTextFormat(Qt.RichText)
        box.setText(self.shortcuts_text())
        box.exec()

    def about_text(self) -> str:
        w = self.w
        lines = [f"<h3>{APP_NAME} {__version__}</h3>",
                 "<p>Finds foreign bodies on braking devices in inspection photos with a CSA-Flow "
                 "anomaly model trained on photos without defects.</p>"]
        if w.detector is not None:
            info = w.detector.info()
            version = split_version(w.model_path)[1] if w.model_path is not None else 1
            lines.append(
                f"<p><b>Model:</b> {html.escape(str(info.name))} v{version} — {info.variant}, "
                f"{info.backbone}, {info.image_size} px, threshold {info.threshold:.4g}<br>"
                f"<span style='color:{COLORS.muted}'>{html.escape(str(w.model_path or ''))}</span></p>"
            )
        else:
            lines.append("<p><b>Model:</b> none loaded</p>")
        device = w.engine.device_text or ("loading…" if w.engine.state == "loading" else "not loaded yet")
        lines.append(f"<p><b>Device:</b> {device}</p>")
        if w.session is not None:
            lines.append(f"<p><b>Review log:</b> {html.escape(str(w.session.log.path))}</p>")
        return "".join(lines)

    def show_about(self) -> AboutDialog:
        dialog = AboutDialog(self.about_text(), app_icon(), self.w)
        dialog.setAttribute(Qt.WA_DeleteOnClose)
        dialog.show()
        return dialog
