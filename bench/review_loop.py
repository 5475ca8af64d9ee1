"""`make bench`, part two: does learning from the reviewer cut false alarms without losing foreign bodies?

For every MVTec-layout category the test photos (good ones and anomalies, each defect type spread evenly) are
split into rounds. The loop runs the program as a user would, through the engine's own API:

1. a model is trained on ``train/good`` (:meth:`core.scoring.detector.Detector.train`), saved and loaded again;
2. round k's photos are a batch folder, scored into its review log by :func:`core.scoring.batch.score_batch`;
3. a simulated reviewer works through the flagged photos (:func:`core.review.iter_flagged`) and records
   "confirmed" for an anomaly and "rejected" for a good photo, with :meth:`core.review.ReviewLog.decide`,
   exactly what the inspector writes;
4. :func:`core.training.retrain.retrain_from_log` continues training on the rejected photos (with ``train/good`` mixed
   in against forgetting) and resets the threshold at the same target false-alarm rate; the new model is
   saved, loaded and scores round k+1; every anomaly caught in an earlier round is scored again with it.

Per round: false alarms, anomalies caught, Recall_Ano, the false-alarm rate at the model's threshold and at the
threshold that still flags every anomaly of the round, and the retraining time. The target of the issue (round 2
raises at least 30 % fewer false alarms than round 1 at the same Recall_Ano, and no anomaly caught before is now
missed) is printed as PASS/FAIL per dataset; it is reported, never asserted. Example::

    python -m bench.review_loop --out bench-results/review_loop.json
    python -m bench.review_loop --synthetic --quick --out bench-results/review_loop_quick.json
"""
from __future__ import annotations

import argparse
import os
import platform
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Optional, Sequence

import numpy as np
import torch

from bench.loop_report import (
    CategoryResult, RoundResult, TargetCheck, check_target, format_table, write_json,
)
from bench.subsets import evenly_spaced
from core.scoring.batch import score_batch
from core.config import (
    DEFAULT_RETRAIN_EPOCHS, BackboneConfig, FlowConfig, InputConfig, ModelConfig, TrainConfig,
)
from core.photos.datasets import TestItem, find_categories, test_items, training_images
from core.scoring.detector import Detector
from core.features.feature_cache import FeatureCache
from core.evaluation.metrics import false_alarm_rate_at_recall, image_auroc
from core.training.retrain import retrain_from_log
from core.review import ReviewLog, iter_flagged

REPO_ROOT = Path(__file__).resolve().parents[1]

DEFAULT_DATASETS = REPO_ROOT.parent / "shared" / "datasets"
DEFAULT_OUT = Path("bench-results") / "review_loop.json"
REVIEWER = "simulated reviewer (ground truth)"


@dataclass(frozen=True)
class LoopSettings:
    """Everything that shapes the run; written to the JSON file and printed with the table.

    The defaults are sized for a 2-core CPU (both real categories in about a quarter of an hour): the engine's
    default stride-32 EfficientNet-Lite0 stage and flow, a smaller input than the main benchmark and a capped,
    evenly spaced training set. They were fixed before the loop was ever run on the real test photos.
    """

    image_size: int = 256
    stage: Optional[int] = None  # backbone stage; None = the engine's default (stride 32)
    hidden: int = FlowConfig().hidden_channels
    epochs: int = 8  # first training, with the engine's held-out early stop
    lr: float = TrainConfig().lr
    retrain_epochs: int = DEFAULT_RETRAIN_EPOCHS  # the engine's default for "learn from the reviewer"
    old_normals: bool = True  # mix the training photos into every retraining, as `csa-inspector retrain --normals`
    train_limit: Optional[int] = 200
    rounds: int = 3
    batch_size: int = 8
    device: str = "cpu"


QUICK = dict(image_size=128, stage=4, hidden=32, epochs=6, lr=1e-3, retrain_epochs=4, train_limit=30)
"""The smoke-test size: the engine test suite's small model on a tiny synthetic category, well under a minute."""


def model_config(settings: LoopSettings) -> ModelConfig:
    """The engine's default configuration with only the loop's size settings changed."""
    return ModelConfig(
        backbone=BackboneConfig(stage=settings.stage),
        input=InputConfig(image_size=settings.image_size),
        flow=FlowConfig(hidden_channels=settings.hidden),
        train=TrainConfig(epochs=settings.epochs, lr=settings.lr),
    )


