"""The benchmark's result table, its target checks and its JSON file."""
from __future__ import annotations

import json
import math
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Iterable, Optional, Sequence

#: Model keys of the benchmark, in table order, with the names shown in the table.
MODEL_LABELS: dict[str, str] = {
    "csflow": "csflow (ours)",
    "csa": "csa (ours)",
    "anomalib-csflow": "anomalib CsFlow",
    "anomalib-patchcore": "anomalib PatchCore",
}
OUR_MODELS = ("csflow", "csa")
PEER_MODELS = ("anomalib-csflow", "anomalib-patchcore")

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


def format_table(rows: Sequence[BenchRow]) -> str:
    """A plain-text table, one line per row, columns padded to their widest cell."""
    cells = [COLUMNS] + [row.cells() for row in rows]
    widths = [max(len(line[i]) for line in cells) for i in range(len(COLUMNS))]
    numeric = set(range(3, len(COLUMNS) - 1))

    def render(line: Sequence[str]) -> str:
        parts = [cell.rjust(w) if i in numeric else cell.ljust(w) for i, (cell, w) in enumerate(zip(line, widths))]
        return "  ".join(parts).rstrip()

    rule = "  ".join("-" * w for w in widths)
    return "\n".join([render(cells[0]), rule] + [render(line) for line in cells[1:]])


def _find(rows: Iterable[BenchRow], model: str, dataset: str, device: str) -> Optional[BenchRow]:
    return next((r for r in rows if r.model == model and r.dataset == dataset and r.device == device), None)


def check_targets(rows: Sequence[BenchRow], image_size: int, quick: bool,
                  cpu_cores: Optional[int] = None) -> list[TargetCheck]:
    """The issue's targets, checked against this run only (never against numbers of other runs).

    ``cpu_cores`` goes into the training-time line: the target is meant for a 2-core CPU.
    """
    checks: list[TargetCheck] = []
    pairs = sorted({(r.dataset, r.device) for r in rows if r.model == "csa"})
    for dataset, device in pairs:
        ours = _find(rows, "csa", dataset, device)
        for peer in PEER_MODELS:
            target = f"csa image AUROC above {MODEL_LABELS[peer]} on {dataset} [{device}]"
            other = _find(rows, peer, dataset, device)
            if other is None:
                checks.append(TargetCheck(target, "SKIP", f"{MODEL_LABELS[peer]} was not run"))
            elif ours.image_auroc is None or other.image_auroc is None:
                checks.append(TargetCheck(target, "SKIP", "no image AUROC (test set lacks good or anomalous images)"))
            else:
                status = "PASS" if ours.image_auroc > other.image_auroc else "FAIL"
                checks.append(TargetCheck(target, status, f"{ours.image_auroc:.3f} vs {other.image_auroc:.3f}"))
    for dataset, device in pairs:
        ours = _find(rows, "csa", dataset, device)
        peer = _find(rows, "anomalib-csflow", dataset, device)
        target = f"csa images/s >= {SPEEDUP_TARGET}x anomalib CsFlow on {dataset} [{device}]"
        if peer is None:
            checks.append(TargetCheck(target, "SKIP", "anomalib CsFlow was not run"))
        else:
            ratio = ours.images_per_second / peer.images_per_second
            status = "PASS" if ratio >= SPEEDUP_TARGET else "FAIL"
            detail = f"{ours.images_per_second:.2f} vs {peer.images_per_second:.2f} images/s = {ratio:.2f}x"
            heads = ours.details.get("head_images_per_second"), peer.details.get("head_images_per_second")
            if all(heads):
                detail += f" (after the backbone: {heads[0]:.1f} vs {heads[1]:.1f} = {heads[0] / heads[1]:.2f}x)"
            checks.append(TargetCheck(target, status, detail))
    checks.extend(_localisation_checks(rows))
    checks.append(_training_time_check(rows, image_size, quick, cpu_cores))
    return checks


#: Heatmap targets: pointing share, and tire's absolute pixel AUROC (elsewhere: PatchCore's + this margin).
POINTING_TARGET = 0.85
PIXEL_AUROC_TARGETS = {"tire": 0.95}
PIXEL_AUROC_MARGIN = 0.01


