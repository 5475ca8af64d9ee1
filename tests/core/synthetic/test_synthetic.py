"""The synthetic brake-unit scenes: ground truth that is exact, variation that is real, output that repeats."""
from __future__ import annotations

import csv
import hashlib
from pathlib import Path

import cv2
import numpy as np
import pytest

from core.photos.imageio import list_images, load_image
from core.synthetic import (
    CAMERA_FRAME,
    FOREIGN_BODY_KINDS,
    SceneConfig,
    camera_frame,
    compose_scene,
    generate_batch,
    generate_dataset,
    render_scene,
)

SMALL = SceneConfig(size=128)


def digests(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def test_render_scene_shapes_and_types():
    image, mask = render_scene(np.random.default_rng(0), SceneConfig(), foreign_body=False)
    assert image.shape == (256, 256, 3) and image.dtype == np.uint8
    assert mask.shape == (256, 256) and mask.dtype == np.uint8
    assert not mask.any()
    assert 40 < image.mean() < 200 and image.std() > 20  # exposed like a photo, not flat


def test_same_seed_same_pixels_and_other_seed_differs():
    first = render_scene(np.random.default_rng(5), SMALL, True)
    again = render_scene(np.random.default_rng(5), SMALL, True)
    other = render_scene(np.random.default_rng(6), SMALL, True)
    np.testing.assert_array_equal(first[0], again[0])
    np.testing.assert_array_equal(first[1], again[1])
    assert not np.array_equal(first[0], other[0])


@pytest.mark.parametrize("kind", FOREIGN_BODY_KINDS)
def test_each_foreign_body_covers_one_to_four_percent(kind):
    config = SceneConfig(size=160, foreign_kinds=(kind,))
    for seed in range(4):
        scene = compose_scene(np.random.default_rng(seed), config, foreign_body=True)
        assert scene.foreign_kind == kind
        assert set(np.unique(scene.mask)) <= {0, 255}
        area = (scene.mask > 0).mean()
        assert 0.01 <= area <= 0.04, (kind, seed, area)
        n_parts, _ = cv2.connectedComponents((scene.mask > 0).astype(np.uint8))
        assert n_parts - 1 <= 2  # one object (a nut's hole doesn't split it; a bolt's AA seam may)


def test_mask_marks_exactly_where_the_body_changed_the_photo():
    """The same seed renders the same scene with and without the body; they differ only at and around it."""
    for seed in range(6):
        bad = compose_scene(np.random.default_rng(seed), SMALL, foreign_body=True)
        good = compose_scene(np.random.default_rng(seed), SMALL, foreign_body=False)
        assert good.lever_angle == bad.lever_angle and good.light_azimuth == bad.light_azimuth
        diff = np.abs(bad.image.astype(int) - good.image.astype(int)).sum(axis=2)
        inside = bad.mask > 0
        near = cv2.dilate(bad.mask, np.ones((25, 25), np.uint8)) > 0  # its shadow and ambient occlusion
        assert diff[inside].mean() > 40, bad.foreign_kind  # the body really is visible
        assert diff[~near].max() == 0  # nothing else moved
        assert diff[inside].sum() / diff.sum() > 0.6, bad.foreign_kind  # most of the change is the body itself


def test_bodies_are_shaded_not_flat_blobs():
    for kind in FOREIGN_BODY_KINDS:
        scene = compose_scene(np.random.default_rng(3), SceneConfig(size=192, foreign_kinds=(kind,)), True)
        inside = scene.image[scene.mask > 0].astype(float)
        luminance = inside.mean(axis=1)
        assert luminance.std() > 8, kind  # light and shade across the object
        assert inside.max() < 255 or (inside == 255).mean() < 0.05, kind  # not a saturated patch


def test_normal_photos_vary_but_show_the_same_device():
    scenes = [compose_scene(np.random.default_rng(i), SMALL, False) for i in range(8)]
    angles = [s.lever_angle for s in scenes]
    lo, hi = SMALL.lever_angle_range
    assert all(lo <= a <= hi for a in angles) and max(angles) - min(angles) > 5
    assert max(s.gain for s in scenes) - min(s.gain for s in scenes) > 0.05
    gray = [cv2.cvtColor(s.image, cv2.COLOR_RGB2GRAY).astype(float) for s in scenes]
    diffs = [np.abs(gray[0] - g).mean() for g in gray[1:]]
    assert min(diffs) > 2.0  # no two photos are the same
    blurred = [cv2.GaussianBlur(g, (0, 0), 3).ravel() for g in gray]
    correlations = [np.corrcoef(blurred[0], b)[0, 1] for b in blurred[1:]]
    assert min(correlations) > 0.6  # ...but it is recognisably the same unit


def test_lighting_nuisance_is_outside_the_normal_lighting():
    normal = [compose_scene(np.random.default_rng(i), SMALL, False) for i in range(10)]
    unusual = [compose_scene(np.random.default_rng(i), SceneConfig(size=128, nuisance="lighting"), False)
               for i in range(10)]
    lo, hi = SMALL.light_azimuth_range
    assert all(lo <= s.light_azimuth <= hi for s in normal)
    assert all(not (lo - 20 <= s.light_azimuth <= hi + 20) for s in unusual)
    assert all(not s.mask.any() for s in unusual)  # still defect-free

    def red_blue(scene):
        mean = scene.image.reshape(-1, 3).astype(float).mean(axis=0)
        return mean[0] / mean[2]

    normal_range = (min(map(red_blue, normal)), max(map(red_blue, normal)))
    outside = [not (normal_range[0] <= red_blue(s) <= normal_range[1]) for s in unusual]
    assert all(outside)


def test_part_position_nuisance_moves_the_lever_out_of_its_range():
    config = SceneConfig(size=128, nuisance="part_position")
    lo, hi = config.lever_angle_range
    rod_lo, rod_hi = config.rod_offset_range
    scenes = [compose_scene(np.random.default_rng(i), config, False) for i in range(10)]
    assert all(s.lever_angle < lo - 5 or s.lever_angle > hi + 5 for s in scenes)
    assert all(s.rod_offset < rod_lo or s.rod_offset > rod_hi for s in scenes)
    assert {s.lever_angle > 0 for s in scenes} == {True, False}  # both directions occur


def test_scene_looks_the_same_at_any_size():
    small, _ = render_scene(np.random.default_rng(2), SceneConfig(size=96), False)
    large, _ = render_scene(np.random.default_rng(2), SceneConfig(size=288), False)
    shrunk = cv2.resize(large, (96, 96), interpolation=cv2.INTER_AREA)
    assert np.abs(shrunk.astype(int) - small.astype(int)).mean() < 14


def test_config_is_validated():
    with pytest.raises(ValueError, match="nuisance"):
        SceneConfig(nuisance="fog")
    with pytest.raises(ValueError, match="foreign_kinds"):
        SceneConfig(foreign_kinds=("banana",))
    with pytest.raises(ValueError, match="size"):
        SceneConfig(size=8)


def test_generate_dataset_writes_mvtec_layout(tmp_path):
    category = generate_dataset(tmp_path, n_train=5, n_test_good=3, n_test_bad=4, config=SMALL)
    assert category == tmp_path / "brake_unit"
    assert [p.name for p in list_images(category / "train" / "good")] == [f"{i:03d}.png" for i in range(5)]
    assert len(list_images(category / "test" / "good")) == 3
    bad = list_images(category / "test" / "foreign_body")
    masks = list_images(category / "ground_truth" / "foreign_body")
    assert [p.name for p in bad] == ["000.png", "001.png", "002.png", "003.png"]
    assert [p.name for p in masks] == [f"{p.stem}_mask.png" for p in bad]
    for image_path, mask_path in zip(bad, masks):
        image, mask = load_image(image_path), load_image(mask_path)[..., 0]
        assert image.shape == (128, 128, 3) and mask.shape == (128, 128)
        assert set(np.unique(mask)) == {0, 255}
        assert 0.01 <= (mask > 0).mean() <= 0.04
    assert not (category / "ground_truth" / "good").exists()


def test_generate_dataset_is_byte_identical_for_a_seed_and_splits_are_independent(tmp_path):
    one = generate_dataset(tmp_path / "a", 3, 2, 2, SMALL)
    two = generate_dataset(tmp_path / "b", 3, 2, 2, SMALL)
    assert digests(one) == digests(two)
    other_seed = generate_dataset(tmp_path / "c", 3, 2, 2, SceneConfig(size=128, seed=1))
    assert digests(other_seed)["train/good/000.png"] != digests(one)["train/good/000.png"]
    more_train = generate_dataset(tmp_path / "d", 6, 2, 2, SMALL)
    d1, d4 = digests(one), digests(more_train)
    assert all(d4[name] == d1[name] for name in d1)  # adding training photos leaves the test split alone
    train = {d1[f"train/good/{i:03d}.png"] for i in range(3)}
    assert train.isdisjoint(d1[n] for n in d1 if n.startswith("test/"))


def test_rerun_with_fewer_images_leaves_no_stale_files(tmp_path):
    generate_dataset(tmp_path, 6, 1, 1, SMALL)
    category = generate_dataset(tmp_path, 2, 1, 1, SMALL)
    assert len(list_images(category / "train" / "good")) == 2


def test_generate_batch_writes_shuffled_labelled_photos(tmp_path):
    folder = generate_batch(tmp_path / "batch", n_good=5, n_bad=3, config=SMALL)
    images = list_images(folder)
    assert [p.name for p in images] == [f"img_{i:04d}.png" for i in range(1, 9)]
    with open(folder / "labels.csv", newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert [r["file"] for r in rows] == [p.name for p in images]
    labels = [int(r["label"]) for r in rows]
    assert sum(labels) == 3 and labels != sorted(labels)  # mixed, not good-then-bad
    assert all((r["foreign_kind"] in FOREIGN_BODY_KINDS) == (r["label"] == "1") for r in rows)
    again = generate_batch(tmp_path / "again", n_good=5, n_bad=3, config=SMALL, labels_csv=None)
    assert not (again / "labels.csv").exists()
    assert digests(again) == {k: v for k, v in digests(folder).items() if k != "labels.csv"}


def test_foreign_bodies_and_nuisances_stand_out_in_imagenet_features():
    """A plain nearest-neighbour detector on the product's backbone features separates the classes at 128 px."""
    torch = pytest.importorskip("torch")
    from core.features.backbone import build_backbone
    from core.config import BackboneConfig

    backbone = build_backbone(BackboneConfig())

    def patch_features(config: SceneConfig, split: int, n: int, bad: bool):
        images = [render_scene(np.random.default_rng([split, i]), config, bad)[0] for i in range(n)]
        batch = torch.from_numpy(np.stack(images)).permute(0, 3, 1, 2).float() / 255.0
        features = backbone(batch)
        return features.permute(0, 2, 3, 1).reshape(n, -1, features.shape[1])

    bank = patch_features(SMALL, 0, 16, False).reshape(-1, backbone.out_channels)

    def image_scores(features):
        return np.array([torch.cdist(f, bank).min(dim=1).values.max().item() for f in features])

    good = image_scores(patch_features(SMALL, 1, 8, False))
    bad = image_scores(patch_features(SMALL, 2, 8, True))
    lighting = image_scores(patch_features(SceneConfig(size=128, nuisance="lighting"), 3, 4, False))
    moved = image_scores(patch_features(SceneConfig(size=128, nuisance="part_position"), 4, 4, False))
    assert bad.min() > good.max()
    assert lighting.min() > good.max() and moved.min() > good.max()


def test_camera_frame_has_camera_proportions_and_a_body_of_two_percent_of_its_long_side():
    image, mask = camera_frame(3, True)
    assert image.shape == (CAMERA_FRAME[1], CAMERA_FRAME[0], 3) and image.dtype == np.uint8
    assert mask.shape == image.shape[:2] and mask.dtype == bool
    assert 0.5 < np.sqrt(mask.sum()) / (0.02 * CAMERA_FRAME[0]) < 1.5
    clean, clean_mask = camera_frame(3, False)
    assert not clean_mask.any()
    # the same scene: the body is what differs (its shadow reaches a little beyond it)
    outside = ~cv2.dilate(mask.astype(np.uint8), np.ones((81, 81), np.uint8)).astype(bool)
    assert np.abs(image.astype(int) - clean.astype(int))[outside].max() <= 2
    with pytest.raises(ValueError, match="landscape"):
        camera_frame(0, False, size=(1000, 2000))
