"""The model file: a faithful round trip, and a clear refusal of anything that is not one of ours."""
from __future__ import annotations

import json
import os
import pickle
from pathlib import Path

import numpy as np
import pytest
import torch
from safetensors import safe_open
from safetensors.torch import load_file, save_file

from core import load_detector
from core.photos.datasets import test_items
from core.models.modelfile import FORMAT_NAME, FORMAT_VERSION, ModelFileError, load_model_file


def _one_line_error(path: Path) -> str:
    with pytest.raises(ModelFileError) as err:
        load_detector(path)
    message = str(err.value)
    assert message and "\n" not in message
    assert len(message) < 300
    return message


def _rewrite(source: Path, target: Path, **changes: str) -> Path:
    """Copy a model file with some header fields replaced, the way another program or version would write it."""
    with safe_open(str(source), framework="pt") as handle:
        header = dict(handle.metadata())
    header.update(changes)
    save_file(load_file(str(source)), str(target), metadata=header)
    return target


# ------------------------------------------------------------------------------------------- round trip


@pytest.mark.slow
def test_saved_model_loads_with_the_same_scores_thresholds_and_config(trained_detector, trained_model_file,
                                                                      labelled_category):
    loaded = load_detector(trained_model_file)

    assert loaded.config == trained_detector.config
    assert loaded.threshold == trained_detector.threshold
    assert loaded.pixel_threshold == trained_detector.pixel_threshold
    assert loaded.meta["calibration"] == trained_detector.meta["calibration"]
    assert loaded.meta["skipped_images"] == {}
    info = loaded.info()
    assert info.name == "brake-unit" and info.path == str(trained_model_file)
    assert info.image_size == 128 and info.hidden_channels == 32 and info.variant == "csa"

    paths = [item.path for item in test_items(labelled_category)][::3]
    before = list(trained_detector.score_images(paths))
    after = list(loaded.score_images(paths))
    assert [r.score for r in after] == [r.score for r in before]
    assert [r.flagged for r in after] == [r.flagged for r in before]
    for a, b in zip(after, before):
        np.testing.assert_array_equal(a.heatmap, b.heatmap)


@pytest.mark.slow
def test_model_file_is_safetensors_with_our_header_and_no_pickle(trained_model_file):
    data = trained_model_file.read_bytes()
    header_size = int.from_bytes(data[:8], "little")
    header = json.loads(data[8 : 8 + header_size])  # safetensors: length, JSON header, raw tensor bytes
    assert header["__metadata__"]["format"] == FORMAT_NAME
    assert header["__metadata__"]["format_version"] == str(FORMAT_VERSION)
    assert not data.startswith(b"PK")  # torch.save's zip container
    assert data[:1] != b"\x80"  # a pickle stream
    assert [p.name for p in trained_model_file.parent.iterdir()] == [trained_model_file.name]  # no temporary left


@pytest.mark.slow
def test_saving_again_over_a_model_file_replaces_it_whole(trained_detector, trained_model_file, tmp_path):
    import copy

    target = tmp_path / "model.csa"
    target.write_bytes(b"an older, longer file " * 10_000)
    detector = copy.copy(trained_detector)
    detector.meta = dict(trained_detector.meta)
    detector.save(target)
    assert load_model_file(target).threshold == trained_detector.threshold
    assert sorted(p.name for p in tmp_path.iterdir()) == ["model.csa"]


# ------------------------------------------------------------------------------------------- refusals


class _Payload:
    """Unpickling this creates a file: what a malicious model file would do with a pickle-based loader."""

    def __init__(self, marker: Path):
        self.marker = marker

    def __reduce__(self):
        return (Path.touch, (self.marker,))


@pytest.mark.parametrize("writer", ["pickle", "torch.save"])
def test_pickle_disguised_as_model_file_is_refused_without_running_it(tmp_path, writer):
    marker = tmp_path / "code-ran"
    target = tmp_path / "model.csa"
    payload = {"state_dict": _Payload(marker), "threshold": 1.0}
    if writer == "pickle":
        target.write_bytes(pickle.dumps(payload))
    else:
        torch.save(payload, target)
    pickle.loads(pickle.dumps(_Payload(tmp_path / "self-check")))  # the payload really does run on unpickling
    assert (tmp_path / "self-check").exists()

    message = _one_line_error(target)
    assert "not a CSA Inspector model file" in message
    assert not marker.exists()