def _localisation_checks(rows: Sequence[BenchRow]) -> list[TargetCheck]:
    """Does csa's heatmap point at the defect: pixel AUROC, AUPRO against PatchCore's, and pointing."""
    checks = []
    for dataset, device in sorted({(r.dataset, r.device) for r in rows if r.model == "csa"}):
        ours = _find(rows, "csa", dataset, device)
        patchcore = _find(rows, "anomalib-patchcore", dataset, device)
        where = f"on {dataset} [{device}]"
        goal = PIXEL_AUROC_TARGETS.get(dataset)
        target = (f"csa pixel AUROC >= {goal:.2f} {where}" if goal is not None
                  else f"csa pixel AUROC >= anomalib PatchCore + {PIXEL_AUROC_MARGIN} {where}")
        if goal is None and patchcore is not None and patchcore.pixel_auroc is not None:
            goal = patchcore.pixel_auroc + PIXEL_AUROC_MARGIN
        if ours.pixel_auroc is None or goal is None:
            checks.append(TargetCheck(target, "SKIP", "no pixel AUROC, or anomalib PatchCore was not run"))
        else:
            status = "PASS" if ours.pixel_auroc >= goal else "FAIL"
            checks.append(TargetCheck(target, status, f"{ours.pixel_auroc:.3f} vs {goal:.3f}"))
        target = f"csa AUPRO >= anomalib PatchCore's {where}"
        if patchcore is None or ours.pixel_aupro is None or patchcore.pixel_aupro is None:
            checks.append(TargetCheck(target, "SKIP", "no AUPRO, or anomalib PatchCore was not run"))
        else:
            status = "PASS" if ours.pixel_aupro >= patchcore.pixel_aupro else "FAIL"
            checks.append(TargetCheck(target, status, f"{ours.pixel_aupro:.3f} vs {patchcore.pixel_aupro:.3f}"))
        target = f"csa pointing >= {POINTING_TARGET} {where}"
        if ours.pointing is None:
            checks.append(TargetCheck(target, "SKIP", "no anomalous photo with a mask"))
        else:
            checks.append(TargetCheck(target, "PASS" if ours.pointing >= POINTING_TARGET else "FAIL",
                                      f"{ours.pointing:.3f}"))
    return checks


def _training_time_check(rows: Sequence[BenchRow], image_size: int, quick: bool,
                         cpu_cores: Optional[int]) -> TargetCheck:
    target = (f"csa trains on {TRAIN_TARGET_IMAGES} images at {TRAIN_TARGET_SIZE} px within "
              f"{TRAIN_TARGET_SECONDS / 60:.0f} min on the CPU ({TRAIN_TARGET_DATASET})")
    ours = _find(rows, "csa", TRAIN_TARGET_DATASET, "cpu")
    if ours is None:
        return TargetCheck(target, "SKIP", f"no csa row for {TRAIN_TARGET_DATASET} on the cpu")
    if quick or image_size != TRAIN_TARGET_SIZE:
        return TargetCheck(target, "SKIP", f"needs a full run at {TRAIN_TARGET_SIZE} px (this run: "
                                           f"{image_size} px{', quick' if quick else ''})")
    n = ours.n_train_images
    scaled = ours.train_seconds * TRAIN_TARGET_IMAGES / n
    how = f"{ours.train_seconds:.0f} s" if n == TRAIN_TARGET_IMAGES else (
        f"{ours.train_seconds:.0f} s for {n} images, {scaled:.0f} s scaled linearly to {TRAIN_TARGET_IMAGES}")
    epochs = ours.details.get("epochs_run")
    if epochs is not None:
        how += f" ({epochs} epochs run)"
    if cpu_cores:
        how += f" on {cpu_cores} CPU cores"
    return TargetCheck(target, "PASS" if scaled <= TRAIN_TARGET_SECONDS else "FAIL", how)


def write_json(path: Path, settings: dict[str, Any], environment: dict[str, Any], rows: Sequence[BenchRow],
               targets: Sequence[TargetCheck], skipped: Sequence[dict[str, str]]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    data = {
        "settings": json_safe(settings),
        "environment": json_safe(environment),
        "columns": list(COLUMNS),
        "rows": [row.to_json() for row in rows],
        "targets": [asdict(t) for t in targets],
        "skipped": list(skipped),
    }
    path.write_text(json.dumps(data, indent=2, allow_nan=False) + "\n", encoding="utf-8")
    return path
