"""The catch rate as a depot has measured it: confirmed foreign bodies in past review logs.

Every photo a reviewer confirmed as a foreign body is a labelled example, wherever its score fell: one above
the pass threshold was caught, one below it (found by looking through "Show all") was missed. Counting them
against a pass threshold gives the share caught, with a one-sided 95 % Clopper-Pearson lower bound, so a
handful of examples is never read as a promise. Every scored photo in the same logs tells how many photos a
person has to look at for that line, so the estimate shows both sides of the trade.

Scores are taken as the logs hold them. Batches scored by another version of the model have scores on that
version's scale; the estimate names the models it read, so such a mix can be re-scored before it is trusted.
"""
from __future__ import annotations

import math
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Optional, Sequence

import numpy as np

from core.models.modelheader import split_version
from core.scoring.operating_point import zone_of
from core.review import ReviewLog, ReviewLogError, find_log
from core.vocabulary import Decision, Zone

CONFIDENCE = 0.95
#: Folder levels searched below each given folder for batch review logs (depot/month/batch).
SEARCH_DEPTH = 2


@dataclass(frozen=True)
class ConfirmedPhoto:
    batch: Path
    rel_path: str
    score: float
    reviewer: Optional[str]


@dataclass
class ReviewHistory:
    """What the review logs found hold: every scored photo's score and the confirmed foreign bodies."""

    logs: list[Path] = field(default_factory=list)
    models: list[str] = field(default_factory=list)  # names of the models that scored these batches
    scores: np.ndarray = field(default_factory=lambda: np.zeros(0))
    confirmed: list[ConfirmedPhoto] = field(default_factory=list)
    skipped: dict[str, str] = field(default_factory=dict)  # log or folder -> why it was left out

    @property
    def confirmed_scores(self) -> np.ndarray:
        return np.asarray([c.score for c in self.confirmed], dtype=np.float64)

    @property
    def n_photos(self) -> int:
        return int(self.scores.size)


@dataclass(frozen=True)
class CatchEstimate:
    """The catch rate and review load at one pass threshold."""

    pass_threshold: float
    alarm_threshold: Optional[float]
    n_foreign_bodies: int
    n_caught: int
    lower_bound: Optional[float]  # one-sided, at CONFIDENCE; None without examples
    review_share: Optional[float]  # share of scored photos at or above pass
    alarm_share: Optional[float]
    n_photos: int
    n_logs: int
    models: tuple[str, ...]
    missed: tuple[ConfirmedPhoto, ...]

    @property
    def catch_rate(self) -> Optional[float]:
        return self.n_caught / self.n_foreign_bodies if self.n_foreign_bodies else None

    def sentence(self) -> str:
        """One line for a report or a status bar."""
        if not self.n_foreign_bodies:
            return f"no confirmed foreign bodies yet in {self.n_logs} review log(s)"
        return (f"{self.n_caught} of {self.n_foreign_bodies} confirmed foreign bodies scored at or above pass "
                f"({100 * self.catch_rate:.0f} %; at least {100 * (self.lower_bound or 0.0):.0f} % with "
                f"{100 * CONFIDENCE:.0f} % confidence), from {self.n_logs} review log(s)")


def catch_rate_lower_bound(caught: int, total: int, confidence: float = CONFIDENCE) -> Optional[float]:
    """One-sided Clopper-Pearson lower bound on a binomial proportion (exact, so valid for few examples)."""
    if total <= 0:
        return None
    if caught <= 0:
        return 0.0
    from scipy.stats import binomtest

    interval = binomtest(int(caught), int(total), alternative="greater").proportion_ci(
        confidence_level=confidence, method="exact")
    return float(interval.low)


def find_review_logs(folders: Iterable[str | Path], depth: int = SEARCH_DEPTH) -> tuple[list[Path], dict[str, str]]:
    """Review logs of the batches in ``folders`` and up to ``depth`` levels below; missing folders are reported."""
    found: dict[Path, None] = {}
    problems: dict[str, str] = {}

    def visit(folder: Path, level: int) -> None:
        log = find_log(folder)
        if log is not None:
            found.setdefault(log.resolve(), None)
        if level >= depth:
            return
        try:
            children = sorted(e.path for e in os.scandir(folder) if e.is_dir() and not e.name.startswith("."))
        except OSError as exc:
            problems[str(folder)] = f"cannot be listed ({exc.strerror or exc})"
            return
        for child in children:
            visit(Path(child), level + 1)

    for folder in folders:
        folder = Path(folder)
        if folder.is_file():  # a review log named directly (also one kept in the user-data folder)
            found.setdefault(folder.resolve(), None)
        elif folder.is_dir():
            visit(folder.absolute(), 0)
        else:
            problems[str(folder)] = "folder not found"
    return list(found), problems


def model_family(name_or_path: Optional[str]) -> Optional[str]:
    """The name shared by all versions of a model ("bogie" for bogie.csa, bogie.v3.csa and model name bogie.v3)."""
    if not name_or_path:
        return None
    return split_version(Path(str(name_or_path)))[0]


