"""What the commands share: the user's-error type, progress bars, loading a model, the score table, options."""
from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import Optional

from core import RUNTIMES, RuntimeConfig
from core import EPOCH_STAGES, STAGE_BAR_LABELS

EXIT_USER_ERROR = 2


class UserError(Exception):
    """A problem the user can fix; printed as one line."""


class TqdmProgress:
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


def given(**options) -> dict:
    """The options the user gave; the ones left out take the config dataclasses' defaults."""
    return {name: value for name, value in options.items() if value is not None}


def add_device_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--device", default=None, help="auto (default: CUDA if present), cpu, cuda, cuda:1 ...")
    p.add_argument("--quiet", action="store_true", help="no progress bars")


def add_runtime_option(p: argparse.ArgumentParser) -> None:
    p.add_argument("--runtime", choices=RUNTIMES, default=RuntimeConfig.runtime,
                   help="what runs the backbone on the CPU (default %(default)s: the fastest runtime that "
                        "matches PyTorch, measured once per machine); CUDA always runs PyTorch")


def engine_text(detector) -> str:
    """Device and backbone runtime, e.g. ``cpu, openvino``; a refused runtime says why on stderr."""
    choice = getattr(detector, "runtime_choice", None)
    if choice is not None:
        for name, reason in choice.refused.items():
            print(f"note: backbone runtime {name} not used: {reason}", file=sys.stderr)
    return f"{detector.device_description}, backbone runtime {detector.runtime}"


def load_detector(model: str, device: Optional[str], runtime: str = "torch"):
    """Load a model and tell the user how an older file was read (e.g. its alarm threshold derived)."""
    from core import Detector

    detector = Detector.load(model, device=device, runtime=runtime)
    for note in detector.load_notes:
        print(f"note: {note}", file=sys.stderr)
    return detector


def print_score_table(results, root: Path, limit: Optional[int] = None,
                       thresholds: Optional[tuple[float, float]] = None) -> None:
    from core import zone_of

    ordered = sorted((r for r in results if r.ok), key=lambda r: -r.score)
    shown = ordered if limit is None else ordered[:limit]
    width = max([len(rel_key(r.path, root)) for r in shown] + [4])
    print(f"{'file':<{width}}  {'score':>10}  zone")
    for r in shown:
        zone = zone_of(r.score, *thresholds) if thresholds else ("review" if r.flagged else "pass")
        print(f"{rel_key(r.path, root):<{width}}  {r.score:>10.4f}  {(zone or '').upper() if zone != 'pass' else 'pass'}")
    if limit is not None and len(ordered) > limit:
        print(f"... {len(ordered) - limit} more in scores.csv")


def rel_key(path: Path, root: Path) -> str:
    from core import photo_key

    return photo_key(Path(root).resolve(), path)


def display_available() -> bool:
    if sys.platform in ("win32", "darwin"):
        return True
    return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))
