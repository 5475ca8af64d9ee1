"""The facts every enable rule is written against, read from the window once per refresh.

Rules see this snapshot rather than the window, so each reads as the sentence it stands for ("a batch is open
and a model is loaded") and can be checked without building a window.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from app.qt.main_window import MainWindow


@dataclass(frozen=True)
class CommandState:
    has_batch: bool = False
    writable: bool = False  # a batch is open and decisions can be saved
    can_decide: bool = False  # the photo on screen has a score and the batch is writable
    has_rows: bool = False  # the photo list shows at least one row
    has_model: bool = False  # a model is loaded
    has_model_path: bool = False
    scoring: bool = False
    has_unscored: bool = False
    has_threshold: bool = False
    threshold_target: bool = False  # a model file (the loaded one or the batch's) could receive the thresholds

    @property
    def can_save_threshold(self) -> bool:
        return self.has_batch and self.has_threshold and self.threshold_target and not self.scoring

    @classmethod
    def of(cls, window: "MainWindow") -> "CommandState":
        session, rel = window.session, window.current_rel
        if session is None:
            return cls(has_rows=window.list_model.rowCount() > 0, has_model=window.detector is not None,
                       has_model_path=window.model_path is not None, scoring=window.score_job is not None)
        # a scored photo keeps its keys live even if its file went away: pressing one then says why it is refused
        record = session.record(rel) if rel is not None and session.has(rel) else None
        return cls(
            has_batch=True,
            writable=not session.read_only,
            can_decide=bool(record is not None and record.score is not None and not session.read_only),
            has_rows=window.list_model.rowCount() > 0,
            has_model=window.detector is not None,
            has_model_path=window.model_path is not None,
            scoring=window.score_job is not None,
            has_unscored=session.has_unscored(),
            has_threshold=session.threshold is not None,
            threshold_target=bool(window.model_path or session.model_path),
        )
