"""``csa-inspector``: train, score, retrain, eval, report, demo and gui from the command line.

Heavy imports (torch, Qt) happen inside the commands, so ``--help`` and errors in arguments are instant.
Every failure the user can fix prints one line starting with ``error:`` and exits with status 2.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path
from typing import Optional, Sequence

from core import __version__
from core.config import (
    RUNTIMES, VARIANTS, BackboneConfig, FlowConfig, InputConfig, RetrainConfig, RuntimeConfig, ScoringConfig, TrainConfig,
)
from core.vocabulary import EPOCH_STAGES, STAGE_BAR_LABELS

EXIT_USER_ERROR = 2


class UserError(Exception):
    """A problem the user can fix; printed as one line."""


# --------------------------------------------------------------------------------------------- progress


class _TqdmProgress:
    """Adapts engine progress events to tqdm bars on stderr, one bar per stage."""

    def __init__(self, quiet: bool = False):
        self.quiet = quiet
        self.bars: dict[str, object] = {}

    def __call__(self, event) -> None:
        if self.quiet:
            return
        from tqdm import tqdm

        bar = self.bars.get(event.stage)
        if bar is None:
            unit = "epoch" if event.stage in EPOCH_STAGES else "img"
            bar = tqdm(total=event.total, desc=STAGE_BAR_LABELS.get(event.stage, event.stage), unit=unit, file=sys.stderr,
                       dynamic_ncols=True, leave=True)
            self.bars[event.stage] = bar
        bar.update(event.done - bar.n)
        if event.loss is not None:
            postfix = {"loss": f"{event.loss:.4f}"}
            val = event.extra.get("val_loss") if event.extra else None
            if val is not None:
                postfix["held-out"] = f"{val:.4f}"
            bar.set_postfix(postfix)
        if event.done >= event.total:
            bar.close()

    def close(self) -> None:
        for bar in self.bars.values():
            bar.close()


# --------------------------------------------------------------------------------------------- commands


def _given(**options) -> dict:
    """The options the user gave; the ones left out take the config dataclasses' defaults."""
    return {name: value for name, value in options.items() if value is not None}


def _model_config(args: argparse.Namespace):
    from core.config import BackboneConfig, FlowConfig, InputConfig, ModelConfig, TrainConfig

    time_budget_s = args.time_budget * 60.0 if args.time_budget is not None else None
    train = TrainConfig(**_given(epochs=args.epochs, batch_size=args.batch_size, target_false_alarm_rate=args.review_share,
                                 alarm_false_alarm_rate=args.alarm_share, seed=args.seed,
                                 early_stop_patience=args.patience, time_budget_s=time_budget_s))
    weights = _given(name=args.backbone, weights=args.backbone_weights)
    if args.stages:
        backbone = BackboneConfig(**weights, stages=tuple(int(s) for s in args.stages.split(",") if s.strip()))
    elif args.stage is not None:  # one stage on the 3-scale input pyramid
        backbone = BackboneConfig(**weights, stage=args.stage, stages=())
    else:
        backbone = BackboneConfig(**weights)
    return ModelConfig(
        backbone=backbone,
        flow=FlowConfig(**_given(variant=args.variant, hidden_channels=args.hidden, seed=args.seed)),
        train=train,
        input=InputConfig(**_given(image_size=args.image_size)),
    )


