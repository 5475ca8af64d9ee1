"""Scoring from the window with a real (tiny) model: in the background, live, cancellable, resumable."""
from __future__ import annotations


import pytest
from PySide6.QtCore import QTimer

from core.review import ReviewLog
from conftest import save_artifact
from engine_doubles import GatedEngine, InstantEngine

pytestmark = [pytest.mark.gui, pytest.mark.slow]


class LoopTicks:
    """Counts how often the UI thread's event loop runs a 10 ms timer: it cannot while the thread is blocked."""

    def __init__(self) -> None:
        self.count = 0
        self.timer = QTimer()
        self.timer.setInterval(10)
        self.timer.timeout.connect(self._tick)

    def _tick(self) -> None:
        self.count += 1

    def __enter__(self) -> "LoopTicks":
        self.timer.start()
        return self

    def __exit__(self, *exc) -> None:
        self.timer.stop()


def load_model(window, qtbot, path) -> None:
    with qtbot.waitSignal(window.model_loaded, timeout=120000):
        window.load_model(path)
    qtbot.waitUntil(lambda: window.load_job is None, timeout=30000)


def test_the_window_stays_live_while_scoring_is_pending_and_results_arrive_one_by_one(
    make_window, synthetic_batch, trained_detector, trained_model_file, qtbot
):
    """Measured while the engine is known to be busy (it holds each result until released), so the test
    asks the same of a fast and a slow machine."""
    batch = synthetic_batch(n_good=8, n_bad=4, size=128)
    (batch / "zz_cut_off.png").write_bytes(b"\x89PNG\r\n\x1a\n-cut-off")
    engine = GatedEngine(trained_detector)
    window = make_window()
    window.models.on_model_loaded(trained_model_file, engine)

    assert window.open_batch(batch)
    assert window.session.counts().total == 13  # listed at once, scores still to come
    qtbot.waitUntil(lambda: window.score_job is not None, timeout=30000)  # starts once the batch is drawn
    assert window.progress_bar.isVisible() and window.cancel_button.isVisible()
    try:
        qtbot.waitUntil(engine.waiting.is_set, timeout=60000)
        # The engine is blocked inside its gate: were scoring on the UI thread, the loop could not tick at all.
        with LoopTicks() as ticks:
            qtbot.waitUntil(lambda: ticks.count >= 20, timeout=30000)
        assert window.session.counts().scored == 0

        for shown in range(1, 4):  # each result is on screen while the engine still works on the next
            engine.release()
            qtbot.waitUntil(lambda n=shown: window.session.counts().scored == n, timeout=30000)
            qtbot.waitUntil(engine.waiting.is_set, timeout=30000)
            assert window.score_job is not None and window.progress_bar.value() == shown
    finally:
        engine.open()
    with qtbot.waitSignal(window.scoring_finished, timeout=180000):
        pass
    assert not window.progress_bar.isVisible()
    _check_scored_batch(window, batch, trained_model_file, qtbot)


def test_a_batch_scored_instantly_is_shown_complete(make_window, synthetic_batch, trained_detector, trained_model_file,
                                                    qtbot):
    """The fastest possible engine: every result is ready before the window's event loop runs once."""
    batch = synthetic_batch(n_good=8, n_bad=4, size=128)
    (batch / "zz_cut_off.png").write_bytes(b"\x89PNG\r\n\x1a\n-cut-off")
    from core import list_batch_photos

    engine = InstantEngine(trained_detector, list_batch_photos(batch))
    window = make_window()
    window.models.on_model_loaded(trained_model_file, engine)
    with qtbot.waitSignal(window.scoring_finished, timeout=60000):
        assert window.open_batch(batch)
    assert not window.progress_bar.isVisible()
    _check_scored_batch(window, batch, trained_model_file, qtbot)


