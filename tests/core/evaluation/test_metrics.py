"""Metrics and decision thresholds against values worked out by hand."""
from __future__ import annotations

import numpy as np
import pytest

from core.evaluation.metrics import (
    false_alarm_rate_at_recall, image_auroc, pixel_aupro, pixel_auroc, pointing_accuracy, rates_at_threshold,
)
from core.training.threshold import pixel_threshold_from_maps, roc_optimal_threshold, threshold_at_false_alarm_rate

# ------------------------------------------------------------------------------------------- rates


def test_rates_at_threshold_count_flagged_anomalies_and_passed_good_images():
    labels = [0, 0, 0, 1, 1]
    scores = [0.1, 0.4, 0.6, 0.5, 0.9]
    # score >= 0.5 is flagged: good 0.6 is a false alarm, both anomalies are caught
    rates = rates_at_threshold(labels, scores, 0.5)
    assert rates["recall_ano"] == 1.0
    assert rates["recall_norm"] == pytest.approx(2 / 3)
    assert rates["accuracy"] == pytest.approx(4 / 5)


def test_a_score_equal_to_the_threshold_is_flagged():
    rates = rates_at_threshold([0, 1], [0.3, 0.7], 0.7)
    assert rates == {"recall_ano": 1.0, "recall_norm": 1.0, "accuracy": 1.0}
    rates = rates_at_threshold([0, 1], [0.3, 0.7], np.nextafter(0.7, 1.0))
    assert rates == {"recall_ano": 0.0, "recall_norm": 1.0, "accuracy": 0.5}


def test_rates_without_one_class_are_not_a_number_for_that_class():
    rates = rates_at_threshold([0, 0, 0, 0], [0.1, 0.2, 0.3, 0.4], 0.35)
    assert np.isnan(rates["recall_ano"])
    assert rates["recall_norm"] == 0.75
    assert rates["accuracy"] == 0.75


# ------------------------------------------------------------------------------------------- false alarms at recall

# Ten good images scored 0.0 .. 0.9. Of 100 anomalies one hides at 0.05 (below nine good images), one at 0.45
# (below five) and 98 score above every good image.
_GOOD = [i / 10 for i in range(10)]
_BAD = [0.05, 0.45] + [1.0 + i for i in range(98)]
_LABELS = [0] * len(_GOOD) + [1] * len(_BAD)
_SCORES = _GOOD + _BAD


@pytest.mark.parametrize(
    "recall, expected",
    [
        (1.0, 0.9),  # catching the 0.05 anomaly flags the nine good images scored 0.1 .. 0.9
        (0.99, 0.5),  # 99 anomalies: threshold 0.45 flags the good images 0.5 .. 0.9
        (0.95, 0.0),  # 95 anomalies are all above every good image
    ],
)
def test_false_alarm_rate_at_recall(recall, expected):
    assert false_alarm_rate_at_recall(_LABELS, _SCORES, recall) == pytest.approx(expected)


def test_false_alarm_rate_at_full_recall_counts_ties_as_false_alarms():
    # the anomaly ties with one good image: catching it flags that good image as well
    assert false_alarm_rate_at_recall([0, 0, 0, 0, 1], [0.1, 0.2, 0.3, 0.8, 0.8], 1.0) == pytest.approx(0.25)


# ------------------------------------------------------------------------------------------- AUROC


def test_image_auroc_is_the_share_of_correctly_ordered_pairs():
    # pairs (anomaly, good): 0.35 beats 0.1 and 0.3 but not 0.5; 0.9 beats all three -> 5 of 6
    assert image_auroc([0, 0, 0, 1, 1], [0.1, 0.3, 0.5, 0.35, 0.9]) == pytest.approx(5 / 6)
    assert image_auroc([0, 1], [0.5, 0.5]) == pytest.approx(0.5)