def split_into_rounds(items: Sequence[TestItem], rounds: int) -> list[list[TestItem]]:
    """Deal the photos out to the rounds like cards, good ones first and then each defect type in turn.

    Every round thus gets the same mix of defect types and a share of every acquisition series (files are in
    name order), so a change between rounds is the model's doing rather than a different kind of batch.
    """
    ordered = sorted(items, key=lambda i: (i.label, i.defect_type.casefold()))  # stable: keeps name order
    dealt: list[list[TestItem]] = [[] for _ in range(rounds)]
    for index, item in enumerate(ordered):
        dealt[index % rounds].append(item)
    return dealt


def link_batch(items: Sequence[TestItem], folder: Path) -> dict[str, TestItem]:
    """A batch folder of links to the round's photos, named ``<defect type>__<file>``; data is never copied."""
    folder.mkdir(parents=True)
    by_name: dict[str, TestItem] = {}
    for item in items:
        name = f"{item.defect_type}__{item.path.name}"
        os.symlink(item.path.resolve(), folder / name)
        by_name[name] = item
    return by_name


def review(batch: Path, truth: dict[str, TestItem]) -> dict[str, int]:
    """Decide every flagged photo of the batch from the ground truth, through the review log as the GUI does."""
    with ReviewLog.open(batch) as review_log:
        for record in iter_flagged(review_log):
            decision = "confirmed" if truth[record.rel_path].label == 1 else "rejected"
            review_log.decide(record.path, decision, REVIEWER, note="ground-truth label")
        summary = review_log.summary()
    return {"flagged": summary.flagged, "confirmed": summary.confirmed, "rejected": summary.rejected,
            "unreviewed": summary.unreviewed}


def reload(detector: Detector, path: Path, device: str) -> Detector:
    """Save and load the model, as the inspector keeps each version in a file and activates one."""
    detector.save(path)
    return Detector.load(path, device=device)


def score_round(detector: Detector, batch: Path, truth: dict[str, TestItem], batch_size: int
                ) -> tuple[dict[str, tuple[float, bool]], list[str]]:
    """Score the batch into its review log; returns score and flag by file name, and the unreadable files."""
    outcome = score_batch(detector, batch, heatmap_pictures=False, paths=[batch / n for n in truth],
                          batch_size=batch_size)
    scored = {r.path.name: (float(r.score), bool(r.flagged)) for r in outcome.scored}
    return scored, [f"{r.path.name}: {r.error}" for r in outcome.errors]


def same_photos_before(previous: Detector, batch: Path, scored: dict[str, tuple[float, bool]],
                       truth: dict[str, TestItem], batch_size: int,
                       first_recall: Optional[float] = None) -> dict[str, Any]:
    """How the model before the retraining scores this round's photos: the change on the same photos.

    Rounds hold different photos, so part of a difference between rounds is the batch, not the retraining;
    scoring the round with both models separates the two. Nothing of this goes into the review log.
    """
    names = list(scored)
    results = {r.path.name: r for r in previous.score_images([batch / n for n in names], batch_size=batch_size)}
    names = [n for n in names if results[n].ok]
    labels = np.array([truth[n].label for n in names], dtype=int)
    flagged = np.array([bool(results[n].flagged) for n in names], dtype=bool)
    scores = np.array([float(results[n].score) for n in names], dtype=np.float64)
    both = bool((labels == 0).any() and (labels == 1).any())
    return {
        "threshold": previous.threshold,
        "false_alarms": int((flagged & (labels == 0)).sum()),
        "caught": int((flagged & (labels == 1)).sum()),
        "false_alarm_rate_at_full_recall": false_alarm_rate_at_recall(labels, scores, 1.0) if both else None,
        "false_alarm_rate_at_first_recall": (false_alarm_rate_at_recall(labels, scores, first_recall)
                                             if both and first_recall else None),
    }


def missed_now(detector: Detector, paths: Sequence[Path], batch_size: int) -> list[str]:
    """The given anomalies (caught by an earlier model) that ``detector`` does not flag."""
    return [f"{r.path.parent.name}/{r.path.name}" for r in detector.score_images(list(paths), batch_size=batch_size)
            if not (r.ok and r.flagged)]


