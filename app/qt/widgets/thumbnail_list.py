"""Thumbnail grid with review badges, the filter choice and the batch counter."""
from __future__ import annotations

from typing import Optional

from PySide6.QtCore import QModelIndex, QRect, QSize, Qt, Signal
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter, QPen
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QListView,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QVBoxLayout,
    QWidget,
)

from app.qt.models.image_list_model import FILTERS, STATUS_LABELS, ImageListModel, Roles
from app.qt.theme import COLORS

BADGE_COLORS = {
    "confirmed": COLORS.confirmed,
    "rejected": COLORS.rejected,
    "unsure": COLORS.unsure,
    "flagged": COLORS.flagged,
    "alarm": COLORS.alarm,
    "error": COLORS.error,
    "changed": COLORS.unsure,
    "unscored": COLORS.border,
}

CELL_PADDING = 6
TEXT_HEIGHT = 34


class ThumbnailDelegate(QStyledItemDelegate):
    """Photo, a coloured badge for its state, file name and score; a coloured rim when flagged."""

    def __init__(self, thumbnail_size: int = 132, parent=None) -> None:
        super().__init__(parent)
        self.thumbnail_size = thumbnail_size
        self._fonts_for = ""
        self._pens = {name: QPen(QColor(color), 2)
                      for name, color in (("flagged", COLORS.flagged), ("alarm", COLORS.alarm), ("accent", COLORS.accent))}
        self._colors = {name: QColor(color) for name, color in vars(COLORS).items()}
        self._badge_colors = {status: QColor(color) for status, color in BADGE_COLORS.items()}

    def _fonts(self, base: QFont) -> None:
        """Fonts and metrics are made once per base font, not on every paint of every cell."""
        key = base.toString()
        if key == self._fonts_for:
            return
        self._fonts_for = key
        self.text_font = QFont(base)
        self.text_font.setPointSizeF(max(8.0, base.pointSizeF() - 1))
        self.text_metrics = QFontMetrics(self.text_font)
        self.badge_font = QFont(base)
        self.badge_font.setPointSizeF(max(7.0, base.pointSizeF() - 2.5))
        self.badge_font.setBold(True)
        self.badge_metrics = QFontMetrics(self.badge_font)

    def sizeHint(self, option: QStyleOptionViewItem, index: QModelIndex) -> QSize:
        return QSize(self.thumbnail_size + 2 * CELL_PADDING, self.thumbnail_size + TEXT_HEIGHT + 2 * CELL_PADDING)

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: QModelIndex) -> None:
        cell_data = index.data(Roles.CELL)
        if cell_data is None:
            return
        self._fonts(option.font)
        colors = self._colors
        painter.save()
        painter.setRenderHint(QPainter.Antialiasing)
        cell = option.rect.adjusted(2, 2, -2, -2)
        selected = bool(option.state & QStyle.State_Selected)
        status = cell_data.status
        painter.setPen(Qt.NoPen)
        painter.setBrush(QColor("#2f4a66") if selected else colors["panel"])
        painter.drawRoundedRect(cell, 6, 6)

        size = self.thumbnail_size
        box = QRect(cell.left() + (cell.width() - size) // 2, cell.top() + CELL_PADDING - 2, size, size)
        pixmap = cell_data.pixmap
        if pixmap is not None and not pixmap.isNull():
            scaled = pixmap.size().scaled(box.size(), Qt.KeepAspectRatio)
            target = QRect(0, 0, scaled.width(), scaled.height())
            target.moveCenter(box.center())
            painter.drawPixmap(target, pixmap)
        else:
            painter.setBrush(colors["base"])
            painter.drawRoundedRect(box, 4, 4)
            painter.setPen(colors["muted"])
            painter.drawText(box, Qt.AlignCenter, "unreadable" if status == "error" or cell_data.thumbnail_error else "…")

        badge_color = self._badge_colors.get(status)
        if badge_color is not None:
            self._draw_badge(painter, box, STATUS_LABELS.get(status, status.upper()), status, badge_color)
        alarm = cell_data.zone == "alarm"
        if cell_data.flagged and status not in ("flagged", "alarm"):
            # decided photos at or above pass keep a thin rim in the colour of their zone
            painter.setPen(self._pens["alarm" if alarm else "flagged"])
            painter.setBrush(Qt.NoBrush)
            painter.drawRoundedRect(box.adjusted(-1, -1, 1, 1), 4, 4)

        text_rect = QRect(cell.left() + CELL_PADDING, box.bottom() + 4, cell.width() - 2 * CELL_PADDING, TEXT_HEIGHT - 6)
        painter.setFont(self.text_font)
        line = self.text_metrics.height()
        painter.setPen(colors["text"])
        name = self.text_metrics.elidedText(cell_data.name, Qt.ElideMiddle, text_rect.width())
        painter.drawText(QRect(text_rect.left(), text_rect.top(), text_rect.width(), line), Qt.AlignLeft | Qt.AlignVCenter, name)
        score = cell_data.score
        score_text = f"{score:.3g}" if score is not None else ("—" if status != "error" else "no score")
        painter.setPen(colors["alarm"] if alarm else colors["flagged"] if cell_data.flagged else colors["muted"])
        painter.drawText(
            QRect(text_rect.left(), text_rect.top() + line, text_rect.width(), line), Qt.AlignLeft | Qt.AlignVCenter, score_text
        )
        if selected:
            painter.setPen(self._pens["accent"])
            painter.setBrush(Qt.NoBrush)
            painter.drawRoundedRect(cell, 6, 6)
        painter.restore()

    def _draw_badge(self, painter: QPainter, box: QRect, text: str, status: str, color: QColor) -> None:
        width = self.badge_metrics.horizontalAdvance(text) + 10
        rect = QRect(box.left() + 4, box.top() + 4, width, self.badge_metrics.height() + 4)
        painter.setFont(self.badge_font)
        painter.setPen(Qt.NoPen)
        painter.setBrush(color)
        painter.drawRoundedRect(rect, 3, 3)
        light_text = status in ("error", "unscored")
        painter.setPen(self._colors["text"] if light_text else QColor("#111111"))
        painter.drawText(rect, Qt.AlignCenter, text)


class ThumbnailList(QListView):
    """Icon grid over :class:`ImageListModel`; arrow keys are left to the window's navigation actions."""

    def __init__(self, parent: Optional[QWidget] = None, thumbnail_size: int = 132) -> None:
        super().__init__(parent)
        self.setViewMode(QListView.IconMode)
        self.setFlow(QListView.LeftToRight)
        self.setWrapping(True)
        self.setResizeMode(QListView.Adjust)
        self.setMovement(QListView.Static)
        self.setUniformItemSizes(True)
        self.setSpacing(3)
        self.setSelectionMode(QAbstractItemView.SingleSelection)
        self.setVerticalScrollMode(QAbstractItemView.ScrollPerPixel)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarAlwaysOff)
        self.setFocusPolicy(Qt.ClickFocus)
        self.delegate = ThumbnailDelegate(thumbnail_size, self)
        self.setItemDelegate(self.delegate)

    def keyPressEvent(self, event) -> None:
        if event.key() in (Qt.Key_Left, Qt.Key_Right, Qt.Key_Up, Qt.Key_Down):
            event.ignore()  # handled by the Navigate actions so the order matches the inspector
            return
        super().keyPressEvent(event)


