"""`make bench`: our csflow and csa against anomalib 2.7's CS-Flow and PatchCore, side by side in one run.

Every model is trained and evaluated in the same process on the same images with the same frozen features
(backbone, weights, stage, input size and 3-scale pyramid from :mod:`core.features.extractor`): ours through
:meth:`core.scoring.detector.Detector.train`, the peers through the adapters in :mod:`bench.anomalib_csflow` and
:mod:`bench.anomalib_patchcore`. All of them are evaluated by :func:`core.evaluation.category.evaluate_category`.

* train seconds: wall clock of the whole training call, feature extraction included;
* images/s: one warm-up batch, then the same test images scored from their files with the same batch size by
  each model's ``score_images`` (decoding, pyramid, backbone, head, heatmap at image size), best of 3 passes;
* on a machine with CUDA every model runs a second time on the GPU (mixed precision, as the engine does there).

Every model is trained ``--seeds`` times (3 by default, 1 with ``--quick``): seed N sets the flow's initial weights,
the batch order, PatchCore's first coreset patch and which training images are held out. The table of single
runs is followed by one of mean ± standard deviation over the seeds; the targets of the issue are judged on the
means and printed as PASS/FAIL lines (they are reported, not asserted). Example::

    python -m bench.run_bench --seeds 3 --train-limit 600 --out bench-results/bench.json
    python -m bench.run_bench --quick --categories magnetic_tile --out bench-results/quick.json
"""
from __future__ import annotations

import argparse
import gc
import math
import importlib.metadata
import importlib.util
import os
import platform
import sys
import tempfile
import time
import traceback
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Any, Optional, Sequence

import torch

from bench.report import (
    DEFAULT_MODELS, MODEL_LABELS, OUR_MODELS, OUR_VARIANTS, PEER_MODELS, BenchRow, check_targets, format_summary,
    format_budget_table, format_table, summarize, write_json,
)
from bench.subsets import evenly_spaced, link_test_subset, pick_test_items
from core.config import BackboneConfig, FlowConfig, InputConfig, MapConfig, ModelConfig, TrainConfig
from core.photos.datasets import find_categories, training_images
from core.scoring.detector import Detector
from core.features.device import pick_device
from core.evaluation.category import evaluate_category
from core.features.extractor import FeatureExtractor, FeatureSet

REPO_ROOT = Path(__file__).resolve().parents[1]

DEFAULT_DATASETS = REPO_ROOT.parent / "shared" / "datasets"
DEFAULT_OUT = Path("bench-results") / "bench.json"
QUICK_TRAIN_IMAGES = 30
QUICK_TEST_IMAGES = 20
QUICK_EPOCHS = 2
DEFAULT_SEEDS = 3  # the least for a spread; each seed sets the flow's weights, the batch order and the split
DEFAULT_CORESET_RATIO = 0.01  # anomalib's k-center greedy search is slow on a CPU: 1 %, at most ...
DEFAULT_CORESET_MAX = 1000  # ... this many patches in PatchCore's memory bank


@dataclass
class BenchOptions:
    datasets: Path
    categories: Optional[list[str]]
    image_size: int
    epochs: int
    hidden: int
    quick: bool
    out: Path
    models: list[str]
    devices: list[str]
    train_limit: Optional[int]
    test_limit: Optional[int]
    timing_images: int
    timing_repeats: int
    batch_size: int
    coreset_ratio: float
    coreset_max: int
    threads: Optional[int]
    seeds: int = 1
    #: further epoch counts each flow is trained with, for the accuracy-against-training-time table
    budget_epochs: tuple[int, ...] = ()
    #: run only these of the seeds 0 .. seeds-1 (to share one bench between processes or machines)
    only_seeds: Optional[tuple[int, ...]] = None

    @property
    def seed_list(self) -> list[int]:
        return [s for s in range(self.seeds) if self.only_seeds is None or s in self.only_seeds]


def whole_numbers(parser: argparse.ArgumentParser, option: str, text: str) -> tuple[int, ...]:
    """The distinct whole numbers of a comma-separated option value, ascending; anything else ends with usage."""
    try:
        return tuple(sorted({int(v) for v in text.split(",") if v.strip()}))
    except ValueError:
        parser.error(f"{option} {text!r}: give whole numbers separated by commas")