def run_category(category: Path, settings: LoopSettings, scratch: Path) -> CategoryResult:
    dataset = category.name
    train_paths = evenly_spaced(training_images(category), settings.train_limit)
    rounds = split_into_rounds(test_items(category), settings.rounds)
    log(f"[{dataset}] training on {len(train_paths)} images; rounds of "
        + ", ".join(f"{sum(i.label == 0 for i in r)} good + {sum(i.label for i in r)} anomalies" for r in rounds))
    start = time.perf_counter()
    cache = FeatureCache(scratch / "features")  # as the app's: retraining reads old normals from it
    detector = Detector.train(train_paths, model_config(settings), device=settings.device, feature_cache=cache)
    train_seconds = time.perf_counter() - start
    detector = reload(detector, scratch / f"{dataset}.csa", settings.device)
    log(f"[{dataset}] trained in {train_seconds:.1f} s, threshold {detector.threshold:.4f}")

    results: list[RoundResult] = []
    caught_so_far: list[Path] = []
    previous: Optional[Detector] = None  # the model before the latest retraining, to score the same photos
    retrain_seconds: Optional[float] = None
    model_name = "initial"
    first_recall: Optional[float] = None  # round 1's Recall_Ano: later rounds are compared at it
    for number, items in enumerate(rounds, start=1):
        batch = scratch / dataset / f"round_{number}"
        truth = link_batch(items, batch)
        missed = missed_now(detector, caught_so_far, settings.batch_size) if caught_so_far else []
        scored, unreadable = score_round(detector, batch, truth, settings.batch_size)
        baseline = (same_photos_before(previous, batch, scored, truth, settings.batch_size, first_recall)
                    if previous else None)
        decisions = review(batch, truth)
        labels = np.array([truth[name].label for name in scored], dtype=int)
        scores = np.array([s for s, _ in scored.values()], dtype=np.float64)
        flagged = np.array([f for _, f in scored.values()], dtype=bool)
        n_good, n_bad = int((labels == 0).sum()), int((labels == 1).sum())
        false_alarms, caught = int((flagged & (labels == 0)).sum()), int((flagged & (labels == 1)).sum())
        both = n_good > 0 and n_bad > 0
        result = RoundResult(
            round=number, model=model_name, n_good=n_good, n_anomalous=n_bad, flagged=int(flagged.sum()),
            false_alarms=false_alarms, caught=caught,
            recall_ano=caught / n_bad if n_bad else None,
            false_alarm_rate=false_alarms / n_good if n_good else None,
            false_alarm_rate_at_full_recall=false_alarm_rate_at_recall(labels, scores, 1.0) if both else None,
            image_auroc=image_auroc(labels, scores) if both else None,
            threshold=detector.threshold, retrain_seconds=retrain_seconds,
            earlier_caught_rescored=len(caught_so_far), earlier_caught_missed=len(missed),
            earlier_caught_missed_files=missed, review=decisions, unreadable=unreadable,
            previous_model=baseline,
            false_alarm_rate_at_first_recall=(false_alarm_rate_at_recall(labels, scores, first_recall)
                                              if both and first_recall else None),
        )
        if number == 1:
            first_recall = result.recall_ano
        caught_so_far += [batch / name for name, (_, hit) in scored.items() if hit and truth[name].label == 1]
        log(f"[{dataset}] round {number}: {false_alarms} false alarms of {n_good} good, {caught} of {n_bad} "
            f"anomalies caught, {len(missed)} of {result.earlier_caught_rescored} caught before now missed")
        results.append(result)
        if number == len(rounds):
            break  # a model after the last round would score nothing
        before = detector
        detector, retrain_seconds, result.retrain = learn_from_review(detector, batch, train_paths, settings,
                                                                      scratch / f"{dataset}.v{number + 1}.csa", cache)
        previous = before if detector is not before else None
        model_name = f"retrained after round {number}" if result.retrain.get("added") else model_name
    return CategoryResult(dataset, len(train_paths), train_seconds, results,
                          n_test_images=sum(len(r) for r in rounds))


