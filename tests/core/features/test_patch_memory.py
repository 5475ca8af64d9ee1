"""The patch memory: the fine heatmap of the default model, its model-file round trip, and older model files."""
from __future__ import annotations

import dataclasses
import json

import numpy as np
import pytest
import torch
from safetensors.torch import save as save_tensors

from core.config import MapConfig, ModelConfig
from core.photos.datasets import load_mask, test_items
from core.scoring.detector import Detector
from core.evaluation.metrics import pointing_accuracy
from core.models.modelfile import FORMAT_NAME, ModelFileError
from core.features.patch_memory import (PatchMemory, greedy_centres, patch_embedding, patch_projection,
                                        projection_matrix)


def test_greedy_selection_keeps_one_patch_of_every_cluster_before_a_second_of_any():
    rng = np.random.default_rng(0)
    centres = rng.normal(0, 10, (5, 8))
    points = torch.tensor(np.concatenate([c + rng.normal(0, 0.1, (200, 8)) for c in centres]), dtype=torch.float32)
    chosen = greedy_centres(points, 5)
    assert sorted(int(i) // 200 for i in chosen) == [0, 1, 2, 3, 4]


def test_a_foreign_patch_is_far_from_the_memory_and_a_normal_one_near():
    rng = np.random.default_rng(1)
    normal = torch.tensor(rng.normal(0, 1, (40, 16, 6, 6)), dtype=torch.float32)
    memory = PatchMemory.fit(normal, torch.eye(16), share=0.5, max_size=10_000, candidates=10_000)
    assert len(memory) == round(0.5 * 40 * 36)
    probe = normal[:1].clone()
    probe[0, :, 2, 3] += 12.0  # one foreign patch
    distances = memory.distance_maps(probe)[0]
    assert distances.shape == (6, 6)
    assert tuple(int(v) for v in np.unravel_index(int(distances.argmax()), distances.shape)) == (2, 3)
    assert float(distances[2, 3]) > 3 * float(np.delete(distances.ravel().numpy(), 2 * 6 + 3).max())


def test_distances_over_a_memory_searched_in_blocks_are_the_exact_nearest_ones():
    # a memory and a photo larger than one block of the search: the nearest patch may lie in any block
    generator = torch.Generator().manual_seed(3)
    bank = torch.randn(5000, 24, generator=generator)
    photo = torch.randn(1, 24, 48, 48, generator=generator)
    photo[0, :, 40, 7] = bank[4321]  # exactly a stored patch, in the last block
    memory = PatchMemory(bank, torch.eye(24))
    distances = memory.distance_maps(photo)[0]
    expected = torch.cdist(photo[0].reshape(24, -1).T.double(), bank.double()).min(dim=1).values.reshape(48, 48)
    # float32 rounding of |a|^2 + |b|^2 - 2 a.b leaves up to ~1e-4 in a squared distance, ~1e-2 after the root at 0
    assert torch.allclose(distances.double(), expected, atol=2e-2)
    assert float(distances[40, 7]) < 2e-2


def test_an_extended_memory_takes_the_new_photos_unknown_patches_first():
    rng = np.random.default_rng(2)
    normal = torch.tensor(rng.normal(0, 1, (10, 4, 4, 4)), dtype=torch.float32)
    memory = PatchMemory.fit(normal, torch.eye(4), share=0.2, max_size=100, candidates=1000)
    new = normal[:2].clone()
    new[1, :, 0, 0] = 50.0  # a kind of normal appearance the memory has not seen
    grown = memory.extended(new, share=0.1, max_new=1, candidates=1000)
    assert len(grown) == len(memory) + 1
    assert torch.allclose(grown.bank[-1], new[1, :, 0, 0])


def test_the_embedding_has_the_grid_of_the_chosen_stage_and_the_projected_width():
    maps = [torch.rand(2, 5, 16, 16), torch.rand(2, 7, 8, 8), torch.rand(2, 3, 4, 4)]
    projection = projection_matrix(15, 6)
    assert patch_embedding(maps, 1, projection).shape == (2, 6, 8, 8)
    assert patch_embedding(maps, 1, None).shape == (2, 15, 8, 8)


def test_the_default_model_points_at_the_foreign_body(trained_detector, labelled_category):
    assert trained_detector.config.maps.source == "patch" and trained_detector.patch_memory is not None
    bad = [item for item in test_items(labelled_category) if item.label == 1 and item.mask_path is not None]
    results = list(trained_detector.score_images([item.path for item in bad]))
    masks = [load_mask(item.mask_path, (r.width, r.height)) for item, r in zip(bad, results)]
    # the hottest pixel lies on (or within 3 % of the photo's side of) the foreign body in most photos
    assert pointing_accuracy(masks, [r.heatmap for r in results]) >= 0.6


def test_the_patch_memory_travels_in_the_model_file(trained_detector, trained_model_file, labelled_category):
    loaded = Detector.load(trained_model_file)
    assert torch.equal(loaded.patch_memory.bank, trained_detector.patch_memory.bank)
    assert torch.equal(loaded.extractor.patch_projection, trained_detector.extractor.patch_projection)
    paths = [item.path for item in test_items(labelled_category)[:3]]
    before = list(trained_detector.score_images(paths))
    after = list(loaded.score_images(paths))
    for a, b in zip(before, after):
        assert a.score == pytest.approx(b.score, rel=1e-5, abs=1e-6)
        np.testing.assert_allclose(a.heatmap, b.heatmap, rtol=1e-4, atol=1e-5)


def _write_like_an_older_version(detector: Detector, path, maps: dict, tensors: dict[str, torch.Tensor]) -> None:
    """A model file as version 1 of the format wrote it: flow weights only, map settings without a source."""
    config = detector.config.to_dict()
    config["maps"] = maps
    header = {
        "format": FORMAT_NAME,
        "format_version": "1",
        "config": json.dumps(config),
        "threshold": repr(1.0),
        "pixel_threshold": repr(2.0),
        "backbone_signature": detector.extractor.signature,
        "feature_shapes": json.dumps([list(s) for s in detector.flow.feature_shapes]),
        "meta": json.dumps({}),
        "alarm_threshold": repr(1.5),
    }
    path.write_bytes(save_tensors({k: v.contiguous() for k, v in tensors.items()}, metadata=header))


def test_a_model_file_from_before_the_patch_memory_keeps_the_flow_heatmap(trained_detector, labelled_category, tmp_path):
    path = tmp_path / "older.csa"
    _write_like_an_older_version(trained_detector, path, {"fusion": "mean", "smooth": 0.0, "score": "flow"},
                                 trained_detector.flow.state_dict())
    older = Detector.load(path)
    assert older.config.maps.source == "flow" and older.patch_memory is None
    assert older.extractor.n_maps == older.extractor.n_flow_maps  # no patch embedding is computed
    photo = test_items(labelled_category)[0].path
    result = next(older.score_images([photo]))
    assert result.ok and result.heatmap.shape == (result.height, result.width)
    grid = older.score_features(older.extractor.extract_paths([photo]))[1]
    assert grid.shape[1:] == tuple(trained_detector.flow.feature_shapes[0][1:])  # the flow's finest grid


def test_a_model_file_that_asks_for_a_missing_patch_memory_is_refused_with_retrain(trained_detector, tmp_path):
    path = tmp_path / "no-memory.csa"
    maps = dataclasses.asdict(MapConfig())
    _write_like_an_older_version(trained_detector, path, maps, trained_detector.flow.state_dict())
    with pytest.raises(ModelFileError, match="retrain"):
        Detector.load(path)


def _border_to_inner_distance(border: str) -> float:
    """Mean memory distance of the outer ring of cells over that of the inner cells, on normal noise photos."""
    rng = np.random.default_rng(5)

    def maps(n: int) -> list[torch.Tensor]:
        return [torch.tensor(rng.normal(0, 1, (n, 6, 16, 16)), dtype=torch.float32),
                torch.tensor(rng.normal(0, 1, (n, 6, 8, 8)), dtype=torch.float32)]

    memory = PatchMemory.fit(patch_embedding(maps(60), 1, None, border), torch.eye(12), share=0.1, max_size=10_000,
                             candidates=100_000)
    distances = memory.distance_maps(patch_embedding(maps(20), 1, None, border)).numpy()
    ring = np.zeros((8, 8), bool)
    ring[0] = ring[-1] = ring[:, 0] = ring[:, -1] = True
    return float(distances[:, ring].mean() / distances[:, ~ring].mean())


def test_the_border_of_a_normal_photo_is_not_hotter_than_its_inside():
    # averaging only the 4 or 6 in-map positions leaves border patches noisier than inner ones: the border glowed
    # on normal texture and outshone small foreign bodies (tire: pointing 0.56 against 0.76)
    assert _border_to_inner_distance("zeros") <= 1.0
    assert _border_to_inner_distance("inside") > 1.05  # what the earlier pooling did, for contrast


def test_model_files_made_with_the_first_patch_memory_keep_its_border_pooling():
    saved = dataclasses.asdict(MapConfig())
    del saved["patch_border"]
    assert ModelConfig.from_dict({"maps": saved}).maps.patch_border == "inside"
    assert ModelConfig.from_dict(ModelConfig().to_dict()).maps.patch_border == "zeros"
    with pytest.raises(ValueError, match="patch_border"):
        MapConfig(patch_border="mirror")


def _distance_of_a_unit_shift(projection: torch.Tensor, channels: tuple[int, int], stage: int) -> float:
    """Embedding distance between a photo and the same photo with every channel of one stage raised by one."""
    maps = [torch.zeros(1, c, 4, 4) for c in channels]
    shifted = [m + (1.0 if i == stage else 0.0) for i, m in enumerate(maps)]
    a, b = patch_embedding(maps, 1, projection), patch_embedding(shifted, 1, projection)
    return float((a - b)[0, :, 2, 2].norm())


def test_a_stage_with_few_channels_weighs_as_much_as_one_with_many():
    channels = (4, 16)
    balanced = patch_projection(list(channels), 1, out_dim=64)  # no reduction: the projection is the weighting
    assert _distance_of_a_unit_shift(balanced, channels, 0) == pytest.approx(
        _distance_of_a_unit_shift(balanced, channels, 1))
    plain = patch_projection(list(channels), 1, out_dim=64, balance=False)
    assert _distance_of_a_unit_shift(plain, channels, 1) == pytest.approx(
        2 * _distance_of_a_unit_shift(plain, channels, 0))
    # the weights are folded into the random projection, not applied instead of it
    reduced = patch_projection([40, 80], 1, out_dim=16)
    assert torch.allclose(reduced[40:], projection_matrix(120, 16)[40:])
    assert torch.allclose(reduced[:40], projection_matrix(120, 16)[:40] * 2**0.5)


def test_model_files_made_before_stage_weighting_keep_their_unweighted_embedding():
    saved = dataclasses.asdict(MapConfig())
    del saved["patch_balance"]
    assert ModelConfig.from_dict({"maps": saved}).maps.patch_balance is False
    assert ModelConfig.from_dict(ModelConfig().to_dict()).maps.patch_balance is True
