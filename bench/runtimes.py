"""Backbone runtimes side by side in one run: PyTorch, ONNX Runtime, OpenVINO (and anomalib CsFlow as peer).

One model of the engine's default configuration is trained once (PyTorch). Then, for every installed runtime,
in the same process and on the same images, the script measures:

* first load: ``Detector.load`` with an empty runtime cache (export + compile + the check against PyTorch), the
  export seconds alone, and the load after it with the cache filled (what the second scoring of a batch pays);
* start: load plus the first batch of scored results, with the cache filled (how soon a batch starts);
* end-to-end images/s: ``score_images`` from files (decode, pyramid, backbone, flow, heatmap), best pass;
  passes alternate between the runtimes so a busy machine slows all of them alike;
* after-backbone images/s: the flow alone on features extracted by that runtime;
* agreement with PyTorch: largest relative difference of the image scores of every test photo, and of the
  threshold calibrated on the good test photos with that runtime's features; image AUROC of those scores.

anomalib's CS-Flow (bench/anomalib_csflow.py, its flow on our features, PyTorch) is trained and timed the same
way when anomalib is installed. Targets of the runtime work are printed as PASS/FAIL lines. Example::

    python -m bench.runtimes --categories tire --out bench-results/runtimes.json
"""
from __future__ import annotations

import argparse
import importlib.util
import json
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, Optional, Sequence

import numpy as np
import torch
from sklearn.metrics import roc_auc_score

from bench.report import json_safe
from bench.subsets import evenly_spaced
from core.config import FlowConfig, InputConfig, ModelConfig, TrainConfig
from core.photos.datasets import find_categories, training_images
from core.scoring.detector import Detector
from core.features.runtime import available_runtimes

REPO_ROOT = Path(__file__).resolve().parents[1]

DEFAULT_DATASETS = REPO_ROOT.parent / "shared" / "datasets"
TOLERANCE = 1e-4


def log(message: str) -> None:
    print(f"{time.strftime('%H:%M:%S')} {message}", file=sys.stderr, flush=True)