def read_history(folders: Iterable[str | Path], family: Optional[str] = None) -> ReviewHistory:
    """Scores and confirmed foreign bodies from the review logs in ``folders``.

    With ``family`` only batches scored by a version of that model count (the model's lineage); logs of other
    models are listed in ``skipped``. Logs are opened read-only, so reviewers can go on working meanwhile.
    """
    logs, skipped = find_review_logs(folders)
    history = ReviewHistory(skipped=skipped)
    scores: list[float] = []
    models: dict[str, None] = {}
    for path in logs:
        try:
            with ReviewLog.open(path, read_only=True) as log:
                info = log.batch_info()
                model = info.model_name or (Path(info.model_path).stem if info.model_path else None)
                if family is not None and family not in {model_family(info.model_name), model_family(info.model_path)}:
                    history.skipped[str(path)] = f"scored with another model ({model or 'unknown'})"
                    continue
                records = log.images()
                batch_dir = log.batch_dir
        except ReviewLogError as exc:
            history.skipped[str(path)] = str(exc)
            continue
        history.logs.append(path)
        if model:
            models.setdefault(model, None)
        for record in records:
            if record.score is None or not math.isfinite(record.score):
                continue
            scores.append(float(record.score))
            if record.decision == Decision.CONFIRMED:
                history.confirmed.append(ConfirmedPhoto(batch_dir, record.rel_path, float(record.score), record.reviewer))
    history.scores = np.asarray(scores, dtype=np.float64)
    history.models = list(models)
    return history


def estimate(history: ReviewHistory, pass_threshold: float, alarm_threshold: Optional[float] = None,
             confidence: float = CONFIDENCE) -> CatchEstimate:
    """How the given operating point would have done on every photo in the history."""
    confirmed = history.confirmed
    missed = tuple(c for c in confirmed if zone_of(c.score, pass_threshold, alarm_threshold) == Zone.PASS)
    caught = len(confirmed) - len(missed)
    n = history.n_photos
    review = float(np.count_nonzero(history.scores >= pass_threshold)) / n if n else None
    alarm = (float(np.count_nonzero(history.scores >= max(alarm_threshold, pass_threshold))) / n
             if n and alarm_threshold is not None else None)
    return CatchEstimate(
        pass_threshold=float(pass_threshold),
        alarm_threshold=None if alarm_threshold is None else float(alarm_threshold),
        n_foreign_bodies=len(confirmed),
        n_caught=caught,
        lower_bound=catch_rate_lower_bound(caught, len(confirmed), confidence),
        review_share=review,
        alarm_share=alarm,
        n_photos=n,
        n_logs=len(history.logs),
        models=tuple(history.models),
        missed=tuple(sorted(missed, key=lambda c: -c.score)),
    )


@dataclass(frozen=True)
class PassCurve:
    """What moving the pass line would change: per candidate line, the share caught and the share reviewed."""

    thresholds: np.ndarray
    catch_rate: np.ndarray  # NaN without confirmed foreign bodies
    lower_bound: np.ndarray
    review_share: np.ndarray


def pass_curve(history: ReviewHistory, thresholds: Optional[Sequence[float]] = None, n_points: int = 120) -> PassCurve:
    """The curve over ``thresholds`` (default: evenly across the logged scores, foreign bodies included)."""
    if thresholds is None:
        values = history.scores
        if values.size == 0:
            return PassCurve(*(np.zeros(0) for _ in range(4)))
        low, high = float(values.min()), float(values.max())
        if high - low < 1e-12:
            low, high = low - 0.5, high + 0.5
        thresholds = np.linspace(low, high, n_points)
    grid = np.asarray(thresholds, dtype=np.float64)
    good = np.sort(history.scores)
    bad = history.confirmed_scores
    n = good.size
    review = (n - np.searchsorted(good, grid, side="left")) / n if n else np.full(grid.shape, np.nan)
    if bad.size:
        caught = np.asarray([(bad >= t).sum() for t in grid])
        catch = caught / bad.size
        bound = np.asarray([catch_rate_lower_bound(int(k), int(bad.size)) for k in caught], dtype=np.float64)
    else:
        catch = bound = np.full(grid.shape, np.nan)
    return PassCurve(grid, catch, bound, review)


def curve_rows(curve: PassCurve, n_rows: int = 8) -> list[tuple[float, float, float, float]]:
    """A few evenly spread rows of the curve for a text table: threshold, catch, lower bound, review share."""
    if curve.thresholds.size == 0:
        return []
    picks = np.unique(np.linspace(0, curve.thresholds.size - 1, min(n_rows, curve.thresholds.size)).round().astype(int))
    return [(float(curve.thresholds[i]), float(curve.catch_rate[i]), float(curve.lower_bound[i]),
             float(curve.review_share[i])) for i in picks]
