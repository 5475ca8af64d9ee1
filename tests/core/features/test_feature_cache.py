"""The on-disk feature cache that makes improving a model from a review skip the backbone for old normals."""
from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
import torch
from PIL import Image

from conftest import engine_test_config


@pytest.fixture(scope="module")
def extractor():
    from core.features.extractor import FeatureExtractor

    config = engine_test_config()
    return FeatureExtractor(config.backbone, config.input, torch.device("cpu"))


@pytest.fixture
def photos(tmp_path) -> list[Path]:
    from core.synthetic import SceneConfig, generate_batch

    folder = generate_batch(tmp_path / "photos", 5, 0, config=SceneConfig(size=128, seed=7))
    return sorted(folder.glob("img_*.png"))


def feature_events(events) -> int:
    return sum(1 for e in events if e.stage == "features" and e.done > 0)


def entries(cache) -> list[Path]:
    return sorted(cache.root.glob("*/*.safetensors"))


def test_second_extraction_reads_the_cache_and_gives_identical_features(extractor, photos, tmp_path):
    from core.features.feature_cache import FeatureCache, extract_with_cache

    cache = FeatureCache(tmp_path / "cache")
    first_events, second_events = [], []
    first = extract_with_cache(extractor, photos, cache, progress=first_events.append)
    assert feature_events(first_events) == len(photos) and len(entries(cache)) == len(photos)
    second = extract_with_cache(extractor, photos, cache, progress=second_events.append)
    assert feature_events(second_events) == 0, "cached photos must not run through the backbone again"
    assert second.paths == first.paths == photos
    for a, b in zip(first.scales, second.scales):
        assert torch.equal(a, b)
    direct = extractor.extract_paths(photos)
    for a, b in zip(direct.scales, second.scales):
        assert torch.allclose(a, b, atol=1e-6)


def test_a_changed_photo_is_computed_again(extractor, photos, tmp_path):
    from core.features.feature_cache import FeatureCache, extract_with_cache

    cache = FeatureCache(tmp_path / "cache")
    extract_with_cache(extractor, photos, cache)
    before = extract_with_cache(extractor, photos, cache)
    Image.open(photos[0]).transpose(Image.Transpose.FLIP_LEFT_RIGHT).save(photos[0])  # same name, other content
    events = []
    result = extract_with_cache(extractor, photos, cache, progress=events.append)
    assert feature_events(events) == 1
    assert not torch.equal(result.scales[0][0], before.scales[0][0])
    assert torch.equal(result.scales[0][1:], before.scales[0][1:])


def test_other_input_size_or_backbone_never_shares_entries(extractor, tmp_path):
    from core.features.feature_cache import FeatureCache
    from core.features.extractor import FeatureExtractor

    cache = FeatureCache(tmp_path / "cache")
    config = engine_test_config()
    bigger = FeatureExtractor(config.backbone, dataclasses.replace(config.input, image_size=160), torch.device("cpu"))
    deeper = FeatureExtractor(dataclasses.replace(config.backbone, stage=5), config.input, torch.device("cpu"))
    folders = {cache.folder_for(extractor), cache.folder_for(bigger), cache.folder_for(deeper)}
    assert len(folders) == 3


def test_patch_embeddings_weighted_otherwise_never_share_entries(tmp_path):
    from core.features.feature_cache import FeatureCache
    from core.features.extractor import FeatureExtractor

    cache = FeatureCache(tmp_path / "cache")
    config = engine_test_config()
    folders = {
        cache.folder_for(FeatureExtractor(config.backbone, config.input, torch.device("cpu"),
                                          maps=dataclasses.replace(config.maps, patch_balance=balance)))
        for balance in (True, False)
    }
    assert len(folders) == 2


def test_damaged_entry_is_dropped_and_recomputed(extractor, photos, tmp_path):
    from core.features.feature_cache import FeatureCache, extract_with_cache

    cache = FeatureCache(tmp_path / "cache")
    clean = extract_with_cache(extractor, photos, cache)
    damaged = entries(cache)[0]
    damaged.write_bytes(b"\x00" * 40)
    again = extract_with_cache(extractor, photos, cache)
    for a, b in zip(clean.scales, again.scales):
        assert torch.equal(a, b)
    assert damaged.stat().st_size > 40


def test_unreadable_photos_are_listed_not_fatal(extractor, photos, tmp_path):
    from core.features.feature_cache import FeatureCache, extract_with_cache

    broken = tmp_path / "photos" / "broken.png"
    broken.write_bytes(b"\x89PNG\r\n\x1a\n-cut-off")
    missing = tmp_path / "photos" / "gone.png"
    result = extract_with_cache(extractor, photos + [broken, missing], FeatureCache(tmp_path / "cache"))
    assert result.paths == photos
    assert set(result.errors) == {broken, missing}


def test_cache_is_trimmed_to_its_size_limit_least_recently_used_first(extractor, photos, tmp_path):
    from core.features.feature_cache import FeatureCache, extract_with_cache

    cache = FeatureCache(tmp_path / "cache")
    extract_with_cache(extractor, photos, cache)
    one_entry = entries(cache)[0].stat().st_size
    small = FeatureCache(tmp_path / "cache", max_bytes=int(one_entry * 2.5))
    small.trim()
    assert len(entries(small)) == 2


def test_full_or_read_only_cache_folder_only_costs_time(extractor, photos, tmp_path):
    from core.features.feature_cache import FeatureCache, extract_with_cache

    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the cache folder should be")
    result = extract_with_cache(extractor, photos, FeatureCache(blocker / "cache"))
    assert result.paths == photos
