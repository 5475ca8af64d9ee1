"""Review decisions: who is reviewing, recording a decision (on disk before the window moves on), its note, and
taking the last one back."""
from __future__ import annotations

from typing import Optional

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QInputDialog, QLineEdit, QMessageBox

from app.qt.controllers.base import Controller
from app.qt.review_messages import reviewer_needed, undo_message
from core import ReviewLogError


class ReviewController(Controller):
    # ------------------------------------------------------------------------------------------ the reviewer
    def ensure_reviewer(self) -> Optional[str]:
        """The reviewer's name, asked once and remembered; None if they decline to give one."""
        name = self.w.settings.reviewer
        if name:
            return name
        name = self.change_reviewer()
        if not name:
            self.say(reviewer_needed(), 10000)
        return name

    def change_reviewer(self) -> Optional[str]:
        settings = self.w.settings
        name, ok = QInputDialog.getText(
            self.w, self.tr("Reviewer"), self.tr("Your name, recorded with each decision:"), QLineEdit.Normal,
            settings.reviewer
        )
        name = name.strip()
        if not ok or not name:
            return None
        settings.reviewer = name
        settings.sync()
        self.w.update_title()
        return name

    def reviewer_for_change(self, what: str) -> Optional[str]:
        """The reviewer who may change ``what`` of the open batch, or None (said why) when it cannot be saved."""
        session = self.w.session
        if session is None:
            return None
        if session.read_only:
            self.say(self.tr("The batch is read-only: the {what} is not saved").format(what=self.tr(what)), 5000)
            return None
        return self.ensure_reviewer() or None

    # ------------------------------------------------------------------------------------------ decisions
    def decide(self, decision: str) -> bool:
        """Commit the decision for the current photo, then move to the next one in the list."""
        w = self.w
        session, rel = w.session, w.current_rel
        if session is None or rel is None:
            return False
        if not session.can_decide(rel):
            record = session.record(rel) if session.has(rel) else None
            if session.read_only:
                reason = self.tr("the batch is read-only")
            elif record is not None and record.score is not None:
                reason = self.tr("the photo is no longer in the folder")
            else:
                reason = self.tr("this photo has no score yet")
            self.say(self.tr("Cannot record a decision: {reason}").format(reason=reason), 5000)
            return False
        reviewer = self.ensure_reviewer()
        if not reviewer:
            return False
        order = w.list_model.rel_paths
        row = order.index(rel) if rel in order else -1
        following = order[row + 1] if 0 <= row < len(order) - 1 else None
        note = w.review_panel.note_edit.text().strip()
        try:
            session.decide(rel, decision, reviewer, note)
        except (ReviewLogError, ValueError) as exc:
            QMessageBox.critical(w, self.tr("Decision not saved"),
                                 self.tr("The decision could not be saved:\n\n{error}").format(error=exc))
            return False
        w.review_panel.forget_draft(rel)
        w.list_model.resort()
        if following is not None and session.has(following) and w.list_model.row_of(following) >= 0:
            w.photos.show_rel(following)
        else:
            w.photos.refresh_current()
        w.thresholds.schedule_histogram()
        return True

    def undo(self) -> None:
        w = self.w
        session = w.session
        if session is None:
            return
        reviewer = w.settings.reviewer
        if not reviewer:
            self.say(self.tr("Nothing to undo"), 4000)
            return
        try:
            undone = session.undo(reviewer)
        except ReviewLogError as exc:
            QMessageBox.critical(w, self.tr("Undo failed"), str(exc))
            return
        if undone is None:
            self.say(self.tr("Nothing left to undo"), 4000)
            return
        w.list_model.resort()
        now = session.record(undone.rel_path) if session.has(undone.rel_path) else None
        self.say(undo_message(undone, now), 8000)
        if w.list_model.row_of(undone.rel_path) >= 0:
            w.photos.show_rel(undone.rel_path)
        else:
            w.photos.refresh_current()
        w.thresholds.schedule_histogram()

    # ------------------------------------------------------------------------------------------ notes
    def focus_note(self) -> None:
        w = self.w
        if w.current_rel is None:
            return
        w.review_dock.show()
        w.review_panel.note_edit.setFocus(Qt.ShortcutFocusReason)
        w.review_panel.note_edit.selectAll()

    def commit_note(self, text: str) -> None:
        """Enter in the note field: re-record the current decision with the note, or keep it for the next one."""
        w = self.w
        session, rel = w.session, w.current_rel
        w.inspector.canvas.setFocus()
        if session is None or rel is None:
            return
        record = session.record(rel)
        if record.decision is None:
            self.say(self.tr("The note will be saved with your decision (C, R or U)"), 5000)
            return
        reviewer = self.ensure_reviewer()
        if not reviewer or not session.can_decide(rel):
            return
        try:
            session.decide(rel, record.decision, reviewer, text.strip())
        except (ReviewLogError, ValueError) as exc:
            QMessageBox.critical(w, self.tr("Note not saved"), str(exc))
            return
        w.review_panel.forget_draft(rel)
        w.photos.refresh_current()
        self.say(self.tr("Note saved"), 3000)

    def leave_note(self) -> None:
        """Esc or Tab in the note field: keys go back to the photo; an unsaved note stays as a draft."""
        self.w.inspector.canvas.setFocus(Qt.OtherFocusReason)
        hint = self.w.review_panel.note_hint.text()
        if hint:
            self.say(self.tr("Note kept. {hint}").format(hint=hint), 6000)
