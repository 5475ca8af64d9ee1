"""Reports in every format from a reviewed synthetic batch; atomic, refusing to overwrite, complete."""
from __future__ import annotations

import csv
import json
import re
import shutil
import stat
import subprocess
from pathlib import Path

import pytest
from pypdf import PdfReader

import core.report.tabular as tabular
from core.report import ReportError, ReportExistsError, write_report
from core.report.tabular import CSV_COLUMNS
from core.review import ReviewLog, open_for_batch
from repo_paths import ARTIFACTS
from report_batches import build_batch, pdf_text

pytestmark = pytest.mark.usefixtures("private_data_dir")  # logs of read-only batches stay in the test's folder


@pytest.fixture(scope="module")
def reviewed_template(tmp_path_factory) -> Path:
    decisions = {
        0: ("confirmed", "Anna Nowak", "bolt lying on the brake pad <remove>"),
        5: ("confirmed", "Anna Nowak", "rag & wire in the caliper"),
        10: ("rejected", "Ben Okafor", "reflection"),
        15: ("unsure", "Ben Okafor", "check on site"),
    }
    return build_batch(tmp_path_factory.mktemp("template") / "batch", 24, decisions, size=(480, 640))


@pytest.fixture
def reviewed_batch(reviewed_template, tmp_path) -> Path:
    """A fresh copy per test: the log inside the batch folder moves with it."""
    return Path(shutil.copytree(reviewed_template, tmp_path / "batch 2024-05-02"))


def test_pdf_report_has_counts_names_and_page_numbers(reviewed_batch, tmp_path):
    out = write_report(reviewed_batch, tmp_path / "report.pdf")
    reader = PdfReader(str(out))
    text = pdf_text(out)
    pages = len(reader.pages)
    assert pages >= 2
    assert f"page 1 of {pages}" in text and f"page {pages} of {pages}" in text
    assert "batch 2024-05-02" in text
    assert "Review not finished: 1 of 5 flagged photos have not been reviewed yet" in text
    assert re.search(r"Confirmed foreign bodies\s*2", text)
    assert re.search(r"Rejected false alarms\s*1", text)
    assert re.search(r"Unsure\s*1", text)
    assert re.search(r"Flagged, not yet reviewed\s*1", text)
    assert re.search(r"Unreadable files\s*1", text)
    assert "brakes-2024 (csa, tf_efficientnet_lite0, input 384 px)" in text
    for name in ("wagon_000.png", "wagon_005.png", "wagon_015.png", "wagon_020.png", "broken_0.jpg"):
        assert name in text
    assert "bolt lying on the brake pad <remove>" in text and "rag & wire in the caliper" in text
    assert "Anna Nowak" in text and "Ben Okafor" in text
    assert "truncated JPEG file" in text
    images = [image for page in reader.pages for image in page.images]
    assert len(images) == 6  # two confirmed and one unsure entry, each with its hottest spot beside it
    # the photo as taken beside its overlay, each shrunk to half the picture width
    pairs = [image for image in images if image.image.width == 900]
    crops = [image for image in images if image.image.width == image.image.height < 640]
    assert len(pairs) == len(crops) == 3
    assert text.count("hottest spot, full resolution") == 3

    ARTIFACTS.mkdir(exist_ok=True)
    shutil.copy(out, ARTIFACTS / "report-sample.pdf")
    if shutil.which("pdftoppm"):
        subprocess.run(["pdftoppm", "-png", "-r", "60", str(out), str(ARTIFACTS / "report-page")], check=True)


def test_flagged_photos_get_entries_when_asked(reviewed_batch, tmp_path):
    out = write_report(reviewed_batch, tmp_path / "all.pdf", include_flagged=True)
    images = [image for page in PdfReader(str(out)).pages for image in page.images]
    assert len(images) == 10  # confirmed, unsure, the rejected and the unreviewed flagged photo, each with a crop
    assert "Other flagged photos" in pdf_text(out)


def test_finished_review_has_no_warning(tmp_path):
    batch = build_batch(tmp_path / "b", 10, {0: ("confirmed", "anna", ""), 5: ("rejected", "anna", "")}, unreadable=0)
    text = pdf_text(write_report(batch, tmp_path / "done.pdf"))
    assert "not finished" not in text
    assert "None: every flagged photo has been reviewed." in text


def test_html_report_is_self_contained_and_escaped(reviewed_batch, tmp_path):
    out = write_report(reviewed_batch, tmp_path / "report.html", title="Depot <North>")
    html = out.read_text(encoding="utf-8")
    assert html.count('src="data:image/jpeg;base64,') == 6  # three photos and their hottest spots
    assert html.count('<figure class="crop">') == 3
    assert "Depot &lt;North&gt;" in html and "<North>" not in html
    assert "bolt lying on the brake pad &lt;remove&gt;" in html
    assert "rag &amp; wire" in html
    assert "Review not finished" in html
    assert not re.search(r"""(src|href)=["']?(https?:|//|file:)""", html)
    assert "<script" not in html


