"""Backbone runtimes: export once, check against PyTorch, refuse what differs, reuse the cache, remember auto."""
from __future__ import annotations

import numpy as np
import pytest
import torch

from core.config import BackboneConfig, InputConfig
from core.features.extractor import FeatureExtractor
from core.features.runtime import (
    RUNTIME_FACTORIES, TorchBackbone, available_runtimes, probe_pyramids, select_runtime, verify_runtime,
)
from core.features.runtime.onnx_runtime import OnnxRuntimeBackbone

EXPORTED = [name for name in RUNTIME_FACTORIES if name in available_runtimes()]
pytestmark = pytest.mark.skipif(not EXPORTED, reason="neither onnxruntime nor openvino is installed")


def make_extractor(size: int = 64) -> FeatureExtractor:
    # stride-16 stage at 64 px: graphs for 64 and 32 px inputs (the 1/4 level is clamped to 32), quick to export
    return FeatureExtractor(BackboneConfig(stage=4), InputConfig(image_size=size), torch.device("cpu"))


def torch_features(extractor: FeatureExtractor, pyramids) -> list[torch.Tensor]:
    previous = extractor.runtime
    extractor.runtime = extractor._torch_runtime()
    try:
        return extractor.extract(pyramids)
    finally:
        extractor.runtime = previous


class WrongNumbers(OnnxRuntimeBackbone):
    """ONNX Runtime with its output nudged: features off by ``error`` of their largest magnitude."""

    error = 1e-2

    def _run(self, compiled, array):
        return [o + np.float32(self.error * np.abs(o).max()) for o in super()._run(compiled, array)]


@pytest.mark.parametrize("name", EXPORTED)
def test_exported_runtime_matches_pytorch_and_is_exported_once(name, tmp_path):
    extractor = make_extractor()
    choice = select_runtime(extractor, name, folder=tmp_path)
    assert choice.name == name and extractor.runtime.name == name and not choice.refused
    assert choice.feature_difference < 1e-4
    graphs = sorted(tmp_path.glob("backbone-*.onnx"))
    # first use of an empty cache exports one graph per input size, unless another runtime made them already
    assert len(graphs) == 2 and choice.exports in (0, 2)
    stamps = {p: p.stat().st_mtime_ns for p in graphs}

    pyramids = probe_pyramids(extractor, 3)
    for ours, reference in zip(extractor.extract(pyramids), torch_features(extractor, pyramids)):
        assert ours.shape == reference.shape
        assert float((ours - reference).abs().max()) < 1e-4 * float(reference.abs().max())

    assert len(list(tmp_path.glob("reference-*.safetensors"))) == 1  # PyTorch's probe features, kept for later loads

    again = make_extractor()
    second = select_runtime(again, name, folder=tmp_path)
    assert second.name == name and second.exports == 0 and again.runtime.exports == 0
    assert {p: p.stat().st_mtime_ns for p in sorted(tmp_path.glob("backbone-*.onnx"))} == stamps


@pytest.mark.parametrize("name", EXPORTED)
def test_the_pass_that_feeds_the_patch_memory_runs_in_the_exported_graph(name, tmp_path, monkeypatch):
    """With the patch memory the full-size pass returns several stages; it too must leave PyTorch."""
    from core.config import MapConfig

    maps = MapConfig(patch_stages=(2, 3), patch_grid=0, patch_dim=16)
    extractor = FeatureExtractor(BackboneConfig(stage=4), InputConfig(image_size=64), torch.device("cpu"), maps=maps)
    choice = select_runtime(extractor, name, folder=tmp_path)
    assert choice.name == name and not choice.refused
    # one graph for the stages of the 64 px pass, one for the 32 px levels (1/2 size, and 1/4 clamped to 32)
    assert len(list(tmp_path.glob("backbone-*.onnx"))) == 2 and choice.exports in (0, 2)

    pyramids = probe_pyramids(extractor, 3)
    reference = torch_features(extractor, pyramids)

    def no_pytorch(*args, **kwargs):
        raise AssertionError("the backbone ran in PyTorch")

    monkeypatch.setattr(type(extractor.backbone), "forward_stages", no_pytorch)
    monkeypatch.setattr(type(extractor.backbone), "forward", no_pytorch)
    ours = extractor.extract(pyramids)
    assert len(ours) == len(reference) == extractor.n_maps
    for mine, theirs in zip(ours, reference):
        assert mine.shape == theirs.shape
        assert float((mine - theirs).abs().max()) < 1e-4 * float(theirs.abs().max())


def test_a_runtime_with_wrong_numbers_is_refused_and_pytorch_runs(tmp_path, monkeypatch, caplog):
    monkeypatch.setitem(RUNTIME_FACTORIES, "onnxruntime", ("onnxruntime", f"{__name__}:WrongNumbers"))
    extractor = make_extractor()
    with caplog.at_level("WARNING", logger="core.features.runtime.chooser"):
        choice = select_runtime(extractor, "onnxruntime", folder=tmp_path)
    assert choice.name == "torch" and extractor.runtime.name == "torch"
    assert "features differ from PyTorch" in choice.refused["onnxruntime"]
    assert "onnxruntime refused" in caplog.text


def test_scores_are_checked_as_well_as_features(tmp_path):
    """Features within the tolerance are not enough: a head whose scores then differ refuses the runtime."""
    extractor = make_extractor()
    runner = WrongNumbers(extractor.backbone, tmp_path)
    runner.error = 5e-5  # below the feature tolerance of 1e-4
    center = torch_features(extractor, probe_pyramids(extractor))[0].flatten(1).mean(1)

    def head(features):  # scores near zero on PyTorch's features: a small shift is a large relative change
        return features[0].flatten(1).mean(1) - center + 1e-6

    reason, feature_diff, score_diff = verify_runtime(extractor, runner, head=head)
    assert feature_diff < 1e-4 and score_diff > 1e-4
    assert reason is not None and "image scores differ" in reason
    assert verify_runtime(extractor, TorchBackbone(extractor.backbone), head=head) == (None, 0.0, 0.0)


