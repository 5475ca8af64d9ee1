"""Large camera photos are scored with bounded memory: the photo is shrunk to the network's input size as uint8
and never copied at full size as float; the full-size heatmap exists one photo at a time.

Memory is measured as the peak resident size (VmHWM) of a separate process, reset after the model is loaded
and warmed up, so neither the test runner's own memory nor timing plays a part.
"""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import cv2
import numpy as np
import pytest

PEAK = Path("/proc/self/status")

SCORE_AND_MEASURE = r"""
import json, sys
from pathlib import Path
from core.scoring.batch import score_batch
from core.scoring.detector import Detector

def status(field):
    for line in open("/proc/self/status"):
        if line.startswith(field + ":"):
            return int(line.split()[1]) * 1024

model, warm_up, batch, out = (Path(a) for a in sys.argv[1:5])
detector = Detector.load(model, device="cpu")
score_batch(detector, warm_up, out / "warm-up")  # every code path once, on a small photo
with open("/proc/self/clear_refs", "w") as reset:
    reset.write("5")  # the peak resident size starts again from the current one
before = status("VmRSS")
outcome = score_batch(detector, batch, out / "batch")
print(json.dumps({"peak_increase": status("VmHWM") - before,
                  "scored": {r.path.name: [r.ok, r.width, r.height, r.error] for r in outcome.results}}))
"""


def camera_photo(width: int, height: int, seed: int) -> np.ndarray:
    """A grey disc with a bolt circle on a dark background, with sensor noise: compresses like a real photo."""
    rng = np.random.default_rng(seed)
    photo = np.full((height, width, 3), 60, np.uint8)
    centre, radius = (width // 2, height // 2), min(width, height) // 3
    cv2.circle(photo, centre, radius, (150, 150, 155), -1)
    for angle in range(0, 360, 60):
        x = int(centre[0] + np.cos(np.radians(angle)) * radius * 0.7)
        y = int(centre[1] + np.sin(np.radians(angle)) * radius * 0.7)
        cv2.circle(photo, (x, y), max(3, radius // 12), (70, 70, 70), -1)
    return cv2.add(photo, rng.integers(0, 12, photo.shape, dtype=np.uint8))


@pytest.mark.slow
@pytest.mark.skipif(not PEAK.exists(), reason="needs Linux /proc to measure the peak memory")
def test_camera_and_24_megapixel_photos_score_with_bounded_memory(trained_model_file, tmp_path):
    sizes = {"camera 2064x1544.jpg": (2064, 1544), "photo 6000x4000.jpg": (6000, 4000)}
    batch, warm_up = tmp_path / "batch", tmp_path / "warm-up"
    batch.mkdir()
    warm_up.mkdir()
    cv2.imwrite(str(warm_up / "small.jpg"), camera_photo(320, 240, seed=0))
    for i, (name, (width, height)) in enumerate(sizes.items()):
        assert cv2.imwrite(str(batch / name), camera_photo(width, height, seed=i + 1))
    try:
        Path("/proc/self/clear_refs").open("w").close()
    except OSError as exc:
        pytest.skip(f"cannot reset the peak memory counter here: {exc}")

    done = subprocess.run([sys.executable, "-c", SCORE_AND_MEASURE, str(trained_model_file), str(warm_up), str(batch),
                           str(tmp_path / "out")], capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    report = json.loads(done.stdout.strip().splitlines()[-1])

    assert report["scored"] == {name: [True, w, h, None] for name, (w, h) in sizes.items()}
    # The 24 MP photo as uint8 RGB is 72 MB. Decoding needs about three such buffers for a moment and its
    # full-size float heatmap is 96 MB; the heatmap picture is drawn at most 2560 px wide. Blending the picture
    # at full size, or keeping a batch's full-size heatmaps, needs well over a gigabyte.
    photo_bytes = 6000 * 4000 * 3
    assert report["peak_increase"] < 8 * photo_bytes, f"peak memory grew by {report['peak_increase'] / 2**20:.0f} MB"

    pictures = {p.name: cv2.imread(str(p)).shape[:2] for p in (tmp_path / "out" / "batch" / "heatmaps").glob("*.png")}
    assert pictures == {"camera 2064x1544_heatmap.png": (1544, 2064), "photo 6000x4000_heatmap.png": (1707, 2560)}