def cmd_train(args: argparse.Namespace) -> int:
    from core.datasets import training_images
    from core.detector import Detector
    from core.feature_cache import FeatureCache

    data = Path(args.data)
    if not data.is_dir():
        raise UserError(f"training folder not found: {data}")
    images = training_images(data)
    config = _model_config(args)
    progress = _TqdmProgress(args.quiet)
    try:
        detector = Detector.train(images, config, progress=progress, device=args.device, feature_cache=FeatureCache(),
                                  runtime=args.runtime)
    finally:
        progress.close()
    out = detector.save(args.out)
    meta = detector.meta
    for path, reason in meta.get("skipped_images", {}).items():
        print(f"skipped {path}: {reason}", file=sys.stderr)
    training = meta["training"]
    print(
        f"trained {config.flow.variant} on {meta['n_train_images']} images "
        f"({meta['n_holdout_images']} held out) in {meta['train_seconds']:.0f} s on {_engine(detector)}; "
        f"best epoch {training['best_epoch']} of {training['epochs_run']}"
    )
    print(f"thresholds: pass {detector.threshold:.4f} ({100 * config.train.target_false_alarm_rate:g} % of held-out normal "
          f"photos to review), alarm {detector.alarm_threshold:.4f} ({100 * config.train.alarm_false_alarm_rate:g} %)")
    print(f"model written to {out}")
    return 0


def cmd_score(args: argparse.Namespace) -> int:
    from core.batch import score_batch

    detector = _load_detector(args.model, args.device, args.runtime)
    images = Path(args.images)
    progress = _TqdmProgress(args.quiet)
    try:
        outcome = score_batch(detector, images, out_dir=args.out, write_log=not args.no_log,
                              heatmap_pictures=not args.no_heatmaps, progress=progress,
                              **_given(batch_size=args.batch_size),
                              on_busy=lambda message: print(f"warning: {message}", file=sys.stderr))
    finally:
        progress.close()
    threshold = outcome.threshold if outcome.threshold is not None else detector.threshold
    alarm = outcome.alarm_threshold if outcome.alarm_threshold is not None else detector.alarm_threshold
    _print_score_table(outcome.results, images, limit=args.top, thresholds=(threshold, alarm))
    print(f"engine: {_engine(detector)}")
    for bad in outcome.errors:
        print(f"skipped {bad.path}: {bad.error}", file=sys.stderr)
    for entry in outcome.skipped:
        print(f"not part of the batch: {entry.rel_path}: {entry.reason}", file=sys.stderr)
    zones = outcome.zone_counts()
    to_see = zones["review"] + zones["alarm"]
    share = f" ({100 * to_see / len(outcome.scored):.1f} %)" if outcome.scored else ""
    print(
        f"{len(outcome.scored)} images scored: {zones['alarm']} alarm, {zones['review']} review, {zones['pass']} pass "
        f"(pass {threshold:.4f}, alarm {alarm:.4f}); a person must see {to_see}{share}; "
        f"{len(outcome.errors)} skipped"
    )
    if outcome.threshold_set_by and outcome.threshold != detector.threshold:
        print(f"kept the batch's threshold {outcome.threshold:.4f} set by {outcome.threshold_set_by} "
              f"(the model's own is {detector.threshold:.4f})")
    if outcome.check is not None:
        for old, new in outcome.check.renamed:
            print(f"renamed since the last scoring: {old} -> {new} (its record and decision follow it)")
        for rel in outcome.check.missing:
            print(f"warning: {rel} is gone from the batch folder; its record is kept and marked missing",
                  file=sys.stderr)
    print(f"results written to {Path(args.out).resolve()}")
    if outcome.log_path:
        where = (" (the batch folder is read-only, so the log is kept in your data folder)"
                 if outcome.log_in_fallback_location else "")
        print(f"review log: {outcome.log_path}{where}")
    return 0


def _engine(detector) -> str:
    """Device and backbone runtime, e.g. ``cpu, openvino``; a refused runtime says why on stderr."""
    choice = getattr(detector, "runtime_choice", None)
    if choice is not None:
        for name, reason in choice.refused.items():
            print(f"note: backbone runtime {name} not used: {reason}", file=sys.stderr)
    return f"{detector.device_description}, backbone runtime {detector.runtime}"


def _load_detector(model: str, device: Optional[str], runtime: str = "torch"):
    """Load a model and tell the user how an older file was read (e.g. its alarm threshold derived)."""
    from core.detector import Detector

    detector = Detector.load(model, device=device, runtime=runtime)
    for note in detector.load_notes:
        print(f"note: {note}", file=sys.stderr)
    return detector