def parse_args(argv: Optional[Sequence[str]]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--datasets", type=Path, default=DEFAULT_DATASETS)
    parser.add_argument("--categories", default="tire", help="comma-separated category names (default tire)")
    parser.add_argument("--runtimes", default=",".join(available_runtimes()),
                        help="comma-separated, default every installed one: %(default)s")
    parser.add_argument("--image-size", type=int, default=384)
    parser.add_argument("--epochs", type=int, default=8, help="training epochs of the one model (speed does "
                                                                "not depend on them)")
    parser.add_argument("--train-limit", type=int, default=None)
    parser.add_argument("--timing-images", type=int, default=48)
    parser.add_argument("--timing-repeats", type=int, default=3)
    parser.add_argument("--batch-size", type=int, default=8)
    parser.add_argument("--threads", type=int, default=None)
    parser.add_argument("--no-peer", action="store_true", help="leave anomalib CsFlow out")
    parser.add_argument("--out", type=Path, default=Path("bench-results") / "runtimes.json")
    return parser.parse_args(argv)


def scoring_pass(detector, paths: Sequence[Path], batch_size: int) -> float:
    start = time.perf_counter()
    scored = sum(1 for result in detector.score_images(paths, batch_size=batch_size) if result.ok)
    elapsed = time.perf_counter() - start
    return scored / elapsed if elapsed > 0 else float("inf")


def head_rate(detector: Detector, paths: Sequence[Path], batch_size: int, repeats: int) -> float:
    features = detector.extractor.extract_paths(list(paths), batch_size=batch_size)
    detector.score_features(features.subset(range(min(batch_size, len(features)))), batch_size=batch_size)
    best = 0.0
    for _ in range(repeats):
        start = time.perf_counter()
        detector.score_features(features, batch_size=batch_size)
        best = max(best, len(features) / max(time.perf_counter() - start, 1e-9))
    return best


def load_timed(model: Path, runtime: str) -> tuple[Detector, float]:
    start = time.perf_counter()
    detector = Detector.load(model, device="cpu", runtime=runtime)
    return detector, time.perf_counter() - start


def start_seconds(model: Path, runtime: str, paths: Sequence[Path], batch_size: int) -> float:
    """Load with a filled cache, then the first batch of results: how long a user waits before scores appear."""
    start = time.perf_counter()
    detector = Detector.load(model, device="cpu", runtime=runtime)
    for index, _ in enumerate(detector.score_images(paths[:batch_size], batch_size=batch_size)):
        if index + 1 >= batch_size:
            break
    return time.perf_counter() - start


def run_category(category: Path, args: argparse.Namespace, runtimes: list[str], scratch: Path) -> dict[str, Any]:
    config = ModelConfig(flow=FlowConfig(), train=TrainConfig(epochs=args.epochs),
                         input=InputConfig(image_size=args.image_size))
    train_paths = evenly_spaced(training_images(category), args.train_limit)
    test_paths = sorted(p for p in (category / "test").rglob("*") if p.is_file())
    good_test = sorted(p for p in (category / "test" / "good").iterdir() if p.is_file())
    timing_paths = evenly_spaced(test_paths, args.timing_images)
    for path in train_paths + test_paths:
        path.read_bytes()  # page cache warm for everybody
    log(f"[{category.name}] training {config.flow.variant} on {len(train_paths)} images (PyTorch)")
    started = time.perf_counter()
    trained = Detector.train(train_paths, config, device="cpu", runtime="torch")
    train_torch_s = time.perf_counter() - started
    model = trained.save(scratch / f"{category.name}.csa")

    rows: dict[str, dict[str, Any]] = {}
    detectors: dict[str, Any] = {}
    for runtime in runtimes:
        os.environ["CSA_INSPECTOR_CACHE"] = str(scratch / f"cache-{category.name}-{runtime}")  # empty: first call
        detector, first_load = load_timed(model, runtime)
        choice = detector.runtime_choice
        _, cached_load = load_timed(model, runtime)
        rows[runtime] = {
            "runs": detector.runtime, "refused": dict(choice.refused) if choice else {},
            "first_load_s": first_load, "export_s": choice.export_seconds if choice else 0.0,
            "cached_load_s": cached_load, "feature_difference": choice.feature_difference if choice else None,
            "probe_score_difference": choice.score_difference if choice else None,
        }
        detectors[runtime] = detector
        log(f"[{category.name}] {runtime}: runs {detector.runtime}, first load {first_load:.1f} s "
            f"(export {rows[runtime]['export_s']:.1f} s), cached load {cached_load:.1f} s")
    if not args.no_peer and importlib.util.find_spec("anomalib") is not None:
        from bench.anomalib_csflow import AnomalibCsFlowDetector

        log(f"[{category.name}] training anomalib CsFlow")
        detectors["anomalib-csflow"] = AnomalibCsFlowDetector.train(train_paths, config, device="cpu")
        rows["anomalib-csflow"] = {"runs": "torch (anomalib CS-Flow head)"}

    for name, detector in detectors.items():  # warm-up batch each
        for _ in detector.score_images(timing_paths[: args.batch_size], batch_size=args.batch_size):
            pass
    rates: dict[str, list[float]] = {name: [] for name in detectors}
    for repeat in range(args.timing_repeats):
        for name, detector in detectors.items():
            rates[name].append(scoring_pass(detector, timing_paths, args.batch_size))
        log(f"[{category.name}] pass {repeat + 1}: " + ", ".join(f"{n} {r[-1]:.2f}" for n, r in rates.items()))
    for name, detector in detectors.items():
        rows[name]["images_per_second"] = max(rates[name])
        rows[name]["images_per_second_per_pass"] = rates[name]
        if isinstance(detector, Detector):
            rows[name]["after_backbone_images_per_second"] = head_rate(detector, timing_paths, args.batch_size,
                                                                      args.timing_repeats)
    for runtime in runtimes:
        os.environ["CSA_INSPECTOR_CACHE"] = str(scratch / f"cache-{category.name}-{runtime}")
        rows[runtime]["start_s"] = start_seconds(model, runtime, timing_paths, args.batch_size)

    reference_scores: Optional[np.ndarray] = None
    reference_threshold: Optional[float] = None
    for runtime in runtimes:
        detector = detectors[runtime]
        results = [r for r in detector.score_images(test_paths) if r.ok]
        scores = np.array([r.score for r in results])
        labels = [int(r.path.parent.name != "good") for r in results]
        detector.calibrate(good_test, config.train.target_false_alarm_rate)
        if reference_scores is None:
            reference_scores, reference_threshold = scores, detector.threshold
        scale = float(np.abs(reference_scores).max())
        rows[runtime].update({
            "image_auroc": float(roc_auc_score(labels, scores)) if 0 < sum(labels) < len(labels) else None,
            "score_difference": float(np.abs(scores - reference_scores).max()) / scale,
            "threshold": detector.threshold,
            "threshold_difference": abs(detector.threshold - reference_threshold) / abs(reference_threshold),
        })
    return {"category": category.name, "n_train": len(train_paths), "n_test": len(test_paths),
            "n_timing": len(timing_paths), "train_torch_s": train_torch_s, "rows": rows}


def fmt(value: Any, digits: int = 2) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:.2e}" if 0 < abs(value) < 1e-2 else f"{value:.{digits}f}"
    return str(value)