def parse_args(argv: Optional[Sequence[str]] = None) -> BenchOptions:
    parser = argparse.ArgumentParser(
        prog="run_bench.py",
        description="Train and evaluate our csflow/csa and anomalib's CsFlow/PatchCore on the same features.",
    )
    parser.add_argument("--datasets", type=Path, default=DEFAULT_DATASETS,
                        help="folder holding MVTec-layout categories, searched two levels deep (default: %(default)s)")
    parser.add_argument("--categories", default=None,
                        help="comma-separated category folder names to run (default: every category found)")
    parser.add_argument("--image-size", type=int, default=384, help="input side at the finest scale (default: 384)")
    parser.add_argument("--epochs", type=int, default=None,
                        help=f"training epochs of the flows (default: {TrainConfig().epochs}, quick: {QUICK_EPOCHS})")
    parser.add_argument("--hidden", type=int, default=FlowConfig().hidden_channels,
                        help="hidden channels of every flow's subnetworks (default: %(default)s)")
    parser.add_argument("--quick", action="store_true",
                        help=f"smoke test: {QUICK_TRAIN_IMAGES} training and {QUICK_TEST_IMAGES} test images per "
                             f"category, {QUICK_EPOCHS} epochs")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="JSON result file (default: %(default)s)")
    parser.add_argument("--models", default=",".join(DEFAULT_MODELS),
                        help="comma-separated subset of: " + ", ".join(MODEL_LABELS) + " (default: %(default)s)")
    parser.add_argument("--devices", default="auto",
                        help="comma-separated torch devices; 'auto' = cpu, plus cuda:0 when available")
    parser.add_argument("--train-limit", type=int, default=None,
                        help="use at most this many training images per category, evenly spaced")
    parser.add_argument("--test-limit", type=int, default=None,
                        help="evaluate on at most this many test images per category, half good, half defective")
    parser.add_argument("--timing-images", type=int, default=96,
                        help="test images scored for the images/s column (default: %(default)s)")
    parser.add_argument("--timing-repeats", type=int, default=3,
                        help="timed passes over those images; the fastest counts (default: %(default)s)")
    parser.add_argument("--batch-size", type=int, default=8, help="scoring batch size for every model (default: 8)")
    parser.add_argument("--coreset-ratio", type=float, default=DEFAULT_CORESET_RATIO,
                        help="share of training patches PatchCore keeps (default: %(default)s = 1%%)")
    parser.add_argument("--coreset-max", type=int, default=DEFAULT_CORESET_MAX,
                        help="most patches PatchCore keeps, whatever the ratio (default: %(default)s)")
    parser.add_argument("--threads", type=int, default=None, help="torch CPU threads (default: torch's choice)")
    parser.add_argument("--seeds", type=int, default=None,
                        help=f"runs per model with seeds 0 .. N-1 of the flow and of the train/hold-out split; the "
                             f"table gives mean ± standard deviation (default: {DEFAULT_SEEDS}, quick: 1)")
    parser.add_argument("--only-seeds", default=None,
                        help="comma-separated seeds of 0 .. N-1 to run (default: all); split one bench between "
                             "processes and merge their rows; speed is measured only where seed 0 runs")
    parser.add_argument("--budget-epochs", default="",
                        help="comma-separated further epoch counts (e.g. 2,24): every flow is trained again with "
                             "each, on every seed, for a table of accuracy against training time (PatchCore has no "
                             "epochs: its one result stands in every column); not timed, not in the targets")
    args = parser.parse_args(argv)

    models = [m.strip() for m in args.models.split(",") if m.strip()]
    unknown = [m for m in models if m not in MODEL_LABELS]
    if unknown or not models:
        parser.error(f"unknown model(s) {', '.join(unknown) or '(none given)'}; choose from {', '.join(MODEL_LABELS)}")
    if args.devices.strip() == "auto":
        devices = ["cpu"] + (["cuda:0"] if torch.cuda.is_available() else [])
    else:
        devices = [d.strip() for d in args.devices.split(",") if d.strip()]
    if any(d.startswith("cuda") for d in devices) and not torch.cuda.is_available():
        parser.error(f"--devices {args.devices}: no CUDA GPU is available here")
    if args.image_size < 64:
        parser.error("--image-size must be at least 64")
    for name in ("hidden", "timing_images", "timing_repeats", "batch_size", "coreset_max", "seeds"):
        if getattr(args, name) is not None and getattr(args, name) <= 0:
            parser.error(f"--{name.replace('_', '-')} must be positive")
    if not 0 < args.coreset_ratio <= 1:
        parser.error("--coreset-ratio must be in (0, 1]")
    budgets = whole_numbers(parser, "--budget-epochs", args.budget_epochs)
    if any(b <= 0 for b in budgets):
        parser.error("--budget-epochs must be positive")
    only_seeds = None if args.only_seeds is None else whole_numbers(parser, "--only-seeds", args.only_seeds)
    return BenchOptions(
        datasets=args.datasets,
        categories=[c.strip() for c in args.categories.split(",") if c.strip()] if args.categories else None,
        image_size=args.image_size,
        epochs=args.epochs if args.epochs is not None else (QUICK_EPOCHS if args.quick else TrainConfig().epochs),
        hidden=args.hidden,
        quick=args.quick,
        out=args.out,
        models=[m for m in MODEL_LABELS if m in models],
        devices=devices,
        train_limit=args.train_limit if args.train_limit is not None else (QUICK_TRAIN_IMAGES if args.quick else None),
        test_limit=args.test_limit if args.test_limit is not None else (QUICK_TEST_IMAGES if args.quick else None),
        timing_images=args.timing_images,
        timing_repeats=args.timing_repeats,
        batch_size=args.batch_size,
        coreset_ratio=args.coreset_ratio,
        coreset_max=args.coreset_max,
        threads=args.threads,
        seeds=args.seeds if args.seeds is not None else (1 if args.quick else DEFAULT_SEEDS),
        budget_epochs=budgets,
        only_seeds=only_seeds,
    )


