"""Heatmap colours, outlines and heatmap files."""
from __future__ import annotations

import numpy as np
import pytest

from core.scoring.heatmap_store import HeatmapFileError, load_heatmap, save_heatmap, stored_original_shape
from core.scoring.overlay import (
    COLORMAPS,
    THRESHOLD_POSITION,
    blend,
    color_range,
    colorize,
    draw_outline,
    region_contours,
    render_overlay,
)


def grey_photo(height=120, width=160) -> np.ndarray:
    photo = np.full((height, width, 3), 128, np.uint8)
    photo[::10, :, :] = 90  # some structure so blending is visible
    return photo


def heatmap_with_spots(height=120, width=160, normal=1.0) -> np.ndarray:
    rng = np.random.default_rng(0)
    heat = (normal + 0.1 * rng.standard_normal((height, width))).astype(np.float32)
    heat[20:40, 30:60] = 12.0  # a foreign body
    heat[80:100, 110:140] = 8.0  # a second one
    heat[5, 5] = 20.0  # a single hot pixel
    return heat


def test_colorize_returns_rgb_with_cold_low_and_hot_high_values():
    heat = np.array([[0.0, 0.5, 1.0, 2.0, -1.0]], np.float32)
    rgb = colorize(heat, 0.0, 1.0, "jet")
    assert rgb.shape == (1, 5, 3) and rgb.dtype == np.uint8
    low, mid, high, above, below = rgb[0].astype(int)
    assert low[2] > 100 and low[0] < 50  # jet starts dark blue (RGB order, not OpenCV's BGR)
    assert high[0] > 100 and high[2] < 50  # and ends dark red
    assert (above == high).all() and (below == low).all()  # clipped at both ends
    assert mid[1] > 200  # the middle of jet is green-ish


@pytest.mark.parametrize("name", sorted(COLORMAPS))
def test_every_colour_map_gets_brighter_towards_the_hot_end(name):
    ramp = np.linspace(0, 1, 256, dtype=np.float32)[None, :]
    rgb = colorize(ramp, 0.0, 1.0, name).astype(float)
    if name in ("inferno", "magma", "viridis"):  # perceptual maps: brightness rises monotonically
        brightness = rgb.mean(axis=2)[0]
        assert brightness[-1] > brightness[0] + 100
        assert np.all(np.diff(brightness[::16]) > -1)
    else:
        assert rgb[0, 0, 2] > rgb[0, 0, 0] and rgb[0, -1, 0] > rgb[0, -1, 2]


def test_unknown_colour_map_and_bad_shapes_are_refused():
    with pytest.raises(ValueError, match="colour map"):
        colorize(np.zeros((2, 2), np.float32), 0, 1, "rainbow")
    with pytest.raises(ValueError, match="2-D"):
        colorize(np.zeros((2, 2, 2), np.float32), 0, 1)


def test_color_range_puts_pixel_threshold_at_two_thirds():
    vmin, vmax = color_range(pixel_threshold=3.0, threshold_low=1.0)
    assert vmin == 1.0
    assert (3.0 - vmin) / (vmax - vmin) == pytest.approx(THRESHOLD_POSITION)
    # Without a known normal level the median of the heatmap (mostly normal area) is taken.
    vmin, _ = color_range(3.0, None, heatmap_with_spots())
    assert vmin == pytest.approx(1.0, abs=0.05)
    # A photo that is anomalous everywhere still gets a usable range below the threshold.
    vmin, vmax = color_range(3.0, None, np.full((4, 4), 10.0, np.float32))
    assert vmin < 3.0 < vmax


def test_blend_weights_photo_and_heatmap():
    photo = grey_photo()
    heat = heatmap_with_spots()
    assert np.array_equal(blend(photo, heat, 0, 1, alpha=0.0), photo)
    assert np.array_equal(blend(photo, heat, 0, 1, alpha=1.0), colorize(heat, 0, 1))
    half = blend(photo, heat, 0, 1, alpha=0.5).astype(int)
    expected = (photo.astype(int) + colorize(heat, 0, 1).astype(int)) / 2
    assert np.abs(half - expected).max() <= 1


def test_region_contours_outline_each_hot_region():
    heat = heatmap_with_spots()
    contours = region_contours(heat, pixel_threshold=5.0)
    boxes = sorted((c[:, 0].min(), c[:, 1].min(), c[:, 0].max(), c[:, 1].max()) for c in contours)
    assert (5, 5, 5, 5) in boxes
    assert (30, 20, 59, 39) in boxes and (110, 80, 139, 99) in boxes
    assert all(c.ndim == 2 and c.shape[1] == 2 and c.dtype == np.int32 for c in contours)
    assert len(region_contours(heat, 5.0, min_area=10)) == 2  # the single hot pixel is dropped
    assert region_contours(heat, 50.0) == []


