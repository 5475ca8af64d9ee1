"""``demo`` (sample data end to end) and ``gui``: the commands that can open the inspector."""
from __future__ import annotations

import argparse
import os
from pathlib import Path

from app.cli.common import TqdmProgress, UserError, display_available, print_score_table


def cmd_demo(args: argparse.Namespace) -> int:
    """Synthetic sample -> trained model -> scored batch -> report; opens the inspector where a display exists."""
    from core import score_batch
    from core import FlowConfig, InputConfig, ModelConfig, TrainConfig
    from core import training_images
    from core import Detector
    from core import evaluate_category
    from core import SceneConfig, generate_batch, generate_dataset

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
    progress = TqdmProgress(False)
    try:
        detector = Detector.train(training_images(category), config, progress=progress, device=args.device)
        model_path = detector.save(out / "demo-model.csa")
        print("3/4 evaluating on the sample's labelled test images")
        metrics = evaluate_category(detector, category, progress=progress)
        print("4/4 scoring the demo batch")
        outcome = score_batch(detector, batch_dir, out_dir=out / "scores", progress=progress)
    finally:
        progress.close()
    print_score_table(outcome.results, batch_dir, thresholds=(detector.threshold, detector.alarm_threshold))
    print(
        f"\nimage AUROC {metrics['image_auroc']:.3f}, pixel AUROC {metrics['pixel_auroc']:.3f}, "
        f"Recall_Ano {metrics['recall_ano']:.3f}, Recall_Norm {metrics['recall_norm']:.3f}, "
        f"Accuracy {metrics['accuracy']:.3f} (sample test set)"
    )
    print(f"{len(outcome.flagged)} of {len(outcome.scored)} batch images flagged")
    try:
        from core import write_report

        report = write_report(batch_dir, out / "report.pdf", include_flagged=True, force=True)
        print(f"report: {report}")
    except ImportError:
        pass
    print(f"model: {model_path}\nscores and heatmaps: {out / 'scores'}\nbatch: {batch_dir}")
    if args.gui == "yes" or (args.gui == "auto" and display_available()):
        from app.qt.launch import run_gui

        return run_gui(batch_dir=str(batch_dir), model=str(model_path))
    return 0


def cmd_gui(args: argparse.Namespace) -> int:
    if not os.environ.get("QT_QPA_PLATFORM") and not display_available():
        if not args.screenshot:
            raise UserError("no display found (DISPLAY is not set): start the inspector on a desktop, "
                            "or use --screenshot / QT_QPA_PLATFORM=offscreen")
        os.environ["QT_QPA_PLATFORM"] = "offscreen"  # a screenshot needs no screen
    from app.qt.launch import run_gui

    return run_gui(batch_dir=args.batch, model=args.model, screenshot=args.screenshot)


def add_demo_parser(sub) -> None:
    p = sub.add_parser("demo", help="train on a built-in synthetic sample, score a batch, write a report")
    p.add_argument("--out", default="demo-output")
    p.add_argument("--epochs", type=int, default=12)
    p.add_argument("--n-train", type=int, default=60)
    p.add_argument("--gui", choices=("auto", "yes", "no"), default="auto")
    p.add_argument("--device", default=None)
    p.set_defaults(func=cmd_demo)


def add_gui_parser(sub) -> None:
    p = sub.add_parser("gui", help="open the inspector")
    p.add_argument("batch", nargs="?", default=None, help="batch folder to open")
    p.add_argument("--model", default=None)
    p.add_argument("--screenshot", default=None, help="save a screenshot once the first image is shown, then exit")
    p.set_defaults(func=cmd_gui)
