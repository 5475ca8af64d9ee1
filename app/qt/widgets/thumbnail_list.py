"""Thumbnail grid with review badges, the filter choice and the batch counter.

A batch in subfolders is listed folder by folder: a full-width header row per folder (its name and its
counts) that a click collapses or expands, and a folder choice that narrows the grid to one folder.
"""
from __future__ import annotations

from typing import Optional

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, QModelIndex, QRect, QSize, Qt, Signal
from PySide6.QtGui import QAction, QColor, QFont, QFontMetrics, QPainter, QPen
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QListView,
    QMenu,
    QMenuBar,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QVBoxLayout,
    QWidget,
)

from app.qt.i18n import find_menu
from app.qt.review_messages import counts_headline
from app.qt.models.image_list_model import ImageListModel, Roles
from app.qt.models.photo_rows import FILTERS, list_label, status_label
from app.qt.models.photo_groups import GroupCounts, GroupRow, counts_with_folders_above, folder_choices
from app.qt.theme import COLORS
from app.qt.widgets.list_tools import ListTools
from core import Decision, PhotoStatus, Zone

BADGE_COLORS = {
    Decision.CONFIRMED: COLORS.confirmed,
    Decision.REJECTED: COLORS.rejected,
    Decision.UNSURE: COLORS.unsure,
    PhotoStatus.FLAGGED: COLORS.flagged,
    PhotoStatus.ALARM: COLORS.alarm,
    PhotoStatus.UNREADABLE: COLORS.error,
    PhotoStatus.MISSING: COLORS.error,
    PhotoStatus.CHANGED: COLORS.unsure,
    PhotoStatus.NOT_SCORED: COLORS.border,
}

CELL_PADDING = 6
TEXT_HEIGHT = 34
HEADER_HEIGHT = 40


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
        self.grouped_model: Optional[ImageListModel] = None  # set while the list shows folder headers
        self._cell_size = self.cell_size()

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

    def cell_size(self) -> QSize:
        return QSize(self.thumbnail_size + 2 * CELL_PADDING, self.thumbnail_size + TEXT_HEIGHT + 2 * CELL_PADDING)

    def sizeHint(self, option: QStyleOptionViewItem, index: QModelIndex) -> QSize:
        # asked for every row on each layout of a batch in folders (thousands of calls): no lookups beyond the row
        model = self.grouped_model
        if model is not None and model.is_header_row(index.row()):
            # a header takes a line of its own: as wide as the grid, so the next folder starts on a new line
            view = self.parent()
            return QSize(max(self._cell_size.width(), view.viewport().width() - 2 * view.spacing() - 1), HEADER_HEIGHT)
        return self._cell_size

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: QModelIndex) -> None:
        cell_data = index.data(Roles.CELL)
        if cell_data is None:
            group = index.data(Roles.GROUP)
            if group is not None:
                self._fonts(option.font)
                self._paint_header(painter, option, group)
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
            unreadable = status == PhotoStatus.UNREADABLE or cell_data.thumbnail_error
            painter.drawText(box, Qt.AlignCenter,
                             QCoreApplication.translate("ThumbnailDelegate", "unreadable") if unreadable else "…")

        badge_color = self._badge_colors.get(status)
        if badge_color is not None:
            self._draw_badge(painter, box, status_label(status), status, badge_color)
        alarm = cell_data.zone == Zone.ALARM
        if cell_data.flagged and status not in (PhotoStatus.FLAGGED, PhotoStatus.ALARM):
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
        score_text = f"{score:.3g}" if score is not None else ("—" if status != PhotoStatus.UNREADABLE else "no score")
        painter.setPen(colors["alarm"] if alarm else colors["flagged"] if cell_data.flagged else colors["muted"])
        painter.drawText(
            QRect(text_rect.left(), text_rect.top() + line, text_rect.width(), line), Qt.AlignLeft | Qt.AlignVCenter, score_text
        )
        if selected:
            painter.setPen(self._pens["accent"])
            painter.setBrush(Qt.NoBrush)
            painter.drawRoundedRect(cell, 6, 6)
        painter.restore()

    def _paint_header(self, painter: QPainter, option: QStyleOptionViewItem, group: GroupRow) -> None:
        """Folder name with an open/closed arrow, and its counts; the flagged count in orange while any wait."""
        colors = self._colors
        counts = group.counts
        painter.save()
        painter.setRenderHint(QPainter.Antialiasing)
        rect = option.rect.adjusted(1, 3, -1, -1)
        hovered = bool(option.state & QStyle.State_MouseOver)
        painter.setPen(Qt.NoPen)
        painter.setBrush(colors["border"] if hovered else colors["panel"])
        painter.drawRoundedRect(rect, 4, 4)
        line = self.text_metrics.height()
        arrow = "▸" if group.collapsed else "▾"
        title_font = QFont(self.text_font)
        title_font.setBold(True)
        painter.setFont(title_font)
        painter.setPen(colors["text"] if not counts.done else colors["muted"])
        text_left = rect.left() + 8
        width = rect.width() - 16
        top = rect.top() + (rect.height() - 2 * line) // 2
        title = QFontMetrics(title_font).elidedText(f"{arrow}  {counts.label}", Qt.ElideMiddle, width)
        painter.drawText(QRect(text_left, top, width, line), Qt.AlignLeft | Qt.AlignVCenter, title)
        painter.setFont(self.text_font)
        summary = counts.summary() + ("  ✓" if counts.done and counts.reviewed else "")
        painter.setPen(colors["flagged"] if counts.flagged_open else colors["muted"])
        painter.drawText(QRect(text_left + 14, top + line, width - 14, line), Qt.AlignLeft | Qt.AlignVCenter,
                         self.text_metrics.elidedText(summary, Qt.ElideRight, width - 14))
        painter.restore()

    def _draw_badge(self, painter: QPainter, box: QRect, text: str, status: str, color: QColor) -> None:
        width = self.badge_metrics.horizontalAdvance(text) + 10
        rect = QRect(box.left() + 4, box.top() + 4, width, self.badge_metrics.height() + 4)
        painter.setFont(self.badge_font)
        painter.setPen(Qt.NoPen)
        painter.setBrush(color)
        painter.drawRoundedRect(rect, 3, 3)
        light_text = status in (PhotoStatus.UNREADABLE, PhotoStatus.MISSING, PhotoStatus.NOT_SCORED)
        painter.setPen(self._colors["text"] if light_text else QColor("#111111"))
        painter.drawText(rect, Qt.AlignCenter, text)


