"""Full camera frames: a foreign body of 2 % of a 2064 x 1544 frame's long side is found by tiling the frame.

Squeezed whole into the network's input such a body shrinks to a few pixels; cut into overlapping tiles at the
resolution the model trained at (training cuts its frames the same way), it stays visible.
"""
from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pytest

from core.config import BackboneConfig, FlowConfig, InputConfig, ModelConfig, TrainConfig
from core.scoring.detector import Detector
from core.features.extractor import tile_boxes
from core.synthetic import CAMERA_FRAME, camera_frame

FRAME_W, FRAME_H = CAMERA_FRAME


def write(path: Path, image: np.ndarray) -> Path:
    cv2.imwrite(str(path), cv2.cvtColor(image, cv2.COLOR_RGB2BGR))
    return path


def test_large_frames_are_cut_into_overlapping_tiles_that_cover_them():
    config = InputConfig(image_size=256)
    boxes = tile_boxes(FRAME_W, FRAME_H, config)
    assert len(boxes) == 4
    sides = {(x1 - x0, y1 - y0) for x0, y0, x1, y1 in boxes}
    assert len(sides) == 1 and next(iter(sides))[0] == next(iter(sides))[1]  # square, one size
    covered = np.zeros((FRAME_H, FRAME_W), bool)
    for x0, y0, x1, y1 in boxes:
        assert 0 <= x0 < x1 <= FRAME_W and 0 <= y0 < y1 <= FRAME_H
        covered[y0:y1, x0:x1] = True
    assert covered.all()
    # a 24 MP frame is cut into as many tiles: the grid follows the frame, not its pixel count
    assert len(tile_boxes(6000, 4500, config)) == 4
    # photos near the input size are squeezed whole, as before; so is everything when tiling is off
    assert tile_boxes(700, 500, config) == [(0, 0, 700, 500)]
    assert tile_boxes(FRAME_W, FRAME_H, InputConfig(image_size=256, tile_grid=1)) == [(0, 0, FRAME_W, FRAME_H)]


@pytest.mark.slow
def test_small_foreign_body_in_a_camera_frame_is_flagged_and_pointed_at(tmp_path):
    train_dir = tmp_path / "train"
    train_dir.mkdir()
    good = [write(train_dir / f"{i:02d}.png", camera_frame(i, False)[0]) for i in range(12)]
    config = ModelConfig(
        backbone=BackboneConfig(stages=(4, 5)),
        input=InputConfig(image_size=256, n_scales=1),
        flow=FlowConfig(hidden_channels=32),
        train=TrainConfig(epochs=8, lr=1e-3),
    )
    detector = Detector.train(good, config)
    assert detector.meta["n_train_samples"] == 4 * detector.meta["n_train_images"]  # trained on tiles

    bad_image, mask = camera_frame(100, True)
    assert 0.5 < np.sqrt(mask.sum()) / (0.02 * FRAME_W) < 1.5  # the body really is about 2 % of the long side
    normal = write(tmp_path / "normal.png", camera_frame(101, False)[0])
    bad = write(tmp_path / "bad.png", bad_image)
    normal_result, bad_result = detector.score_images([normal, bad])

    assert bad_result.heatmap.shape == (FRAME_H, FRAME_W)
    assert bad_result.flagged, (bad_result.score, detector.threshold)
    assert not normal_result.flagged, (normal_result.score, detector.threshold)
    peak = np.unravel_index(int(np.argmax(bad_result.heatmap)), bad_result.heatmap.shape)
    reach = int(0.03 * FRAME_W)  # the pointing tolerance of the evaluation: 3 % of the long side
    grown = cv2.dilate(mask.astype(np.uint8), cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * reach + 1,) * 2))
    assert grown[peak], f"hottest spot {peak} is off the foreign body"