def _print_score_table(results, root: Path, limit: Optional[int] = None,
                       thresholds: Optional[tuple[float, float]] = None) -> None:
    from core.operating_point import zone_of

    ordered = sorted((r for r in results if r.ok), key=lambda r: -r.score)
    shown = ordered if limit is None else ordered[:limit]
    width = max([len(_rel(r.path, root)) for r in shown] + [4])
    print(f"{'file':<{width}}  {'score':>10}  zone")
    for r in shown:
        zone = zone_of(r.score, *thresholds) if thresholds else ("review" if r.flagged else "pass")
        print(f"{_rel(r.path, root):<{width}}  {r.score:>10.4f}  {(zone or '').upper() if zone != 'pass' else 'pass'}")
    if limit is not None and len(ordered) > limit:
        print(f"... {len(ordered) - limit} more in scores.csv")


def _rel(path: Path, root: Path) -> str:
    from core import photo_key

    return photo_key(Path(root).resolve(), path)


def cmd_eval(args: argparse.Namespace) -> int:
    from core.evaluation import evaluate_category

    if args.from_logs:
        return _eval_from_logs(args)
    if not args.model or not args.data:
        raise UserError("eval needs --model and --data (a labelled category), or --from-logs FOLDERS")
    detector = _load_detector(args.model, args.device, args.runtime)
    data = Path(args.data)
    if not (data / "test").is_dir():
        raise UserError(f"{data} is not an MVTec-style category (no test/ folder)")
    progress = _TqdmProgress(args.quiet or args.json)
    try:
        metrics = evaluate_category(detector, data, progress=progress)
    finally:
        progress.close()
    if args.save_threshold:
        point = metrics.get("operating_point_from_roc")
        if point is None:
            raise UserError("--save-threshold needs both normal and foreign-body photos in the labelled set")
        detector.set_operating_point(point["pass_threshold"], point["alarm_threshold"])
        detector.save(args.model)
        if not args.json:
            print(f"saved to {args.model}: pass {detector.threshold:.4f} (keeps {100 * point['catch_target']:g} % of "
                  f"the labelled foreign bodies), alarm {detector.alarm_threshold:.4f}")
    if args.json:
        print(json.dumps(metrics, default=float))
        return 0
    rows = [
        ("image AUROC", metrics["image_auroc"]),
        ("pixel AUROC", metrics["pixel_auroc"]),
        ("pixel AUPRO (FPR <= 0.3)", metrics.get("pixel_aupro")),
        ("pointing (peak on defect)", metrics.get("pointing")),
        ("Recall_Ano", metrics["recall_ano"]),
        ("Recall_Norm", metrics["recall_norm"]),
        ("Accuracy", metrics["accuracy"]),
        ("false alarms at 100% recall", metrics.get("false_alarm_rate_at_recall_100")),
        ("false alarms at 99% recall", metrics.get("false_alarm_rate_at_recall_99")),
        ("false alarms at 95% recall", metrics.get("false_alarm_rate_at_recall_95")),
    ]
    print(f"{data.name}: {metrics['n_images']} test images, {metrics['n_anomalous']} anomalous ({_engine(detector)})")
    for name, value in rows:
        print(f"  {name:<28} {'n/a' if value is None else f'{100 * value:6.2f} %'}")
    print(f"  {'threshold (ROC-optimal)':<28} {metrics['threshold']:.4f}")
    at_model = metrics["at_model_threshold"]
    print(
        f"  at the model's pass threshold {at_model['threshold']:.4f}: Recall_Ano {100 * at_model['recall_ano']:.2f} %, "
        f"Recall_Norm {100 * at_model['recall_norm']:.2f} %, Accuracy {100 * at_model['accuracy']:.2f} %"
    )
    zones = at_model["zones"]
    print(f"  zones (alarm {at_model['alarm_threshold']:.4f}): {zones['alarm']} alarm, {zones['review']} review, "
          f"{zones['pass']} pass")
    point = metrics.get("operating_point_from_roc")
    if point is not None:
        print(f"  from the ROC: pass {point['pass_threshold']:.4f} (Recall_Ano {100 * point['recall_ano']:.2f} %, "
              f"{100 * point['review_share']:.1f} % of photos to review), alarm {point['alarm_threshold']:.4f}")
    for path, reason in metrics["skipped"].items():
        print(f"skipped {path}: {reason}", file=sys.stderr)
    return 0


