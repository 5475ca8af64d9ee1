"""``train`` a model on defect-free photos and ``retrain`` one from a review."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from app.cli.common import TqdmProgress, UserError, add_device_options, add_runtime_option, engine_text, given
from core import VARIANTS, BackboneConfig, FlowConfig, InputConfig, ModelConfig, RetrainConfig, TrainConfig


def model_config(args: argparse.Namespace) -> ModelConfig:
    """The model the options describe; every option left out takes its config dataclass's default."""
    time_budget_s = args.time_budget * 60.0 if args.time_budget is not None else None
    train = TrainConfig(**given(epochs=args.epochs, batch_size=args.batch_size, target_false_alarm_rate=args.review_share,
                                alarm_false_alarm_rate=args.alarm_share, seed=args.seed,
                                early_stop_patience=args.patience, time_budget_s=time_budget_s))
    weights = given(name=args.backbone, weights=args.backbone_weights)
    if args.stages:
        backbone = BackboneConfig(**weights, stages=tuple(int(s) for s in args.stages.split(",") if s.strip()))
    elif args.stage is not None:  # one stage on the 3-scale input pyramid
        backbone = BackboneConfig(**weights, stage=args.stage, stages=())
    else:
        backbone = BackboneConfig(**weights)
    return ModelConfig(
        backbone=backbone,
        flow=FlowConfig(**given(variant=args.variant, hidden_channels=args.hidden, seed=args.seed)),
        train=train,
        input=InputConfig(**given(image_size=args.image_size)),
    )


def cmd_train(args: argparse.Namespace) -> int:
    from core import training_images
    from core import Detector
    from core import FeatureCache

    data = Path(args.data)
    if not data.is_dir():
        raise UserError(f"training folder not found: {data}")
    images = training_images(data)
    config = model_config(args)
    progress = TqdmProgress(args.quiet)
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
        f"({meta['n_holdout_images']} held out) in {meta['train_seconds']:.0f} s on {engine_text(detector)}; "
        f"best epoch {training['best_epoch']} of {training['epochs_run']}"
    )
    print(f"thresholds: pass {detector.threshold:.4f} ({100 * config.train.target_false_alarm_rate:g} % of held-out normal "
          f"photos to review), alarm {detector.alarm_threshold:.4f} ({100 * config.train.alarm_false_alarm_rate:g} %)")
    print(f"model written to {out}")
    return 0


def cmd_retrain(args: argparse.Namespace) -> int:
    from core import retrain_from_review
    from core import training_images
    from core import Detector

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
    progress = TqdmProgress(args.quiet)
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


def add_train_parser(sub) -> None:
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
    add_device_options(p)
    add_runtime_option(p)
    p.set_defaults(func=cmd_train)


def add_retrain_parser(sub) -> None:
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
    add_device_options(p)
    add_runtime_option(p)
    p.set_defaults(func=cmd_retrain)