def test_pixel_auroc_pools_the_pixels_of_all_images():
    masks = [np.array([[1, 0], [0, 1]], bool), np.zeros((2, 3), bool)]
    heatmaps = [np.array([[0.9, 0.1], [0.2, 0.35]], np.float32), np.array([[0.3, 0.5, 0.4], [0.0, 0.6, 0.25]], np.float32)]
    # defect pixels 0.9 and 0.35 against eight normal ones: 0.9 beats all 8, 0.35 beats 0.1 0.2 0.3 0.0 0.25 -> 13/16
    assert pixel_auroc(masks, heatmaps) == pytest.approx(13 / 16)


def test_pixel_auroc_is_undefined_without_both_kinds_of_pixel():
    assert pixel_auroc([], []) is None
    assert pixel_auroc([np.zeros((2, 2), bool)], [np.ones((2, 2))]) is None
    assert pixel_auroc([np.ones((2, 2), bool)], [np.ones((2, 2))]) is None


# ------------------------------------------------------------------------------------------- thresholds


def test_threshold_at_one_percent_flags_exactly_one_of_a_hundred_good_images():
    scores = np.arange(1.0, 101.0)  # 1 .. 100, shuffled so the order of the input does not matter
    np.random.default_rng(0).shuffle(scores)
    threshold = threshold_at_false_alarm_rate(scores, 0.01)
    assert threshold == np.nextafter(99.0, np.inf)
    assert int((scores >= threshold).sum()) == 1


@pytest.mark.parametrize(
    "rate, expected, flagged",
    [
        (0.0, np.nextafter(100.0, np.inf), 0),
        (0.05, np.nextafter(95.0, np.inf), 5),
        (0.0549, np.nextafter(95.0, np.inf), 5),  # 5.49 good images allowed: rounds down, never above the target
    ],
)
def test_threshold_never_flags_more_than_the_target_share(rate, expected, flagged):
    scores = np.arange(1.0, 101.0)
    threshold = threshold_at_false_alarm_rate(scores, rate)
    assert threshold == expected
    assert int((scores >= threshold).sum()) == flagged


def test_threshold_with_tied_scores_stays_at_or_below_the_target():
    scores = [1.0, 2.0, 2.0, 2.0, 3.0]
    threshold = threshold_at_false_alarm_rate(scores, 0.2)  # one of five may be flagged: only the 3.0
    assert threshold == np.nextafter(2.0, np.inf)
    assert sum(s >= threshold for s in scores) == 1


def test_threshold_with_few_good_images_is_just_above_the_highest():
    assert threshold_at_false_alarm_rate([0.4, 0.7, 0.5, 0.6], 0.01) == np.nextafter(0.7, np.inf)


def test_threshold_needs_good_scores():
    with pytest.raises(ValueError, match="no good images"):
        threshold_at_false_alarm_rate([], 0.01)


def test_roc_optimal_threshold_separable_scores():
    assert roc_optimal_threshold([0, 0, 0, 1, 1, 1], [0.1, 0.2, 0.3, 0.4, 0.8, 0.9]) == pytest.approx(0.4)


def test_roc_optimal_threshold_maximises_tpr_minus_fpr():
    labels = [0, 0, 0, 0, 1, 1, 1, 1]
    scores = [0.1, 0.3, 0.5, 0.6, 0.2, 0.65, 0.7, 0.9]
    # >= 0.65 catches three of four anomalies and no good image (J = 0.75); every other cut is worse
    assert roc_optimal_threshold(labels, scores) == pytest.approx(0.65)


def test_roc_optimal_threshold_needs_both_classes():
    with pytest.raises(ValueError, match="both good and anomalous"):
        roc_optimal_threshold([1, 1, 1], [0.1, 0.2, 0.3])


def test_pixel_threshold_is_a_high_quantile_of_good_heatmaps():
    maps = np.arange(1000, dtype=np.float32).reshape(10, 10, 10)  # values 0 .. 999
    assert pixel_threshold_from_maps(maps) == pytest.approx(998.001, abs=1e-3)
    assert pixel_threshold_from_maps(maps, quantile=0.5) == pytest.approx(499.5)


