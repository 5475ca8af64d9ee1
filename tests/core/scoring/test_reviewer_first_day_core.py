"""Engine side of a reviewer's first day: the batch-unlike-training warning, report details for filing, file modes."""
from __future__ import annotations

import os
import stat
from pathlib import Path

import numpy as np
import pytest

from core.atomicfile import atomic_write_bytes, new_file_mode
from core.scoring.training_likeness import (
    HeldOutNormals,
    check_training_likeness,
    normals_from_meta,
    normals_from_model_file,
)


NORMALS = HeldOutNormals(threshold=2.0, median=1.0, highest=1.8, count=12)


def test_a_batch_mostly_above_the_threshold_is_called_unlike_the_training_photos():
    tires = [6.1, 5.8, 6.4, 7.0, 5.5, 6.2, 6.6, 5.9]  # the brake-unit model on photos of something else
    warning = check_training_likeness(tires, 2.0, NORMALS)
    assert warning is not None
    assert warning.flagged == 8 and warning.scored == 8
    assert warning.ratio == pytest.approx(np.median(tires) / 2.0)
    assert "unlike the photos the model was trained on" in warning.message
    assert "8 of 8 photos" in warning.message and "median 1, highest 1.8" in warning.message


def test_an_ordinary_batch_with_some_foreign_bodies_is_not_warned_about():
    brakes = [0.9, 1.1, 1.0, 0.8, 1.2, 3.5, 4.0, 1.05, 0.95, 1.1]  # two foreign bodies among ten
    assert check_training_likeness(brakes, 2.0, NORMALS) is None
    assert check_training_likeness([6.0, 6.0, 6.0], 2.0, NORMALS) is None  # too few photos to judge a batch
    assert check_training_likeness(brakes, None) is None  # no threshold known: nothing to compare with
    half = [0.9, 1.0, 1.1, 0.95, 1.05, 2.6, 3.1, 2.9, 3.4, 2.7]  # half the photos with a foreign body: still plausible
    assert check_training_likeness(half, 2.0, NORMALS) is None


def test_the_models_own_threshold_counts_not_a_threshold_raised_for_the_batch():
    tires = [6.1, 5.8, 6.4, 7.0, 5.5, 6.2]
    # a reviewer dragged the batch threshold above every photo; the batch is still unlike the training photos
    assert check_training_likeness(tires, 8.0, NORMALS) is not None
    assert check_training_likeness(tires, 8.0) is None  # without the model's statistics the batch threshold is all


def test_held_out_statistics_come_from_the_model_meta_and_file_header(trained_model_file):
    normals = normals_from_model_file(trained_model_file)
    assert normals.threshold is not None and normals.median is not None and normals.highest is not None
    assert normals.median <= normals.highest <= normals.threshold * 1.0001
    assert normals_from_model_file(Path("/nonexistent/model.csa")) == HeldOutNormals()
    assert normals_from_meta({"calibration": {"good_score_median": "x"}}) == HeldOutNormals()


@pytest.mark.slow
def test_the_trained_model_warns_on_photos_unlike_its_training_photos(trained_detector, synthetic_batch):
    """Real scores: brake-unit photos turned inside out (negative, on their side) are far from every training photo."""
    import cv2

    batch = synthetic_batch(n_good=8, n_bad=2, size=128, name="brakes")
    paths = sorted(batch.glob("*.png"))
    normals = normals_from_meta(trained_detector.meta, trained_detector.threshold)
    ordinary = [r.score for r in trained_detector.score_images(paths)]
    assert check_training_likeness(ordinary, trained_detector.threshold, normals) is None

    strange = batch.parent / "strange"
    strange.mkdir()
    for path in paths:
        photo = cv2.imread(str(path))
        cv2.imwrite(str(strange / path.name), cv2.rotate(255 - photo, cv2.ROTATE_90_CLOCKWISE))
    unlike = [r.score for r in trained_detector.score_images(sorted(strange.glob("*.png")))]
    warning = check_training_likeness(unlike, trained_detector.threshold, normals)
    assert warning is not None and warning.flagged >= len(unlike) // 2