def _eval_from_logs(args: argparse.Namespace) -> int:
    """The catch rate at the model's pass threshold, measured on the confirmed foreign bodies of past reviews."""
    from core.history import CONFIDENCE, curve_rows, estimate, model_family, pass_curve, read_history
    from core.modelfile import load_model_file
    from core.operating_point import derived_alarm_threshold

    if args.pass_threshold is not None:
        pass_threshold, alarm_threshold, family = args.pass_threshold, args.alarm_threshold, None
    elif args.model:
        model = load_model_file(args.model)
        pass_threshold = model.threshold
        alarm_threshold = model.alarm_threshold
        if alarm_threshold is None:
            alarm_threshold = derived_alarm_threshold(pass_threshold, model.meta.get("calibration") or {},
                                                      model.config.train.alarm_false_alarm_rate)
            print(f"note: model {Path(args.model).name} has one threshold: pass = {pass_threshold:.4g}, "
                  f"alarm derived as {alarm_threshold:.4g}", file=sys.stderr)
        if args.alarm_threshold is not None:
            alarm_threshold = args.alarm_threshold
        family = None if args.all_models else model_family(model.meta.get("name") or Path(args.model).stem)
    else:
        raise UserError("--from-logs needs --model (its pass threshold and lineage) or --pass")
    history = read_history(args.from_logs, family=family)
    result = estimate(history, pass_threshold, alarm_threshold)
    curve = pass_curve(history)
    if args.json:
        print(json.dumps({
            "pass_threshold": result.pass_threshold, "alarm_threshold": result.alarm_threshold,
            "confirmed_foreign_bodies": result.n_foreign_bodies, "caught": result.n_caught,
            "catch_rate": result.catch_rate, "catch_rate_lower_bound": result.lower_bound, "confidence": CONFIDENCE,
            "review_share": result.review_share, "alarm_share": result.alarm_share, "photos": result.n_photos,
            "logs": [str(p) for p in history.logs], "models": history.models, "skipped": history.skipped,
            "missed": [{"batch": str(m.batch), "file": m.rel_path, "score": m.score} for m in result.missed],
            "curve": {"pass_threshold": curve.thresholds.tolist(), "catch_rate": _nan_to_none(curve.catch_rate),
                      "catch_rate_lower_bound": _nan_to_none(curve.lower_bound),
                      "review_share": _nan_to_none(curve.review_share)},
        }))
        return 0
    print(f"{result.n_photos} scored photos in {result.n_logs} review log(s)"
          + (f", scored with {', '.join(history.models)}" if history.models else ""))
    for where, why in history.skipped.items():
        print(f"left out {where}: {why}", file=sys.stderr)
    if len(history.models) > 1:
        print("note: these batches were scored by different model versions; re-score them with one model for a "
              "like-for-like estimate", file=sys.stderr)
    print(f"  pass threshold {result.pass_threshold:.4f}"
          + (f", alarm threshold {result.alarm_threshold:.4f}" if result.alarm_threshold is not None else ""))
    if result.review_share is not None:
        print(f"  photos to review (at or above pass): {100 * result.review_share:.1f} %"
              + (f", alarm: {100 * result.alarm_share:.1f} %" if result.alarm_share is not None else ""))
    if not result.n_foreign_bodies:
        print("  no confirmed foreign bodies yet: the catch rate cannot be measured from these logs")
        return 0
    print(f"  {result.sentence()}")
    for miss in result.missed:
        print(f"  missed: {miss.batch / miss.rel_path} (score {miss.score:.4f}, below pass)")
    print(f"  moving the pass line:\n  {'pass':>10}  {'caught':>8}  {'at least':>8}  {'reviewed':>8}")
    for threshold, catch, bound, review in curve_rows(curve):
        print(f"  {threshold:>10.4f}  {100 * catch:>7.1f}%  {100 * bound:>7.1f}%  {100 * review:>7.1f}%")
    return 0


