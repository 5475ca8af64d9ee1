"""The parser of every command, and running one: a user's mistake becomes one ``error:`` line and status 2."""
from __future__ import annotations

import argparse
import os
import sys
import time
from typing import Optional, Sequence

from app.cli import desktop, review, scoring, training
from app.cli.common import EXIT_USER_ERROR, UserError
from core import __version__


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="csa-inspector",
        description="Foreign-body inspection of braking-device photos with CSA-Flow anomaly detection.",
    )
    parser.add_argument("--version", action="version", version=f"csa-inspector {__version__}")
    sub = parser.add_subparsers(dest="command")
    for add in (training.add_train_parser, scoring.add_score_parser, scoring.add_eval_parser, review.add_report_parser,
                review.add_verify_parser, desktop.add_demo_parser, training.add_retrain_parser, desktop.add_gui_parser):
        add(sub)
    return parser


def _user_errors() -> tuple[type[BaseException], ...]:
    """Exception types that describe a problem with the user's input rather than a bug."""
    kinds: list[type[BaseException]] = [UserError, FileNotFoundError, FileExistsError, PermissionError, ValueError]
    for module, name in (
        ("core.models.modelfile", "ModelFileError"),
        ("core.review", "ReviewLogError"),
        ("core.features.backbone", "BackboneError"),
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