def learn_from_review(detector: Detector, batch: Path, train_paths: Sequence[Path], settings: LoopSettings,
                      path: Path, cache: FeatureCache) -> tuple[Detector, Optional[float], dict[str, Any]]:
    """Retrain on the round's rejected photos; without any, the model is carried over unchanged."""
    start = time.perf_counter()
    try:
        with ReviewLog.open(batch, read_only=True) as review_log:
            outcome = retrain_from_log(detector, review_log, epochs=settings.retrain_epochs,
                                       old_normals=train_paths if settings.old_normals else None,
                                       feature_cache=cache)
    except ValueError as err:  # nothing marked "not a defect": there is nothing to learn
        return detector, None, {"added": 0, "note": str(err)}
    seconds = time.perf_counter() - start
    info = {
        "added": len(outcome.added),
        "held_out": sum(a.held_out for a in outcome.added),
        "skipped": [f"{p.name}: {reason}" for p, reason in outcome.skipped],
        "n_training_images": len(outcome.training_paths),
        "n_holdout_images": len(outcome.holdout_paths),
        "epochs_run": outcome.fit.epochs_run,
        "threshold_before": outcome.threshold_before,
        "threshold_after": outcome.threshold_after,
        "calibrated_threshold": outcome.calibrated_threshold,
        "batch_flagged_before": outcome.flagged_before,
        "batch_flagged_after": outcome.flagged_after,
        "batch_confirmed_lost": [p.name for p in outcome.lost_confirmed],
        "seconds": seconds,
    }
    log(f"[{batch.parent.name}] retrained on {info['added']} rejected photos in {seconds:.1f} s; "
        f"threshold {outcome.threshold_before:.4f} -> {outcome.threshold_after:.4f}")
    return reload(outcome.detector, path, settings.device), seconds, info


def make_synthetic_category(root: Path) -> Path:
    """A small brake-unit category whose test photos include a lighting the training set never shows.

    The unseen lamp (``SceneConfig(nuisance="lighting")``) is normal variation that a fresh model flags: the
    case the review loop is made for. Foreign bodies are of a clearly visible size, as in the retraining tests.
    """
    from core.synthetic import SceneConfig, generate_batch, generate_dataset

    category = generate_dataset(root, n_train=30, n_test_good=6, n_test_bad=6,
                                config=SceneConfig(size=128, seed=1, foreign_area_range=(0.03, 0.05)))
    generate_batch(category / "test" / "good", 18, 0, config=SceneConfig(size=128, seed=2, nuisance="lighting"),
                   labels_csv=None)
    return category


def log(message: str) -> None:
    print(f"{time.strftime('%H:%M:%S')} {message}", file=sys.stderr, flush=True)


def environment() -> dict[str, Any]:
    import importlib.metadata

    return {
        "python": platform.python_version(),
        "platform": platform.platform(),
        "cpu_count": os.cpu_count(),
        "torch": importlib.metadata.version("torch"),
        "torch_threads": torch.get_num_threads(),
    }


