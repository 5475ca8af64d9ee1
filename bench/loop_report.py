"""The review-loop benchmark's per-round numbers, its target check, its table and its JSON file.

Kept apart from :mod:`bench.review_loop` (which trains and scores) so the arithmetic of the target can be
checked on hand-made rounds without training anything.
"""
from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Optional, Sequence

from bench.report import format_number, json_safe, plain_table

#: Round 2 must raise at least this much fewer false alarms than round 1 (0.3 = 30 % fewer).
REDUCTION_TARGET = 0.30

COLUMNS = ("dataset", "round", "model", "good", "anomalies", "flagged", "false alarms", "caught", "Recall_Ano",
           "FA rate", "FA rate @ round-1 Recall_Ano", "FA rate @ Recall_Ano 100 %", "image AUROC",
           "earlier caught now missed", "retrain s")
_NUMERIC = set(range(3, len(COLUMNS)))


@dataclass
class RoundResult:
    """One round: a batch scored by the model carried over from the previous rounds, then reviewed."""

    round: int
    model: str  # "initial" or "retrained after round k"
    n_good: int
    n_anomalous: int
    flagged: int
    false_alarms: int  # flagged good photos: what the reviewer rejected
    caught: int  # flagged anomalies: what the reviewer confirmed
    recall_ano: Optional[float]  # at the model's own threshold
    false_alarm_rate: Optional[float]  # false_alarms / n_good
    false_alarm_rate_at_full_recall: Optional[float]  # at the highest threshold that still flags every anomaly
    image_auroc: Optional[float]
    threshold: float
    retrain_seconds: Optional[float]  # time to build this round's model from the previous one; None in round 1
    earlier_caught_rescored: int = 0  # anomalies caught in earlier rounds, scored again with this round's model
    earlier_caught_missed: int = 0  # ... of which this model no longer flags
    earlier_caught_missed_files: list[str] = field(default_factory=list)
    review: dict[str, int] = field(default_factory=dict)  # decisions as the review log counts them
    retrain: dict[str, Any] = field(default_factory=dict)  # what learning from this round's review did
    unreadable: list[str] = field(default_factory=list)
    #: the same photos scored by the model before the latest retraining (None when the model did not change)
    previous_model: Optional[dict[str, Any]] = None
    #: false-alarm rate at the threshold giving round 1's Recall_Ano on this round's photos: "at the same Recall_Ano"
    false_alarm_rate_at_first_recall: Optional[float] = None

    def cells(self, dataset: str) -> tuple[str, ...]:
        return (
            dataset, str(self.round), self.model, str(self.n_good), str(self.n_anomalous), str(self.flagged),
            str(self.false_alarms), str(self.caught), format_number(self.recall_ano), format_number(self.false_alarm_rate),
            format_number(self.false_alarm_rate_at_first_recall), format_number(self.false_alarm_rate_at_full_recall),
            format_number(self.image_auroc),
            f"{self.earlier_caught_missed} of {self.earlier_caught_rescored}" if self.round > 1 else "-",
            format_number(self.retrain_seconds, 1),
        )


@dataclass
class CategoryResult:
    dataset: str
    n_train_images: int
    train_seconds: float
    rounds: list[RoundResult]
    n_test_images: int = 0


@dataclass
class TargetCheck:
    dataset: str
    status: str  # "PASS" or "FAIL"
    detail: list[str]

    def lines(self) -> list[str]:
        head = (f"{self.status:4}  {self.dataset}: round-2 false alarms at least {REDUCTION_TARGET:.0%} below "
                "round 1 at the same Recall_Ano, no anomaly caught before now missed")
        return [head] + [f"      {line}" for line in self.detail]


def _reduction(before: float, after: float) -> Optional[float]:
    return None if before <= 0 else (before - after) / before


def _percent(share: Optional[float]) -> str:
    return "n/a" if share is None else f"{-share:+.0%}"


def check_target(result: CategoryResult) -> TargetCheck:
    """The issue's target on rounds 1 and 2: at the same Recall_Ano, round 2's false-alarm rate at least the
    target share below round 1's, and no anomaly caught in round 1 missed by the retrained model.

    "The same Recall_Ano" is round 1's Recall_Ano at its model's threshold; round 2 is measured at the threshold
    that gives that Recall_Ano on round 2's photos (rounds hold different photos, so the model's own threshold
    would compare different points of the two ROC curves). The model's own threshold and full recall are
    reported beside it. Round 1 without any false alarm leaves nothing to learn from: a FAIL.
    """
    rounds = {r.round: r for r in result.rounds}
    if 1 not in rounds or 2 not in rounds:
        return TargetCheck(result.dataset, "FAIL", ["fewer than two rounds were run"])
    first, second = rounds[1], rounds[2]
    matched_before, matched_after = first.false_alarm_rate, second.false_alarm_rate_at_first_recall
    matched = None if matched_before is None or matched_after is None else _reduction(matched_before, matched_after)
    kept = second.earlier_caught_missed == 0
    ok = matched is not None and matched >= REDUCTION_TARGET - 1e-12 and kept
    own = _reduction(first.false_alarms, second.false_alarms)
    full_before, full_after = first.false_alarm_rate_at_full_recall, second.false_alarm_rate_at_full_recall
    full = None if full_before is None or full_after is None else _reduction(full_before, full_after)
    detail = [
        f"at Recall_Ano {format_number(first.recall_ano)} (round 1's): false-alarm rate {format_number(matched_before)} -> "
        f"{format_number(matched_after)} ({_percent(matched)}); anomalies caught in round 1 now missed: "
        f"{second.earlier_caught_missed} of {second.earlier_caught_rescored}",
        f"at the model's own threshold: false alarms {first.false_alarms} -> {second.false_alarms} ({_percent(own)}), "
        f"Recall_Ano {format_number(first.recall_ano)} -> {format_number(second.recall_ano)}",
        f"at Recall_Ano 100 %: false-alarm rate {format_number(full_before)} -> {format_number(full_after)} "
        f"({_percent(full)})",
    ]
    if second.previous_model:
        before = second.previous_model
        detail.append(
            f"round 2 scored by the round-1 model as well (same photos): {before['false_alarms']} false alarms, "
            f"{before['caught']} anomalies caught, false-alarm rate at round 1's Recall_Ano "
            f"{format_number(before.get('false_alarm_rate_at_first_recall'))}, at Recall_Ano 100 % "
            f"{format_number(before['false_alarm_rate_at_full_recall'])}")
    if first.false_alarms == 0:
        detail.append("round 1 raised no false alarm, so there was nothing to learn from")
    return TargetCheck(result.dataset, "PASS" if ok else "FAIL", detail)


def format_table(results: Sequence[CategoryResult]) -> str:
    """A plain-text table, one line per round, columns padded to their widest cell."""
    return plain_table([COLUMNS] + [r.cells(c.dataset) for c in results for r in c.rounds], _NUMERIC)


def write_json(path: Path, settings: dict[str, Any], environment: dict[str, Any],
               results: Sequence[CategoryResult], targets: Sequence[TargetCheck], seconds: float) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    data = {
        "settings": json_safe(settings),
        "environment": json_safe(environment),
        "columns": list(COLUMNS),
        "categories": [json_safe(asdict(r)) for r in results],
        "targets": [asdict(t) for t in targets],
        "total_seconds": round(seconds, 1),
    }
    path.write_text(json.dumps(data, indent=2, allow_nan=False) + "\n", encoding="utf-8")
    return path
