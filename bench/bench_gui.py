"""How quickly the inspector reacts on a large batch (a benchmark, not a test).

Builds a 2,000-photo batch of small images with a review log filled through ``ReviewLog.record_score``
(as an overnight ``csa-inspector score`` leaves it), then measures in the real main window:

* open → first thumbnails: from ``open_batch`` until the first row's thumbnail is on screen, with an
  empty thumbnail cache (first opening on this workstation) and with the disk cache filled (reopening);
* next photo with overlay: pressing Right when the neighbour was preloaded (the normal case while
  reviewing), and jumping to a photo that was not (a click far down the list);
* a decision: pressing R until the next photo is on screen (the list re-sorts and redraws its counts).

With ``--folders N`` the photos lie in N camera folders (``carNN/camN``), as a depot stores an inspection: the
list then shows a header row per folder, which the grid lays out item by item instead of all at one size.

Targets of the issue: first thumbnails < 0.5 s, switching < 30 ms. Example::

    python -m bench.bench_gui                    # 2,000 photos, prints a table, writes bench-results/gui.json
    python -m bench.bench_gui --photos 300 --out /tmp/gui.json
    python -m bench.bench_gui --folders 24 --out /tmp/gui-tree.json   # the same photos in 24 camera folders
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

DEFAULT_OUT = Path("bench-results") / "gui.json"

TARGET_FIRST_THUMBNAILS_S = 0.5
TARGET_SWITCH_MS = 30.0


def photo_folder(index: int, n_photos: int, folders: int) -> str:
    """The camera folder of photo ``index`` when the batch is spread over ``folders`` folders ('' when flat)."""
    if folders <= 0:
        return ""
    group = index * folders // n_photos
    return f"car{group // 3 + 1:02d}/cam{group % 3 + 1}/"


def make_batch(folder: Path, n_photos: int, size: int, seed: int = 0, folders: int = 0) -> Path:
    """Small photos with a few shapes each, scored with random scores and heatmaps (no engine needed)."""
    import cv2
    import numpy as np

    from core.review import ReviewLog

    folder.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(seed)
    base = (rng.random((size, size, 3)) * 60 + 90).astype(np.uint8)
    base = cv2.GaussianBlur(base, (0, 0), 3)
    with ReviewLog.open(folder, create=True) as log:
        for index in range(n_photos):
            image = base.copy()
            for _ in range(4):
                center = tuple(int(v) for v in rng.integers(0, size, 2))
                colour = tuple(int(v) for v in rng.integers(40, 220, 3))
                cv2.circle(image, center, int(rng.integers(4, size // 6)), colour, -1)
            path = folder / f"{photo_folder(index, n_photos, folders)}photo_{index:05d}.png"
            path.parent.mkdir(parents=True, exist_ok=True)
            cv2.imwrite(str(path), image)
            heatmap = rng.gamma(2.0, 0.5, (32, 32)).astype(np.float32)
            score = float(rng.gamma(2.0, 0.5))
            if index % 12 == 0:
                heatmap[8:14, 10:18] += 6.0
                score += 3.0
            log.record_score(path, None, score, score >= 2.5, heatmap, size, size)
        log.set_batch_info(model_name="benchmark", threshold=2.5, pixel_threshold=3.0, heatmap_low=1.0)
    return folder


def wait_until(app, condition, timeout_s: float = 30.0) -> float:
    """Process events until ``condition()``; returns the seconds it took."""
    started = time.perf_counter()
    while not condition():
        app.processEvents()
        if time.perf_counter() - started > timeout_s:
            raise TimeoutError("the inspector did not get there in time")
        time.sleep(0.0005)
    return time.perf_counter() - started


def first_thumbnail_seconds(app, window, batch: Path) -> float:
    from PySide6.QtCore import Qt

    window.close_batch()
    app.processEvents()
    started = time.perf_counter()
    window.open_batch(batch)

    def shown() -> bool:
        index = window.list_model.index_of(window.list_model.first_rel_path())
        return index.isValid() and index.data(Qt.DecorationRole) is not None

    wait_until(app, shown)
    window.thumbnail_panel.list.viewport().repaint()  # the thumbnail actually painted
    return time.perf_counter() - started


def switch_times_ms(app, window, steps: int, preloaded: bool) -> list[float]:
    """Milliseconds from the key press until the next photo with its overlay is on screen."""
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest

    times = []
    session = window.session
    for step in range(steps):
        if preloaded:
            target = window.list_model.neighbour(window.current_rel, +1)
            wait_until(app, lambda: window.preloader.get(session.record(target)) is not None)
            started = time.perf_counter()
            QTest.keyClick(window, Qt.Key_Right)
        else:
            photos = window.list_model.rel_paths
            target = photos[(photos.index(window.current_rel) + len(photos) // 3 + 7) % len(photos)]
            started = time.perf_counter()
            window.show_rel(target)
        wanted = str(session.record(target).path)
        wait_until(app, lambda: window.inspector.current is not None and window.inspector.current.path == wanted)
        window.inspector.canvas.viewport().repaint()
        times.append((time.perf_counter() - started) * 1000.0)
    return times


def decision_times_ms(app, window, steps: int) -> list[float]:
    """Milliseconds from pressing R (reject) until the next photo is current and the grid has redrawn."""
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest

    times = []
    for _ in range(steps):
        before = window.current_rel
        started = time.perf_counter()
        QTest.keyClick(window, Qt.Key_R)
        wait_until(app, lambda: window.current_rel != before)
        app.processEvents()  # the grid's delayed re-layout after the re-sort
        window.thumbnail_panel.list.viewport().repaint()
        times.append((time.perf_counter() - started) * 1000.0)
    return times


def summarize(values: list[float]) -> dict:
    ordered = sorted(values)
    return {
        "median": statistics.median(ordered),
        "p95": ordered[min(len(ordered) - 1, int(round(0.95 * (len(ordered) - 1))))],
        "max": ordered[-1],
        "n": len(ordered),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--photos", type=int, default=2000)
    parser.add_argument("--size", type=int, default=256, help="side of the generated photos in pixels")
    parser.add_argument("--steps", type=int, default=40, help="photo switches to time")
    parser.add_argument("--folders", type=int, default=0, help="spread the photos over this many camera folders")
    parser.add_argument("--workdir", type=Path, default=None, help="where to build the batch (default: a temp folder)")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = parser.parse_args(argv)

    workdir = Path(args.workdir or tempfile.mkdtemp(prefix="csa-gui-bench-"))
    # private settings and caches: the first opening really starts with no thumbnails
    for variable in ("XDG_CONFIG_HOME", "XDG_CACHE_HOME", "XDG_DATA_HOME"):
        os.environ[variable] = str(workdir / variable.lower())
    if not os.environ.get("DISPLAY") and not os.environ.get("WAYLAND_DISPLAY"):
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

    batch = workdir / "batch"
    existing = len(list(batch.rglob("photo_*.png"))) if (batch / ".csa-inspector").is_dir() else 0
    layout_file = batch / ".csa-inspector" / "bench-folders.txt"
    same_layout = layout_file.is_file() and layout_file.read_text() == str(args.folders)
    if existing == args.photos and same_layout:
        print(f"reusing the scored batch of {args.photos} photos in {batch}")
    else:
        started = time.perf_counter()
        make_batch(batch, args.photos, args.size, folders=args.folders)
        layout_file.write_text(str(args.folders))
        print(f"built a scored batch of {args.photos} photos in {time.perf_counter() - started:.1f} s ({batch})")

    from app.qt.launch import create_application
    from app.qt.main_window import MainWindow

    app = create_application()
    window = MainWindow(warm_up=False)
    window.resize(1400, 880)
    window.show()
    wait_until(app, window.isVisible)

    cold = first_thumbnail_seconds(app, window, batch)
    warm = first_thumbnail_seconds(app, window, batch)
    open_s = window.open_seconds or 0.0
    wait_until(app, window.is_settled)
    preloaded = summarize(switch_times_ms(app, window, args.steps, preloaded=True))
    jumps = summarize(switch_times_ms(app, window, min(args.steps, 20), preloaded=False))
    window.show_rel(window.list_model.first_rel_path())
    window.settings.reviewer = window.settings.reviewer or "benchmark"  # asked once in real use
    decisions = summarize(decision_times_ms(app, window, min(args.steps, 20)))
    window.close()
    from PySide6.QtCore import QEvent

    window.deleteLater()
    app.sendPostedEvents(None, QEvent.DeferredDelete)  # PySide6 may crash at exit otherwise

    results = {
        "photos": args.photos,
        "folders": args.folders,
        "photo_size": args.size,
        "platform": platform.platform(),
        "qt_platform": os.environ.get("QT_QPA_PLATFORM", "native"),
        "open_batch_s": open_s,
        "first_thumbnails_cold_cache_s": cold,
        "first_thumbnails_warm_cache_s": warm,
        "switch_preloaded_ms": preloaded,
        "switch_not_preloaded_ms": jumps,
        "decision_ms": decisions,
        "targets": {
            "first_thumbnails_s": TARGET_FIRST_THUMBNAILS_S,
            "switch_ms": TARGET_SWITCH_MS,
            "first_thumbnails_pass": cold < TARGET_FIRST_THUMBNAILS_S,
            "switch_pass": preloaded["p95"] < TARGET_SWITCH_MS,
        },
    }
    rows = [
        ("open batch (from its log)", f"{open_s * 1000:.0f} ms", ""),
        ("first thumbnails, empty cache", f"{cold * 1000:.0f} ms", f"< {TARGET_FIRST_THUMBNAILS_S * 1000:.0f} ms"),
        ("first thumbnails, cached", f"{warm * 1000:.0f} ms", f"< {TARGET_FIRST_THUMBNAILS_S * 1000:.0f} ms"),
        ("next photo + overlay (median)", f"{preloaded['median']:.1f} ms", f"< {TARGET_SWITCH_MS:.0f} ms"),
        ("next photo + overlay (p95)", f"{preloaded['p95']:.1f} ms", f"< {TARGET_SWITCH_MS:.0f} ms"),
        ("jump, not preloaded (median)", f"{jumps['median']:.1f} ms", ""),
        ("decision, next photo current (median)", f"{decisions['median']:.1f} ms", ""),
        ("decision, next photo current (p95)", f"{decisions['p95']:.1f} ms", ""),
    ]
    width = max(len(r[0]) for r in rows)
    print(f"\n{'measure':<{width}}  {'time':>10}  target")
    for name, value, target in rows:
        print(f"{name:<{width}}  {value:>10}  {target}")
    verdicts = results["targets"]
    print(f"\nfirst thumbnails: {'PASS' if verdicts['first_thumbnails_pass'] else 'FAIL'}; "
          f"switching: {'PASS' if verdicts['switch_pass'] else 'FAIL'}")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=2), encoding="utf-8")
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
