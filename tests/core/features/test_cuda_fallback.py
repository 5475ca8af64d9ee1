"""GPU out of memory while scoring or extracting features: smaller batches, then the CPU, never a crash.

The tests run without a GPU, so the fault is injected: the real backbone sits behind :class:`FullGpu`, which
raises ``torch.cuda.OutOfMemoryError`` for batches above its limit, as a full GPU would, until the engine moves
it to the CPU. On a CPU-only machine that move changes nothing else, but the fallback's code path and its
message run exactly as they would on a GPU.
"""
from __future__ import annotations

import logging

import numpy as np
import pytest
import torch

import core.features.device as device_module
from core.photos.datasets import test_items
from core.features.device import CPU_FALLBACK_MESSAGE, MemoryGuard
from core.results import ProgressEvent
from gpu_faults import on_full_gpu


@pytest.fixture(scope="module")
def photos(labelled_category):
    return [item.path for item in test_items(labelled_category)][:11]


@pytest.fixture(scope="module")
def unfaulted(trained_detector, photos):
    return list(trained_detector.score_images(photos, batch_size=8))


# ------------------------------------------------------------------------------------------- the guard itself


def test_guard_halves_until_the_batch_fits_and_keeps_that_size(monkeypatch):
    released = []
    monkeypatch.setattr(device_module, "release_cached_gpu_memory", lambda: released.append(True))
    seen: list[list[int]] = []

    def work(chunk):
        seen.append(list(chunk))
        if len(chunk) > 3:
            raise torch.cuda.OutOfMemoryError("CUDA out of memory")
        return [x * 10 for x in chunk]

    guard = MemoryGuard(8, to_cpu=lambda: pytest.fail("one image always fits"))
    results = guard.run(list(range(10)), work)
    assert [x for chunk in results for x in chunk] == [x * 10 for x in range(10)]  # in order, none twice
    assert [len(chunk) for chunk in seen] == [8, 4, 2, 2, 2, 2, 2]
    assert len(released) == 2  # the cache is emptied after each failed try
    assert guard.batch_size == 2 and not guard.fell_back


def test_guard_moves_to_the_cpu_when_one_item_does_not_fit_and_stops_after_that(caplog):
    state = {"cpu": False}
    messages: list[str] = []

    def work(chunk):
        if not state["cpu"]:
            raise torch.cuda.OutOfMemoryError("CUDA out of memory")
        return list(chunk)

    guard = MemoryGuard(4, to_cpu=lambda: state.update(cpu=True), notify=messages.append, tries_at_one=2)
    with caplog.at_level(logging.WARNING, logger="core.features.device"):
        assert guard.run([1, 2, 3, 4, 5], work) == [[1, 2, 3, 4], [5]]  # back to the requested size on the CPU
    assert guard.fell_back and messages == [CPU_FALLBACK_MESSAGE]
    assert CPU_FALLBACK_MESSAGE in caplog.text

    state["cpu"] = False  # out of memory again after the move: nothing left to try, so it is raised
    with pytest.raises(torch.cuda.OutOfMemoryError):
        guard.run([1], work)


def test_out_of_memory_error_exists_without_a_gpu():
    error = torch.cuda.OutOfMemoryError("CUDA out of memory")
    assert isinstance(error, RuntimeError) and "out of memory" in str(error)


# ------------------------------------------------------------------------------------------- scoring


@pytest.mark.slow
def test_scoring_halves_the_batch_and_gives_the_same_scores(trained_detector, photos, unfaulted, caplog):
    detector, backbone, flow = on_full_gpu(trained_detector, max_batch=2)
    with caplog.at_level(logging.WARNING, logger="core.features.device"):
        results = list(detector.score_images(photos, batch_size=8))

    assert [r.path for r in results] == photos
    np.testing.assert_allclose([r.score for r in results], [r.score for r in unfaulted], rtol=1e-5)
    for result, reference in zip(results, unfaulted):
        np.testing.assert_allclose(result.heatmap, reference.heatmap, rtol=1e-4, atol=1e-5)
    assert backbone.attempts[:2] == [8, 4]  # the first batch of 8 fails, then 4, then 2 fit
    assert max(flow.attempts) == 2
    scales = trained_detector.config.input.n_scales
    fitted = [n for n in backbone.attempts if n <= 2]
    assert sum(fitted) == len(photos) * scales  # every photo through the network once per scale: none skipped or twice
    assert "retrying with 2" in caplog.text
    assert not backbone.moves and not flow.moves and CPU_FALLBACK_MESSAGE not in caplog.text


