"""Reports in Simplified Chinese: the words come from the inspector's own .ts, the glyphs from a font every PDF
reader has, and what machines read (CSV, JSON) stays English."""
from __future__ import annotations

import csv
import json
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from pypdf import PdfReader

from core.report import write_report
from core.i18n import normalize_language, read_catalog, report_language, translate
from repo_paths import ARTIFACTS
from report_batches import build_batch, pdf_text

pytestmark = pytest.mark.usefixtures("private_data_dir")  # logs of read-only batches stay in the test's folder


@pytest.fixture(scope="module")
def batch_template(tmp_path_factory) -> Path:
    decisions = {
        0: ("confirmed", "王伟", "制动盘上有螺栓"),
        5: ("confirmed", "Anna Nowak", "rag in the caliper"),
        10: ("rejected", "李娜", "反光"),
        15: ("unsure", "李娜", ""),
    }
    return build_batch(tmp_path_factory.mktemp("zh") / "batch", 16, decisions, size=(240, 320))


@pytest.fixture
def batch(batch_template, tmp_path) -> Path:
    return Path(shutil.copytree(batch_template, tmp_path / "批次 2024-05-02"))


def test_language_names_are_normalized():
    assert normalize_language("zh_CN.UTF-8") == "zh_CN"
    assert normalize_language("zh-CN") == "zh_CN"
    assert normalize_language("en_US.UTF-8") == "en"
    assert normalize_language(None) == "en"


def test_translate_follows_the_report_language_and_falls_back_to_english():
    assert translate("Report", "Summary") == "Summary"
    with report_language("zh_CN"):
        assert translate("Report", "Summary") == "概要"
        assert translate("Report", "a text nobody translated") == "a text nobody translated"
    assert translate("Report", "Summary") == "Summary"  # the block ended


def test_catalog_skips_unfinished_translations(tmp_path, monkeypatch):
    ts = tmp_path / "i18n" / "csa_inspector_zh_CN.ts"
    ts.parent.mkdir()
    ts.write_text('<?xml version="1.0" encoding="utf-8"?><TS version="2.1" language="zh_CN"><context><name>Report</name>'
                  '<message><source>Summary</source><translation type="unfinished">草稿</translation></message>'
                  '<message><source>Date</source><translation>日期</translation></message></context></TS>',
                  encoding="utf-8")
    monkeypatch.setattr("core.i18n.translation_source", lambda language: ts)
    assert read_catalog("zh_CN") == {("Report", "Date"): "日期"}


def test_chinese_pdf_has_chinese_text_and_renders(batch, tmp_path):
    out = write_report(batch, tmp_path / "报告.pdf", include_flagged=True, language="zh_CN")
    text = pdf_text(out)
    assert "异物" in text  # the title and the confirmed section
    assert "概要" in text and "签核" in text
    assert "王伟" in text and "反光" in text  # the reviewer's own words print too
    assert "Summary" not in text and "Sign-off" not in text
    fonts = {str(font.get("/BaseFont")) for page in PdfReader(str(out)).pages
             for font in page["/Resources"]["/Font"].values()}
    assert any("STSong-Light" in name for name in fonts), fonts

    if shutil.which("pdftoppm") is None:
        pytest.skip("poppler-utils (pdftoppm) is not installed: the text was checked, the rendering was not")
    pages = tmp_path / "pages"
    pages.mkdir()
    subprocess.run(["pdftoppm", "-r", "60", "-png", str(out), str(pages / "page")], check=True,
                   capture_output=True, timeout=120)
    rendered = sorted(pages.glob("page*.png"))
    assert len(rendered) == len(PdfReader(str(out)).pages)
    first = np.asarray(Image.open(rendered[0]).convert("L"))
    assert (first < 128).mean() > 0.005  # text and tables were drawn, not an empty page
    ARTIFACTS.mkdir(exist_ok=True)
    shutil.copy(rendered[0], ARTIFACTS / "report-zh_CN-page1.png")


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils (pdftotext) is not installed")
def test_chinese_text_survives_pdftotext(batch, tmp_path):
    out = write_report(batch, tmp_path / "report.pdf", language="zh_CN")
    result = subprocess.run(["pdftotext", "-enc", "UTF-8", str(out), "-"], capture_output=True, text=True,
                            timeout=120, check=True)
    assert "异物检查报告" in result.stdout


def test_english_pdf_is_unchanged_by_default(batch, tmp_path):
    text = pdf_text(write_report(batch, tmp_path / "report.pdf"))
    assert "Foreign-body inspection report" in text and "Summary" in text
    assert "异物检查报告" not in text
    assert "王伟" in text  # a Chinese name in an English report prints in the CJK font, not as boxes


def test_chinese_html_report(batch, tmp_path):
    out = write_report(batch, tmp_path / "report.html", language="zh_CN")
    html = out.read_text(encoding="utf-8")
    assert '<html lang="zh-CN">' in html
    assert "<h1>异物检查报告</h1>" in html and "签核" in html
    assert 'class="signature"' in html  # the signature row keeps its room to sign


def test_csv_and_json_stay_english_whatever_the_language(batch, tmp_path):
    out = write_report(batch, tmp_path / "report.csv", language="zh_CN")
    with out.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert "status" in rows[0]
    assert {row["status"] for row in rows} >= {"confirmed", "rejected", "unsure"}
    data = json.loads(write_report(batch, tmp_path / "report.json", language="zh_CN").read_text(encoding="utf-8"))
    assert "异物" not in json.dumps(data, ensure_ascii=False).replace("制动盘上有螺栓", "")