def parse_args(argv: Optional[Sequence[str]]) -> tuple[argparse.Namespace, LoopSettings]:
    defaults = LoopSettings()
    parser = argparse.ArgumentParser(
        prog="review_loop.py",
        description="Simulate rounds of scoring, review and retraining on labelled MVTec-layout categories.",
    )
    parser.add_argument("--datasets", type=Path, default=DEFAULT_DATASETS,
                        help="folder holding MVTec-layout categories, searched two levels deep (default: %(default)s)")
    parser.add_argument("--categories", default=None, help="comma-separated category folder names (default: all)")
    parser.add_argument("--synthetic", action="store_true",
                        help="run on a generated brake-unit category with unseen lighting instead of --datasets")
    parser.add_argument("--quick", action="store_true",
                        help="smoke-test size: " + ", ".join(f"{k.replace('_', '-')} {v}" for k, v in QUICK.items()))
    parser.add_argument("--image-size", type=int, help=f"input side (default: {defaults.image_size})")
    parser.add_argument("--stage", type=int, help="backbone stage (default: the engine's, stride 32)")
    parser.add_argument("--hidden", type=int, help=f"hidden channels of the flow (default: {defaults.hidden})")
    parser.add_argument("--epochs", type=int, help=f"epochs of the first training (default: {defaults.epochs})")
    parser.add_argument("--lr", type=float, help=f"learning rate (default: the engine's, {defaults.lr})")
    parser.add_argument("--retrain-epochs", type=int,
                        help=f"epochs of each retraining (default: the engine's, {defaults.retrain_epochs})")
    parser.add_argument("--no-old-normals", action="store_true",
                        help="retrain on the rejected photos alone, without the training photos mixed in")
    parser.add_argument("--train-limit", type=int,
                        help=f"most training photos, evenly spaced; 0 = all (default: {defaults.train_limit})")
    parser.add_argument("--rounds", type=int, default=defaults.rounds, help="rounds (default: %(default)s)")
    parser.add_argument("--batch-size", type=int, default=defaults.batch_size, help="scoring batch (default: 8)")
    parser.add_argument("--device", default=defaults.device, help="torch device (default: %(default)s)")
    parser.add_argument("--threads", type=int, default=None, help="torch CPU threads (default: torch's choice)")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="JSON result file (default: %(default)s)")
    args = parser.parse_args(argv)

    chosen = dict(QUICK) if args.quick else {}
    for name in ("image_size", "stage", "hidden", "epochs", "lr", "retrain_epochs", "train_limit"):
        value = getattr(args, name)
        if value is not None:
            chosen[name] = value
    if chosen.get("train_limit") == 0:
        chosen["train_limit"] = None
    settings = LoopSettings(**{**asdict(defaults), **chosen, "old_normals": not args.no_old_normals,
                               "rounds": args.rounds, "batch_size": args.batch_size, "device": args.device})
    if settings.rounds < 2:
        parser.error("--rounds must be at least 2: the target compares round 2 with round 1")
    if settings.image_size < 64:
        parser.error("--image-size must be at least 64")
    for name in ("hidden", "epochs", "retrain_epochs", "batch_size"):
        if getattr(settings, name) <= 0:
            parser.error(f"--{name.replace('_', '-')} must be positive")
    if settings.train_limit is not None and settings.train_limit < 2:
        parser.error("--train-limit must be at least 2 (or 0 for all training photos)")
    if settings.device.startswith("cuda") and not torch.cuda.is_available():
        parser.error(f"--device {settings.device}: no CUDA GPU is available here")
    return args, settings


def select_categories(args: argparse.Namespace, scratch: Path) -> list[Path]:
    if args.synthetic:
        return [make_synthetic_category(scratch / "synthetic")]
    if not args.datasets.is_dir():
        raise SystemExit(f"dataset folder not found: {args.datasets} (use --datasets or --synthetic)")
    found = find_categories(args.datasets)
    if args.categories:
        wanted = [c.strip() for c in args.categories.split(",") if c.strip()]
        missing = sorted(set(wanted) - {c.name for c in found})
        if missing:
            names = ", ".join(c.name for c in found) or "none"
            raise SystemExit(f"categories not found under {args.datasets}: {', '.join(missing)} (found: {names})")
        found = [c for c in found if c.name in wanted]
    if not found:
        raise SystemExit(f"no MVTec-layout category (a folder with train/good) under {args.datasets}")
    return found


def describe(settings: LoopSettings) -> str:
    return ", ".join(f"{k.replace('_', ' ')} {v}" for k, v in asdict(settings).items())


def main(argv: Optional[Sequence[str]] = None) -> int:
    args, settings = parse_args(argv)
    if args.threads:
        torch.set_num_threads(args.threads)
    started = time.perf_counter()
    results: list[CategoryResult] = []
    with tempfile.TemporaryDirectory(prefix="csa-review-loop-") as scratch_dir:
        scratch = Path(scratch_dir)
        for category in select_categories(args, scratch):
            results.append(run_category(category, settings, scratch / "runs"))
    seconds = time.perf_counter() - started
    targets: list[TargetCheck] = [check_target(r) for r in results]

    print(f"settings: {describe(settings)}")
    print(format_table(results))
    print("\nfirst training: " + "; ".join(f"{r.dataset} {r.n_train_images} images in {r.train_seconds:.1f} s"
                                          for r in results) + f"; whole run {seconds / 60:.1f} min")
    print("\ntarget")
    for check in targets:
        print("\n".join("  " + line for line in check.lines()))
    json_settings = {**asdict(settings), "quick": args.quick, "synthetic": args.synthetic,
                     "datasets": "synthetic" if args.synthetic else str(args.datasets),
                     "categories": [r.dataset for r in results], "reviewer": REVIEWER}
    path = write_json(args.out, json_settings, environment(), results, targets, seconds)
    print(f"\nresults written to {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
