"""``score`` a batch of photos and ``eval`` a model: on a labelled set, or by the catch rate of past reviews."""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from app.cli.common import (
    TqdmProgress, UserError, add_device_options, add_runtime_option, engine_text, given, load_detector, print_score_table,
)
from core import ScoringConfig


def cmd_score(args: argparse.Namespace) -> int:
    from core import score_batch

    detector = load_detector(args.model, args.device, args.runtime)
    images = Path(args.images)
    progress = TqdmProgress(args.quiet)
    try:
        outcome = score_batch(detector, images, out_dir=args.out, write_log=not args.no_log,
                              heatmap_pictures=not args.no_heatmaps, progress=progress,
                              **given(batch_size=args.batch_size),
                              on_busy=lambda message: print(f"warning: {message}", file=sys.stderr))
    finally:
        progress.close()
    threshold = outcome.threshold if outcome.threshold is not None else detector.threshold
    alarm = outcome.alarm_threshold if outcome.alarm_threshold is not None else detector.alarm_threshold
    print_score_table(outcome.results, images, limit=args.top, thresholds=(threshold, alarm))
    print(f"engine: {engine_text(detector)}")
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


def cmd_eval(args: argparse.Namespace) -> int:
    from core import evaluate_category

    if args.from_logs:
        return _eval_from_logs(args)
    if not args.model or not args.data:
        raise UserError("eval needs --model and --data (a labelled category), or --from-logs FOLDERS")
    detector = load_detector(args.model, args.device, args.runtime)
    data = Path(args.data)
    if not (data / "test").is_dir():
        raise UserError(f"{data} is not an MVTec-style category (no test/ folder)")
    progress = TqdmProgress(args.quiet or args.json)
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
    print(f"{data.name}: {metrics['n_images']} test images, {metrics['n_anomalous']} anomalous ({engine_text(detector)})")
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
    from core import CONFIDENCE, curve_rows, estimate, model_family, pass_curve, read_history
    from core import load_model_file
    from core import derived_alarm_threshold

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


def add_score_parser(sub) -> None:
    p = sub.add_parser("score", help="score a folder of images")
    p.add_argument("--model", required=True)
    p.add_argument("--images", required=True, help="folder of images (a batch)")
    p.add_argument("--out", required=True, help="folder for scores.csv, scores.json and heatmaps/")
    p.add_argument("--batch-size", type=int, default=None,
                   help=f"photos scored at once (default: {ScoringConfig.batch_size})")
    p.add_argument("--top", type=int, default=30, help="rows of the table printed (all are in scores.csv)")
    p.add_argument("--no-log", action="store_true", help="do not write the batch's review log")
    p.add_argument("--no-heatmaps", action="store_true", help="do not write heatmap pictures")
    add_device_options(p)
    add_runtime_option(p)
    p.set_defaults(func=cmd_score)


def add_eval_parser(sub) -> None:
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
    add_device_options(p)
    add_runtime_option(p)
    p.set_defaults(func=cmd_eval)
