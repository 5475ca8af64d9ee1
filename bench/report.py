"""The benchmark's result table, its target checks and its JSON file."""
from __future__ import annotations

import json
import math
import statistics
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Collection, Iterable, Optional, Sequence

from core.config import FlowConfig

#: Model keys of the benchmark, in table order, with the names shown in the table.
MODEL_LABELS: dict[str, str] = {
    "csflow": "csflow (ours)",
    "csa": "csa (ours)",
    "csflow-flowmap": "csflow, flow map (ours)",
    "anomalib-csflow": "anomalib CsFlow",
    "anomalib-patchcore": "anomalib PatchCore",
}
OUR_MODELS = ("csflow", "csa", "csflow-flowmap")
#: The flow variant of each of our models; ``csflow-flowmap`` is csflow with the flow's own heatmap and image score
#: (the default before the patch memory), run on request (``--models``) to compare the two maps.
OUR_VARIANTS = {"csflow": "csflow", "csa": "csa", "csflow-flowmap": "csflow"}
#: The models a plain ``make bench`` runs.
DEFAULT_MODELS = ("csflow", "csa", "anomalib-csflow", "anomalib-patchcore")
PEER_MODELS = ("anomalib-csflow", "anomalib-patchcore")
#: The variant a user gets (the engine's default); the targets are about this one.
DEFAULT_MODEL = FlowConfig().variant if FlowConfig().variant in OUR_MODELS else "csa"
#: The accuracy target: our default's mean image AUROC at least this much above the better peer's.
LEAD_TARGET = 0.01

#: The speed target: our csa scores at least this many times as many images per second as anomalib's CS-Flow.
SPEEDUP_TARGET = 1.5
#: The training-time target: this many training images at this input size within this many seconds, on the CPU.
TRAIN_TARGET_IMAGES = 600
TRAIN_TARGET_SIZE = 384
TRAIN_TARGET_SECONDS = 600.0
TRAIN_TARGET_DATASET = "magnetic_tile"

COLUMNS = ("model", "device", "dataset", "image AUROC", "pixel AUROC", "AUPRO", "pointing", "FA @ R99",
           "good outlined", "Recall_Ano", "train s", "images/s", "notes")


@dataclass
class BenchRow:
    """One model trained and evaluated on one dataset on one device."""

    model: str  # key of MODEL_LABELS
    device: str
    dataset: str
    image_auroc: Optional[float]
    pixel_auroc: Optional[float]
    recall_ano: Optional[float]  # at the ROC-optimal threshold of the test set
    train_seconds: float
    images_per_second: float
    notes: str = ""
    pixel_aupro: Optional[float] = None  # per-region overlap up to FPR 0.3, normalised (MVTec AD)
    pointing: Optional[float] = None  # share of anomalous photos whose hottest pixel lies on the defect
    false_alarm_rate_at_recall_99: Optional[float] = None
    good_outlined_share: Optional[float] = None  # mean share of a good test photo inside the outline
    n_train_images: int = 0
    n_test_images: int = 0
    details: dict[str, Any] = field(default_factory=dict)
    seed: int = 0  # of the flow's initial weights, the batch order and the held-out split
    epochs: Optional[int] = None  # the flows' training epochs (None: a model without epochs)
    budget: bool = False  # a run at another epoch count, for the budget table only (not timed, not in targets)

    @property
    def label(self) -> str:
        return MODEL_LABELS.get(self.model, self.model)

    def cells(self) -> tuple[str, ...]:
        return (
            self.label, self.device, self.dataset, format_number(self.image_auroc), format_number(self.pixel_auroc),
            format_number(self.pixel_aupro), format_number(self.pointing),
            format_number(self.false_alarm_rate_at_recall_99), format_number(self.good_outlined_share, 4),
            format_number(self.recall_ano), format_number(self.train_seconds, 1), format_number(self.images_per_second, 2),
            self.notes,
        )

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["label"] = self.label
        return json_safe(data)


@dataclass
class TargetCheck:
    target: str
    status: str  # "PASS", "FAIL" or "SKIP"
    detail: str

    def line(self) -> str:
        return f"{self.status:4}  {self.target}: {self.detail}"


