"""A calm dark theme: photos and heatmaps read better on a dark surround, and badges stand out."""
from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtGui import QColor, QFont, QPalette
from PySide6.QtWidgets import QApplication


@dataclass(frozen=True)
class Colors:
    window: str = "#202327"
    base: str = "#17191c"
    panel: str = "#2a2e33"
    border: str = "#3a3f46"
    text: str = "#e6e8eb"
    muted: str = "#9aa1aa"
    accent: str = "#4c9be8"
    flagged: str = "#f0883e"  # scored above threshold, not yet decided
    confirmed: str = "#e5534b"  # foreign body confirmed
    rejected: str = "#57ab5a"  # false alarm
    unsure: str = "#c69026"
    error: str = "#8b949e"
    threshold: str = "#f2cc60"
    alarm: str = "#e0479e"  # at or above the alarm threshold, not yet decided: very likely a foreign body


COLORS = Colors()

STYLESHEET = f"""
QMainWindow, QDialog {{ background: {COLORS.window}; }}
QToolBar {{ background: {COLORS.panel}; border: none; border-bottom: 1px solid {COLORS.border}; spacing: 4px; padding: 3px 6px; }}
QToolBar QToolButton {{ padding: 4px 8px; border-radius: 4px; color: {COLORS.text}; }}
QToolBar QToolButton:hover {{ background: {COLORS.border}; }}
QToolBar QToolButton:disabled {{ color: {COLORS.muted}; }}
QToolBar QToolButton:checked {{ background: #33506e; }}
QToolBar QToolButton#qt_toolbar_ext_button {{ padding: 0px; background: {COLORS.border}; }}
QStatusBar {{ background: {COLORS.panel}; border-top: 1px solid {COLORS.border}; }}
QStatusBar QLabel {{ padding: 0 6px; }}
QDockWidget {{ titlebar-close-icon: none; }}
QDockWidget::title {{ background: {COLORS.panel}; padding: 5px 8px; border-bottom: 1px solid {COLORS.border}; }}
QListView {{ background: {COLORS.base}; border: none; }}
QGroupBox {{ border: 1px solid {COLORS.border}; border-radius: 6px; margin-top: 14px; padding: 10px 8px 8px 8px; }}
QGroupBox::title {{ subcontrol-origin: margin; left: 10px; padding: 0 4px; color: {COLORS.muted}; }}
QPushButton {{ background: {COLORS.panel}; border: 1px solid {COLORS.border}; border-radius: 5px; padding: 5px 12px; }}
QPushButton:hover {{ border-color: {COLORS.accent}; }}
QPushButton:pressed {{ background: {COLORS.border}; }}
QPushButton:disabled {{ color: {COLORS.muted}; }}
QPushButton#confirm {{ border-color: {COLORS.confirmed}; }}
QPushButton#reject {{ border-color: {COLORS.rejected}; }}
QPushButton#unsure {{ border-color: {COLORS.unsure}; }}
QLabel#scoreValue {{ font-size: 22pt; font-weight: 600; }}
QLabel#muted, QLabel[muted="true"] {{ color: {COLORS.muted}; }}
QLabel#badge {{ border-radius: 4px; padding: 2px 8px; font-weight: 600; color: #111; }}
QLabel#counter {{ color: {COLORS.muted}; padding: 2px 4px; }}
QLineEdit, QComboBox, QSpinBox, QDoubleSpinBox {{ background: {COLORS.base}; border: 1px solid {COLORS.border}; border-radius: 4px; padding: 3px 6px; }}
QComboBox:focus, QLineEdit:focus, QSpinBox:focus {{ border-color: {COLORS.accent}; }}
QLineEdit:disabled, QComboBox:disabled, QSpinBox:disabled, QDoubleSpinBox:disabled {{ color: {COLORS.muted}; background: {COLORS.window}; }}
QProgressBar {{ border: 1px solid {COLORS.border}; border-radius: 4px; background: {COLORS.base}; text-align: center; min-height: 14px; }}
QProgressBar::chunk {{ background: {COLORS.accent}; border-radius: 3px; }}
QSlider::groove:horizontal {{ height: 4px; background: {COLORS.border}; border-radius: 2px; }}
QSlider::handle:horizontal {{ background: {COLORS.accent}; width: 14px; margin: -6px 0; border-radius: 7px; }}
QToolTip {{ background: {COLORS.panel}; color: {COLORS.text}; border: 1px solid {COLORS.border}; }}
"""


def apply_theme(app: QApplication) -> None:
    """Fusion style with a dark palette; the stylesheet only refines spacing and accents."""
    app.setStyle("Fusion")
    palette = QPalette()
    c = COLORS
    palette.setColor(QPalette.Window, QColor(c.window))
    palette.setColor(QPalette.WindowText, QColor(c.text))
    palette.setColor(QPalette.Base, QColor(c.base))
    palette.setColor(QPalette.AlternateBase, QColor(c.panel))
    palette.setColor(QPalette.ToolTipBase, QColor(c.panel))
    palette.setColor(QPalette.ToolTipText, QColor(c.text))
    palette.setColor(QPalette.Text, QColor(c.text))
    palette.setColor(QPalette.Button, QColor(c.panel))
    palette.setColor(QPalette.ButtonText, QColor(c.text))
    palette.setColor(QPalette.BrightText, QColor("#ffffff"))
    palette.setColor(QPalette.Highlight, QColor(c.accent))
    palette.setColor(QPalette.HighlightedText, QColor("#ffffff"))
    palette.setColor(QPalette.Link, QColor(c.accent))
    palette.setColor(QPalette.PlaceholderText, QColor(c.muted))
    for role in (QPalette.Text, QPalette.ButtonText, QPalette.WindowText):
        palette.setColor(QPalette.Disabled, role, QColor(c.muted))
    app.setPalette(palette)
    font = QFont(app.font())
    if font.pointSizeF() < 10:
        font.setPointSizeF(10)
    app.setFont(font)
    app.setStyleSheet(STYLESHEET)