def test_unknown_and_missing_runtimes(tmp_path, monkeypatch):
    extractor = make_extractor()
    with pytest.raises(ValueError, match="unknown runtime"):
        select_runtime(extractor, "tensorrt", folder=tmp_path)
    monkeypatch.setattr("core.features.runtime.chooser.available_runtimes", lambda: ["torch"])
    choice = select_runtime(extractor, "openvino", folder=tmp_path)
    assert choice.name == "torch" and "not installed" in choice.refused["openvino"]
    assert select_runtime(extractor, "torch", folder=tmp_path).name == "torch"


def test_a_frozen_runtime_leaves_unverified_input_sizes_to_pytorch(tmp_path):
    extractor = make_extractor()
    select_runtime(extractor, EXPORTED[0], folder=tmp_path)
    runner = extractor.runtime
    x = torch.rand(1, 3, 96, 96)
    assert torch.equal(runner(x), extractor.backbone(x))
    assert (3, 96, 96) not in runner._graphs
    assert len(list(tmp_path.glob("backbone-*.onnx"))) == 2


def test_auto_measures_once_and_remembers(tmp_path):
    extractor = make_extractor()
    first = select_runtime(extractor, "auto", folder=tmp_path)
    assert first.measured is not None and set(first.measured) == {"torch", *EXPORTED}
    assert first.name == max(first.measured, key=first.measured.get) and not first.remembered
    assert (tmp_path / "auto-choice.json").is_file()
    second = select_runtime(make_extractor(), "auto", folder=tmp_path)
    assert second.remembered and second.measured is None and second.name == first.name


def test_trained_model_scores_the_same_with_each_runtime(trained_model_file, labelled_category, tmp_path, monkeypatch):
    from core.scoring.detector import Detector

    monkeypatch.setenv("CSA_INSPECTOR_CACHE", str(tmp_path))
    photos = sorted((labelled_category / "test").rglob("*.png"))[::4]
    reference = Detector.load(trained_model_file)
    assert reference.runtime == "torch" and reference.info().runtime == "torch"
    expected = np.array([r.score for r in reference.score_images(photos)])
    for name in EXPORTED:
        detector = Detector.load(trained_model_file, runtime=name)
        assert detector.runtime == name and detector.runtime_choice.score_difference < 1e-4
        scores = np.array([r.score for r in detector.score_images(photos)])
        assert np.max(np.abs(scores - expected)) < 1e-4 * np.max(np.abs(expected))
        assert [s >= detector.threshold for s in scores] == [s >= reference.threshold for s in expected]
    assert list((tmp_path / "runtimes").glob("backbone-*.onnx"))


def test_command_line_runtime_flag(trained_model_file, synthetic_batch, tmp_path, monkeypatch, capsys):
    from app.cli import build_parser, main
    from core.config import RuntimeConfig

    parser = build_parser()
    for command in (["train", "--data", "d", "--out", "m.csa"], ["score", "--model", "m", "--images", "i", "--out", "o"],
                    ["eval", "--model", "m", "--data", "d"]):
        assert parser.parse_args(command).runtime == RuntimeConfig().runtime
        assert parser.parse_args(command + ["--runtime", "openvino"]).runtime == "openvino"
        with pytest.raises(SystemExit):
            parser.parse_args(command + ["--runtime", "tensorrt"])
    capsys.readouterr()

    monkeypatch.setenv("CSA_INSPECTOR_CACHE", str(tmp_path / "cache"))
    batch = synthetic_batch(n_good=3, n_bad=1)
    name = EXPORTED[0]
    status = main(["score", "--model", str(trained_model_file), "--images", str(batch), "--out", str(tmp_path / "out"),
                   "--runtime", name, "--quiet", "--no-log"])
    out = capsys.readouterr().out
    assert status == 0 and f"backbone runtime {name}" in out
    assert list((tmp_path / "cache" / "runtimes").glob("backbone-*.onnx"))


def test_runtime_bench_compares_runtimes_side_by_side(tmp_path, monkeypatch):
    """bench/runtimes.py on a tiny synthetic category: one row per runtime, scores checked against PyTorch."""
    import json

    from bench.runtimes import main
    from core.synthetic import SceneConfig, generate_dataset

    generate_dataset(tmp_path / "data", n_train=6, n_test_good=3, n_test_bad=3, config=SceneConfig(size=96, seed=3))
    category = next(p for p in (tmp_path / "data").iterdir() if p.is_dir())
    out = tmp_path / "runtimes.json"
    monkeypatch.setenv("CSA_INSPECTOR_CACHE", str(tmp_path / "cache"))
    assert main(["--datasets", str(tmp_path / "data"), "--categories", category.name, "--image-size", "64",
                 "--epochs", "1", "--timing-images", "4", "--timing-repeats", "1", "--batch-size", "2",
                 "--no-peer", "--out", str(out)]) == 0
    rows = json.loads(out.read_text())["results"][0]["rows"]
    assert set(rows) == {"torch", *EXPORTED}
    for name in EXPORTED:
        assert rows[name]["runs"] == name and rows[name]["score_difference"] < 1e-4
        assert rows[name]["images_per_second"] > 0 and rows[name]["after_backbone_images_per_second"] > 0
        assert rows[name]["export_s"] >= 0 and rows[name]["threshold_difference"] < 1e-4