def test_csv_has_one_row_per_photo_with_every_column(reviewed_batch, tmp_path):
    out = write_report(reviewed_batch, tmp_path / "report.csv")
    with open(out, encoding="utf-8-sig", newline="") as stream:
        rows = list(csv.DictReader(stream))
    assert tuple(rows[0].keys()) == CSV_COLUMNS
    assert len(rows) == 25
    by_file = {row["file"]: row for row in rows}
    assert by_file["wagon_000.png"]["decision"] == "confirmed"
    assert by_file["wagon_000.png"]["reviewer"] == "Anna Nowak"
    assert by_file["wagon_020.png"]["status"] == "not reviewed"
    assert by_file["wagon_001.png"]["status"] == "not flagged"
    assert by_file["broken_0.jpg"]["error"] == "truncated JPEG file" and by_file["broken_0.jpg"]["score"] == ""
    assert float(by_file["wagon_005.png"]["score"]) > 3.0


def test_csv_cells_cannot_become_spreadsheet_formulas(tmp_path):
    batch = build_batch(tmp_path / "b", 5, {0: ("confirmed", "anna", "=HYPERLINK(\"x\")")}, unreadable=0)
    out = write_report(batch, tmp_path / "r.csv")
    with open(out, encoding="utf-8-sig", newline="") as stream:
        note = next(csv.DictReader(stream))["note"]
    assert note == "'=HYPERLINK(\"x\")"


def test_json_report_holds_batch_summary_and_every_image(reviewed_batch, tmp_path):
    out = write_report(reviewed_batch, tmp_path / "report.json")
    document = json.loads(out.read_text(encoding="utf-8"))
    assert document["summary"]["confirmed"] == 2 and document["summary"]["unreviewed"] == 1
    assert document["review"]["finished"] is False
    assert document["review"]["reviewers"] == ["Anna Nowak", "Ben Okafor"]
    assert document["batch"]["model"]["name"] == "brakes-2024"
    assert len(document["images"]) == 25
    assert set(document["images"][0]) == set(CSV_COLUMNS)


def test_existing_report_is_kept_unless_forced(reviewed_batch, tmp_path):
    out = tmp_path / "report.csv"
    out.write_text("keep me")
    with pytest.raises(ReportExistsError, match="already exists") as caught:
        write_report(reviewed_batch, out)
    assert isinstance(caught.value, FileExistsError)
    assert out.read_text() == "keep me"
    write_report(reviewed_batch, out, force=True)
    assert out.read_text(encoding="utf-8-sig").startswith("file,folder,path,status")


def test_unknown_format_is_refused(reviewed_batch, tmp_path):
    with pytest.raises(ReportError, match="format"):
        write_report(reviewed_batch, tmp_path / "report.docx")
    assert write_report(reviewed_batch, tmp_path / "report.txt", fmt="json").is_file()


def test_read_only_folder_gives_a_clear_error_and_no_file(reviewed_batch, tmp_path):
    folder = tmp_path / "readonly"
    folder.mkdir()
    folder.chmod(0o555)
    try:
        with pytest.raises(ReportError, match="read-only"):
            write_report(reviewed_batch, folder / "report.pdf")
        assert list(folder.iterdir()) == []
    finally:
        folder.chmod(stat.S_IRWXU)


def test_failure_mid_write_leaves_no_partial_file(reviewed_batch, tmp_path, monkeypatch):
    out_folder = tmp_path / "out"
    out_folder.mkdir()
    (out_folder / "report.csv").write_text("previous report")

    def fail_halfway(data, stream):
        stream.write("file,path\n" * 1000)
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(tabular, "write_csv", fail_halfway)
    with pytest.raises(ReportError, match="disk is full"):
        write_report(reviewed_batch, out_folder / "new.csv")
    with pytest.raises(ReportError, match="disk is full"):
        write_report(reviewed_batch, out_folder / "report.csv", force=True)
    assert sorted(p.name for p in out_folder.iterdir()) == ["report.csv"]
    assert (out_folder / "report.csv").read_text() == "previous report"


def test_open_log_can_be_reported_while_in_use(reviewed_batch, tmp_path):
    with ReviewLog.open(reviewed_batch) as log:
        log.decide("wagon_020.png", "rejected", "Anna Nowak")
        out = write_report(log, tmp_path / "r.json")
        log_file = log.path
    assert json.loads(out.read_text())["review"]["finished"] is True
    by_file = write_report(log_file, tmp_path / "by-file.csv")  # the log file itself works as well
    assert len(by_file.read_text(encoding="utf-8-sig").splitlines()) == 26


def test_batch_without_log_gives_a_clear_error(tmp_path):
    (tmp_path / "empty").mkdir()
    with pytest.raises(ReportError, match="no review log"):
        write_report(tmp_path / "empty", tmp_path / "r.pdf")
    assert not (tmp_path / "r.pdf").exists()