def _nan_to_none(values) -> list:
    return [None if v != v else float(v) for v in values]


def cmd_verify(args: argparse.Namespace) -> int:
    """Exit 0 when the audit trail is whole, 1 when something breaks it (each problem on its own line)."""
    from core.reviewlog import ReviewLog

    with ReviewLog.open(args.batch, read_only=True) as log:
        result = log.verify()
    if result.ok:
        print(result.headline())
        return 0
    if not result.chained:
        print(result.headline())
        return 1
    print(f"audit trail broken: {len(result.problems)} problem(s)")
    for problem in result.problems:
        print(f"  {problem}")
    return 1


def cmd_report(args: argparse.Namespace) -> int:
    from core.report import InspectionDetails, write_report

    details = InspectionDetails(unit_id=args.unit or "", site=args.site or "", inspection_date=args.inspection_date or "",
                                signed_off_by=args.signed_off_by or "")
    out = write_report(args.batch, args.out, fmt=args.format, include_flagged=args.include_flagged, force=args.force,
                       history_folders=args.history, inspection=details, language=args.language)
    print(f"report written to {out}")
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    """Synthetic sample -> trained model -> scored batch -> report; opens the inspector where a display exists."""
    from core.batch import score_batch
    from core.config import FlowConfig, InputConfig, ModelConfig, TrainConfig
    from core.datasets import training_images
    from core.detector import Detector
    from core.evaluation import evaluate_category
    from core.synthetic import SceneConfig, generate_batch, generate_dataset

    out = Path(args.out).resolve()
    out.mkdir(parents=True, exist_ok=True)
    print(f"1/4 generating the synthetic sample in {out}")
    category = generate_dataset(out / "sample", n_train=args.n_train, n_test_good=20, n_test_bad=20,
                                config=SceneConfig(size=256, seed=7))
    batch_dir = out / "batch"
    if not batch_dir.exists():
        generate_batch(batch_dir, n_good=40, n_bad=8, config=SceneConfig(size=256, seed=99))
    print("2/4 training a model on the sample's good images")
    config = ModelConfig(input=InputConfig(image_size=384), flow=FlowConfig(hidden_channels=64),
                         train=TrainConfig(epochs=args.epochs, holdout_fraction=0.2))
    progress = _TqdmProgress(False)
    try:
        detector = Detector.train(training_images(category), config, progress=progress, device=args.device)
        model_path = detector.save(out / "demo-model.csa")
        print("3/4 evaluating on the sample's labelled test images")
        metrics = evaluate_category(detector, category, progress=progress)
        print("4/4 scoring the demo batch")
        outcome = score_batch(detector, batch_dir, out_dir=out / "scores", progress=progress)
    finally:
        progress.close()
    _print_score_table(outcome.results, batch_dir, thresholds=(detector.threshold, detector.alarm_threshold))
    print(
        f"\nimage AUROC {metrics['image_auroc']:.3f}, pixel AUROC {metrics['pixel_auroc']:.3f}, "
        f"Recall_Ano {metrics['recall_ano']:.3f}, Recall_Norm {metrics['recall_norm']:.3f}, "
        f"Accuracy {metrics['accuracy']:.3f} (sample test set)"
    )
    print(f"{len(outcome.flagged)} of {len(outcome.scored)} batch images flagged")
    try:
        from core.report import write_report

        report = write_report(batch_dir, out / "report.pdf", include_flagged=True, force=True)
        print(f"report: {report}")
    except ImportError:
        pass
    print(f"model: {model_path}\nscores and heatmaps: {out / 'scores'}\nbatch: {batch_dir}")
    if args.gui == "yes" or (args.gui == "auto" and _display_available()):
        from app.qt.launch import run_gui

        return run_gui(batch_dir=str(batch_dir), model=str(model_path))
    return 0