def _check_scored_batch(window, batch, trained_model_file, qtbot) -> None:
    with ReviewLog.open(batch, read_only=True) as log:
        records = {r.rel_path: r for r in log.images()}
        info = log.batch_info()
    assert len(records) == 13
    assert records["zz_cut_off.png"].score is None and "PNG" in records["zz_cut_off.png"].error
    assert all(r.score is not None and r.heatmap_path is not None for n, r in records.items() if n != "zz_cut_off.png")
    assert info.model_path == str(trained_model_file)
    assert info.threshold == pytest.approx(window.detector.threshold)

    # the list is in score order and the top photo is shown with its heatmap
    scores = [window.session.record(rel).score for rel in window.list_model.rel_paths]
    known = [s for s in scores if s is not None]
    assert known == sorted(known, reverse=True)
    qtbot.waitUntil(lambda: window.inspector.current is not None and window.inspector.current.heatmap is not None,
                    timeout=30000)
    save_artifact(window, "inspector-scored.png", qtbot)

    # reopening the batch shows the stored scores without scoring again
    window.close_batch()
    window.open_batch(batch)
    assert window.score_job is None
    assert [window.session.record(rel).score for rel in window.list_model.rel_paths] == scores


def test_cancel_keeps_what_was_scored_and_reopening_resumes(make_window, synthetic_batch, trained_detector,
                                                             trained_model_file, qtbot):
    batch = synthetic_batch(n_good=14, n_bad=4, size=128)
    engine = GatedEngine(trained_detector)
    window = make_window()
    window.models.on_model_loaded(trained_model_file, engine)
    window.score_batch_size = 2
    window.open_batch(batch)
    qtbot.waitUntil(lambda: window.score_job is not None, timeout=30000)
    engine.release(3)
    qtbot.waitUntil(lambda: window.session.counts().scored == 3, timeout=60000)
    qtbot.waitUntil(engine.waiting.is_set, timeout=60000)  # the fourth is held: scoring is certainly not done
    with qtbot.waitSignal(window.scoring_finished, timeout=60000):
        window.actions.model.cancel_scoring.trigger()
    scored = window.session.counts().scored
    assert 3 <= scored <= 4  # the photo in hand when Cancel came may still be stored
    window.close()

    with ReviewLog.open(batch, read_only=True) as log:
        assert sum(r.score is not None for r in log.images()) == scored

    reopened = make_window()
    load_model(reopened, qtbot, trained_model_file)
    reopened.open_batch(batch)
    assert reopened.session.counts().scored == scored  # shown from the log at once
    qtbot.waitUntil(lambda: reopened.score_job is not None, timeout=10000)  # the rest is found in the folder
    assert len(reopened.score_job.paths) == 18 - scored  # only the missing ones
    with qtbot.waitSignal(reopened.scoring_finished, timeout=120000):
        pass
    assert reopened.session.counts().scored == 18


def test_save_threshold_to_model_writes_the_model_file(make_window, synthetic_batch, trained_model_file, qtbot, monkeypatch,
                                                       tmp_path):
    import shutil

    from PySide6.QtWidgets import QMessageBox

    from core import load_detector

    model = tmp_path / "copy.csa"
    shutil.copy(trained_model_file, model)
    batch = synthetic_batch(n_good=4, n_bad=2, size=128)
    window = make_window()
    load_model(window, qtbot, model)
    with qtbot.waitSignal(window.scoring_finished, timeout=120000):
        window.open_batch(batch)
    new_threshold = max(window.session.scores()) * 0.9
    window.commit_threshold(new_threshold)
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.Yes)
    assert window.histogram.save_button.isEnabled()
    window.histogram.save_button.click()
    qtbot.waitUntil(lambda: not window.runner.running, timeout=30000)
    assert load_detector(model).threshold == pytest.approx(new_threshold)
    with ReviewLog.open(batch, read_only=True) as log:
        assert any(e.kind == "threshold_saved_to_model" for e in log.events())


def test_gpu_out_of_memory_mid_batch_moves_scoring_to_the_cpu_and_says_so(
    make_window, synthetic_batch, trained_detector, trained_model_file, qtbot
):
    from gpu_faults import on_full_gpu

    detector, backbone, _ = on_full_gpu(trained_detector, max_batch=0)  # not even one photo fits on the GPU
    batch = synthetic_batch(n_good=3, n_bad=1, size=128)
    window = make_window()
    window.models.on_model_loaded(trained_model_file, detector)
    messages = []
    window.statusBar().messageChanged.connect(messages.append)
    with qtbot.waitSignal(window.scoring_finished, timeout=120000):
        assert window.open_batch(batch)
    assert window.session.counts().scored == 4, "every photo is scored, on the CPU"
    assert backbone.on_cpu
    assert window.device_text.startswith("cpu") and "out of memory" in window.engine_label.text()
    assert any("CPU" in m for m in messages)
