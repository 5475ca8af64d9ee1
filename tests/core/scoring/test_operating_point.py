"""The operating point: zones, thresholds from held-out normals or a labelled ROC, and old one-threshold models."""
from __future__ import annotations

import math

import numpy as np
import pytest

from core.config import TrainConfig
from core.scoring.operating_point import (
    ALARM, PASS, REVIEW, OperatingPoint, derived_alarm_threshold, thresholds_from_roc, zone_counts, zone_of,
)
from core.training.threshold import threshold_for_good_scores


def test_zones_split_at_pass_and_alarm_inclusive():
    assert zone_of(0.99, 1.0, 2.0) == PASS
    assert zone_of(1.0, 1.0, 2.0) == REVIEW  # at pass: a person sees it
    assert zone_of(1.99, 1.0, 2.0) == REVIEW
    assert zone_of(2.0, 1.0, 2.0) == ALARM
    assert zone_of(None, 1.0, 2.0) is None
    assert zone_of(5.0, None, 2.0) is None
    assert zone_of(5.0, math.inf, None) is None  # an uncalibrated model has no zones
    assert zone_of(1.5, 1.0, None) == REVIEW


def test_alarm_below_pass_is_raised_to_pass():
    point = OperatingPoint(2.0, 1.0)
    assert point.alarm_threshold == 2.0
    assert point.zone(2.0) == ALARM and point.zone(1.5) == PASS
    assert zone_counts([0.5, 1.0, 1.5, 3.0, None], 1.0, 2.0) == {PASS: 1, REVIEW: 2, ALARM: 1}


def test_defaults_send_a_tenth_of_normals_to_review_and_few_to_alarm():
    defaults = TrainConfig()
    assert defaults.target_false_alarm_rate == 0.10
    assert defaults.alarm_false_alarm_rate == 0.005
    good = np.exp(np.random.default_rng(0).normal(0.0, 0.3, 2000))
    pass_threshold = threshold_for_good_scores(good, defaults.target_false_alarm_rate)
    alarm_threshold = threshold_for_good_scores(good, defaults.alarm_false_alarm_rate)
    assert (good >= pass_threshold).mean() == pytest.approx(0.10, abs=0.02)
    assert (good >= alarm_threshold).mean() <= 0.01
    assert alarm_threshold > pass_threshold


def test_roc_placement_keeps_the_catch_target_and_caps_alarms_on_normals():
    rng = np.random.default_rng(1)
    good = rng.normal(1.0, 0.2, 400)
    bad = np.concatenate([rng.normal(2.5, 0.3, 99), [0.9]])  # one foreign body looks normal
    labels = [0] * good.size + [1] * bad.size
    scores = np.concatenate([good, bad])
    point = thresholds_from_roc(labels, scores, catch_target=0.99, alarm_share=0.005)
    assert (bad >= point.pass_threshold).mean() >= 0.99
    assert point.pass_threshold == pytest.approx(np.sort(bad)[1])  # the one outlier may fall below pass
    assert (good >= point.alarm_threshold).sum() <= 2  # 0.5 % of 400
    assert point.alarm_threshold >= point.pass_threshold
    everything = thresholds_from_roc(labels, scores, catch_target=1.0, alarm_share=0.005)
    assert everything.pass_threshold == pytest.approx(0.9)
    with pytest.raises(ValueError):
        thresholds_from_roc([0, 0], [1.0, 2.0], 0.99, 0.005)


def test_alarm_of_an_old_model_follows_its_log_normal_calibration():
    rng = np.random.default_rng(2)
    good = np.exp(rng.normal(0.0, 0.25, 5000))
    pass_threshold = float(np.exp(0.25 * 2.3263))  # the 1 % line of this fit
    calibration = {"good_score_median": float(np.median(good)), "target_false_alarm_rate": 0.01}
    alarm = derived_alarm_threshold(pass_threshold, calibration, 0.005)
    assert alarm > pass_threshold
    assert (good >= alarm).mean() == pytest.approx(0.005, abs=0.002)
    # without what the fit needs, the band is empty rather than guessed
    assert derived_alarm_threshold(pass_threshold, {}, 0.005) == pass_threshold
    assert derived_alarm_threshold(pass_threshold, {"good_score_median": 5.0, "target_false_alarm_rate": 0.01},
                                   0.005) == pass_threshold
