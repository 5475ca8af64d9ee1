"""Model → Backbone runtime: the choice is kept in the settings, used for the next load and shown in the label."""
from __future__ import annotations

import pytest

from conftest import save_artifact

pytestmark = pytest.mark.gui


def runtime_actions(window):
    return {action.data(): action for action in window.runtime_menu.actions()}


def test_runtime_menu_keeps_the_choice_and_the_label_shows_the_runtime(make_window, inspector_settings, qtbot,
                                                                       trained_model_file, tmp_path, monkeypatch):
    from core.config import RUNTIMES, RuntimeConfig

    monkeypatch.setenv("CSA_INSPECTOR_CACHE", str(tmp_path / "cache"))
    window = make_window()
    actions = runtime_actions(window)
    assert list(actions) == list(RUNTIMES)
    assert [name for name, action in actions.items() if action.isChecked()] == [RuntimeConfig().runtime]

    actions["torch"].trigger()
    assert inspector_settings.runtime == "torch" and actions["torch"].isChecked()
    window.load_model(trained_model_file)
    qtbot.waitUntil(lambda: window.detector is not None and window.load_job is None, timeout=120000)
    assert window.detector.runtime == "torch" and "Runtime: torch" in window.engine_label.text()

    actions["onnxruntime"].trigger()  # reloads the model with the new runtime
    qtbot.waitUntil(lambda: window.detector is not None and window.detector.runtime != "torch"
                    and window.load_job is None, timeout=180000)
    assert inspector_settings.runtime == "onnxruntime"
    assert "Runtime: onnxruntime" in window.engine_label.text()
    save_artifact(window.statusBar(), "runtime-engine-label.png")
