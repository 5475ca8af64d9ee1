"""One batch folder holding every kind of broken file next to good photos, scored and reported end to end.

The loader's tests meet each bad file alone; here they all sit in one batch, so a file that slips past the
loader, or a reason lost on the way, shows up in the tables and reports a reviewer actually gets.
"""
from __future__ import annotations

import csv
import math
import os
from pathlib import Path

import pytest
from pypdf import PdfReader

from bad_inputs import write_bad_files, write_odd_good_files
from core.scoring.batch import score_batch
from core.photos.imageio import list_images
from core.report import write_report
from core.review import ReviewLog
from core.synthetic import SceneConfig, generate_batch


@pytest.mark.slow
def test_every_bad_file_is_listed_with_its_reason_and_every_good_one_scored(trained_detector, tmp_path):
    batch = generate_batch(tmp_path / "batch mixed", n_good=3, n_bad=1, config=SceneConfig(size=128, seed=21),
                           labels_csv=None)
    photos = [p.name for p in sorted(batch.iterdir())]
    good = photos + write_odd_good_files(batch)
    bad = write_bad_files(batch)
    try:
        # a folder scan leaves the dangling links out by design; a caller naming files gets a reason for each
        listed = {p.name for p in list_images(batch)}
        assert listed == set(good) | set(bad) - {"dangling.png", "loop_a.png", "loop_b.png"}
        every_file = sorted(batch / name for name in os.listdir(batch))
        out = tmp_path / "results"
        outcome = score_batch(trained_detector, batch, out_dir=out, paths=every_file)

        by_name = {r.path.name: r for r in outcome.results}
        assert set(by_name) == set(good) | set(bad)
        for name in good:
            assert by_name[name].ok and math.isfinite(by_name[name].score), f"{name}: {by_name[name].error}"
        assert {name: by_name[name].error for name in bad} == bad

        with open(out / "scores.csv", encoding="utf-8", newline="") as stream:
            table = {row["file"]: row for row in csv.DictReader(stream)}
        assert {name: row["error"] for name, row in table.items() if not row["score"]} == bad
        assert all(table[name]["score"] and not table[name]["error"] for name in good)
        assert {p.name for p in (out / "heatmaps").iterdir()} == {f"{Path(name).stem}_heatmap.png" for name in good}

        with ReviewLog.open(batch, read_only=True) as log:
            errors = {record.rel_path: record.error for record in log.images()}
        assert errors == {**{name: None for name in good}, **bad}

        report_csv = write_report(batch, tmp_path / "report.csv")
        with open(report_csv, encoding="utf-8-sig", newline="") as stream:
            rows = {row["file"]: row for row in csv.DictReader(stream)}
        assert {name: row["error"] for name, row in rows.items() if row["error"]} == bad
        assert all(rows[name]["score"] for name in good)

        report_pdf = write_report(batch, tmp_path / "report.pdf")
        text = " ".join(" ".join(page.extract_text() for page in PdfReader(str(report_pdf)).pages).split())
        assert f"Unreadable files ({len(bad)})" in text
        for name, reason in bad.items():
            assert name in text and reason in text, name
    finally:
        for locked in batch.glob("locked.png"):
            locked.chmod(0o644)  # so the temporary folder can be removed
