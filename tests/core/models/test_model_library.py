"""The model library without a window: scenario names, where models are saved, one entry per scenario, and a
freshly trained model taking over from the improved versions of the one it replaces."""
from __future__ import annotations

from core import (
    activate_fresh_model,
    active_version,
    library_path_for,
    list_library_models,
    model_library_dir,
    safe_model_name,
    set_active_version,
)


def test_scenario_names_become_safe_file_names_in_the_library(tmp_path):
    assert safe_model_name("Bogie 3 / left disc") == "Bogie 3 - left disc"
    assert safe_model_name("  ../  ") == "model"
    path = library_path_for("Bogie 3 / left disc", tmp_path / "lib")
    assert path == tmp_path / "lib" / "Bogie 3 - left disc.csa" and path.parent.is_dir()


def test_the_library_folder_can_be_a_shared_one(tmp_path, monkeypatch):
    monkeypatch.setenv("CSA_INSPECTOR_MODEL_LIBRARY", str(tmp_path / "shared"))
    assert model_library_dir() == tmp_path / "shared"


def test_models_one_folder_down_are_listed_under_their_folder(tmp_path):
    (tmp_path / "depot-a").mkdir()
    (tmp_path / "depot-a" / "axle.csa").write_bytes(b"a")
    (tmp_path / "notes.txt").write_text("not a model")
    assert [m.name for m in list_library_models(tmp_path)] == ["depot-a/axle"]
    assert list_library_models(tmp_path / "absent") == []


def test_a_fresh_model_replaces_the_improved_versions_of_the_old_one(tmp_path):
    original, improved = tmp_path / "bogie.csa", tmp_path / "bogie.v2.csa"
    original.write_bytes(b"v1")
    improved.write_bytes(b"v2")
    set_active_version(improved)
    original.write_bytes(b"trained again from scratch")  # saved over the original file
    activate_fresh_model(original)
    assert active_version(improved) == original
    lone = tmp_path / "axle.csa"
    lone.write_bytes(b"axle")
    activate_fresh_model(lone)  # a model without versions needs no pointer
    assert "axle" not in (tmp_path / "active.json").read_text()