def test_threshold_for_few_good_scores_extrapolates_the_tail():
    from core.training.threshold import threshold_for_good_scores

    rng = np.random.default_rng(0)
    population = np.exp(rng.normal(0.0, 0.2, 200_000))
    few = population[:8]
    threshold = threshold_for_good_scores(few, 0.01)
    assert threshold >= threshold_at_false_alarm_rate(few, 0.01)
    flagged_share = float((population >= threshold).mean())
    assert flagged_share < 0.05  # the highest of 8 scores alone would flag about 1 in 9
    # with plenty of scores the empirical quantile already holds and the fit agrees closely
    many = threshold_for_good_scores(population[:20_000], 0.01)
    assert float((population >= many).mean()) == pytest.approx(0.01, abs=0.004)


# ------------------------------------------------------------------------------------------- AUPRO, pointing


def _two_regions() -> np.ndarray:
    mask = np.zeros((20, 20), bool)
    mask[2:4, 2:4] = True  # 4 pixels
    mask[10:18, 10:18] = True  # 64 pixels: pixel AUROC would weigh it 16 times more than the small one
    return mask


def test_aupro_of_a_perfect_heatmap_is_one():
    mask = _two_regions()
    assert pixel_aupro([mask], [mask.astype(float)]) == pytest.approx(1.0)


def test_aupro_weighs_every_region_alike_and_integrates_up_to_the_fpr_limit():
    mask = _two_regions()
    heat = np.zeros(mask.shape)
    heat[10:18, 10:18] = 1.0  # the large region is found, the small one not at all
    # curve: (0, 0) -> (0, 0.5) at the threshold between 0 and 1 -> (1, 1) once everything is flagged;
    # at FPR 0.3 the overlap is 0.5 + 0.5 * 0.3 = 0.65, so the area is 0.3 * (0.5 + 0.65) / 2, normalised by 0.3
    assert pixel_aupro([mask], [heat]) == pytest.approx((0.5 + 0.65) / 2)
    # the same map found only the small region: same AUPRO, although it covers 16 times fewer pixels
    small = np.zeros(mask.shape)
    small[2:4, 2:4] = 1.0
    assert pixel_aupro([mask], [small]) == pytest.approx((0.5 + 0.65) / 2)
    assert pixel_auroc([mask], [small]) < pixel_auroc([mask], [heat])


def test_aupro_pools_regions_and_normal_pixels_over_images():
    mask_a, mask_b = np.zeros((10, 10), bool), np.zeros((10, 10), bool)
    mask_a[1:3, 1:3] = True
    heat_a = mask_a.astype(float)  # found
    heat_b = np.zeros((10, 10))
    heat_b[5, 5] = 2.0  # a good photo with one hot normal pixel above every defect
    # 1 normal pixel of 196 flagged before the region: FPR 1/196 at overlap 0, then overlap 1 from FPR 1/196 on
    fp = 1 / 196
    expected = (0.3 - fp) / 0.3
    assert pixel_aupro([mask_a, mask_b], [heat_a, heat_b]) == pytest.approx(expected)


def test_aupro_is_undefined_without_a_region():
    assert pixel_aupro([np.zeros((4, 4), bool)], [np.random.default_rng(0).random((4, 4))]) is None


def test_pointing_counts_a_peak_inside_the_grown_region_and_skips_good_photos():
    mask = np.zeros((100, 100), bool)
    mask[40:50, 40:50] = True
    inside, rim, far = (np.zeros((100, 100)) for _ in range(3))
    inside[45, 45] = 1.0
    rim[45, 52] = 1.0  # 3 px right of the region: within 3 % of the 100 px long side
    far[45, 60] = 1.0
    good = np.zeros((100, 100), bool)
    assert pointing_accuracy([mask], [inside]) == 1.0
    assert pointing_accuracy([mask], [rim]) == 1.0
    assert pointing_accuracy([mask], [far]) == 0.0
    assert pointing_accuracy([mask, mask, good], [inside, far, far]) == 0.5
    assert pointing_accuracy([good], [far]) is None