class ThumbnailPanel(QWidget):
    """Filter choice, counter and the grid; ``current_changed(rel_path)`` when the reviewer picks a photo."""

    current_changed = Signal(str)

    def __init__(self, model: ImageListModel, parent: Optional[QWidget] = None) -> None:
        super().__init__(parent)
        self.model = model
        self.filter_combo = QComboBox()
        for key, label in FILTERS:
            self.filter_combo.addItem(label, key)
        self.filter_combo.setToolTip("Which photos to list")
        self.counter = QLabel("No batch open")
        self.counter.setObjectName("counter")
        self.counter.setWordWrap(True)
        self.list = ThumbnailList()
        self.list.setModel(model)
        self._quiet = False
        header = QHBoxLayout()
        header.setContentsMargins(6, 6, 6, 0)
        label = QLabel("Show")
        label.setObjectName("muted")
        header.addWidget(label)
        header.addWidget(self.filter_combo, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        layout.addLayout(header)
        layout.addWidget(self.counter)
        layout.addWidget(self.list, 1)
        self.filter_combo.currentIndexChanged.connect(self._on_filter_chosen)
        self.list.selectionModel().currentChanged.connect(self._on_current)
        model.counts_changed.connect(self.update_counter)
        model.modelReset.connect(self.update_counter)

    def _on_filter_chosen(self) -> None:
        self.model.set_filter(str(self.filter_combo.currentData()))
        self.update_counter()

    def set_filter(self, name: str) -> None:
        index = self.filter_combo.findData(name)
        if index >= 0:
            self.filter_combo.setCurrentIndex(index)

    def _on_current(self, current: QModelIndex, _previous: QModelIndex) -> None:
        rel = current.data(Roles.REL_PATH) if current.isValid() else None
        if rel and not self._quiet:
            self.current_changed.emit(rel)

    def select(self, rel_path: Optional[str]) -> None:
        """Make ``rel_path`` current without re-announcing it."""
        index = self.model.index_of(rel_path)
        if not index.isValid():
            self.list.clearSelection()
            return
        selection = self.list.selectionModel()
        if selection.currentIndex() != index:
            self._quiet = True
            try:
                selection.setCurrentIndex(index, selection.SelectionFlag.ClearAndSelect)
            finally:
                self._quiet = False
        self.list.scrollTo(index, QAbstractItemView.EnsureVisible)

    def update_counter(self) -> None:
        session = self.model.session
        if session is None:
            self.counter.setText("No batch open")
            return
        text = session.counts().headline()
        shown = self.model.rowCount()
        if self.model.filter_name != "all":
            text += f" · {shown} shown"
        self.counter.setText(text)
