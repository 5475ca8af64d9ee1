"""Dataset discovery on generated data and, where present, on the real datasets beside the repository."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from core.photos.datasets import (
    TestItem,
    find_categories,
    is_mvtec_category,
    load_mask,
    test_items,
    training_images,
    validation_images,
)
from core.photos.imageio import ImageReadError
from core.synthetic import SceneConfig, generate_dataset
from repo_paths import SHARED_DATASETS

MAGNETIC_TILE = SHARED_DATASETS / "magnetic_tile" / "magnetic_tile"
TIRE = SHARED_DATASETS / "mvtec3d_tire" / "tire"


@pytest.fixture(scope="module")
def synthetic_category(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("synthetic")
    return generate_dataset(root, n_train=6, n_test_good=3, n_test_bad=4, config=SceneConfig(size=96))


def test_synthetic_category_is_found_and_listed(synthetic_category):
    assert is_mvtec_category(synthetic_category)
    assert not is_mvtec_category(synthetic_category / "train")
    train = training_images(synthetic_category)
    assert [p.name for p in train] == [f"{i:03d}.png" for i in range(6)]
    assert all(p.parent == synthetic_category / "train" / "good" for p in train)
    assert validation_images(synthetic_category) == []


def test_synthetic_test_items_carry_labels_and_masks(synthetic_category):
    items = test_items(synthetic_category)
    assert all(isinstance(item, TestItem) for item in items)
    assert [(i.defect_type, i.label) for i in items] == [("good", 0)] * 3 + [("foreign_body", 1)] * 4
    assert all(i.mask_path is None for i in items if i.label == 0)
    for item in items[3:]:
        assert item.mask_path == synthetic_category / "ground_truth" / "foreign_body" / f"{item.path.stem}_mask.png"
        mask = load_mask(item.mask_path)
        assert mask.dtype == np.bool_ and mask.shape == (96, 96)
        assert 0.01 <= mask.mean() <= 0.04


def test_missing_mask_gives_none_not_an_error(tmp_path):
    category = generate_dataset(tmp_path, 1, 1, 2, SceneConfig(size=64))
    (category / "ground_truth" / "foreign_body" / "001_mask.png").unlink()
    by_name = {i.path.name: i for i in test_items(category) if i.label == 1}
    assert by_name["000.png"].mask_path is not None
    assert by_name["001.png"].mask_path is None


def test_plain_folder_trains_on_its_own_images(tmp_path):
    for name in ("b 2.png", "a.jpg", "b 10.png"):
        Image.new("RGB", (8, 8)).save(tmp_path / name)
    (tmp_path / "readme.txt").write_text("not an image")
    assert not is_mvtec_category(tmp_path)
    assert [p.name for p in training_images(tmp_path)] == ["a.jpg", "b 2.png", "b 10.png"]


def test_training_images_explains_empty_and_missing_folders(tmp_path):
    with pytest.raises(ValueError, match="no images .*png.* found in"):
        training_images(tmp_path)
    (tmp_path / "train" / "good").mkdir(parents=True)
    with pytest.raises(ValueError, match=r"no images .* found in .*good"):
        training_images(tmp_path)
    with pytest.raises(ValueError, match="training folder not found"):
        training_images(tmp_path / "nowhere")


def test_test_items_requires_a_test_folder(tmp_path):
    with pytest.raises(ValueError, match="no test folder"):
        test_items(tmp_path)


def test_load_mask_resizes_and_accepts_zero_one_masks(tmp_path):
    mask = np.zeros((40, 60), np.uint8)
    mask[10:30, 20:50] = 255
    path = tmp_path / "m_mask.png"
    Image.fromarray(mask).save(path)
    full = load_mask(path)
    assert full.shape == (40, 60) and full.sum() == 20 * 30
    half = load_mask(path, size=(30, 20))
    assert half.shape == (20, 30) and half.sum() == 10 * 15
    double = load_mask(path, size=(120, 80))
    assert double.shape == (80, 120) and abs(int(double.sum()) - 4 * 600) <= 2 * (40 + 60)

    Image.fromarray((mask > 0).astype(np.uint8)).save(tmp_path / "ones_mask.png")
    np.testing.assert_array_equal(load_mask(tmp_path / "ones_mask.png"), full)

    (tmp_path / "broken_mask.png").write_bytes(b"")
    with pytest.raises(ImageReadError, match="empty file"):
        load_mask(tmp_path / "broken_mask.png")


def test_find_categories_from_a_dataset_root(tmp_path, synthetic_category):
    generate_dataset(tmp_path / "suite", 1, 1, 1, SceneConfig(size=64), category="unit_a")
    generate_dataset(tmp_path / "suite", 1, 1, 1, SceneConfig(size=64), category="unit_b")
    (tmp_path / "suite" / "notes").mkdir()
    assert [p.name for p in find_categories(tmp_path / "suite")] == ["unit_a", "unit_b"]
    assert find_categories(synthetic_category) == [synthetic_category]
    assert find_categories(tmp_path / "suite" / "notes") == []


# --------------------------------------------------------------------------------------------------------------
# Real datasets (skipped where the shared folder is absent)
# --------------------------------------------------------------------------------------------------------------


def counts(category: Path) -> tuple[int, int, int, dict[str, int]]:
    items = test_items(category)
    per_type: dict[str, int] = {}
    for item in items:
        per_type[item.defect_type] = per_type.get(item.defect_type, 0) + 1
    return len(training_images(category)), per_type.pop("good"), sum(per_type.values()), per_type


@pytest.mark.skipif(not MAGNETIC_TILE.is_dir(), reason=f"real dataset not present at {MAGNETIC_TILE}")
def test_magnetic_tile_matches_its_readme():
    assert is_mvtec_category(MAGNETIC_TILE)
    n_train, n_good, n_bad, per_type = counts(MAGNETIC_TILE)
    assert (n_train, n_good, n_bad) == (667, 285, 392)
    assert per_type == {"blowhole": 115, "break": 85, "crack": 57, "fray": 32, "uneven": 103}
    items = [i for i in test_items(MAGNETIC_TILE) if i.label == 1]
    assert all(i.mask_path is not None for i in items)
    empty = next(i for i in items if i.path.stem == "exp3_num_45042")  # an all-zero mask, per the README
    assert not load_mask(empty.mask_path).any()
    crack = next(i for i in items if i.defect_type == "crack")
    with Image.open(crack.path) as im:
        size = im.size
    mask = load_mask(crack.mask_path, size=size)
    assert mask.shape == (size[1], size[0]) and mask.any()


@pytest.mark.skipif(not TIRE.is_dir(), reason=f"real dataset not present at {TIRE}")
def test_tire_matches_its_readme():
    n_train, n_good, n_bad, per_type = counts(TIRE)
    assert (n_train, n_good, n_bad) == (210, 25, 87)
    assert per_type == {"combined": 5, "contamination": 28, "cut": 27, "hole": 27}
    assert len(validation_images(TIRE)) == 29
    assert all(i.mask_path is not None for i in test_items(TIRE) if i.label == 1)
    item = next(i for i in test_items(TIRE) if i.defect_type == "contamination")
    mask = load_mask(item.mask_path)
    assert mask.shape == (400, 300) and mask.any()


@pytest.mark.skipif(not SHARED_DATASETS.is_dir(), reason=f"shared datasets not present at {SHARED_DATASETS}")
def test_find_categories_on_the_shared_datasets():
    names = {p.name for p in find_categories(SHARED_DATASETS)}
    assert {"magnetic_tile", "tire"} <= names