def format_number(value: Optional[float], digits: int = 3) -> str:
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return "-"
    return f"{value:.{digits}f}"


def json_safe(value: Any) -> Any:
    """JSON has no NaN or infinity: they become null."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {k: json_safe(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [json_safe(v) for v in value]
    return value


def plain_table(lines: Sequence[Sequence[str]], numeric: Collection[int] = ()) -> str:
    """A plain-text table: the header (``lines[0]``), a rule, then the rows; every column padded to its widest
    cell, the ``numeric`` ones right-aligned so their digits line up."""
    widths = [max(len(line[i]) for line in lines) for i in range(len(lines[0]))]

    def render(line: Sequence[str]) -> str:
        parts = [cell.rjust(w) if i in numeric else cell.ljust(w) for i, (cell, w) in enumerate(zip(line, widths))]
        return "  ".join(parts).rstrip()

    rule = "  ".join("-" * w for w in widths)
    return "\n".join([render(lines[0]), rule] + [render(line) for line in lines[1:]])


def format_table(rows: Sequence[BenchRow]) -> str:
    """A plain-text table, one line per row, columns padded to their widest cell."""
    return plain_table([COLUMNS] + [row.cells() for row in rows], range(3, len(COLUMNS) - 1))


@dataclass
class Spread:
    """Mean and sample standard deviation over seeds (0 for a single seed); ``n`` values went in."""

    mean: Optional[float]
    std: Optional[float]
    n: int

    @classmethod
    def of(cls, values: Iterable[Optional[float]]) -> "Spread":
        kept = [float(v) for v in values if v is not None and math.isfinite(float(v))]
        if not kept:
            return cls(None, None, 0)
        return cls(statistics.fmean(kept), statistics.stdev(kept) if len(kept) > 1 else 0.0, len(kept))

    def cell(self, digits: int = 3) -> str:
        if self.mean is None:
            return "-"
        text = f"{self.mean:.{digits}f}"
        return text if self.n < 2 else f"{text} ± {self.std:.{digits}f}"


@dataclass
class SummaryRow:
    """One model on one dataset and device: every metric as mean ± standard deviation over the seeds run."""

    model: str
    device: str
    dataset: str
    seeds: list[int]
    image_auroc: Spread
    pixel_auroc: Spread
    recall_ano: Spread
    train_seconds: Spread
    images_per_second: Optional[float]  # the best measured (speed does not depend on the seed)
    n_train_images: int
    notes: str
    details: dict[str, Any] = field(default_factory=dict)  # of the first seed (speed after the backbone, ...)
    pixel_aupro: Spread = field(default_factory=lambda: Spread(None, None, 0))
    pointing: Spread = field(default_factory=lambda: Spread(None, None, 0))
    false_alarm_rate_at_recall_99: Spread = field(default_factory=lambda: Spread(None, None, 0))

    @property
    def label(self) -> str:
        return MODEL_LABELS.get(self.model, self.model)

    def cells(self) -> tuple[str, ...]:
        return (
            self.label, self.device, self.dataset, str(len(self.seeds)), self.image_auroc.cell(),
            self.pixel_auroc.cell(), self.pixel_aupro.cell(), self.pointing.cell(),
            self.false_alarm_rate_at_recall_99.cell(), self.recall_ano.cell(), self.train_seconds.cell(1),
            format_number(self.images_per_second, 2), self.notes,
        )

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["label"] = self.label
        return json_safe(data)


SUMMARY_COLUMNS = ("model", "device", "dataset", "seeds", "image AUROC", "pixel AUROC", "AUPRO", "pointing",
                   "FA @ R99", "Recall_Ano", "train s", "images/s", "notes")


def budget_table(rows: Sequence[BenchRow]) -> list[dict[str, Any]]:
    """Accuracy against training budget: per model, dataset and device, each epoch count's mean ± std image AUROC
    and mean training seconds over the seeds. A model without epochs (PatchCore) has one result for every column.
    """
    epochs = sorted({r.epochs for r in rows if r.epochs is not None})
    groups: dict[tuple[str, str, str], list[BenchRow]] = {}
    for row in rows:
        groups.setdefault((row.model, row.dataset, row.device), []).append(row)
    table = []
    for (model, dataset, device), group in groups.items():
        cells = {}
        for count in epochs:
            runs = [r for r in group if r.epochs in (count, None)]
            if runs:
                auroc = Spread.of(r.image_auroc for r in runs)
                cells[str(count)] = {"image_auroc": asdict(auroc),
                                     "train_seconds": Spread.of(r.train_seconds for r in runs).mean,
                                     "seeds": sorted(r.seed for r in runs)}
        table.append({"model": model, "label": MODEL_LABELS.get(model, model), "dataset": dataset, "device": device,
                      "epochs": cells})
    return table


def format_budget_table(rows: Sequence[BenchRow]) -> str:
    """The budget table as text: one line per model, a column per epoch count ("AUROC mean ± std, seconds")."""
    table = budget_table(rows)
    epochs = sorted({r.epochs for r in rows if r.epochs is not None})
    header = ("model", "device", "dataset", *[f"{e} epochs" for e in epochs])
    lines = [header]
    for entry in table:
        cells = []
        for e in epochs:
            cell = entry["epochs"].get(str(e))
            if cell is None:
                cells.append("-")
                continue
            auroc = Spread(**cell["image_auroc"])
            cells.append(f"{auroc.cell()}, {format_number(cell['train_seconds'], 0)} s")
        lines.append((entry["label"], entry["device"], entry["dataset"], *cells))
    return plain_table(lines, range(3, len(header)))


def summarize(rows: Sequence[BenchRow]) -> list[SummaryRow]:
    """Rows of the same model, dataset and device over all seeds, in the order they first appear."""
    groups: dict[tuple[str, str, str], list[BenchRow]] = {}
    for row in rows:
        groups.setdefault((row.model, row.dataset, row.device), []).append(row)
    out = []
    for (model, dataset, device), group in groups.items():
        speeds = [r.images_per_second for r in group
                  if r.images_per_second is not None and math.isfinite(r.images_per_second)]
        out.append(SummaryRow(
            model=model, device=device, dataset=dataset, seeds=[r.seed for r in group],
            image_auroc=Spread.of(r.image_auroc for r in group), pixel_auroc=Spread.of(r.pixel_auroc for r in group),
            recall_ano=Spread.of(r.recall_ano for r in group), train_seconds=Spread.of(r.train_seconds for r in group),
            images_per_second=max(speeds) if speeds else None, n_train_images=group[0].n_train_images,
            notes=group[0].notes, details=dict(group[0].details),
            pixel_aupro=Spread.of(r.pixel_aupro for r in group), pointing=Spread.of(r.pointing for r in group),
            false_alarm_rate_at_recall_99=Spread.of(r.false_alarm_rate_at_recall_99 for r in group),
        ))
    return out


def format_summary(summaries: Sequence[SummaryRow]) -> str:
    """The table the targets are judged on: mean ± standard deviation over seeds."""
    return plain_table([SUMMARY_COLUMNS] + [s.cells() for s in summaries], range(3, len(SUMMARY_COLUMNS) - 1))


def compare(ours: Spread, other: Spread) -> tuple[float, float, str]:
    """Lead of ``ours`` over ``other`` (difference of means), the spread, and "lead", "tie" or "behind".

    The spread is sqrt(std_a^2 + std_b^2), the standard deviation of the difference between one run of each:
    a lead within it could turn round with other seeds, so it is a tie.
    """
    lead = ours.mean - other.mean
    spread = math.hypot(ours.std or 0.0, other.std or 0.0)
    verdict = "tie" if abs(lead) <= spread else ("lead" if lead > 0 else "behind")
    return lead, spread, verdict


def _find(rows: Iterable, model: str, dataset: str, device: str):
    return next((r for r in rows if r.model == model and r.dataset == dataset and r.device == device), None)


def check_targets(rows: Sequence[BenchRow], image_size: int, quick: bool,
                  cpu_cores: Optional[int] = None, model: str = DEFAULT_MODEL) -> list[TargetCheck]:
    """The issue's targets, checked against this run only (never against numbers of other runs), on the means
    over seeds of ``model`` (the engine's default variant).

    ``cpu_cores`` goes into the training-time line: the target is meant for a 2-core CPU.
    """
    checks: list[TargetCheck] = []
    summaries = summarize(rows)
    pairs = sorted({(r.dataset, r.device) for r in summaries if r.model == model})
    for dataset, device in pairs:
        ours = _find(summaries, model, dataset, device)
        target = (f"{model} image AUROC at least {LEAD_TARGET} above the better peer on {dataset} [{device}], "
                  f"lead beyond the spread over seeds")
        peers = [p for p in (_find(summaries, m, dataset, device) for m in PEER_MODELS)
                 if p is not None and p.image_auroc.mean is not None]
        if not peers:
            checks.append(TargetCheck(target, "SKIP", "no peer was run"))
            continue
        if ours.image_auroc.mean is None:
            checks.append(TargetCheck(target, "SKIP", "no image AUROC (test set lacks good or anomalous images)"))
            continue
        better = max(peers, key=lambda p: p.image_auroc.mean)
        lead, spread, verdict = compare(ours.image_auroc, better.image_auroc)
        status = "PASS" if lead >= LEAD_TARGET and verdict == "lead" else "FAIL"
        checks.append(TargetCheck(target, status, (
            f"{ours.image_auroc.cell()} vs {better.label} {better.image_auroc.cell()}: {verdict}, "
            f"lead {lead:+.3f}, spread {spread:.3f} ({len(ours.seeds)} seed(s))")))
    for dataset, device in pairs:
        ours = _find(summaries, model, dataset, device)
        peer = _find(summaries, "anomalib-csflow", dataset, device)
        target = f"{model} images/s >= {SPEEDUP_TARGET}x anomalib CsFlow on {dataset} [{device}]"
        if peer is None:
            checks.append(TargetCheck(target, "SKIP", "anomalib CsFlow was not run"))
        elif not ours.images_per_second or not peer.images_per_second:
            checks.append(TargetCheck(target, "SKIP", "speed was not measured"))
        else:
            ratio = ours.images_per_second / peer.images_per_second
            status = "PASS" if ratio >= SPEEDUP_TARGET else "FAIL"
            detail = f"{ours.images_per_second:.2f} vs {peer.images_per_second:.2f} images/s = {ratio:.2f}x"
            heads = ours.details.get("head_images_per_second"), peer.details.get("head_images_per_second")
            if all(heads):
                detail += f" (after the backbone: {heads[0]:.1f} vs {heads[1]:.1f} = {heads[0] / heads[1]:.2f}x)"
            checks.append(TargetCheck(target, status, detail))
    checks.extend(_localisation_checks(rows, model))
    checks.append(_training_time_check(summaries, image_size, quick, cpu_cores, model))
    return checks


#: Heatmap targets: pointing share, and tire's absolute pixel AUROC (elsewhere: PatchCore's + this margin).
POINTING_TARGET = 0.85
PIXEL_AUROC_TARGETS = {"tire": 0.95}
PIXEL_AUROC_MARGIN = 0.01


def _mean_of(rows: Sequence[BenchRow], model: str, dataset: str, device: str, metric: str) -> Optional[float]:
    """The mean over seeds of one metric of one model, or None when no seed measured it."""
    return Spread.of(getattr(r, metric) for r in rows
                     if r.model == model and r.dataset == dataset and r.device == device).mean


def _localisation_checks(rows: Sequence[BenchRow], model: str) -> list[TargetCheck]:
    """Does our heatmap point at the defect: pixel AUROC, AUPRO against PatchCore's, and pointing (means over seeds)."""
    checks = []
    for dataset, device in sorted({(r.dataset, r.device) for r in rows if r.model == model}):
        where = f"on {dataset} [{device}]"
        ours_pixel = _mean_of(rows, model, dataset, device, "pixel_auroc")
        peer_pixel = _mean_of(rows, "anomalib-patchcore", dataset, device, "pixel_auroc")
        goal = PIXEL_AUROC_TARGETS.get(dataset)
        target = (f"{model} pixel AUROC >= {goal:.2f} {where}" if goal is not None
                  else f"{model} pixel AUROC >= anomalib PatchCore + {PIXEL_AUROC_MARGIN} {where}")
        if goal is None and peer_pixel is not None:
            goal = peer_pixel + PIXEL_AUROC_MARGIN
        if ours_pixel is None or goal is None:
            checks.append(TargetCheck(target, "SKIP", "no pixel AUROC, or anomalib PatchCore was not run"))
        else:
            checks.append(TargetCheck(target, "PASS" if ours_pixel >= goal else "FAIL", f"{ours_pixel:.3f} vs {goal:.3f}"))
        ours_aupro = _mean_of(rows, model, dataset, device, "pixel_aupro")
        peer_aupro = _mean_of(rows, "anomalib-patchcore", dataset, device, "pixel_aupro")
        target = f"{model} AUPRO >= anomalib PatchCore's {where}"
        if ours_aupro is None or peer_aupro is None:
            checks.append(TargetCheck(target, "SKIP", "no AUPRO, or anomalib PatchCore was not run"))
        else:
            checks.append(TargetCheck(target, "PASS" if ours_aupro >= peer_aupro else "FAIL",
                                      f"{ours_aupro:.3f} vs {peer_aupro:.3f}"))
        pointing = _mean_of(rows, model, dataset, device, "pointing")
        target = f"{model} pointing >= {POINTING_TARGET} {where}"
        if pointing is None:
            checks.append(TargetCheck(target, "SKIP", "no anomalous photo with a mask"))
        else:
            checks.append(TargetCheck(target, "PASS" if pointing >= POINTING_TARGET else "FAIL", f"{pointing:.3f}"))
    return checks


def _training_time_check(summaries: Sequence[SummaryRow], image_size: int, quick: bool,
                         cpu_cores: Optional[int], model: str) -> TargetCheck:
    target = (f"{model} trains on {TRAIN_TARGET_IMAGES} images at {TRAIN_TARGET_SIZE} px within "
              f"{TRAIN_TARGET_SECONDS / 60:.0f} min on the CPU ({TRAIN_TARGET_DATASET})")
    ours = _find(summaries, model, TRAIN_TARGET_DATASET, "cpu")
    if ours is None:
        return TargetCheck(target, "SKIP", f"no {model} row for {TRAIN_TARGET_DATASET} on the cpu")
    if quick or image_size != TRAIN_TARGET_SIZE:
        return TargetCheck(target, "SKIP", f"needs a full run at {TRAIN_TARGET_SIZE} px (this run: "
                                           f"{image_size} px{', quick' if quick else ''})")
    n = ours.n_train_images
    seconds = ours.train_seconds.mean  # the mean over seeds
    scaled = seconds * TRAIN_TARGET_IMAGES / n
    how = f"{seconds:.0f} s" if n == TRAIN_TARGET_IMAGES else (
        f"{seconds:.0f} s for {n} images, {scaled:.0f} s scaled linearly to {TRAIN_TARGET_IMAGES}")
    if len(ours.seeds) > 1:
        how += f" (mean of {len(ours.seeds)} seeds)"
    epochs = ours.details.get("epochs_run")
    if epochs is not None:
        how += f" ({epochs} epochs run)"
    if cpu_cores:
        how += f" on {cpu_cores} CPU cores"
    return TargetCheck(target, "PASS" if scaled <= TRAIN_TARGET_SECONDS else "FAIL", how)


def write_json(path: Path, settings: dict[str, Any], environment: dict[str, Any], rows: Sequence[BenchRow],
               targets: Sequence[TargetCheck], skipped: Sequence[dict[str, str]]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    main = [row for row in rows if not row.budget]
    data = {
        "settings": json_safe(settings),
        "environment": json_safe(environment),
        "columns": list(COLUMNS),
        "rows": [row.to_json() for row in rows],
        "summary_columns": list(SUMMARY_COLUMNS),
        "summary": [s.to_json() for s in summarize(main)],
        "budgets": json_safe(budget_table(rows)) if any(row.budget for row in rows) else [],
        "targets": [asdict(t) for t in targets],
        "skipped": list(skipped),
    }
    path.write_text(json.dumps(data, indent=2, allow_nan=False) + "\n", encoding="utf-8")
    return path