class ThumbnailList(QListView):
    """Icon grid over :class:`ImageListModel`; Left and Right are left to the window's navigation actions (the same
    order as the inspector), Up, Down, Home, End and the page keys move through the grid as in any file browser."""

    header_clicked = Signal(str)  # the folder whose header was clicked

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
        self.setMouseTracking(True)  # headers light up under the pointer
        self.clicked.connect(self._on_clicked)

    def setModel(self, model) -> None:  # noqa: N802 (Qt's name)
        super().setModel(model)
        if isinstance(model, ImageListModel):
            model.grouping_changed.connect(self._on_grouping_changed)
            self._on_grouping_changed(model.is_grouped)

    def _on_grouping_changed(self, grouped: bool) -> None:
        # uniform sizes let Qt lay out thousands of cells without asking each one; header rows need their own size
        model = self.model()
        self.delegate.grouped_model = model if grouped and isinstance(model, ImageListModel) else None
        self.setUniformItemSizes(not grouped)

    def _on_clicked(self, index: QModelIndex) -> None:
        model = self.model()
        folder = model.group_at(index.row()) if isinstance(model, ImageListModel) and index.isValid() else None
        if folder is not None:
            self.header_clicked.emit(folder)

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        model = self.model()
        if isinstance(model, ImageListModel) and model.is_grouped and event.oldSize().width() != event.size().width():
            self.scheduleDelayedItemsLayout()  # headers follow the grid's width

    def keyPressEvent(self, event) -> None:
        if event.key() in (Qt.Key_Left, Qt.Key_Right):
            event.ignore()  # handled by the Navigate actions so the order matches the inspector
            return
        super().keyPressEvent(event)


ALL_FOLDERS = QT_TRANSLATE_NOOP("ThumbnailPanel", "All folders")


def add_folder_commands(menubar: QMenuBar, actions: list[QAction]) -> None:
    """The folder commands at the end of the Navigate menu (hidden, with their keys, for a flat batch)."""
    menu = find_menu(menubar, "&Navigate")
    if menu is not None:
        menu.addActions(actions)