def test_files_are_written_with_the_users_umask(tmp_path):
    previous = os.umask(0o022)
    try:
        target = tmp_path / "report.pdf"
        atomic_write_bytes(target, b"%PDF-")
        assert stat.S_IMODE(target.stat().st_mode) == 0o644  # colleagues can read it, as the umask allows
        os.umask(0o077)
        private = tmp_path / "private.pdf"
        atomic_write_bytes(private, b"%PDF-")
        assert stat.S_IMODE(private.stat().st_mode) == 0o600  # a private umask is respected too
        assert new_file_mode() == 0o600
    finally:
        os.umask(previous)


def test_model_files_are_written_with_the_users_umask(trained_detector, tmp_path):
    from core.scoring.detector import Detector

    previous = os.umask(0o022)
    try:
        copy = Detector(trained_detector.config, trained_detector.flow, trained_detector.extractor,
                        trained_detector.threshold, trained_detector.pixel_threshold, dict(trained_detector.meta),
                        patch_memory=trained_detector.patch_memory)
        path = copy.save(tmp_path / "shared" / "brake-unit.csa")
        assert stat.S_IMODE(path.stat().st_mode) == 0o644
    finally:
        os.umask(previous)


def test_report_names_unit_site_date_and_has_a_sign_off_block(scored_batch, tmp_path):
    from pypdf import PdfReader

    from core.report import InspectionDetails, write_report

    batch, _ = scored_batch(n_good=8, n_bad=4)
    details = InspectionDetails(unit_id="Train set 4012 / wagon 3", site="Depot Nord", inspection_date="2024-05-02",
                                signed_off_by="Maria Keller")
    html = write_report(batch, tmp_path / "report.html", inspection=details, include_flagged=True).read_text(encoding="utf-8")
    for text in ("Unit / train set", "Train set 4012 / wagon 3", "Depot Nord", "2024-05-02", "Sign-off",
                 "Maria Keller", "Signature", "Threshold changes", "as taken and with heatmap"):
        assert text in html
    assert "unlike the photos the model was trained on" not in html

    pdf = write_report(batch, tmp_path / "report.pdf", inspection=details)
    text = "\n".join(page.extract_text() for page in PdfReader(str(pdf)).pages)
    for expected in ("Train set 4012 / wagon 3", "Depot Nord", "2024-05-02", "Sign-off", "Maria Keller", "Signature"):
        assert expected in text
    blank = write_report(batch, tmp_path / "blank.html").read_text(encoding="utf-8")
    assert "not given" in blank  # no details: blanks a person fills in, never invented ones


def test_report_banner_for_a_batch_unlike_the_training_photos(scored_batch, tmp_path):
    from core.report import write_report

    batch, _ = scored_batch(n_good=8, n_bad=4, threshold=0.5)  # every photo far above the threshold
    html = write_report(batch, tmp_path / "report.html").read_text(encoding="utf-8")
    assert 'class="banner unlike"' in html and "unlike the photos the model was trained on" in html


def test_report_pictures_show_the_photo_as_taken_beside_its_overlay(scored_batch):
    from core.report.pictures import PAIR_GAP, entry_picture
    from core.review import ReviewLog

    batch, _ = scored_batch(n_good=2, n_bad=2)
    with ReviewLog.open(batch, read_only=True) as log:
        record = next(r for r in log.images() if r.heatmap_path is not None)
        picture = entry_picture(record, log.batch_info())
    from PIL import Image
    import io

    pair = np.asarray(Image.open(io.BytesIO(picture.jpeg)).convert("RGB")).astype(int)
    photo = np.asarray(Image.open(record.path).convert("RGB")).astype(int)
    half = (picture.width - PAIR_GAP) // 2
    assert half == photo.shape[1]
    left, right = pair[:, :half], pair[:, half + PAIR_GAP:]
    assert np.abs(left - photo).mean() < 4  # the plain photo, only JPEG noise
    assert np.abs(right - photo).mean() > 8  # the overlay changes the colours
