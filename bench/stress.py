"""`make stress`: score the same batch many times in one process and watch the resident memory.

An inspection station keeps one model loaded for a whole shift and scores batch after batch, so memory that
grows a little with every batch eventually stops it. This soak run scores one folder of synthetic photos
``--passes`` times with one loaded :class:`core.scoring.detector.Detector`, the way the command line does
(:func:`core.scoring.batch.score_batch`: review log, score tables, heatmap pictures), and reads the resident size
(``VmRSS``) after every pass. The first pass fills caches and allocator pools, so growth is measured from
pass 2 to the last pass; it passes when that growth is below ``--limit-mb`` or ``--limit-percent``
(whichever allows more), i.e. within noise. Example::

    python -m bench.stress --out bench-results/stress.json
    python -m bench.stress --images 20 --passes 3 --model brakes.csa --out /tmp/stress.json
"""
from __future__ import annotations

import argparse
import gc
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Optional, Sequence

from bench.script_options import add_thread_and_out_options, apply_threads, write_results
from core.scoring.batch import score_batch
from core.config import BackboneConfig, FlowConfig, InputConfig, ModelConfig, TrainConfig
from core.scoring.detector import Detector
from core.synthetic import SceneConfig, generate_batch


DEFAULT_OUT = Path("bench-results") / "stress.json"


@dataclass
class PassRecord:
    number: int
    seconds: float
    images_per_second: float
    rss_mb: float
    change_from_pass_2_mb: Optional[float]


def resident_mb(field: str = "VmRSS") -> float:
    """Resident size of this process from /proc (Linux); ``resource`` only knows the peak, not the current size."""
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024.0
    raise RuntimeError(f"{field} not found in /proc/self/status")


def small_model(folder: Path, image_size: int, hidden: int) -> Path:
    """A quickly trained model file: a leak does not depend on how well the model separates foreign bodies."""
    photos = generate_batch(folder / "train", 12, 0, config=SceneConfig(size=image_size, seed=101), labels_csv=None)
    config = ModelConfig(backbone=BackboneConfig(stage=4), input=InputConfig(image_size=image_size),
                         flow=FlowConfig(hidden_channels=hidden), train=TrainConfig(epochs=1))
    detector = Detector.train(sorted(photos.glob("*.png")), config, device="cpu")
    return detector.save(folder / "stress-model.csa")


def growth_verdict(rss: Sequence[float], limit_mb: float, limit_percent: float) -> tuple[float, float, str]:
    """Growth from pass 2 to the last pass in MB and percent, and PASS/FAIL against the larger of both limits."""
    if len(rss) < 2:
        return 0.0, 0.0, "SKIP"
    base, last = rss[1], rss[-1]
    growth = last - base
    percent = 100.0 * growth / base
    allowed = max(limit_mb, base * limit_percent / 100.0)
    return growth, percent, "PASS" if growth < allowed else "FAIL"


def format_table(records: Sequence[PassRecord]) -> str:
    lines = [f"{'pass':>4}  {'seconds':>8}  {'images/s':>8}  {'RSS MB':>8}  {'vs pass 2':>9}",
             f"{'-' * 4}  {'-' * 8}  {'-' * 8}  {'-' * 8}  {'-' * 9}"]
    for r in records:
        change = "" if r.change_from_pass_2_mb is None else f"{r.change_from_pass_2_mb:+.1f}"
        lines.append(f"{r.number:>4}  {r.seconds:>8.1f}  {r.images_per_second:>8.1f}  {r.rss_mb:>8.1f}  {change:>9}")
    return "\n".join(lines)


def parse_args(argv: Optional[Sequence[str]]) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--images", type=int, default=500, help="photos in the batch (default 500)")
    p.add_argument("--passes", type=int, default=10, help="times the batch is scored (default 10)")
    p.add_argument("--size", type=int, default=256, help="side of the synthetic photos in pixels (default 256)")
    p.add_argument("--model", type=Path, help="model file to load; default: a small model trained here first")
    p.add_argument("--image-size", type=int, default=128, help="input size of the model trained here (default 128)")
    p.add_argument("--hidden", type=int, default=32, help="hidden channels of the model trained here (default 32)")
    p.add_argument("--batch-size", type=int, default=8)
    p.add_argument("--limit-mb", type=float, default=50.0, help="allowed growth from pass 2 to the last (default 50)")
    p.add_argument("--limit-percent", type=float, default=5.0, help="allowed growth in percent (default 5)")
    add_thread_and_out_options(p, DEFAULT_OUT)
    options = p.parse_args(argv)
    if options.images < 1 or options.passes < 1:
        p.error("--images and --passes must be at least 1")
    return options


def main(argv: Optional[Sequence[str]] = None) -> int:
    options = parse_args(argv)
    apply_threads(options)
    with tempfile.TemporaryDirectory(prefix="csa-stress-") as scratch_name:
        scratch = Path(scratch_name)
        model_path = options.model or small_model(scratch, options.image_size, options.hidden)
        batch = generate_batch(scratch / "batch", options.images, 0, config=SceneConfig(size=options.size, seed=7),
                               labels_csv=None)
        detector = Detector.load(model_path, device="cpu")
        print(f"model {model_path.name}, {options.images} photos of {options.size} px, {options.passes} passes",
              flush=True)
        records: list[PassRecord] = []
        for number in range(1, options.passes + 1):
            started = time.perf_counter()
            outcome = score_batch(detector, batch, out_dir=scratch / "results", batch_size=options.batch_size)
            seconds = time.perf_counter() - started
            if len(outcome.scored) != options.images:
                raise SystemExit(f"error: pass {number} scored {len(outcome.scored)} of {options.images} photos")
            del outcome
            gc.collect()
            rss = round(resident_mb(), 1)
            change = round(rss - records[1].rss_mb, 1) if number > 2 else (0.0 if number == 2 else None)
            records.append(PassRecord(number, round(seconds, 2), round(options.images / seconds, 2), rss, change))
            print(format_table(records).splitlines()[-1], flush=True)
        peak = resident_mb("VmHWM")

    growth, percent, status = growth_verdict([r.rss_mb for r in records], options.limit_mb, options.limit_percent)
    print()
    print(format_table(records))
    print(f"\nRSS growth pass 2 -> {options.passes}: {growth:+.1f} MB ({percent:+.2f} %), "
          f"limit {options.limit_mb:g} MB or {options.limit_percent:g} %: {status}")
    write_results(options, passes=[asdict(r) for r in records], peak_rss_mb=round(peak, 1),
                  growth_mb=round(growth, 1), growth_percent=round(percent, 2), status=status)
    return 1 if status == "FAIL" else 0


if __name__ == "__main__":
    sys.exit(main())