def cmd_retrain(args: argparse.Namespace) -> int:
    from core import retrain_from_review
    from core.datasets import training_images
    from core.detector import Detector

    model = Path(args.model)
    out = Path(args.out)
    if out.resolve() == model.resolve():
        raise UserError(f"--out must name a new file: {model} is the model being improved and is never overwritten")
    detector = Detector.load(model, device=args.device, runtime=args.runtime)
    normals = args.normals or detector.meta.get("train_folder")
    if normals and not Path(normals).is_dir():
        if args.normals:
            raise UserError(f"--normals folder not found: {normals}")
        print(f"note: the model's training folder {normals} is gone; learning from the reviewed photos only",
              file=sys.stderr)
        normals = None
    old_normals = training_images(normals) if normals else None
    progress = _TqdmProgress(args.quiet)
    try:
        outcome = retrain_from_review(detector, args.from_log, include_reviewed_normals=args.include_reviewed_normals,
                                      epochs=args.epochs, old_normals=old_normals, progress=progress)
    finally:
        progress.close()
    for line in outcome.summary_lines():
        print(line)
    written = outcome.detector.save(out)
    print(f"model written to {written} (the original {model} is unchanged)")
    return 0


def _display_available() -> bool:
    if sys.platform in ("win32", "darwin"):
        return True
    return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


def cmd_gui(args: argparse.Namespace) -> int:
    if not os.environ.get("QT_QPA_PLATFORM") and not _display_available():
        if not args.screenshot:
            raise UserError("no display found (DISPLAY is not set): start the inspector on a desktop, "
                            "or use --screenshot / QT_QPA_PLATFORM=offscreen")
        os.environ["QT_QPA_PLATFORM"] = "offscreen"  # a screenshot needs no screen
    from app.qt.launch import run_gui

    return run_gui(batch_dir=args.batch, model=args.model, screenshot=args.screenshot)