class ThumbnailPanel(QWidget):
    """Filter choice, counter and the grid; ``current_changed(rel_path)`` when the reviewer picks a photo.

    For a batch in subfolders also a folder choice, and two commands for the folder of the current photo
    (collapse it, G; list only it, Shift+G) that work from anywhere in the window and from the grid's menu.
    """

    current_changed = Signal(str)

    def __init__(self, model: ImageListModel, parent: Optional[QWidget] = None) -> None:
        super().__init__(parent)
        self.model = model
        self.current_rel: Optional[str] = None
        self.filter_combo = QComboBox()
        for key, label in FILTERS:
            self.filter_combo.addItem(list_label(label), key)
        self.filter_combo.setToolTip(self.tr("Which photos to list"))
        self.folder_combo = QComboBox()
        self.folder_combo.setToolTip(self.tr("List the photos of one folder only (Shift+G: the folder of this photo)"))
        self.folder_combo.setSizeAdjustPolicy(QComboBox.AdjustToMinimumContentsLengthWithIcon)
        self.folder_combo.setMinimumContentsLength(12)
        self.counter = QLabel(self.tr("No batch open"))
        self.counter.setObjectName("counter")
        self.counter.setWordWrap(True)
        self.list = ThumbnailList()
        self.list.setModel(model)
        self.list.setContextMenuPolicy(Qt.CustomContextMenu)
        self.tools = ListTools(model)
        self.tools.search_edit.done.connect(lambda: self.list.setFocus(Qt.OtherFocusReason))
        self._quiet = False
        header = QHBoxLayout()
        header.setContentsMargins(6, 6, 6, 0)
        label = QLabel(self.tr("Show"))
        label.setObjectName("muted")
        header.addWidget(label)
        header.addWidget(self.filter_combo, 1)
        self.folder_row = QWidget()
        folder_layout = QHBoxLayout(self.folder_row)
        folder_layout.setContentsMargins(6, 0, 6, 0)
        folder_label = QLabel(self.tr("Folder"))
        folder_label.setObjectName("muted")
        folder_label.setBuddy(self.folder_combo)
        folder_layout.addWidget(folder_label)
        folder_layout.addWidget(self.folder_combo, 1)
        self.folder_row.hide()
        self.collapse_action = self._folder_action(self.tr("Collapse or expand this photo's folder"), "G",
                                                   self.toggle_current_folder)
        self.only_folder_action = self._folder_action(
            self.tr("List only this photo's folder, or all folders again"), "Shift+G",
                                                      self.toggle_only_current_folder)
        self.expand_all_action = self._folder_action(self.tr("Expand all folders"), "", self.model.expand_all)
        self._folder_separator = QAction(self)
        self._folder_separator.setSeparator(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        layout.addLayout(header)
        layout.addWidget(self.folder_row)
        layout.addWidget(self.tools)
        layout.addWidget(self.counter)
        layout.addWidget(self.list, 1)
        self.filter_combo.currentIndexChanged.connect(self._on_filter_chosen)
        self.folder_combo.activated.connect(self._on_folder_chosen)
        self.list.selectionModel().currentChanged.connect(self._on_current)
        self.list.header_clicked.connect(self.model.toggle_collapsed)
        self.list.customContextMenuRequested.connect(self._show_folder_menu)
        model.counts_changed.connect(self.update_counter)
        model.modelReset.connect(self.update_counter)
        model.layoutChanged.connect(self.update_counter)  # an undo or a decision re-filters the list
        model.grouping_changed.connect(self._on_grouping_changed)
        self._on_grouping_changed(model.is_grouped)

    # -- folders ----------------------------------------------------------------------------------
    @property
    def folder_actions(self) -> list[QAction]:
        """The folder commands, for the window's Navigate menu; shown only while the batch has subfolders."""
        return [self._folder_separator, self.collapse_action, self.only_folder_action, self.expand_all_action]

    def _folder_action(self, text: str, key: str, slot) -> QAction:
        action = QAction(text, self)
        if key:
            action.setShortcut(key)
            action.setShortcutContext(Qt.WindowShortcut)
            action.setToolTip(f"{text} ({key})")
        action.triggered.connect(slot)
        self.addAction(action)  # its key works wherever the focus is in the window
        return action

    def _on_grouping_changed(self, grouped: bool) -> None:
        self.folder_row.setVisible(grouped)
        for action in self.folder_actions:
            action.setVisible(grouped)
        self.update_folders()

    def _folder_of_current(self) -> Optional[str]:
        session = self.model.session
        if self.current_rel is None or session is None or not session.has(self.current_rel):
            return None
        return self.model.folder_of(self.current_rel)

    def toggle_current_folder(self) -> None:
        folder = self._folder_of_current()
        if folder is not None and self.model.is_grouped:
            self.model.toggle_collapsed(folder)
            self.select(self.current_rel)

    def toggle_only_current_folder(self) -> None:
        if not self.model.is_grouped:
            return
        if self.model.folder_filter is not None:
            self.set_folder_filter(None)
        else:
            self.set_folder_filter(self._folder_of_current())

    def set_folder_filter(self, folder: Optional[str]) -> None:
        """List one folder only (None: all); the grid keeps the current photo in view."""
        self.model.set_folder_filter(folder)
        self.update_folders()
        self.select(self.current_rel)

    def _on_folder_chosen(self, index: int) -> None:
        data = self.folder_combo.itemData(index)
        self.set_folder_filter(data if isinstance(data, str) else None)

    def update_folders(self) -> None:
        """The folder choice lists every folder (cars above their cameras) with its flagged and reviewed counts."""
        combo = self.folder_combo
        if not self.model.is_grouped:
            combo.clear()
            return
        choices = folder_choices(self.model.folders())
        counts = counts_with_folders_above(self.model.group_counts(), choices)
        entries: list[tuple[str, Optional[str]]] = [(self.tr(ALL_FOLDERS), None)]
        for folder in choices:
            group = counts.get(folder) or GroupCounts(folder)
            entries.append((self.tr("{folder} — {flagged} flagged, {reviewed} reviewed").format(
                folder=group.label, flagged=group.flagged, reviewed=group.reviewed), folder))
        combo.blockSignals(True)
        try:
            if [combo.itemData(i) for i in range(combo.count())] != [data for _, data in entries]:
                combo.clear()
                bold = QFont(combo.font())
                bold.setBold(True)
                for i, (text, data) in enumerate(entries):
                    combo.addItem(text, data)
                    following = entries[i + 1][1] if i + 1 < len(entries) else None
                    if data and following and following.startswith(data + "/"):
                        combo.setItemData(i, bold, Qt.FontRole)  # a car above its cameras
            else:
                for i, (text, _data) in enumerate(entries):
                    if combo.itemText(i) != text:
                        combo.setItemText(i, text)
            chosen = combo.findData(self.model.folder_filter) if self.model.folder_filter is not None else 0
            combo.setCurrentIndex(max(0, chosen))
        finally:
            combo.blockSignals(False)

    def _show_folder_menu(self, position) -> Optional[QMenu]:
        """Right click (or the menu key) in the grid: the folder commands for the folder under the pointer."""
        model = self.model
        if not model.is_grouped:
            return None
        index = self.list.indexAt(position)
        folder = None
        if index.isValid():
            folder = model.group_at(index.row())
            if folder is None:
                rel = model.rel_path_at(index.row())
                folder = model.folder_of(rel) if rel is not None else None
        menu = QMenu(self)
        menu.setAttribute(Qt.WA_DeleteOnClose)
        if folder is not None:
            label = model.group_counts()[folder].label if folder in model.group_counts() else folder
            collapse = menu.addAction((self.tr("Expand {folder}") if model.is_collapsed(folder) else
                                       self.tr("Collapse {folder}")).format(folder=label))
            collapse.triggered.connect(lambda _=False, f=folder: model.toggle_collapsed(f))
            only = menu.addAction(self.tr("List only {folder}").format(folder=label))
            only.triggered.connect(lambda _=False, f=folder: self.set_folder_filter(f))
        if model.folder_filter is not None:
            menu.addAction(self.tr("List all folders")).triggered.connect(lambda: self.set_folder_filter(None))
        menu.addAction(self.expand_all_action)
        menu.popup(self.list.viewport().mapToGlobal(position))
        return menu

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
            self.current_rel = rel
            self.current_changed.emit(rel)

    def select(self, rel_path: Optional[str]) -> None:
        """Make ``rel_path`` current without re-announcing it."""
        self.current_rel = rel_path
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
            self.counter.setText(self.tr("No batch open"))
            return
        text = counts_headline(session.counts())
        model = self.model
        if model.filter_name != "all" or model.search_text or model.folder_filter is not None or model.any_collapsed:
            text += " · " + self.tr("{count} shown").format(count=model.photo_count)
        self.counter.setText(text)
        if self.model.is_grouped:
            self.update_folders()
