"""Full camera frames: time per frame, and whether a foreign body of 2 % of the long side is found and pointed at.

Inspection cameras deliver 2064 x 1544 frames (the CSA-Flow paper's braking-device photos) or 24 MP and more.
The engine cuts such a frame into overlapping tiles at its input size (``InputConfig.tile_grid``) instead of
squeezing it whole, so a small foreign body keeps enough pixels to be seen. This script measures the ways side by
side on the project's synthetic brake unit (:func:`core.synthetic.camera_frame`, written as JPEG as a camera
would): the engine's default tiling, a finer one, and squeezing every frame whole (``tile_grid=1``), each model
trained with the engine's defaults on the same normal frames, then the same test frames scored from their files
(decoding to full-size heatmap, best of ``--repeats`` passes). Frames of 6000 x 4500 are scored by the default
model for their time and the peak resident memory above what the process held before them. Example::

    python -m bench.camera_frames --out bench-results/frames.json
"""
from __future__ import annotations

import argparse
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Optional, Sequence

import cv2
import numpy as np

from bench.report import format_number, plain_table
from bench.script_options import add_thread_and_out_options, apply_threads, write_results
from bench.stress import resident_mb
from core.config import InputConfig, ModelConfig, TrainConfig
from core.evaluation.metrics import image_auroc, pointing_accuracy
from core.scoring.detector import Detector
from core.synthetic import CAMERA_FRAME, camera_frame

DEFAULT_OUT = Path("bench-results") / "frames.json"
#: seeds of the frame series: training, test and large frames never share a scene
TRAIN_SERIES, TEST_SERIES, LARGE_SERIES = 2064, 2065, 6000


@dataclass
class FrameRow:
    model: str
    tiles_per_frame: int
    train_s: float
    normal_flagged: str
    body_flagged: str
    pointing: Optional[float]
    image_auroc: Optional[float]
    s_per_frame: float
    s_per_large_frame: Optional[float] = None
    large_peak_mb: Optional[float] = None


def write_jpeg(path: Path, image: np.ndarray, quality: int) -> Path:
    if not cv2.imwrite(str(path), cv2.cvtColor(image, cv2.COLOR_RGB2BGR), [cv2.IMWRITE_JPEG_QUALITY, quality]):
        raise SystemExit(f"error: cannot write {path}")
    return path


def reset_peak() -> bool:
    """Start the kernel's peak-memory mark (``VmHWM``) afresh at the current size; False where that is not allowed."""
    try:
        Path("/proc/self/clear_refs").write_text("5", encoding="ascii")
        return True
    except OSError:
        return False


def score_timed(detector: Detector, paths: Sequence[Path], repeats: int) -> tuple[list, float]:
    """Results of the last pass and the best pass's seconds per photo."""
    best, results = float("inf"), []
    for _ in range(max(1, repeats)):
        started = time.perf_counter()
        results = list(detector.score_images(paths))
        best = min(best, (time.perf_counter() - started) / len(paths))
    failed = [r for r in results if not r.ok]
    if failed:
        raise SystemExit(f"error: {failed[0].path.name} could not be scored: {failed[0].error}")
    return results, best


def format_table(rows: Sequence[FrameRow], large: str) -> str:
    head = ("model", "tiles", "train s", "normal flagged", "with body flagged", "pointing", "image AUROC",
            f"s / frame {CAMERA_FRAME[0]}x{CAMERA_FRAME[1]}", f"s / frame {large}", "peak MB (large)")
    return plain_table([head] + [(r.model, str(r.tiles_per_frame), format_number(r.train_s, 0), r.normal_flagged,
                                  r.body_flagged, format_number(r.pointing), format_number(r.image_auroc),
                                  format_number(r.s_per_frame, 2), format_number(r.s_per_large_frame),
                                  format_number(r.large_peak_mb, 0)) for r in rows])


def parse_size(text: str) -> tuple[int, int]:
    width, _, height = text.lower().partition("x")
    try:
        size = int(width), int(height)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected WIDTHxHEIGHT, got {text!r}") from None
    if size[0] < size[1] or size[1] < 1:
        raise argparse.ArgumentTypeError(f"expected a landscape WIDTHxHEIGHT, got {text!r}")
    return size