def model_config(model: str, options: BenchOptions, seed: int = 0) -> ModelConfig:
    """One configuration for every model: only the flow variant differs between ours (peers ignore it).

    ``seed`` sets the flow's initial weights and batch order and which training images are held out. The peers'
    heads are built for one backbone stage on the 3-scale input pyramid (equal widths, grids halving), so they
    keep reading that; ours read the engine's default feature maps.
    """
    variant = OUR_VARIANTS.get(model, "csflow")
    return ModelConfig(
        backbone=BackboneConfig() if model in OUR_MODELS else BackboneConfig(stages=()),
        flow=FlowConfig(variant=variant, hidden_channels=options.hidden, seed=seed),
        train=TrainConfig(epochs=options.epochs, seed=seed),
        input=InputConfig(image_size=options.image_size),
        # the peers and the flow-map row score with the flow alone; csflow and csa with the engine's default maps
        maps=MapConfig() if model in ("csflow", "csa") else MapConfig(source="flow", score="flow"),
    )


def train_model(model: str, images: Sequence[Path], options: BenchOptions, device: str, seed: int = 0):
    config = model_config(model, options, seed)
    if model in OUR_MODELS:
        return Detector.train(images, config, device=device)
    if model == "anomalib-csflow":
        from bench.anomalib_csflow import AnomalibCsFlowDetector

        return AnomalibCsFlowDetector.train(images, config, device=device)
    from bench.anomalib_patchcore import AnomalibPatchcoreDetector

    return AnomalibPatchcoreDetector.train(images, config, device=device, coreset_ratio=options.coreset_ratio,
                                           coreset_max=options.coreset_max)


def load_peer_modules(models: Sequence[str]) -> None:
    """Import anomalib before any clock starts: its import alone takes many seconds and is nobody's training time."""
    if "anomalib-csflow" in models:
        import bench.anomalib_csflow  # noqa: F401
    if "anomalib-patchcore" in models:
        import bench.anomalib_patchcore  # noqa: F401


def feature_shapes(options: BenchOptions, model: str = "csa") -> list[tuple[int, int, int]]:
    """(channels, height, width) per scale of ``model``'s features, from one probe image."""
    config = model_config(model, options)
    return FeatureExtractor(config.backbone, config.input, pick_device("cpu")).feature_shapes


def check_feature_grids(shapes: Sequence[tuple[int, int, int]], models: Sequence[str], image_size: int) -> None:
    """anomalib's CS-Flow upsamples each feature grid by exactly 2; say so before anything is trained."""
    if "anomalib-csflow" not in models:
        return
    if any(fine[1:] != (2 * coarse[1], 2 * coarse[2]) for fine, coarse in zip(shapes, shapes[1:])):
        grids = ", ".join(f"{h}x{w}" for _, h, w in shapes)
        raise SystemExit(
            f"at --image-size {image_size} the feature grids are {grids}, but anomalib CsFlow needs each to be "
            f"twice the next; use a multiple of 4 x the backbone stride (e.g. 128, 256, 384 for stride 32) "
            f"or leave it out with --models")