# --------------------------------------------------------------------------------------------- parser


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="csa-inspector",
        description="Foreign-body inspection of braking-device photos with CSA-Flow anomaly detection.",
    )
    parser.add_argument("--version", action="version", version=f"csa-inspector {__version__}")
    sub = parser.add_subparsers(dest="command")

    def device_opt(p):
        p.add_argument("--device", default=None, help="auto (default: CUDA if present), cpu, cuda, cuda:1 ...")
        p.add_argument("--quiet", action="store_true", help="no progress bars")

    def runtime_opt(p):
        p.add_argument("--runtime", choices=RUNTIMES, default=RuntimeConfig.runtime,
                       help="what runs the backbone on the CPU (default %(default)s: the fastest runtime that "
                            "matches PyTorch, measured once per machine); CUDA always runs PyTorch")

    p = sub.add_parser("train", help="train a model on defect-free images")
    p.add_argument("--data", required=True, help="MVTec category (uses train/good) or a folder of good images")
    p.add_argument("--out", required=True, help="model file to write (.csa)")
    p.add_argument("--variant", choices=VARIANTS, default=None,
                   help=f"flow variant (default: {FlowConfig.variant}; csa = with the paper's channel and self-attention)")
    p.add_argument("--backbone", default=None,
                   help=f"timm name: tf_efficientnet_lite0, tf_efficientnet_lite2, efficientnet_b5 "
                        f"(default: {BackboneConfig.name})")
    p.add_argument("--backbone-weights", default=None,
                   help=f"offline (packaged lite weights), timm (download) or a path to a state-dict file "
                        f"(default: {BackboneConfig.weights})")
    p.add_argument("--stage", type=int, default=None,
                   help="one backbone block, read on the photo at full, 1/2 and 1/4 size (the older layout)")
    p.add_argument("--stages", default=None, metavar="I,J",
                   help="backbone blocks read from one pass, finest first (default: the engine's)")
    p.add_argument("--image-size", type=int, default=None,
                   help=f"input size at the largest scale, in pixels (default: {InputConfig.image_size})")
    p.add_argument("--epochs", type=int, default=None,
                   help=f"most epochs; training stops earlier when the held-out NLL stops improving "
                        f"(default: {TrainConfig.epochs})")
    p.add_argument("--patience", type=int, default=None,
                   help=f"early stop after N epochs without improvement (default: {TrainConfig.early_stop_patience})")
    p.add_argument("--time-budget", type=float, default=None, metavar="MINUTES",
                   help="stop training after this many minutes (the best epoch so far is kept)")
    p.add_argument("--hidden", type=int, default=None,
                   help=f"hidden channels of the coupling subnetworks (default: {FlowConfig.hidden_channels})")
    p.add_argument("--batch-size", type=int, default=None,
                   help=f"photos per optimiser step (default: {TrainConfig.batch_size})")
    p.add_argument("--review-share", "--false-alarm-rate", dest="review_share", type=float, default=None,
                   help=f"pass threshold: share of held-out normal photos sent to a person "
                        f"(default {TrainConfig.target_false_alarm_rate})")
    p.add_argument("--alarm-share", type=float, default=None,
                   help=f"alarm threshold: share of held-out normal photos marked alarm "
                        f"(default {TrainConfig.alarm_false_alarm_rate})")
    p.add_argument("--seed", type=int, default=None, help=f"random seed (default: {TrainConfig.seed})")
    device_opt(p)
    runtime_opt(p)
    p.set_defaults(func=cmd_train)

    p = sub.add_parser("score", help="score a folder of images")
    p.add_argument("--model", required=True)
    p.add_argument("--images", required=True, help="folder of images (a batch)")
    p.add_argument("--out", required=True, help="folder for scores.csv, scores.json and heatmaps/")
    p.add_argument("--batch-size", type=int, default=None,
                   help=f"photos scored at once (default: {ScoringConfig.batch_size})")
    p.add_argument("--top", type=int, default=30, help="rows of the table printed (all are in scores.csv)")
    p.add_argument("--no-log", action="store_true", help="do not write the batch's review log")
    p.add_argument("--no-heatmaps", action="store_true", help="do not write heatmap pictures")
    device_opt(p)
    runtime_opt(p)
    p.set_defaults(func=cmd_score)

    p = sub.add_parser("eval", help="metrics on a labelled MVTec-style category, or the catch rate from past reviews")
    p.add_argument("--model", default=None)
    p.add_argument("--data", default=None, help="category folder with test/ and ground_truth/")
    p.add_argument("--json", action="store_true", help="print one JSON object")
    p.add_argument("--save-threshold", action="store_true",
                   help="place the pass and alarm thresholds from the labelled set's ROC and store them in the model")
    p.add_argument("--from-logs", nargs="+", metavar="FOLDER", default=None,
                   help="batch folders (or folders holding them) whose review logs measure the catch rate")
    p.add_argument("--pass", dest="pass_threshold", type=float, default=None,
                   help="with --from-logs: the pass threshold to judge (default: the model's)")
    p.add_argument("--alarm", dest="alarm_threshold", type=float, default=None,
                   help="with --from-logs: the alarm threshold (default: the model's)")
    p.add_argument("--all-models", action="store_true",
                   help="with --from-logs: read batches of every model, not only this model's versions")
    device_opt(p)
    runtime_opt(p)
    p.set_defaults(func=cmd_eval)

    p = sub.add_parser("report", help="export the review report of a batch")
    p.add_argument("--batch", required=True, help="batch folder or its review log file")
    p.add_argument("--out", required=True, help="report file: .pdf, .html, .csv or .json")
    p.add_argument("--format", choices=("pdf", "html", "csv", "json"), default=None)
    p.add_argument("--include-flagged", action="store_true", help="an entry for every flagged image too")
    p.add_argument("--force", action="store_true", help="overwrite an existing report")
    p.add_argument("--unit", help="unit / train-set ID printed on the report")
    p.add_argument("--site", help="inspection site (depot, workshop)")
    p.add_argument("--inspection-date", help="date of the inspection, e.g. 2024-05-02")
    p.add_argument("--signed-off-by", help="name printed in the sign-off block")
    p.add_argument("--history", nargs="+", metavar="FOLDER", default=None,
                   help="folders of past batches for the catch rate (default: the batches beside this one)")
    p.add_argument("--language", choices=("en", "zh_CN"), default="en",
                   help="language of a PDF or HTML report (CSV and JSON stay English)")
    p.set_defaults(func=cmd_report)

    p = sub.add_parser("verify", help="check a batch's audit trail for changes made outside CSA Inspector")
    p.add_argument("--batch", required=True, help="batch folder or its review log file")
    p.set_defaults(func=cmd_verify)

    p = sub.add_parser("demo", help="train on a built-in synthetic sample, score a batch, write a report")
    p.add_argument("--out", default="demo-output")
    p.add_argument("--epochs", type=int, default=12)
    p.add_argument("--n-train", type=int, default=60)
    p.add_argument("--gui", choices=("auto", "yes", "no"), default="auto")
    p.add_argument("--device", default=None)
    p.set_defaults(func=cmd_demo)

    p = sub.add_parser("retrain", help="improve a model with the photos a reviewer marked 'not a defect'")
    p.add_argument("--model", required=True, help="model file to start from (left unchanged)")
    p.add_argument("--from-log", required=True, help="reviewed batch folder or its review log file")
    p.add_argument("--out", required=True, help="new model file to write (.csa)")
    p.add_argument("--include-reviewed-normals", action="store_true",
                   help="also learn from photos that were not flagged but were reviewed as normal")
    p.add_argument("--normals", default=None,
                   help="the original defect-free photos (MVTec category or folder), mixed in so they are not forgotten; "
                        "default: the folder the model was trained from, if it is still there")
    p.add_argument("--epochs", type=int, default=None,
                   help=f"epochs continued from the model's current weights (default: {RetrainConfig.epochs})")
    device_opt(p)
    runtime_opt(p)
    p.set_defaults(func=cmd_retrain)

    p = sub.add_parser("gui", help="open the inspector")
    p.add_argument("batch", nargs="?", default=None, help="batch folder to open")
    p.add_argument("--model", default=None)
    p.add_argument("--screenshot", default=None, help="save a screenshot once the first image is shown, then exit")
    p.set_defaults(func=cmd_gui)
    return parser