def parse_args(argv: Optional[Sequence[str]]) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--train", type=int, default=40, help="normal training frames (default 40)")
    p.add_argument("--test", type=int, default=20, help="test frames of each kind, normal and with a body (default 20)")
    p.add_argument("--grids", default="2,3,1",
                   help="tile grids to compare, comma-separated; 1 squeezes the frame whole (default 2,3,1)")
    p.add_argument("--large", type=int, default=3, help="large frames timed with the default tiling (default 3; 0: none)")
    p.add_argument("--large-size", type=parse_size, default=(6000, 4500), help="WIDTHxHEIGHT (default 6000x4500)")
    p.add_argument("--body-share", type=float, default=0.02, help="body side as a share of the long side (0.02)")
    p.add_argument("--image-size", type=int, default=InputConfig.image_size)
    p.add_argument("--epochs", type=int, default=TrainConfig.epochs)
    p.add_argument("--repeats", type=int, default=2, help="timed passes over the test frames; the best counts")
    p.add_argument("--quality", type=int, default=92, help="JPEG quality of the written frames (default 92)")
    add_thread_and_out_options(p, DEFAULT_OUT)
    options = p.parse_args(argv)
    if options.train < 4 or options.test < 1:
        p.error("--train must be at least 4 and --test at least 1")
    try:
        options.grids = [int(g) for g in options.grids.split(",")]
    except ValueError:
        p.error(f"--grids: expected numbers separated by commas, got {options.grids!r}")
    if not options.grids or min(options.grids) < 1:
        p.error("--grids: every grid must be at least 1")
    return options


def main(argv: Optional[Sequence[str]] = None) -> int:
    options = parse_args(argv)
    apply_threads(options)
    large_label = "x".join(map(str, options.large_size))
    rows: list[FrameRow] = []
    with tempfile.TemporaryDirectory(prefix="csa-frames-") as scratch_name:
        scratch = Path(scratch_name)
        train = [write_jpeg(scratch / f"train-{i:03d}.jpg",
                            camera_frame(i, False, body_share=options.body_share, series=TRAIN_SERIES)[0],
                            options.quality) for i in range(options.train)]
        test, masks, labels = [], [], []
        for i in range(2 * options.test):
            body = i % 2 == 1
            image, mask = camera_frame(i, body, body_share=options.body_share, series=TEST_SERIES)
            test.append(write_jpeg(scratch / f"test-{i:03d}.jpg", image, options.quality))
            masks.append(mask)
            labels.append(int(body))
        large = []
        for i in range(options.large):
            image, _ = camera_frame(i, True, size=options.large_size, body_share=options.body_share,
                                    series=LARGE_SERIES)
            large.append(write_jpeg(scratch / f"large-{i:03d}.jpg", image, options.quality))
            del image
        print(f"{options.train} training frames, {len(test)} test frames of {CAMERA_FRAME[0]} x {CAMERA_FRAME[1]} "
              f"(half with a body of {options.body_share:.0%} of the long side), {len(large)} of {large_label}",
              flush=True)

        for tile_grid in options.grids:
            name = "squeezed whole" if tile_grid == 1 else f"tiled {tile_grid} along the long side"
            if tile_grid == InputConfig.tile_grid:
                name += " (default)"
            config = ModelConfig(input=InputConfig(image_size=options.image_size, tile_grid=tile_grid),
                                 train=TrainConfig(epochs=options.epochs))
            started = time.perf_counter()
            detector = Detector.train(train, config, device="cpu")
            train_s = time.perf_counter() - started
            results, per_frame = score_timed(detector, test, options.repeats)
            scores = [r.score for r in results]
            flagged = [r.flagged for r in results]
            bodies = [i for i, label in enumerate(labels) if label]
            normals = [i for i, label in enumerate(labels) if not label]
            row = FrameRow(
                model=name,
                tiles_per_frame=detector.meta["n_train_samples"] // detector.meta["n_train_images"],
                train_s=round(train_s, 1),
                normal_flagged=f"{sum(flagged[i] for i in normals)} / {len(normals)}",
                body_flagged=f"{sum(flagged[i] for i in bodies)} / {len(bodies)}",
                pointing=pointing_accuracy([masks[i] for i in bodies], [results[i].heatmap for i in bodies]),
                image_auroc=image_auroc(labels, scores),
                s_per_frame=round(per_frame, 3),
            )
            del results
            if large and tile_grid == InputConfig.tile_grid:
                resting = resident_mb()
                measured = reset_peak()
                _, row.s_per_large_frame = score_timed(detector, large, 1)
                row.s_per_large_frame = round(row.s_per_large_frame, 2)
                row.large_peak_mb = round(resident_mb("VmHWM") - resting, 1) if measured else None
            rows.append(row)
            print(format_table(rows, large_label).splitlines()[-1], flush=True)
            del detector

    print()
    print(format_table(rows, large_label))
    write_results(options, frame=list(CAMERA_FRAME), rows=[asdict(r) for r in rows])
    return 0


if __name__ == "__main__":
    sys.exit(main())
