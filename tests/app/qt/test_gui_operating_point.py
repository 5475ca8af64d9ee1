"""The operating point in the inspector: the band in the histogram, zones on thumbnails and in the review panel,
alarm photos first, the workload line, and Model > Operating point with the catch rate from past reviews."""
from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from app.qt.models.image_list_model import Roles
from conftest import save_artifact
from core.review import ReviewLog
from core.vocabulary import PhotoStatus

pytestmark = pytest.mark.gui

ALARM = 3.0  # the fake scores: foreign bodies around 3, normal photos around 1, pass at 2


def with_alarm(batch: Path, alarm: float = ALARM) -> None:
    with ReviewLog.open(batch) as log:
        log.set_alarm_threshold(alarm, "Alex Tester")


def zones_of(scores: dict[str, float], alarm: float = ALARM) -> dict[str, str]:
    return {name: "alarm" if s >= alarm else "review" if s >= 2.0 else "pass" for name, s in scores.items()}


def test_histogram_band_thumbnails_and_panel_show_the_zones(make_window, scored_batch, qtbot):
    batch, scores = scored_batch(n_good=10, n_bad=5)
    with_alarm(batch)
    expected = zones_of(scores)
    assert {"alarm", "review", "pass"} <= set(expected.values())
    window = make_window()
    window.open_batch(batch)
    histogram = window.histogram
    assert histogram.threshold == pytest.approx(2.0) and histogram.alarm_threshold == pytest.approx(ALARM)
    assert histogram.alarm_line.isVisible() and histogram.alarm_region.isVisible()
    assert tuple(histogram.above_region.getRegion()) == pytest.approx((2.0, ALARM))
    assert histogram.alarm_region.getRegion()[0] == pytest.approx(ALARM)

    model = window.list_model
    for row in range(model.rowCount()):
        index = model.index(row, 0)
        name = Path(index.data(Roles.REL_PATH)).name
        if name in expected:
            assert index.data(Roles.ZONE) == expected[name]
            assert index.data(Roles.CELL).zone == expected[name]
            assert index.data(Roles.STATUS) == {"alarm": PhotoStatus.ALARM, "review": PhotoStatus.FLAGGED,
                                                 "pass": PhotoStatus.NOT_FLAGGED}[expected[name]]
            assert f"{expected[name]} zone" in index.data(Qt.ToolTipRole)

    top = window.current_rel
    assert expected[top] == "alarm"
    assert window.review_panel.badge.text() == "ALARM"
    assert window.review_panel.threshold_label.text() == f"alarm zone\npass 2 · alarm {ALARM:g}"
    review_photo = next(n for n, z in expected.items() if z == "review")
    window.show_rel(review_photo)
    assert window.review_panel.badge.text() == "REVIEW"
    assert window.review_panel.threshold_label.text().startswith("review band")
    pass_photo = next(n for n, z in expected.items() if z == "pass")
    window.show_rel(pass_photo)
    assert window.review_panel.badge.text() == "PASS"

    # the workload: how many photos a person must see, and what share of the batch that is
    to_see = sum(z != "pass" for z in expected.values())
    alarm = sum(z == "alarm" for z in expected.values())
    share = round(100 * to_see / len(scores))
    line = f"To see: {to_see} of {len(scores) + 1} to review ({share} %: {alarm} alarm)"
    assert window.workload_label.text() == line
    assert line[len("To see: "):] in histogram.summary_label.text()
    window.show_rel(top)
    save_artifact(window, "inspector-operating-point.png", qtbot)
    save_artifact(histogram, "histogram-band.png")


def test_next_undecided_walks_alarm_photos_first_then_the_review_band(make_window, scored_batch, qtbot):
    batch, scores = scored_batch(n_good=8, n_bad=5)
    with_alarm(batch)
    expected = zones_of(scores)
    window = make_window()
    window.open_batch(batch)
    by_score = sorted(expected, key=lambda n: -scores[n])
    alarms = [n for n in by_score if expected[n] == "alarm"]
    band = [n for n in by_score if expected[n] == "review"]
    assert alarms and band

    # start on the lowest photo of the band: the next one to see is the highest alarm, not a photo below pass
    window.show_rel(band[-1])
    seen = []
    for _ in range(len(alarms) + len(band) - 1):
        qtbot.keyClick(window, Qt.Key_N)
        seen.append(window.current_rel)
    assert seen == alarms + band[:-1]

    # once every photo at or above pass has a decision, N goes on below pass (for "Show all" reviewing)
    for name in alarms + band:
        window.session.decide(name, "rejected", "Alex Tester")
    qtbot.keyClick(window, Qt.Key_N)
    assert expected[window.current_rel] == "pass"

    # a filter hiding the next photo is lifted rather than leaving the reviewer stuck
    window.session.refresh()
    window.thumbnail_panel.set_filter("decided")
    window.show_rel(alarms[0])
    qtbot.keyClick(window, Qt.Key_N)
    assert window.list_model.filter_name == "all" and expected[window.current_rel] == "pass"


