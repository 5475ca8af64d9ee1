"""Photo heatmaps from feature grids: smoothing in grid cells, tiles put back in place, the peak level, the outline."""
from __future__ import annotations

import numpy as np
import pytest

from core.config import MapConfig, ModelConfig
from core.scoring.photo_maps import WORK_PIXELS_PER_CELL, peak_level, photo_canvas, to_photo, working_map
from core.training.threshold import pixel_threshold_from_peaks


def test_smoothing_is_measured_in_grid_cells_and_keeps_the_peak_in_place():
    grid = np.zeros((8, 8), np.float32)
    grid[2, 5] = 1.0
    sharp, smooth = working_map(grid, 0.0), working_map(grid, 1.0)
    assert sharp.shape == smooth.shape == (8 * WORK_PIXELS_PER_CELL, 8 * WORK_PIXELS_PER_CELL)
    assert smooth.max() < sharp.max()
    row, col = np.unravel_index(int(np.argmax(smooth)), smooth.shape)
    assert row // WORK_PIXELS_PER_CELL == 2 and col // WORK_PIXELS_PER_CELL == 5


def test_tiles_are_put_back_where_they_were_cut_and_overlaps_averaged():
    width, height = 300, 200
    boxes = [(0, 0, 200, 200), (100, 0, 300, 200)]  # two squares sharing the middle third
    left, right = np.ones((4, 4), np.float32), np.full((4, 4), 3.0, np.float32)
    left[1, 0] = 10.0  # hot near the left edge of the left tile
    canvas = photo_canvas([left, right], boxes, width, height, 0.0)
    assert canvas.shape == (int(round(height * 16 / 200)), int(round(width * 16 / 200)))
    picture = to_photo(canvas, width, height)
    assert picture.shape == (height, width)
    assert picture[100, 280] == pytest.approx(3.0)  # only the right tile
    assert picture[100, 150] == pytest.approx(2.0)  # both tiles: averaged
    row, col = np.unravel_index(int(np.argmax(picture)), picture.shape)
    assert col < 50 and 50 <= row < 100  # grid cell (1, 0) of the left tile: x 0-50, y 50-100


def test_peak_level_is_the_mean_of_the_hottest_share():
    canvas = np.zeros((10, 10), np.float32)
    canvas[0, :5] = 4.0
    assert peak_level(canvas, 0.05) == pytest.approx(4.0)
    assert peak_level(canvas, 0.10) == pytest.approx(2.0)
    assert peak_level(canvas, 1e-9) == pytest.approx(4.0)  # at least one pixel


def test_outline_threshold_lies_above_the_hottest_pixel_of_nearly_every_good_photo():
    peaks = np.random.default_rng(0).lognormal(0.5, 0.2, 40)
    threshold = pixel_threshold_from_peaks(peaks)
    assert (peaks >= threshold).mean() <= 0.05
    assert threshold < 2 * peaks.max()


def test_model_files_without_the_new_settings_keep_the_old_layout():
    old = {"backbone": {"name": "tf_efficientnet_lite0", "weights": "offline", "stage": None},
           "input": {"image_size": 384, "n_scales": 3}, "flow": {}, "train": {}}
    config = ModelConfig.from_dict(old)
    assert config.backbone.stages == ()  # one stage on the input pyramid
    assert config.input.tile_grid == 1  # every photo squeezed whole
    assert (config.maps.fusion, config.maps.smooth, config.maps.score) == ("mean", 0.0, "flow")
    assert config.maps.source == "flow" and not config.maps.uses_patches  # the flow's heatmap, no patch memory
    last_round = dict(old, maps={"fusion": "likelihood", "smooth": 0.5, "score": "flow+peak", "top_k": 0.01})
    assert ModelConfig.from_dict(last_round).maps.source == "flow"
    fresh = ModelConfig.from_dict(ModelConfig().to_dict())
    assert fresh == ModelConfig()


def test_map_settings_are_checked():
    with pytest.raises(ValueError):
        MapConfig(fusion="product")
    with pytest.raises(ValueError):
        MapConfig(score="max")
    with pytest.raises(ValueError):
        MapConfig(source="flow")  # the default score reads the patch map
    assert MapConfig(source="flow", score="flow").uses_patches is False