def test_draw_outline_only_touches_the_outline():
    photo = grey_photo()
    contours = region_contours(heatmap_with_spots(), 5.0, min_area=10)
    drawn = draw_outline(photo, contours, color=(255, 0, 255), thickness=2)
    assert drawn is not photo and np.array_equal(photo, grey_photo())  # input untouched
    changed = np.any(drawn != photo, axis=2)
    assert changed[20, 45] or changed[19, 45]  # top edge of the first region
    assert not changed[30, 45]  # inside the region
    assert not changed[60, 80]  # far away
    magenta = (drawn[:, :, 0] > 200) & (drawn[:, :, 1] < 60) & (drawn[:, :, 2] > 200)
    assert magenta.sum() > 50


def test_standard_overlay_keeps_normal_areas_cold_and_regions_hot():
    photo = grey_photo(240, 320)
    heat = heatmap_with_spots()  # half the photo's resolution, as stored heatmaps are
    uniform = render_overlay(photo, heat, threshold_low=1.0, pixel_threshold=5.0, alpha=0.6, colormap="jet",
                             outline=False, fade_normal=False)
    assert uniform.shape == photo.shape
    normal = uniform[150:170, 20:60].reshape(-1, 3).mean(axis=0)
    hot = uniform[50:70, 80:100].reshape(-1, 3).mean(axis=0)
    assert normal[2] > normal[0] + 40  # blue dominates where the photo is normal
    assert hot[0] > hot[2] + 40  # red dominates on the foreign body

    # The standard picture paints normal areas lighter so the photo stays readable, hot areas as strongly.
    picture = render_overlay(photo, heat, 1.0, 5.0, alpha=0.6, colormap="jet", outline=False)
    normal_faded = picture[150:170, 20:60].reshape(-1, 3).mean(axis=0)
    assert normal_faded[2] > normal_faded[0] + 10  # still cool
    assert np.abs(normal_faded - 128).max() < np.abs(normal - 128).max() / 2  # but closer to the photo
    assert np.abs(picture[50:70, 80:100].astype(int) - uniform[50:70, 80:100]).max() <= 1
    outlined = render_overlay(photo, heat, 1.0, 5.0, alpha=0.6, colormap="jet", outline=True)
    assert np.any(outlined != picture)
    # A photo without any region above the threshold has nothing outlined.
    calm = np.ones((120, 160), np.float32)
    assert np.array_equal(render_overlay(photo, calm, 1.0, 5.0, 0.6, "jet", outline=True),
                          render_overlay(photo, calm, 1.0, 5.0, 0.6, "jet", outline=False))


def test_greyscale_and_rgba_photos_are_accepted():
    heat = heatmap_with_spots()
    grey = np.full((120, 160), 100, np.uint8)
    rgba = np.dstack([grey_photo(), np.full((120, 160), 255, np.uint8)])
    assert render_overlay(grey, heat, None, 5.0).shape == (120, 160, 3)
    assert render_overlay(rgba, heat, None, 5.0).shape == (120, 160, 3)


def test_heatmap_file_round_trip_and_reduction(tmp_path):
    heat = np.zeros((1000, 700), np.float32)
    heat[100:300, 200:400] = 6.5
    heat[0, 0] = 1e9  # beyond float16: stored as the largest value instead of infinity
    path = save_heatmap(tmp_path / "heatmaps", "ab12" * 16, heat)
    assert path.name == "ab12" * 16 + ".npz" and path.is_file()
    assert [p.name for p in path.parent.iterdir()] == [path.name]  # no temporary files left behind
    stored = load_heatmap(path)
    assert stored.shape == (512, 358) and stored.dtype == np.float32
    assert np.isfinite(stored).all()
    assert stored_original_shape(path) == (1000, 700)
    full = load_heatmap(path, size=(1000, 700))
    assert full.shape == (1000, 700)
    assert full[200, 300] == pytest.approx(6.5, abs=0.01)
    assert full[600, 600] == pytest.approx(0.0, abs=0.01)
    small = np.arange(12, dtype=np.float32).reshape(3, 4)
    assert np.array_equal(load_heatmap(save_heatmap(tmp_path, "small", small)), small)  # not enlarged


def test_bad_heatmap_keys_and_files_give_clear_errors(tmp_path):
    with pytest.raises(ValueError, match="key"):
        save_heatmap(tmp_path, "../escape", np.zeros((2, 2), np.float32))
    with pytest.raises(ValueError, match="2-D"):
        save_heatmap(tmp_path, "k", np.zeros((2, 2, 2), np.float32))
    broken = tmp_path / "broken.npz"
    broken.write_bytes(b"not a zip")
    with pytest.raises(HeatmapFileError, match="unreadable"):
        load_heatmap(broken)
    with pytest.raises(HeatmapFileError, match="missing"):
        load_heatmap(tmp_path / "gone.npz")