def test_dragging_the_alarm_line_is_logged_and_pushes_pass_along(make_window, scored_batch, qtbot):
    batch, scores = scored_batch(n_good=8, n_bad=4)
    with_alarm(batch)
    window = make_window()
    window.open_batch(batch)
    histogram = window.histogram
    highest = max(scores.values())
    histogram.alarm_line.setValue(highest)  # drag: live, only the highest photo is in alarm now
    assert window.session.counts().alarm == 1
    assert "1 alarm" in window.workload_label.text()
    with ReviewLog.open(batch, read_only=True) as log:
        assert log.batch_info().alarm_threshold == pytest.approx(ALARM)  # not written while dragging
    histogram.alarm_line.sigPositionChangeFinished.emit(histogram.alarm_line)
    with ReviewLog.open(batch, read_only=True) as log:
        assert log.batch_info().alarm_threshold == pytest.approx(highest)
        event = [e for e in log.events() if e.kind == "alarm_threshold_changed"][-1]
        assert event.reviewer == "Alex Tester" and event.detail["after"] == pytest.approx(highest)
        assert log.summary().flagged == sum(s >= 2.0 for s in scores.values())  # flags follow pass only

    # dragging alarm below pass takes the pass line with it: alarm never lies below pass
    histogram.alarm_line.setValue(1.5)
    assert histogram.threshold == pytest.approx(1.5)
    histogram.alarm_line.sigPositionChangeFinished.emit(histogram.alarm_line)
    with ReviewLog.open(batch, read_only=True) as log:
        info = log.batch_info()
    assert info.threshold == pytest.approx(1.5) and info.alarm_threshold == pytest.approx(1.5)


def test_batch_without_an_alarm_line_shows_the_review_band_only(make_window, scored_batch, qtbot):
    batch, scores = scored_batch(n_good=6, n_bad=3)  # a log from before the alarm threshold
    window = make_window()
    window.open_batch(batch)
    assert not window.histogram.alarm_line.isVisible()
    assert window.histogram.threshold == pytest.approx(2.0)
    assert window.session.counts().alarm == 0
    assert window.review_panel.badge.text() == "REVIEW"


def reviewed_neighbour(root: Path, name: str, scores: dict[str, float], confirmed: list[str], model: str) -> Path:
    from core.review import open_for_batch

    folder = root / name
    folder.mkdir()
    with open_for_batch(folder, create=True) as log:
        log.set_batch_info(model_name=model, threshold=2.0, alarm_threshold=ALARM)
        for photo, score in scores.items():
            log.record_score(folder / photo, None, score, score >= 2.0, None, 64, 64)
        for photo in confirmed:
            log.decide(photo, "confirmed", "Anna")
    return folder


def test_operating_point_dialog_shows_the_catch_rate_from_past_reviews(make_window, scored_batch, qtbot):
    batch, scores = scored_batch(n_good=8, n_bad=4)
    with_alarm(batch)
    with ReviewLog.open(batch) as log:
        log.set_batch_info(model_name="brakes.v2")
    # two earlier batches of this model beside the open one; a foreign body was found below pass in one;
    # a batch of another model is left out
    reviewed_neighbour(batch.parent, "earlier-1", {"a.png": 3.5, "b.png": 2.4, "c.png": 1.0}, ["a.png", "b.png"], "brakes")
    reviewed_neighbour(batch.parent, "earlier-2", {"d.png": 1.7, "e.png": 0.8, "f.png": 2.6}, ["d.png", "f.png"],
                       "brakes.v3")
    reviewed_neighbour(batch.parent, "other-line", {"x.png": 9.0}, ["x.png"], "pantograph")
    window = make_window()
    window.open_batch(batch)
    top = window.current_rel
    window.session.decide(top, "confirmed", "Alex Tester")

    assert window.actions.model.operating_point.isEnabled()
    dialog = window.open_operating_point_dialog()
    qtbot.waitUntil(lambda: dialog.result is not None, timeout=10000)
    result = dialog.result
    assert result.n_foreign_bodies == 5 and result.n_caught == 4  # d.png (1.7) was a miss
    assert [m.rel_path for m in result.missed] == ["d.png"]
    assert "4 of 5 caught (80.0 %; at least 34.3 % with 95 % confidence)" in dialog.catch_label.text()
    assert "d.png" in dialog.missed_label.text()
    assert "3 review log(s)" in dialog.source_label.text() and "1 left out" in dialog.source_label.text()
    n_photos = len(scores) + 6
    assert result.n_photos == n_photos
    assert dialog.catch_curve.getData()[0].size == 200

    # moving the line in the curve shows what it would change; using it moves the batch's pass line
    dialog.line.setValue(1.6)
    assert dialog.result.n_caught == 5 and dialog.missed_label.text() == "none"
    assert "(the batch uses 2)" in dialog.pass_label.text()
    save_artifact(dialog, "operating-point-dialog.png")
    dialog.apply_button.click()
    assert window.session.threshold == pytest.approx(1.6)
    with ReviewLog.open(batch, read_only=True) as log:
        assert log.batch_info().threshold == pytest.approx(1.6)

    # without the lineage filter the other model's batch counts too
    dialog.lineage_box.setChecked(False)
    qtbot.waitUntil(lambda: dialog.job is None and dialog.result.n_foreign_bodies == 6, timeout=10000)
    dialog.close()