@pytest.mark.slow
def test_scoring_moves_to_the_cpu_when_one_photo_does_not_fit(trained_detector, photos, unfaulted, caplog):
    detector, backbone, flow = on_full_gpu(trained_detector, max_batch=0)
    events: list[ProgressEvent] = []
    with caplog.at_level(logging.WARNING, logger="core.features.device"):
        results = list(detector.score_images(photos, progress=events.append, batch_size=8))

    assert [r.path for r in results] == photos and all(r.ok for r in results)
    np.testing.assert_allclose([r.score for r in results], [r.score for r in unfaulted], rtol=1e-5)
    assert backbone.moves == [torch.device("cpu")] and flow.moves == [torch.device("cpu")]  # backbone and flow together
    assert detector.device == "cpu"
    assert backbone.attempts[:5] == [8, 4, 2, 1, 1]  # a single photo is tried twice before giving up the GPU
    assert CPU_FALLBACK_MESSAGE in caplog.text
    notices = [e for e in events if e.message == CPU_FALLBACK_MESSAGE]
    assert len(notices) == 1 and notices[0].stage == "score" and notices[0].done == 0
    assert [e.done for e in events if e.message != CPU_FALLBACK_MESSAGE] == list(range(len(photos) + 1))


# ------------------------------------------------------------------------------------------- training input


@pytest.mark.slow
def test_feature_extraction_halves_the_batch_and_gives_the_same_features(trained_detector, photos):
    reference = trained_detector.extractor.extract_paths(photos, batch_size=8)
    detector, backbone, _ = on_full_gpu(trained_detector, max_batch=3)
    features = detector.extractor.extract_paths(photos, batch_size=8)
    assert features.paths == reference.paths == photos
    for got, expected in zip(features.scales, reference.scales):
        np.testing.assert_allclose(got.numpy(), expected.numpy(), rtol=1e-4, atol=1e-5)
    assert backbone.attempts[:2] == [8, 4] and not backbone.moves


@pytest.mark.slow
def test_feature_extraction_moves_the_backbone_to_the_cpu_with_a_progress_message(trained_detector, photos):
    reference = trained_detector.extractor.extract_paths(photos)
    detector, backbone, flow = on_full_gpu(trained_detector, max_batch=0)
    events: list[ProgressEvent] = []
    features = detector.extractor.extract_paths(photos, progress=events.append)
    assert features.paths == photos
    np.testing.assert_allclose(features.scales[0].numpy(), reference.scales[0].numpy(), rtol=1e-4, atol=1e-5)
    assert backbone.moves == [torch.device("cpu")] and detector.extractor.device == torch.device("cpu")
    assert not flow.moves  # training builds its flow afterwards, on the extractor's device
    assert [e.stage for e in events if e.message == CPU_FALLBACK_MESSAGE] == ["features"]


@pytest.mark.slow
def test_calibration_moves_backbone_and_flow_to_the_cpu(trained_detector, photos, caplog):
    detector, backbone, flow = on_full_gpu(trained_detector, max_batch=0)
    with caplog.at_level(logging.WARNING, logger="core.features.device"):
        info = detector.calibrate(photos, false_alarm_rate=0.01)
    assert info["n_good_images"] == len(photos) and np.isfinite(detector.threshold)
    assert backbone.moves == [torch.device("cpu")] and flow.moves == [torch.device("cpu")]
    assert caplog.text.count(CPU_FALLBACK_MESSAGE) == 1
