"""What the small bench scripts share: their thread and output options, and the JSON file they write."""
from __future__ import annotations

import argparse
import json
import platform
from pathlib import Path
from typing import Any

import torch


def add_thread_and_out_options(parser: argparse.ArgumentParser, default_out: Path) -> None:
    parser.add_argument("--threads", type=int, default=0, help="torch threads (default: torch's choice)")
    parser.add_argument("--out", type=Path, default=default_out, help=f"JSON results (default {default_out})")


def apply_threads(options: argparse.Namespace) -> None:
    if options.threads:
        torch.set_num_threads(options.threads)


def write_results(options: argparse.Namespace, **results: Any) -> None:
    """``options.out``: the settings the run had, where it ran, and its results, so two runs can be compared."""
    options.out.parent.mkdir(parents=True, exist_ok=True)
    options.out.write_text(json.dumps({
        "settings": {k: str(v) if isinstance(v, Path) else v for k, v in vars(options).items()},
        "environment": {"python": platform.python_version(), "torch": torch.__version__,
                        "platform": platform.platform(), "torch_threads": torch.get_num_threads()},
        **results,
    }, indent=2), encoding="utf-8")
    print(f"written {options.out}")
