"""The photo on screen: showing it (prepared ahead in the background), moving through the list in the order a
reviewer works, finding the next undecided photo, searching by name and keyboard zoom."""
from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Optional

from PySide6.QtCore import Qt

from app.qt.controllers.base import Controller
from app.qt.models.photo_rows import review_status, sort_key

if TYPE_CHECKING:
    from app.qt.main_window import MainWindow

PRELOAD_NEIGHBOURS = 2


class PhotoController(Controller):
    def __init__(self, window: "MainWindow") -> None:
        super().__init__(window)
        self.auto_selected = False  # True while the shown photo was picked by the program, not the reviewer

    def show_rel(self, rel_path: Optional[str]) -> None:
        w = self.w
        if w.session is None or rel_path is None or not w.session.has(rel_path):
            return
        self.auto_selected = False
        w.current_rel = rel_path
        w.thumbnail_panel.select(rel_path)
        self.refresh_current()
        self.preload_neighbours()
        w.refresh_commands()

    def refresh_current(self) -> None:
        w = self.w
        session = w.session
        if session is None or w.current_rel is None:
            return
        record = session.record(w.current_rel)
        status = review_status(record, session.is_flagged(record), session.zone(record))
        w.review_panel.show_record(record, status, session.threshold, session.alarm_threshold)
        w.photo_watch.watch(record.path)
        if w.batches.photo_is_gone(w.current_rel):
            w.inspector.show_message(self.tr("{name} is no longer in the batch folder\n(deleted or moved away); no "
                                             "decision can be recorded for it").format(name=Path(w.current_rel).name))
            return
        item = w.preloader.get(record)
        if item is None:
            w.preloader.request(record, urgent=True)
            if w.inspector.current is None or w.inspector.current.path != str(record.path):
                w.inspector.show_message(self.tr("Loading {name}…").format(name=record.path.name))
                w.review_panel.show_crop(None)
            return
        w.inspector.show_image(item)
        w.review_panel.show_crop(item.hot_crop)
        w.image_shown.emit(w.current_rel)

    def on_colormap_changed(self, _name: str) -> None:
        self.w.batches.apply_overlay_scale()
        self.preload_neighbours()

    def on_preloaded(self, rel_path: str) -> None:
        if rel_path == self.w.current_rel:
            self.refresh_current()

    def preload_neighbours(self) -> None:
        w = self.w
        if w.session is None:
            return
        listed = w.list_model.row_of(w.current_rel) >= 0
        for offset in (1, -1, 2, -2)[: 2 * PRELOAD_NEIGHBOURS]:
            rel = w.list_model.neighbour(w.current_rel, offset) if listed else None
            if rel is not None and rel != w.current_rel:
                w.preloader.request(w.session.record(rel))

    # ------------------------------------------------------------------------------------------ moving
    def step(self, delta: int) -> None:
        if self.w.session is None:
            return
        self.show_rel(self.w.list_model.neighbour(self.w.current_rel, delta))  # folder headers are passed over

    def next_undecided(self) -> None:
        rel = self._find_undecided(after=self.w.current_rel)
        if rel is None:
            self.say(self.tr("Every scored photo in this list has a decision"), 5000)
            return
        if self.w.list_model.row_of(rel) < 0:
            self.w.thumbnail_panel.set_filter("all")  # the photo to see next is hidden by the filter
        self.show_rel(rel)

    def review_order(self) -> tuple[list[str], list[str]]:
        """The order a person works in: alarm photos, then the review band, each highest score first; and,
        apart, the photos below pass in score order, for a reviewer who looks through them too (whatever the
        list's filter shows)."""
        session = self.w.session
        if session is None:
            return [], []
        rank = {"alarm": 0, "review": 1}
        flagged = [r for r in session.records if r.score is not None and session.zone(r) in rank]
        # a batch in folders is worked through folder by folder (the list's folder order), alarm first in each
        folder_rank = {name: i for i, name in enumerate(self.w.list_model.folders())}
        folder_of = self.w.list_model.folder_of
        flagged.sort(key=lambda r: (folder_rank.get(folder_of(r.rel_path), 0), rank[session.zone(r)], -r.score))
        chosen = {r.rel_path for r in flagged}
        rest = sorted((r for r in session.records if r.rel_path not in chosen), key=sort_key)
        return [r.rel_path for r in flagged], [r.rel_path for r in rest]

    def _find_undecided(self, after: Optional[str]) -> Optional[str]:
        """The next undecided photo at or above pass (alarm first); only when none is left, one below pass."""
        session = self.w.session
        if session is None:
            return None
        for order in self.review_order():
            start = order.index(after) + 1 if after in order else 0
            for rel in order[start:] + order[:start]:
                record = session.record(rel)
                if rel != after and record.decision is None and record.score is not None:
                    return rel
        return None

    def focus_search(self) -> None:
        self.w.thumbnail_dock.show()
        self.w.thumbnail_panel.tools.search_edit.setFocus(Qt.ShortcutFocusReason)
        self.w.thumbnail_panel.tools.search_edit.selectAll()

    def zoom_by(self, factor: float) -> None:
        """Keyboard zoom about the centre of the view (the wheel zooms about the pointer)."""
        canvas = self.w.inspector.canvas
        if not all(canvas.image_size()):
            return
        canvas.view_box.scaleBy((1.0 / factor, 1.0 / factor))
