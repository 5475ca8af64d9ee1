"""What the reviewer needs beside the photo: score against threshold, current decision, note and the
three decision buttons (the same actions as the keys C, R and U)."""
from __future__ import annotations

from typing import Optional

import numpy as np
from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction, QImage, QPixmap
from PySide6.QtWidgets import (
    QFormLayout,
    QGroupBox,
    QLabel,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from app.qt.i18n import without_accelerator
from app.qt.models.photo_rows import STATUS_LABELS, status_label
from app.qt.models.photo_groups import photo_title
from app.qt.theme import COLORS
from app.qt.widgets.note_field import NoteField
from app.qt.widgets.thumbnail_list import BADGE_COLORS
from core import ALARM, PASS, REVIEW, zone_of
from core import ImageRecord
from core import Decision, PhotoStatus


def action_button(action: QAction, object_name: str = "") -> QPushButton:
    """A push button that mirrors an action (text, tooltip, enabled state) and triggers it."""
    button = QPushButton(without_accelerator(action.text()))
    if object_name:
        button.setObjectName(object_name)
    button.setToolTip(action.toolTip())
    button.setEnabled(action.isEnabled())
    button.clicked.connect(action.trigger)
    action.changed.connect(lambda: (button.setEnabled(action.isEnabled()), button.setToolTip(action.toolTip())))
    button.setFocusPolicy(Qt.NoFocus)
    button.setMinimumHeight(34)
    return button


#: side of the hottest-spot close-up in the panel, in screen pixels
CROP_SIDE = 240


class ReviewPanel(QWidget):
    """``note_committed(text)`` when Enter is pressed in the note field, ``note_left`` on Esc or Tab there.

    A note typed but not saved yet is a draft of its photo: it is kept when the reviewer moves to another photo
    and back, and shown with a hint saying how it gets saved.
    """

    note_committed = Signal(str)
    note_left = Signal()

    def __init__(self, parent: Optional[QWidget] = None) -> None:
        super().__init__(parent)
        self.setMinimumWidth(250)
        self.name_label = QLabel("—")
        self.name_label.setWordWrap(True)
        self.name_label.setTextInteractionFlags(Qt.TextSelectableByMouse)
        font = self.name_label.font()
        font.setBold(True)
        self.name_label.setFont(font)
        self.badge = QLabel("")
        self.badge.setObjectName("badge")
        self.badge.setAlignment(Qt.AlignCenter)
        self.badge.setSizePolicy(QSizePolicy.Maximum, QSizePolicy.Fixed)
        self.score_value = QLabel("—")
        self.score_value.setObjectName("scoreValue")
        self.threshold_label = QLabel("")
        self.threshold_label.setObjectName("muted")
        self.threshold_label.setWordWrap(True)
        self.details = QLabel("")
        self.details.setObjectName("muted")
        self.details.setWordWrap(True)
        self.details.setTextInteractionFlags(Qt.TextSelectableByMouse)

        score_box = QGroupBox(self.tr("Anomaly score"))
        score_layout = QVBoxLayout(score_box)
        score_layout.setSpacing(2)
        score_layout.addWidget(self.score_value)
        score_layout.addWidget(self.threshold_label)

        self.decision_label = QLabel(self.tr("Not reviewed"))
        self.decision_label.setWordWrap(True)
        self.note_edit = NoteField()
        self.note_edit.setPlaceholderText(self.tr("Note… (Ctrl+N)"))
        self.note_edit.setToolTip(self.tr("Enter saves the note; Esc or Tab returns the keys to the photo"))
        self.note_edit.setClearButtonEnabled(True)
        self.note_edit.returnPressed.connect(lambda: self.note_committed.emit(self.note_edit.text()))
        self.note_edit.left.connect(self.note_left)
        self.note_edit.textEdited.connect(self._update_note_hint)
        self.note_hint = QLabel("")
        self.note_hint.setObjectName("muted")
        self.note_hint.setWordWrap(True)
        self.drafts: dict[str, str] = {}  # photo -> note typed but not saved yet
        self._shown_rel: Optional[str] = None
        self._saved_note = ""
        self._decided = False
        self.buttons_layout = QVBoxLayout()
        self.buttons_layout.setSpacing(6)
        decision_box = QGroupBox(self.tr("Decision"))
        decision_layout = QVBoxLayout(decision_box)
        decision_layout.setSpacing(8)
        decision_layout.addWidget(self.decision_label)
        decision_layout.addLayout(self.buttons_layout)
        decision_layout.addWidget(self.note_edit)
        decision_layout.addWidget(self.note_hint)

        self.info_form = QFormLayout()
        self.model_label = QLabel("—")
        self.model_label.setWordWrap(True)
        self.size_label = QLabel("—")
        self.info_form.addRow(self._muted(self.tr("Model")), self.model_label)
        self.info_form.addRow(self._muted(self.tr("Size")), self.size_label)

        # the hottest region at full resolution: a small foreign body is recognisable without zooming the view
        self.crop_box = QGroupBox(self.tr("Hottest spot (H)"))
        self.crop_label = QLabel()
        self.crop_label.setAlignment(Qt.AlignCenter)
        self.crop_label.setMinimumHeight(CROP_SIDE)
        crop_layout = QVBoxLayout(self.crop_box)
        crop_layout.addWidget(self.crop_label)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 10, 10, 10)
        layout.setSpacing(10)
        layout.addWidget(self.name_label)
        layout.addWidget(self.badge, 0, Qt.AlignLeft)
        # the decision buttons come before the score box so that all three stay in view on a 640-pixel-high
        # screen; the badge above already says whether the photo is flagged
        layout.addWidget(decision_box)
        layout.addWidget(score_box)
        layout.addWidget(self.details)
        layout.addWidget(self.crop_box)
        layout.addLayout(self.info_form)
        layout.addStretch(1)
        self._badge_state: tuple = ()
        self._score_color = ""
        self.show_record(None)
        self.show_crop(None)

    def show_crop(self, crop: Optional[np.ndarray]) -> None:
        """Show the close-up of the hottest spot (uint8 RGB or grey), or hide the box when there is none."""
        if crop is None or crop.size == 0:
            self.crop_label.clear()
            self.crop_box.hide()
            return
        rgb = np.ascontiguousarray(crop if crop.ndim == 3 else np.stack([crop] * 3, axis=-1))[..., :3]
        rgb = np.ascontiguousarray(rgb)
        height, width = rgb.shape[:2]
        image = QImage(rgb.data, width, height, 3 * width, QImage.Format_RGB888).copy()
        pixmap = QPixmap.fromImage(image).scaled(CROP_SIDE, CROP_SIDE, Qt.KeepAspectRatio, Qt.SmoothTransformation)
        self.crop_label.setPixmap(pixmap)
        self.crop_box.show()

    @staticmethod
    def _muted(text: str) -> QLabel:
        label = QLabel(text)
        label.setObjectName("muted")
        return label

    def add_decision_button(self, action: QAction, object_name: str) -> QPushButton:
        button = action_button(action, object_name)
        self.buttons_layout.addWidget(button)
        return button

    def _set_badge(self, text: str, background: str, foreground: str) -> None:
        if (text, background, foreground) != self._badge_state:  # restyling costs more than the check
            self._badge_state = (text, background, foreground)
            self.badge.setText(text)
            self.badge.setStyleSheet(f"background: {background}; color: {foreground};")
            # the stylesheet padding is not part of the label's size hint: reserve it explicitly
            self.badge.setFixedWidth(self.badge.fontMetrics().horizontalAdvance(text) + 24)
        self.badge.setVisible(bool(text))

    def _set_score_color(self, color: str) -> None:
        if color != self._score_color:
            self._score_color = color
            self.score_value.setStyleSheet(f"color: {color};" if color else "")

    # -- notes not saved yet ----------------------------------------------------------------------
    def _keep_draft(self) -> None:
        """Remember the field's text for the photo it was typed for, unless it is the saved note."""
        rel = self._shown_rel
        if rel is None:
            return
        text = self.note_edit.text()
        if text.strip() and text.strip() != self._saved_note.strip():
            self.drafts[rel] = text
        else:
            self.drafts.pop(rel, None)

    def forget_draft(self, rel_path: str) -> None:
        """The note was saved (with a decision): it is no longer a draft."""
        self.drafts.pop(rel_path, None)
        if rel_path == self._shown_rel:
            self.note_edit.clear()
            self._saved_note = ""
            self._update_note_hint()

    def clear_drafts(self) -> None:
        self.drafts.clear()
        self._shown_rel = None

    def _update_note_hint(self) -> None:
        text = self.note_edit.text().strip()
        if self._shown_rel is None or not text or text == self._saved_note.strip():
            self.note_hint.setText("")
        elif self._decided:
            self.note_hint.setText(self.tr("Not saved yet: Enter saves the note"))
        else:
            self.note_hint.setText(self.tr("Not saved yet: it is saved with your decision (C, R or U)"))

    def set_model_text(self, text: str) -> None:
        self.model_label.setText(text or "—")

    def show_record(
        self,
        record: Optional[ImageRecord],
        status: str = PhotoStatus.NOT_FLAGGED,
        threshold: Optional[float] = None,
        alarm_threshold: Optional[float] = None,
    ) -> None:
        """``threshold`` is the pass line; the photo's zone is told against it and the alarm line."""
        if record is None or record.rel_path != self._shown_rel:
            self._keep_draft()
        if record is None:
            self._shown_rel = None
            self._saved_note = ""
            self.note_hint.setText("")
            self.name_label.setText(self.tr("No photo selected"))
            self.badge.hide()
            self.score_value.setText("—")
            self.threshold_label.setText("")
            self.decision_label.setText("")
            self.details.setText("")
            self.size_label.setText("—")
            self.note_edit.setText("")
            self.note_edit.setEnabled(False)
            return
        self.name_label.setText(photo_title(record.rel_path, COLORS.muted))
        self.name_label.setToolTip(str(record.path))
        label = status_label(status) if status in STATUS_LABELS else ""
        color = BADGE_COLORS.get(status)
        if label and color:
            text_color = "#111" if color not in (COLORS.border, COLORS.error) else COLORS.text
            self._set_badge(label, color, text_color)
        else:
            self._set_badge(self.tr("PASS") if record.score is not None else "", COLORS.border, COLORS.text)
        zone = zone_of(record.score, threshold, alarm_threshold)
        if record.score is not None:
            flagged_color = COLORS.alarm if zone == ALARM else COLORS.flagged if status in (
                PhotoStatus.FLAGGED, Decision.CONFIRMED, Decision.UNSURE) or zone == REVIEW else COLORS.text
            self.score_value.setText(f"{record.score:.4g}")
            self._set_score_color(flagged_color)
        else:
            self.score_value.setText("—")
            self._set_score_color("")
        if threshold is not None:
            lines = self.tr("pass {value}").format(value=f"{threshold:.4g}") + (
                " · " + self.tr("alarm {value}").format(value=f"{alarm_threshold:.4g}")
                if alarm_threshold is not None else "")
            where = {PASS: self.tr("pass zone"), REVIEW: self.tr("review band"),
                     ALARM: self.tr("alarm zone")}.get(zone or "", "")
            self.threshold_label.setText(f"{where}\n{lines}" if where else lines)
        else:
            self.threshold_label.setText(self.tr("no threshold set"))
        if record.decision:
            who = self.tr(" by {name}").format(name=record.reviewer) if record.reviewer else ""
            when = f", {record.decided_at[:16].replace('T', ' ')}" if record.decided_at else ""
            self.decision_label.setText(f"{status_label(record.decision).capitalize()}{who}{when}")
        elif record.score is None:
            self.decision_label.setText(self.tr("Score the photo before deciding"))
        else:
            self.decision_label.setText(self.tr("Not reviewed"))
        self.note_edit.setEnabled(record.score is not None)
        switched = record.rel_path != self._shown_rel
        self._shown_rel = record.rel_path
        self._saved_note = record.note or ""
        self._decided = record.decision is not None
        if switched or not self.note_edit.hasFocus():
            self.note_edit.setText(self.drafts.get(record.rel_path, record.note or ""))
        self._update_note_hint()
        details = []
        if record.error:
            details.append(self.tr("Unreadable: {error}").format(error=record.error))
        if record.changed_reason == "missing":
            details.append(self.tr("The photo is no longer in the batch folder; its score and any decision stay in "
                                   "the review log."))
        elif record.changed:
            details.append(self.tr("The photo was changed after scoring; its score and heatmap are out of date."))
        self.details.setText("\n".join(details))
        if record.width and record.height:
            self.size_label.setText(self.tr("{width} × {height} px").format(width=record.width, height=record.height))
        else:
            self.size_label.setText("—")