def warm_up(device: str, paths: Sequence[Path]) -> None:
    """Start-up costs that would otherwise land on whichever model happens to run first.

    The image files are read once (so every model finds them in the page cache) and a CUDA device gets its
    context and cuDNN initialised.
    """
    for path in paths:
        try:
            path.read_bytes()
        except OSError:
            pass  # unreadable files are reported by the models themselves
    if device.startswith("cuda"):
        with torch.no_grad():
            conv = torch.nn.Conv2d(3, 8, 3).to(device)
            conv(torch.zeros(1, 3, 64, 64, device=device))
        torch.cuda.synchronize(device)


def images_per_second(detector, paths: Sequence[Path], batch_size: int, repeats: int) -> list[float]:
    """Scoring speed from files, whole pipeline included: one batch to warm up, then ``repeats`` passes over ``paths``.

    Each pass gives one rate; the table shows the best, which is the least disturbed by other work on the machine.
    """
    for _ in detector.score_images(paths[:batch_size], batch_size=batch_size):
        pass
    rates = []
    for _ in range(repeats):
        start = time.perf_counter()
        scored = sum(1 for result in detector.score_images(paths, batch_size=batch_size) if result.ok)
        elapsed = time.perf_counter() - start
        rates.append(scored / elapsed if elapsed > 0 else float("inf"))
    return rates


def shared_timing_features(options: BenchOptions, device: str, paths: Sequence[Path]) -> dict[bool, FeatureSet]:
    """Features of the timing images, extracted once per feature layout (ours, the peers'): the head-only speed
    of every model is measured on them."""
    out = {}
    for ours, model in ((True, "csa"), (False, "anomalib-csflow")):
        config = model_config(model, options)
        out[ours] = FeatureExtractor(config.backbone, config.input, pick_device(device),
                                     maps=config.maps).extract_paths(list(paths))
    return out


def head_images_per_second(detector, features: FeatureSet, batch_size: int, repeats: int) -> list[float]:
    """Speed of the part after the backbone alone (scores and each model's own anomaly maps), best of ``repeats``.

    Not a table column: it shows how much of the end-to-end time is the shared backbone and how much the head.
    """

    def run(subset: FeatureSet) -> None:
        if isinstance(detector, Detector):
            detector.score_features(subset, batch_size=batch_size)
            return
        for start in range(0, len(subset), batch_size):
            detector.score_features([s[start : start + batch_size].to(detector.device) for s in subset.scales])

    run(features.subset(range(min(batch_size, len(features)))))
    rates = []
    for _ in range(repeats):
        start = time.perf_counter()
        run(features)
        elapsed = time.perf_counter() - start
        rates.append(len(features) / elapsed if elapsed > 0 else float("inf"))
    return rates


def describe_training(model: str, detector, device: str, options: BenchOptions, seed: int = 0) -> str:
    meta = detector.meta
    parts = []
    if model == "anomalib-patchcore":
        kept, total = meta["memory_bank_size"], meta["n_patches"]
        capped = kept < max(1, int(total * meta["coreset_ratio"]))
        parts.append(f"coreset {kept} of {total} patches ({100 * kept / total:.2g}%"
                     f"{f', capped at {kept}' if capped else ''})")
    else:
        training = meta.get("training", {})
        parts.append(f"{training.get('epochs_run')}/{options.epochs} epochs, best {training.get('best_epoch')}")
    if device.startswith("cuda"):
        parts.append("AMP")
    if options.quick:
        parts.append("quick")
    if options.seeds > 1:
        parts.append(f"seed {seed}")
    return "; ".join(parts)


