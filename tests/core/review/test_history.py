"""The catch rate from past reviews, on synthetic review logs whose outcome is known."""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from core.review.history import (
    catch_rate_lower_bound, estimate, find_review_logs, model_family, pass_curve, read_history,
)
from core.models.modelheader import ModelInfo
from core.review import ReviewLog, open_for_batch

pytestmark = pytest.mark.usefixtures("private_data_dir")  # logs of read-only batches stay in the test's folder


def logged_batch(folder: Path, scores: dict[str, float], decisions: dict[str, str], model: str = "brakes",
                 threshold: float = 2.0, alarm: float = 4.0) -> Path:
    """A batch review log with the given scores and decisions, as the inspector would leave it."""
    folder.mkdir(parents=True)
    with open_for_batch(folder, create=True) as log:
        log.set_batch_info(model_name=model, model_path=f"/models/{model}.csa", threshold=threshold,
                           alarm_threshold=alarm)
        for name, score in scores.items():
            log.record_score(folder / name, None, score, score >= threshold, None, 64, 64)
        for name, decision in decisions.items():
            log.decide(name, decision, "Anna")
    return folder


@pytest.fixture
def depot(tmp_path) -> Path:
    """Two months of batches: 6 confirmed foreign bodies, one of them found below pass via "Show all"."""
    root = tmp_path / "depot"
    logged_batch(root / "2026-10" / "wagon-a", {f"a{i}.png": s for i, s in enumerate([0.5, 0.8, 1.0, 1.2, 2.5, 5.0])},
                 {"a4.png": "confirmed", "a5.png": "confirmed", "a2.png": "rejected"})
    logged_batch(root / "2026-10" / "wagon-b", {f"b{i}.png": s for i, s in enumerate([0.6, 0.9, 1.1, 1.3, 1.9, 3.0])},
                 {"b5.png": "confirmed", "b4.png": "confirmed", "b3.png": "unsure"},  # b4: 1.9 < pass 2.0, a miss
                 model="brakes.v2")
    logged_batch(root / "2026-11" / "wagon-c", {f"c{i}.png": s for i, s in enumerate([0.7, 1.0, 2.2, 6.0])},
                 {"c2.png": "confirmed", "c3.png": "confirmed"}, model="brakes.v3")
    logged_batch(root / "2026-11" / "other", {"o0.png": 9.0}, {"o0.png": "confirmed"}, model="pantograph")
    return root


def test_lower_bound_is_exact_clopper_pearson():
    # textbook values: 10 of 10 -> (0.05)^(1/10); 0 of n -> 0
    assert catch_rate_lower_bound(10, 10) == pytest.approx(0.05 ** 0.1, rel=1e-6)
    assert catch_rate_lower_bound(0, 5) == 0.0
    assert catch_rate_lower_bound(0, 0) is None
    assert catch_rate_lower_bound(14, 15) < 14 / 15
    assert catch_rate_lower_bound(140, 150) > catch_rate_lower_bound(14, 15)  # more examples, tighter bound


def test_logs_are_found_below_the_given_folders(depot, tmp_path):
    logs, problems = find_review_logs([depot, tmp_path / "nowhere"])
    assert len(logs) == 4
    assert problems == {str(tmp_path / "nowhere"): "folder not found"}
    assert model_family("brakes.v3") == model_family("/models/brakes.csa") == "brakes"


def test_catch_rate_counts_a_confirmed_photo_below_pass_as_a_miss(depot):
    history = read_history([depot], family="brakes")
    assert len(history.logs) == 3
    assert any("pantograph" in why for why in history.skipped.values())
    assert sorted(history.models) == ["brakes", "brakes.v2", "brakes.v3"]
    assert history.n_photos == 16

    result = estimate(history, pass_threshold=2.0, alarm_threshold=4.0)
    assert result.n_foreign_bodies == 6  # unsure and rejected photos are not examples
    assert result.n_caught == 5
    assert [m.rel_path for m in result.missed] == ["b4.png"]
    assert result.catch_rate == pytest.approx(5 / 6)
    assert result.lower_bound == pytest.approx(catch_rate_lower_bound(5, 6))
    assert 0.3 < result.lower_bound < 5 / 6
    assert result.review_share == pytest.approx(5 / 16)  # 2.5, 5.0, 3.0, 2.2, 6.0
    assert result.alarm_share == pytest.approx(2 / 16)  # 5.0, 6.0
    assert "5 of 6 confirmed foreign bodies" in result.sentence()

    lower = estimate(history, pass_threshold=1.9)
    assert lower.n_caught == 6 and not lower.missed
    assert lower.review_share == pytest.approx(6 / 16)