def _truncated(model: Path, target: Path) -> Path:
    target.write_bytes(model.read_bytes()[: model.stat().st_size // 2])
    return target


def _cut_header(model: Path, target: Path) -> Path:
    target.write_bytes(model.read_bytes()[:100])
    return target


def _zero_bytes(model: Path, target: Path) -> Path:
    target.write_bytes(b"")
    return target


def _random_bytes(model: Path, target: Path) -> Path:
    target.write_bytes(np.random.default_rng(0).integers(0, 256, 5000, dtype=np.uint8).tobytes())
    return target


def _foreign_safetensors(model: Path, target: Path) -> Path:
    save_file({"weight": torch.ones(3, 3)}, str(target), metadata={"format": "pt"})
    return target


def _folder(model: Path, target: Path) -> Path:
    target.mkdir()
    return target


def _missing(model: Path, target: Path) -> Path:
    return target


@pytest.mark.parametrize(
    "make, expected",
    [
        pytest.param(_truncated, "damaged/truncated", id="truncated"),
        pytest.param(_cut_header, "damaged/truncated", id="cut-in-header"),
        pytest.param(_zero_bytes, "empty", id="zero-bytes"),
        pytest.param(_random_bytes, "not a CSA Inspector model file", id="random-bytes"),
        pytest.param(_foreign_safetensors, "foreign safetensors", id="foreign-safetensors"),
        pytest.param(_folder, "is a folder", id="folder"),
        pytest.param(_missing, "not found", id="missing"),
    ],
)
@pytest.mark.slow
def test_unusable_model_files_give_one_clear_line(trained_model_file, tmp_path, make, expected):
    path = make(trained_model_file, tmp_path / "model.csa")
    message = _one_line_error(path)
    assert expected in message
    assert "model.csa" in message


@pytest.mark.slow
def test_damaged_header_fields_are_reported(trained_model_file, tmp_path):
    path = _rewrite(trained_model_file, tmp_path / "model.csa", config="{not json", threshold="high")
    assert "model.csa" in _one_line_error(path)


@pytest.mark.slow
def test_newer_format_version_asks_to_update(trained_model_file, tmp_path):
    path = _rewrite(trained_model_file, tmp_path / "future.csa", format_version=str(FORMAT_VERSION + 1))
    message = _one_line_error(path)
    assert f"format version {FORMAT_VERSION + 1}" in message
    assert "update" in message


@pytest.mark.slow
def test_model_trained_with_other_backbone_weights_is_refused(trained_model_file, tmp_path):
    """Scoring with features the flow never saw would give meaningless scores, so loading must stop."""
    config = load_model_file(trained_model_file).config.to_dict()
    config["backbone"]["weights"] = "none"  # same network, other (untrained) weights
    path = _rewrite(trained_model_file, tmp_path / "other-weights.csa", config=json.dumps(config))
    message = _one_line_error(path)
    assert "backbone weights" in message
    assert "retrain" in message


@pytest.mark.slow
def test_loader_reads_a_file_it_wrote_after_a_rename(trained_model_file, tmp_path):
    renamed = tmp_path / "Bremse Wagen 12 (neu).csa"
    renamed.write_bytes(trained_model_file.read_bytes())
    os.chmod(renamed, 0o444)  # a model on a read-only share still loads
    assert load_model_file(renamed).threshold == load_model_file(trained_model_file).threshold


# ------------------------------------------------------------------------------------------- operating point


def _one_threshold_copy(source: Path, target: Path, calibration: dict) -> Path:
    """A model file as written before pass and alarm thresholds: one ``threshold`` and a 1 % calibration."""
    with safe_open(str(source), framework="pt") as handle:
        header = dict(handle.metadata())
    header.pop("alarm_threshold")
    meta = json.loads(header["meta"])
    meta["calibration"] = calibration
    header["meta"] = json.dumps(meta)
    config = json.loads(header["config"])
    config["train"].pop("alarm_false_alarm_rate")
    config["train"]["target_false_alarm_rate"] = 0.01
    header["config"] = json.dumps(config)
    save_file(load_file(str(source)), str(target), metadata=header)
    return target


@pytest.mark.slow
def test_model_file_carries_pass_and_alarm_thresholds(trained_detector, trained_model_file, tmp_path):
    assert "alarm_threshold" in safe_open(str(trained_model_file), framework="pt").metadata()
    loaded = load_detector(trained_model_file)
    assert loaded.threshold == trained_detector.threshold
    assert loaded.alarm_threshold == trained_detector.alarm_threshold > loaded.threshold
    assert loaded.load_notes == []
    assert loaded.info().alarm_threshold == loaded.alarm_threshold
    calibration = loaded.meta["calibration"]
    assert calibration["alarm_false_alarm_rate"] == 0.005
    assert len(calibration["good_scores"]) == calibration["n_good_images"]

    loaded.set_operating_point(loaded.threshold * 0.9, loaded.threshold * 2)
    moved = load_detector(loaded.save(tmp_path / "moved.csa"))
    assert (moved.threshold, moved.alarm_threshold) == (loaded.threshold, loaded.alarm_threshold)
    moved.set_operating_point(moved.alarm_threshold * 2)  # pass above alarm pushes alarm up with it
    assert moved.alarm_threshold == moved.threshold


@pytest.mark.slow
def test_old_one_threshold_model_loads_with_a_derived_alarm_and_says_so(trained_model_file, tmp_path, caplog):
    threshold = load_model_file(trained_model_file).threshold
    old = _one_threshold_copy(trained_model_file, tmp_path / "old.csa",
                              {"target_false_alarm_rate": 0.01, "good_score_median": threshold / 2, "n_good_images": 4})
    assert load_model_file(old).alarm_threshold is None
    with caplog.at_level("INFO", logger="core.scoring.detector"):
        detector = load_detector(old)
    assert detector.threshold == threshold  # pass = the old threshold
    assert detector.alarm_threshold > threshold
    assert detector.config.train.target_false_alarm_rate == 0.01  # the old model keeps its own calibration share
    assert len(detector.load_notes) == 1 and "one threshold" in detector.load_notes[0]
    assert "alarm derived" in caplog.text

    saved = load_detector(detector.save(tmp_path / "old-saved.csa"))  # saving keeps both from now on
    assert saved.load_notes == [] and saved.alarm_threshold == detector.alarm_threshold

    bare = _one_threshold_copy(trained_model_file, tmp_path / "bare.csa", {})
    assert load_detector(bare).alarm_threshold == load_detector(bare).threshold  # nothing to derive from: no band
