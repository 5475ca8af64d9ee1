"""Training a scenario's model from the window: progress, cancel, result in the library and selected."""
from __future__ import annotations

from pathlib import Path

import pytest

from core import FlowConfig
from conftest import engine_test_config, save_artifact

pytestmark = [pytest.mark.gui, pytest.mark.slow]


@pytest.fixture
def good_photos(tmp_path) -> Path:
    from core.synthetic import SceneConfig, generate_dataset

    category = generate_dataset(tmp_path / "data", n_train=6, n_test_good=0, n_test_bad=0,
                                config=SceneConfig(size=128, seed=2))
    return category / "train" / "good"


def fill_form(dialog, folder: Path, name: str) -> None:
    dialog.folder_edit.setText(str(folder))
    dialog.name_edit.setText(name)
    dialog.size_spin.setValue(128)
    dialog.epochs_spin.setValue(2)


def test_training_dialog_saves_into_the_library_and_selects_the_model(make_window, good_photos, qtbot, tmp_path):
    library = tmp_path / "library"
    window = make_window(library=library)
    dialog = window.open_train_dialog()
    assert not dialog.train_button.isEnabled()
    fill_form(dialog, good_photos, "Bogie 3 / left disc")
    assert dialog.count_label.text() == "6 photos found"
    assert dialog.train_button.isEnabled()
    config = dialog.config()
    assert config.input.image_size == 128 and config.train.epochs == 2 and config.flow.variant == FlowConfig().variant
    config.flow.hidden_channels = 32  # the form's other choices, at test size

    events = []
    shot = []

    def on_progress(event):
        events.append(event)
        if event.stage == "train" and event.done and not shot:
            shot.append(save_artifact(dialog, "training-dialog.png"))

    with qtbot.waitSignal(dialog.model_trained, timeout=300000) as trained:
        dialog.start_training(config)
        assert dialog.job is not None and dialog.cancel_button.isEnabled() and not dialog.name_edit.isEnabled()
        dialog.job.progress.connect(on_progress)
    saved = Path(trained.args[0])
    assert saved == library / "Bogie 3 - left disc.csa" and saved.is_file()
    stages = [e.stage for e in events]
    epochs = [e.done for e in events if e.stage == "train"]
    assert "features" in stages and epochs == [0, 1, 2]  # a start event, then one per epoch
    assert any(e.loss is not None for e in events if e.stage == "train")
    assert "loss" in dialog.detail_label.text() or "ready" in dialog.stage_label.text()

    # the new model is listed in the picker and becomes the current model
    qtbot.waitUntil(lambda: window.model_path == saved, timeout=60000)
    assert window.library_model.row_of(saved) >= 0
    assert window.model_picker.current_path() == saved
    qtbot.waitUntil(lambda: dialog.job is None, timeout=30000)
    dialog.close()


def test_cancelled_training_saves_nothing(make_window, good_photos, qtbot, tmp_path):
    library = tmp_path / "library"
    window = make_window(library=library)
    dialog = window.open_train_dialog()
    fill_form(dialog, good_photos, "to be cancelled")
    dialog.start_training(engine_test_config(epochs=2))
    job = dialog.job
    with qtbot.waitSignal(job.finished, timeout=120000):
        dialog.cancel_training()
    assert "cancelled" in dialog.stage_label.text()
    assert not list(library.glob("*.csa"))
    assert dialog.train_button.isEnabled()
    dialog.close()