def test_every_model_counts_without_a_lineage(depot):
    history = read_history([depot])
    assert len(history.logs) == 4
    assert estimate(history, 2.0).n_foreign_bodies == 7


def test_no_confirmed_foreign_bodies_yet(tmp_path):
    logged_batch(tmp_path / "b", {"x.png": 1.0, "y.png": 3.0}, {"y.png": "rejected"})
    result = estimate(read_history([tmp_path]), 2.0, 4.0)
    assert result.n_foreign_bodies == 0 and result.catch_rate is None and result.lower_bound is None
    assert result.review_share == pytest.approx(0.5)
    assert result.sentence().startswith("no confirmed foreign bodies yet")


def test_curve_shows_what_moving_pass_changes(depot):
    history = read_history([depot], family="brakes")
    curve = pass_curve(history, thresholds=[1.0, 1.9, 2.0, 3.0, 10.0])
    np.testing.assert_allclose(curve.catch_rate, [1.0, 1.0, 5 / 6, 3 / 6, 0.0])
    np.testing.assert_allclose(curve.review_share, [11 / 16, 6 / 16, 5 / 16, 3 / 16, 0.0])
    assert np.all(np.diff(curve.lower_bound) <= 0)
    default = pass_curve(history)
    assert default.thresholds[0] == pytest.approx(0.5) and default.thresholds[-1] == pytest.approx(6.0)
    assert default.catch_rate[0] == 1.0 and default.review_share[0] == 1.0


def test_alarm_column_is_added_to_an_older_log_and_read_without_it(tmp_path):
    folder = logged_batch(tmp_path / "old", {"x.png": 1.0}, {})
    log_file = folder / ".csa-inspector" / "review.sqlite"
    import sqlite3

    with sqlite3.connect(log_file) as db:  # a log as written before the alarm threshold existed
        db.execute("ALTER TABLE batch DROP COLUMN alarm_threshold")
    with ReviewLog.open(log_file, read_only=True) as log:
        assert log.batch_info().alarm_threshold is None and log.batch_info().threshold == 2.0
    with ReviewLog.open(log_file) as log:
        log.set_alarm_threshold(3.5, "Anna")
        assert log.batch_info().alarm_threshold == 3.5
        assert log.events()[-1].kind == "alarm_threshold_changed"
        assert log.images()[0].flagged is False  # flagged still means at or above pass
        log.set_alarm_threshold(3.0, "Anna")
        assert [e.detail["after"] for e in log.threshold_changes() if e.kind == "alarm_threshold_changed"] == [3.0]
        assert log.batch_info().threshold_set_by == "Anna"  # the batch's operating point is now a reviewer's
    with ReviewLog.open(log_file) as log:  # opening again changes nothing, and the audit trail stays whole
        assert log.batch_info().alarm_threshold == 3.0
        assert log.verify().ok
        log.set_model_info(ModelInfo(name="brakes", threshold=9.0, alarm_threshold=12.0))
        assert (log.batch_info().threshold, log.batch_info().alarm_threshold) == (2.0, 3.0)  # a model's never override


def test_cli_eval_from_logs(depot, capsys):
    from app.cli import main

    assert main(["eval", "--from-logs", str(depot), "--pass", "2.0", "--alarm", "4.0"]) == 0
    out = capsys.readouterr().out
    assert "7 of 8 confirmed foreign bodies" not in out  # --pass alone reads every model
    assert "6 of 7 confirmed foreign bodies scored at or above pass" in out
    assert "missed:" in out and "b4.png" in out
    assert main(["eval", "--from-logs", str(depot), "--pass", "2.0", "--json"]) == 0
    payload = json.loads(capsys.readouterr().out)
    assert payload["confirmed_foreign_bodies"] == 7 and payload["caught"] == 6
    assert payload["catch_rate_lower_bound"] == pytest.approx(catch_rate_lower_bound(6, 7))
    assert [m["file"] for m in payload["missed"]] == ["b4.png"]
    assert len(payload["curve"]["pass_threshold"]) == len(payload["curve"]["catch_rate"]) > 10


def test_cli_eval_from_logs_needs_a_threshold(depot, capsys):
    from app.cli import main

    assert main(["eval", "--from-logs", str(depot)]) == 2
    assert "needs --model" in capsys.readouterr().err