def run_model(model: str, dataset: str, device: str, train_paths: Sequence[Path], eval_dir: Path,
              timing_paths: Sequence[Path], timing_features: dict[bool, FeatureSet], options: BenchOptions,
              seed: int = 0, budget: Optional[int] = None) -> BenchRow:
    """One training and evaluation; speed is measured for the first seed only (it does not depend on the seed).

    ``budget``: train for this many epochs instead of ``options.epochs``, a point of the budget table (not timed).
    """
    if budget is not None:
        options = replace(options, epochs=budget)
    where = (f"[{dataset} / {device}{f' / seed {seed}' if options.seeds > 1 else ''}"
             f"{f' / {budget} epochs' if budget is not None else ''}] {MODEL_LABELS[model]}")
    log(f"{where}: training on {len(train_paths)} images")
    start = time.perf_counter()
    detector = train_model(model, train_paths, options, device, seed)
    train_seconds = time.perf_counter() - start
    log(f"{where}: trained in {train_seconds:.1f} s, evaluating")
    metrics = evaluate_category(detector, eval_dir)
    timed = seed == 0 and budget is None
    rates = images_per_second(detector, timing_paths, options.batch_size, options.timing_repeats) if timed else []
    head_rates = (head_images_per_second(detector, timing_features[model in OUR_MODELS], options.batch_size,
                                         options.timing_repeats) if timed else [])
    training = detector.meta.get("training", {})
    row = BenchRow(
        model=model,
        device=device,
        dataset=dataset,
        image_auroc=metrics["image_auroc"],
        pixel_auroc=metrics["pixel_auroc"],
        pixel_aupro=metrics.get("pixel_aupro"),
        pointing=metrics.get("pointing"),
        false_alarm_rate_at_recall_99=metrics.get("false_alarm_rate_at_recall_99"),
        good_outlined_share=metrics.get("good_outlined_share"),
        recall_ano=metrics["recall_ano"],
        train_seconds=train_seconds,
        images_per_second=max(rates) if rates else math.nan,
        notes=describe_training(model, detector, device, options, seed),
        n_train_images=len(train_paths),
        n_test_images=metrics["n_images"],
        details={
            "epochs_run": training.get("epochs_run"),
            "best_epoch": training.get("best_epoch"),
            "recall_norm": metrics["recall_norm"],
            "accuracy": metrics["accuracy"],
            "roc_threshold": metrics["threshold"],
            "at_model_threshold": metrics["at_model_threshold"],
            "false_alarm_rate_at_recall_95": metrics.get("false_alarm_rate_at_recall_95"),
            "n_anomalous": metrics["n_anomalous"],
            "n_timing_images": len(timing_paths),
            "images_per_second_per_pass": rates,
            "head_images_per_second": max(head_rates) if head_rates else None,
            "head_images_per_second_per_pass": head_rates,
            "skipped_test_images": len(metrics["skipped"]),
            **{k: v for k, v in detector.meta.items()
               if k in ("memory_bank_size", "n_patches", "embedding_dim", "coreset_ratio", "n_parameters")},
        },
        seed=seed,
        epochs=None if model == "anomalib-patchcore" else options.epochs,
        budget=budget is not None,
    )
    speed = (f", {row.images_per_second:.2f} images/s ({max(head_rates):.1f} images/s after the backbone)"
             if timed else "")
    log(f"{where}: image AUROC {_fmt(row.image_auroc)}, pixel AUROC {_fmt(row.pixel_auroc)}{speed}")
    return row


def _fmt(value: Optional[float]) -> str:
    return "-" if value is None else f"{value:.3f}"


def log(message: str) -> None:
    print(f"{time.strftime('%H:%M:%S')} {message}", file=sys.stderr, flush=True)


def environment(options: BenchOptions) -> dict[str, Any]:
    def version(dist: str) -> Optional[str]:
        try:
            return importlib.metadata.version(dist)
        except importlib.metadata.PackageNotFoundError:
            return None

    info: dict[str, Any] = {
        "python": platform.python_version(),
        "platform": platform.platform(),
        "cpu_count": os.cpu_count(),
        "torch_threads": torch.get_num_threads(),
        **{name: version(name) for name in ("torch", "torchvision", "timm", "FrEIA", "anomalib")},
    }
    if any(d.startswith("cuda") for d in options.devices) and torch.cuda.is_available():
        info["cuda_device"] = torch.cuda.get_device_name(0)
    return info


def select_categories(options: BenchOptions) -> list[Path]:
    if not options.datasets.is_dir():
        raise SystemExit(f"dataset folder not found: {options.datasets} (use --datasets)")
    found = find_categories(options.datasets)
    if options.categories is not None:
        missing = sorted(set(options.categories) - {c.name for c in found})
        if missing:
            names = ", ".join(c.name for c in found) or "none"
            raise SystemExit(f"categories not found under {options.datasets}: {', '.join(missing)} (found: {names})")
        found = [c for c in found if c.name in options.categories]
    if not found:
        raise SystemExit(f"no MVTec-layout category (a folder with train/good) under {options.datasets}")
    return found