def report(result: dict[str, Any], runtimes: list[str]) -> list[str]:
    rows = result["rows"]
    lines = [f"\n{result['category']}: {result['n_timing']} timing images, {result['n_test']} evaluation images",
             "| runtime | runs | images/s end to end | x PyTorch | images/s after backbone | first call (export) s "
             "| cached load s | start s | image AUROC | score diff | threshold diff |",
             "|---|---|---|---|---|---|---|---|---|---|---|"]
    base = rows.get("torch", {}).get("images_per_second")
    for name, row in rows.items():
        ratio = row["images_per_second"] / base if base else None
        export = (f"{fmt(row.get('first_load_s'), 1)} ({fmt(row.get('export_s'), 1)})"
                  if "first_load_s" in row else "-")
        lines.append("| " + " | ".join([
            name, row["runs"], fmt(row["images_per_second"]), fmt(ratio), fmt(row.get("after_backbone_images_per_second"), 1),
            export, fmt(row.get("cached_load_s"), 1), fmt(row.get("start_s"), 1), fmt(row.get("image_auroc"), 3),
            fmt(row.get("score_difference")), fmt(row.get("threshold_difference")),
        ]) + " |")
    exported = [n for n in runtimes if n != "torch" and rows[n]["runs"] == n]
    if base and exported:
        best = max(exported, key=lambda n: rows[n]["images_per_second"])
        speedup = rows[best]["images_per_second"] / base
        lines.append(f"target end to end >= 2x PyTorch: {best} {speedup:.2f}x -> {'PASS' if speedup >= 2 else 'FAIL'}")
        peer = rows.get("anomalib-csflow", {}).get("images_per_second")
        if peer:
            versus = rows[best]["images_per_second"] / peer
            lines.append(f"target >= 2.5x anomalib CsFlow: {versus:.2f}x -> {'PASS' if versus >= 2.5 else 'FAIL'}")
        worst_score = max(rows[n]["score_difference"] for n in exported)
        worst_threshold = max(rows[n]["threshold_difference"] for n in exported)
        lines.append(f"target scores and thresholds within {TOLERANCE:.0e} relative: scores {worst_score:.2e}, "
                     f"thresholds {worst_threshold:.2e} -> "
                     f"{'PASS' if worst_score < TOLERANCE and worst_threshold < TOLERANCE else 'FAIL'}")
        slowest = max(rows[n]["start_s"] for n in exported)
        lines.append(f"target cached start as fast as PyTorch's: {slowest:.1f} s vs {rows['torch']['start_s']:.1f} s "
                     f"-> {'PASS' if slowest <= 1.1 * rows['torch']['start_s'] else 'FAIL'}")
    return lines


def main(argv: Optional[Sequence[str]] = None) -> int:
    args = parse_args(argv)
    if args.threads:
        torch.set_num_threads(args.threads)
    runtimes = [r.strip() for r in args.runtimes.split(",") if r.strip()]
    if "torch" not in runtimes:
        runtimes.insert(0, "torch")  # the reference every other runtime is compared with
    wanted = {c.strip() for c in args.categories.split(",") if c.strip()}
    categories = [c for c in find_categories(args.datasets) if c.name in wanted]
    if not categories:
        raise SystemExit(f"none of {sorted(wanted)} found under {args.datasets}")
    results = []
    with tempfile.TemporaryDirectory(prefix="csa-runtimes-") as scratch:
        for category in categories:
            results.append(run_category(category, args, runtimes, Path(scratch)))
    lines = [line for result in results for line in report(result, runtimes)]
    print("\n".join(lines))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    environment = {"cpu_count": os.cpu_count(), "torch_threads": torch.get_num_threads(),
                   "runtimes": {r: available_runtimes().count(r) > 0 for r in runtimes}}
    args.out.write_text(json.dumps(json_safe({"settings": {k: str(v) for k, v in vars(args).items()},
                                              "environment": environment, "results": results, "report": lines}),
                                   indent=1), encoding="utf-8")
    print(f"\nresults written to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