def test_missing_photo_is_reported_not_fatal(reviewed_batch, tmp_path):
    (reviewed_batch / "wagon_005.png").unlink()
    text = pdf_text(write_report(reviewed_batch, tmp_path / "r.pdf"))
    assert "photo not available: file not found" in text


def test_large_batch_exports_as_pdf(tmp_path):
    decisions = {i: (("confirmed", "unsure")[i % 2], "anna", f"note {i}") for i in range(0, 500, 10)}
    batch = build_batch(tmp_path / "large", 500, decisions, size=(48, 64), defects_every=10, unreadable=3)
    out = write_report(batch, tmp_path / "large.pdf")
    reader = PdfReader(str(out))
    text = "\n".join(page.extract_text() for page in reader.pages)
    assert re.search(r"Photos in the batch folder\s*503", text)
    assert sum(len(page.images) for page in reader.pages) == 2 * 50  # each photo and its hottest spot
    assert f"page {len(reader.pages)} of {len(reader.pages)}" in text


# ------------------------------------------------------------------------------------------- operating point


def test_reports_state_the_operating_point_and_the_catch_rate_from_past_reviews(reviewed_batch, tmp_path):
    with open_for_batch(reviewed_batch) as log:
        log.set_alarm_threshold(6.0, "Anna Nowak")
        scores = {r.rel_path: r.score for r in log.images() if r.score is not None}
    # an earlier batch beside this one, reviewed through "Show all": one foreign body was found below pass
    earlier = build_batch(reviewed_batch.parent / "batch 2024-04-28", 10,
                          {0: ("confirmed", "Anna Nowak", ""), 5: ("confirmed", "Anna Nowak", "")}, unreadable=0)
    with open_for_batch(earlier) as log:
        log.decide("wagon_003.png", "confirmed", "Anna Nowak", "thin wire, found under Show all")
        missed_score = log.image("wagon_003.png").score
    assert missed_score < 3.0
    alarm = sum(s >= 6.0 for s in scores.values())
    review = sum(3.0 <= s < 6.0 for s in scores.values())

    text = " ".join(pdf_text(write_report(reviewed_batch, tmp_path / "r.pdf")).split())
    assert "Operating point" in text
    assert "Pass threshold 3 (below it a photo is treated as normal)" in text
    assert "Alarm threshold 6 (at or above it: very likely a foreign body)" in text
    assert f"Photos a person must see {alarm + review} of 24 scored" in text and f"{alarm} alarm, {review} review band" in text
    # 2 confirmed here + 3 in the earlier batch, one of them below pass
    assert "80 % (4 of 5 confirmed foreign bodies scored at or above pass)" in text
    assert "at least 34 % with 95 % confidence; from 2 review log(s)" in text
    assert "Missed (confirmed below pass) 1: wagon_003.png" in text
    assert re.search(r"Score \S+ \((review|alarm) zone; pass 3, alarm 6\)", text)

    html = write_report(reviewed_batch, tmp_path / "r.html").read_text(encoding="utf-8")
    assert "<h2>Operating point</h2>" in html and "4 of 5 confirmed foreign bodies" in html

    document = json.loads(write_report(reviewed_batch, tmp_path / "r.json").read_text(encoding="utf-8"))
    point = document["operating_point"]
    assert point["pass_threshold"] == 3.0 and point["alarm_threshold"] == 6.0
    assert point["zones"] == {"pass": 24 - alarm - review, "review": review, "alarm": alarm}
    assert point["history"]["confirmed_foreign_bodies"] == 5 and point["history"]["caught"] == 4
    assert 0.34 < point["history"]["catch_rate_lower_bound"] < 0.35
    assert [m["file"] for m in point["history"]["missed"]] == ["wagon_003.png"]

    with open(write_report(reviewed_batch, tmp_path / "r.csv"), encoding="utf-8-sig", newline="") as stream:
        rows = {row["file"]: row for row in csv.DictReader(stream)}
    assert rows["wagon_000.png"]["zone"] in ("review", "alarm") and rows["wagon_001.png"]["zone"] == "pass"
    assert rows["broken_0.jpg"]["zone"] == ""
    assert rows["wagon_001.png"]["pass_threshold"] == "3.0" and rows["wagon_001.png"]["alarm_threshold"] == "6.0"

    # only this batch's own history when asked: nothing else beside it counts
    only = json.loads(write_report(reviewed_batch, tmp_path / "own.json", history_folders=[])
                      .read_text(encoding="utf-8"))["operating_point"]["history"]
    assert only["confirmed_foreign_bodies"] == 2 and only["review_logs"] == 1


def test_report_without_confirmed_foreign_bodies_says_so(tmp_path):
    batch = build_batch(tmp_path / "b", 6, {5: ("rejected", "anna", "")}, unreadable=0)
    text = " ".join(pdf_text(write_report(batch, tmp_path / "r.pdf")).split())
    assert "no confirmed foreign bodies yet" in text
    assert "Alarm threshold not set" in text
