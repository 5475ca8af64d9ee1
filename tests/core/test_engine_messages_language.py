"""Messages the engine words for a person follow the inspector's language; the command line keeps English.

The inspector calls ``set_language`` once at start; the CLI never does, so anything a script parses stays English.
"""
from __future__ import annotations

import threading

import pytest

from core import HeldOutNormals, ReviewLog, ReviewLogError, ReviewLogReadOnly, check_training_likeness, open_for_batch
from core.i18n import process_language, report_language, set_language, translate

# A batch of photos of something else: everything far above the threshold the model was calibrated to.
UNLIKE_SCORES = [6.0, 7.5, 8.0, 9.0, 6.5, 7.0]
NORMALS = HeldOutNormals(threshold=2.0, median=1.1, highest=1.9, count=40)


@pytest.fixture
def chinese_inspector():
    """The process-wide language as the Chinese inspector leaves it; English again afterwards."""
    assert set_language("zh_CN") == "zh_CN"
    try:
        yield
    finally:
        set_language("en")


def _likeness_message() -> str:
    warning = check_training_likeness(UNLIKE_SCORES, 2.0, NORMALS)
    assert warning is not None
    return warning.message


def test_engine_messages_are_english_by_default():
    """What the command line gets: nothing has set a language."""
    assert process_language() == "en"
    text = _likeness_message()
    assert text.startswith("This batch looks unlike the photos the model was trained on: 6 of 6 photos")
    assert "median 1.1, highest 1.9" in text


def test_training_likeness_warning_in_chinese(chinese_inspector):
    text = _likeness_message()
    assert "阈值" in text and "6 张照片中有 6 张" in text
    assert "中位数 1.1，最高 1.9" in text  # the held-out part is translated and filled in too
    assert "looks unlike" not in text and "{" not in text


def test_review_log_errors_in_chinese(chinese_inspector, tmp_path, scored_batch):
    missing = tmp_path / "no-such-batch"
    with pytest.raises(ReviewLogError) as error:
        open_for_batch(missing)
    assert str(error.value) == f"批次文件夹 {missing.resolve()} 不存在"

    batch, _scores = scored_batch()
    with ReviewLog.open(batch, read_only=True) as log:
        with pytest.raises(ReviewLogReadOnly) as read_only:
            log.set_threshold(1.0, reviewer="anna")
        assert "为只读（按要求以只读方式打开）；无法保存更改" in str(read_only.value)
        assert str(log.path) in str(read_only.value)
        assert log.verify().headline().startswith("审计记录已校验（")


def test_review_log_errors_in_english_without_a_language(tmp_path, scored_batch):
    missing = tmp_path / "no-such-batch"
    with pytest.raises(ReviewLogError, match="^batch folder .* does not exist$"):
        open_for_batch(missing)
    batch, _scores = scored_batch()
    with ReviewLog.open(batch, read_only=True) as log:
        with pytest.raises(ReviewLogReadOnly, match=r"is read-only \(opened read-only on request\); changes cannot"):
            log.set_threshold(1.0, reviewer="anna")
        assert log.verify().headline().startswith("audit trail verified (")


def test_language_holds_in_worker_threads(chinese_inspector):
    """The inspector loads models and scores in worker threads; their errors must be in its language too."""
    seen: list[str] = []
    worker = threading.Thread(target=lambda: seen.append(_likeness_message()))
    worker.start()
    worker.join()
    assert "阈值" in seen[0]


def test_a_report_language_beats_the_inspectors(chinese_inspector):
    """An English report exported from the Chinese inspector is English throughout, and the other way round."""
    with report_language("en"):
        assert _likeness_message().startswith("This batch looks unlike")
    assert translate("ReviewLog", "the file is read-only") == "文件为只读"
    set_language("en")
    with report_language("zh_CN"):
        assert translate("ReviewLog", "the file is read-only") == "文件为只读"
    assert translate("ReviewLog", "the file is read-only") == "the file is read-only"


def test_model_load_note_follows_the_language(chinese_inspector):
    from core.scoring.operating_point import single_threshold_note

    assert single_threshold_note("brake.csaflow", 2.0, 3.25) == (
        "模型 brake.csaflow 只有一个阈值（在区分放行阈值和报警阈值之前生成）："
        "放行阈值 = 2，报警阈值推算为 3.25；保存阈值即可保留")
    set_language("en")
    assert single_threshold_note("brake.csaflow", 2.0, 3.25).startswith(
        "model brake.csaflow has one threshold (made before pass and alarm thresholds): pass = 2, alarm derived as 3.25")