def _user_errors() -> tuple[type[BaseException], ...]:
    """Exception types that describe a problem with the user's input rather than a bug."""
    kinds: list[type[BaseException]] = [UserError, FileNotFoundError, FileExistsError, PermissionError, ValueError]
    for module, name in (
        ("core.modelfile", "ModelFileError"),
        ("core.reviewlog", "ReviewLogError"),
        ("core.backbone", "BackboneError"),
        ("core.report", "ReportError"),
        ("core.results", "Cancelled"),
    ):
        mod = sys.modules.get(module)
        if mod is not None and hasattr(mod, name):
            kinds.append(getattr(mod, name))
    return tuple(kinds)


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        args = parser.parse_args(["gui"])
    started = time.monotonic()
    try:
        return int(args.func(args) or 0)
    except KeyboardInterrupt:
        print("error: interrupted", file=sys.stderr)
        return 130
    except Exception as err:  # noqa: BLE001 - decide below whether it is the user's problem
        if isinstance(err, _user_errors()) or isinstance(err, RuntimeError) and "CUDA" in str(err):
            message = str(err).strip().splitlines()[0] if str(err).strip() else type(err).__name__
            print(f"error: {message}", file=sys.stderr)
            return EXIT_USER_ERROR
        raise
    finally:
        if os.environ.get("CSA_INSPECTOR_TIMING"):
            print(f"[{args.command} took {time.monotonic() - started:.1f} s]", file=sys.stderr)


if __name__ == "__main__":
    sys.exit(main())