def save_results(options: BenchOptions, categories: Sequence[Path], shapes: Sequence[tuple[int, int, int]],
                 rows: Sequence[BenchRow], skipped: Sequence[dict[str, Any]]) -> Path:
    """Write every row so far with the targets judged on them (rewritten after each model, complete at the end)."""
    targets = check_targets([r for r in rows if not r.budget], options.image_size, options.quick,
                            cpu_cores=os.cpu_count())
    settings = {k: (str(v) if isinstance(v, Path) else v) for k, v in asdict(options).items()}
    settings["categories"] = [c.name for c in categories]
    settings["feature_shapes"] = [list(s) for s in shapes]
    return write_json(options.out, settings, environment(options), rows, targets, skipped)


def main(argv: Optional[Sequence[str]] = None) -> int:
    options = parse_args(argv)
    if options.threads:
        torch.set_num_threads(options.threads)
    categories = select_categories(options)
    models = list(options.models)
    skipped: list[dict[str, str]] = []
    if any(m in PEER_MODELS for m in models) and importlib.util.find_spec("anomalib") is None:
        for m in [m for m in models if m in PEER_MODELS]:
            skipped.append({"model": m, "reason": "anomalib is not installed (pip install -e '.[bench]')"})
            log(f"skipping {MODEL_LABELS[m]}: anomalib is not installed (pip install -e '.[bench]')")
        models = [m for m in models if m not in PEER_MODELS]
    load_peer_modules(models)
    shapes = feature_shapes(options)
    check_feature_grids(feature_shapes(options, "anomalib-csflow"), models, options.image_size)
    log("shared features per scale (channels, height, width): " + ", ".join(str(tuple(s)) for s in shapes))

    rows: list[BenchRow] = []
    with tempfile.TemporaryDirectory(prefix="csa-bench-") as scratch:
        for category in categories:
            dataset = category.name
            train_paths = evenly_spaced(training_images(category), options.train_limit)
            test_items = pick_test_items(category, options.test_limit)
            eval_dir = category if options.test_limit is None else link_test_subset(
                category, test_items, Path(scratch) / dataset)
            timing_paths = [i.path for i in evenly_spaced(test_items, options.timing_images)]
            for device in options.devices:
                warm_up(device, list(train_paths) + [i.path for i in test_items])
                timing_features = shared_timing_features(options, device, timing_paths)
                runs = [(seed, model, None) for seed in options.seed_list for model in models]
                # PatchCore has no epochs; the main run's epochs are already in the table
                runs += [(seed, model, budget) for budget in options.budget_epochs if budget != options.epochs
                         for seed in options.seed_list for model in models if model != "anomalib-patchcore"]
                for seed, model, budget in runs:
                    try:
                        rows.append(run_model(model, dataset, device, train_paths, eval_dir, timing_paths,
                                              timing_features, options, seed, budget))
                    except Exception as err:  # one failing model must not cost the whole run
                        traceback.print_exc()
                        skipped.append({"model": model, "dataset": dataset, "device": device, "seed": seed,
                                        **({"epochs": budget} if budget is not None else {}),
                                        "reason": f"failed: {type(err).__name__}: {err}"})
                    finally:
                        gc.collect()
                        if torch.cuda.is_available():
                            torch.cuda.empty_cache()
                    # a run of an hour or more must not lose its finished rows to a stop or a crash
                    save_results(options, categories, shapes, rows, skipped)

    main_rows = [r for r in rows if not r.budget]
    targets = check_targets(main_rows, options.image_size, options.quick, cpu_cores=os.cpu_count())
    print(format_table(main_rows))
    print(f"\nmean ± standard deviation over {options.seeds} seed(s) (targets are judged on these)")
    print(format_summary(summarize(main_rows)))
    if options.budget_epochs:
        print(f"\nimage AUROC (mean ± standard deviation over {options.seeds} seed(s)) and mean training seconds "
              f"against training epochs")
        print(format_budget_table(rows))
    for entry in skipped:
        where = f" on {entry['dataset']} [{entry['device']}]" if "dataset" in entry else ""
        print(f"not run: {MODEL_LABELS[entry['model']]}{where}: {entry['reason']}")
    print("\ntargets")
    for check in targets:
        print("  " + check.line())
    path = save_results(options, categories, shapes, rows, skipped)
    print(f"\nresults written to {path}")
    failed = [s for s in skipped if s["reason"].startswith("failed")]
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
