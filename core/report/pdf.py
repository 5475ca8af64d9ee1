"""PDF report (reportlab platypus, A4): overview first, then one entry per confirmed/unsure photo."""
from __future__ import annotations

import io
import re
from functools import lru_cache
from pathlib import Path
from typing import BinaryIO, Callable, Sequence
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas as pdf_canvas
from reportlab.platypus import (
    Image,
    KeepTogether,
    LongTable,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from core.photos.batch_folder import folder_of
from core.report.content import (
    ReportData,
    FOLDER_COLUMNS,
    columns,
    decision_label,
    audit_message,
    changed_message,
    changed_reason_text,
    threshold_change_rows,
    format_score,
    format_time,
    operating_point_rows,
    overview_rows,
    score_text,
    sign_off_rows,
    SIGN_OFF_TEXT,
    summary_rows,
    unfinished_message,
)
from core.report.pictures import Picture
from core.i18n import current_language, translate
from core.review import ImageRecord

MARGIN = 18 * mm
PICTURE_MAX_HEIGHT = 84 * mm  # two entries and a section title fit on a page
ACCENT = colors.HexColor("#1f4e79")
WARNING = colors.HexColor("#b00020")
GRID = colors.HexColor("#b0b7c3")
STRIPE = colors.HexColor("#f2f4f7")

# Fonts with wide character coverage, so reviewer names and notes in any European language print correctly;
# reportlab's built-in Helvetica only covers Latin-1.
_FONT_CANDIDATES = (
    ("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf", "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"),
    ("C:/Windows/Fonts/arial.ttf", "C:/Windows/Fonts/arialbd.ttf"),
    ("/System/Library/Fonts/Supplemental/Arial.ttf", "/System/Library/Fonts/Supplemental/Arial Bold.ttf"),
    ("/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf",
     "/usr/share/fonts/truetype/liberation/LiberationSans-Bold.ttf"),
)


# Adobe's Simplified Chinese CID font: reportlab carries its metrics and PDF readers carry the glyphs, so a
# Chinese report needs no font file from this machine (it also covers Latin letters and digits).
CJK_FONT = "STSong-Light"


@lru_cache(maxsize=4)
def report_fonts(language: str = "en") -> tuple[str, str]:
    """(regular, bold) font names for a report in ``language``."""
    if language == "zh_CN":
        pdfmetrics.registerFont(UnicodeCIDFont(CJK_FONT))
        return CJK_FONT, CJK_FONT
    for regular, bold in _FONT_CANDIDATES:
        if Path(regular).is_file() and Path(bold).is_file():
            try:
                pdfmetrics.registerFont(TTFont("ReportSans", regular))
                pdfmetrics.registerFont(TTFont("ReportSans-Bold", bold))
                return "ReportSans", "ReportSans-Bold"
            except Exception:  # a damaged font file: fall back to the built-in one
                continue
    return "Helvetica", "Helvetica-Bold"


def _styles() -> dict[str, ParagraphStyle]:
    language = current_language()
    regular, bold = report_fonts(language)
    base = getSampleStyleSheet()
    styles = {
        "title": ParagraphStyle("title", parent=base["Title"], fontName=bold, fontSize=18, leading=22,
                                textColor=ACCENT, spaceAfter=4 * mm),
        "h2": ParagraphStyle("h2", parent=base["Heading2"], fontName=bold, fontSize=13, leading=16,
                             textColor=ACCENT, spaceBefore=5 * mm, spaceAfter=2 * mm, keepWithNext=1),
        "h3": ParagraphStyle("h3", parent=base["Heading3"], fontName=bold, fontSize=10.5, leading=13,
                             spaceBefore=3 * mm, spaceAfter=1.5 * mm, keepWithNext=1),
        "body": ParagraphStyle("body", parent=base["BodyText"], fontName=regular, fontSize=9, leading=11.5),
        "legend": ParagraphStyle("legend", parent=base["BodyText"], fontName=regular, fontSize=8.5, leading=11,
                                 textColor=colors.HexColor("#555555"), keepWithNext=1),
        "cell": ParagraphStyle("cell", parent=base["BodyText"], fontName=regular, fontSize=8.5, leading=10.5),
        "cellbold": ParagraphStyle("cellbold", parent=base["BodyText"], fontName=bold, fontSize=8.5, leading=10.5),
        "warning": ParagraphStyle("warning", parent=base["BodyText"], fontName=bold, fontSize=11, leading=14,
                                  textColor=colors.white, alignment=TA_CENTER),
        "remark": ParagraphStyle("remark", parent=base["BodyText"], fontName=regular, fontSize=8.5, leading=10.5,
                                 textColor=WARNING),
    }
    if language == "zh_CN":  # Chinese has no spaces between words: a line may break between any two characters
        for style in styles.values():
            style.wordWrap = "CJK"
    return styles


# Chinese, Japanese and Korean characters and their punctuation, which the Latin fonts above lack.
_CJK_RUN = re.compile(r"[\u2e80-\u9fff\uf900-\ufaff\ufe30-\ufe4f\uff00-\uffef]+")


def _has_cjk(text: str) -> bool:
    return _CJK_RUN.search(text) is not None


def _text(value: object) -> str:
    """Paragraphs parse a little markup, so every piece of data is escaped. In a report set in a Latin font, a
    Chinese name or note is printed in the CJK font instead of as empty boxes."""
    text = escape("" if value is None else str(value))
    if current_language() == "zh_CN" or not _has_cjk(text):
        return text
    report_fonts("zh_CN")  # registers the CJK font
    return _CJK_RUN.sub(lambda run: f'<font name="{CJK_FONT}">{run.group(0)}</font>', text)


def _numbered_canvas(header_left: str, header_right: str) -> type:
    """A canvas that waits until the end to draw the headers, so it can print "page N of M"."""
    regular, _bold = report_fonts(current_language())
    page_text = translate("Report", "page {number} of {total}")
    header_font = report_fonts("zh_CN")[0] if _has_cjk(header_left + header_right) else regular

    class NumberedCanvas(pdf_canvas.Canvas):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self._pages: list[dict] = []

        def showPage(self):  # noqa: N802 - reportlab's name
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self):
            total = len(self._pages)
            for number, state in enumerate(self._pages, start=1):
                self.__dict__.update(state)
                self._decorate(number, total)
                super().showPage()
            super().save()

        def _decorate(self, number: int, total: int) -> None:
            width, height = A4
            self.saveState()
            self.setFont(header_font, 8)
            self.setFillColor(colors.HexColor("#555555"))
            self.drawString(MARGIN, height - 11 * mm, header_left[:110])
            self.drawRightString(width - MARGIN, height - 11 * mm, header_right)
            self.setStrokeColor(GRID)
            self.setLineWidth(0.5)
            self.line(MARGIN, height - 12.5 * mm, width - MARGIN, height - 12.5 * mm)
            self.drawCentredString(width / 2, 9 * mm, page_text.format(number=number, total=total))
            self.restoreState()

    return NumberedCanvas


def _counted(heading: str, count: int, styles: dict) -> Paragraph:
    """A section title with the number of entries below it, e.g. "Unreadable files (2)"."""
    return Paragraph(f"{_text(heading)} ({count})", styles["h2"])


def _key_value_table(rows: Sequence[tuple[str, str]], styles: dict, width: float) -> Table:
    data = [[Paragraph(_text(k), styles["cellbold"]), Paragraph(_text(v), styles["cell"])] for k, v in rows]
    table = Table(data, colWidths=[0.32 * width, 0.68 * width], hAlign="LEFT")
    table.setStyle(TableStyle([
        ("GRID", (0, 0), (-1, -1), 0.4, GRID),
        ("ROWBACKGROUNDS", (0, 0), (-1, -1), [colors.white, STRIPE]),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("TOPPADDING", (0, 0), (-1, -1), 2.5),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2.5),
    ]))
    return table


def _list_table(header: Sequence[str], rows: Sequence[Sequence[str]], widths: Sequence[float], styles: dict) -> LongTable:
    data = [[Paragraph(_text(h), styles["cellbold"]) for h in header]]
    data += [[Paragraph(_text(cell), styles["cell"]) for cell in row] for row in rows]
    table = LongTable(data, colWidths=list(widths), repeatRows=1, hAlign="LEFT")
    table.setStyle(TableStyle([
        ("GRID", (0, 0), (-1, -1), 0.4, GRID),
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#dde3ec")),
        ("ROWBACKGROUNDS", (0, 1), (-1, -1), [colors.white, STRIPE]),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("TOPPADDING", (0, 0), (-1, -1), 2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
    ]))
    return table


def _banner(text: str, styles: dict, width: float, colour=WARNING) -> Table:
    table = Table([[Paragraph(_text(text), styles["warning"])]], colWidths=[width])
    table.setStyle(TableStyle([
        ("BACKGROUND", (0, 0), (-1, -1), colour),
        ("TOPPADDING", (0, 0), (-1, -1), 7),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 7),
    ]))
    return table


def _details_table(record: ImageRecord, score: str, styles: dict, width: float) -> Table:
    """Score, decision, reviewer, time and note of an entry in three compact rows."""
    def label(text):
        return Paragraph(_text(text), styles["cellbold"])

    def value(text):
        return Paragraph(_text(text), styles["cell"])

    data = [
        [label(translate("Report", "Score")), value(score), label(translate("Report", "Decision")),
         value(decision_label(record.decision))],
        [label(translate("Report", "Reviewer")), value(record.reviewer or ""), label(translate("Report", "Time")),
         value(format_time(record.decided_at))],
        [label(translate("Report", "Note")), value(record.note or ""), "", ""],
    ]
    table = Table(data, colWidths=[0.13 * width, 0.37 * width, 0.13 * width, 0.37 * width], hAlign="LEFT")
    table.setStyle(TableStyle([
        ("GRID", (0, 0), (-1, -1), 0.4, GRID),
        ("SPAN", (1, 2), (3, 2)),
        ("BACKGROUND", (0, 0), (0, -1), STRIPE),
        ("BACKGROUND", (2, 0), (2, 1), STRIPE),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("TOPPADDING", (0, 0), (-1, -1), 2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
    ]))
    return table


def _entry(record: ImageRecord, picture: Picture, data: ReportData, styles: dict, width: float) -> list:
    parts: list = [Paragraph(_text(record.rel_path), styles["h3"])]
    if picture.jpeg and picture.crop_jpeg:
        # the photo with its heatmap, and beside it the hottest spot at full resolution
        crop_width = width * 0.27
        main_width = width - crop_width - 4 * mm
        scale = min(main_width / picture.width, PICTURE_MAX_HEIGHT / picture.height)
        photo = Image(io.BytesIO(picture.jpeg), width=picture.width * scale, height=picture.height * scale)
        crop = Image(io.BytesIO(picture.crop_jpeg), width=crop_width, height=crop_width)
        row = Table([[photo, [crop, Paragraph(_text(translate("Report", "hottest spot, full resolution")), styles["legend"])]]],
                    colWidths=[main_width + 4 * mm, crop_width], hAlign="LEFT")
        row.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (-1, -1), 0),
                                 ("RIGHTPADDING", (0, 0), (-1, -1), 0)]))
        parts.append(row)
    elif picture.jpeg:
        scale = min(width / picture.width, PICTURE_MAX_HEIGHT / picture.height)
        parts.append(Image(io.BytesIO(picture.jpeg), width=picture.width * scale, height=picture.height * scale,
                           hAlign="LEFT"))
    if picture.remark:
        parts.append(Paragraph(_text(picture.remark), styles["remark"]))
    score = score_text(data, record)
    parts += [Spacer(1, 1.5 * mm), _details_table(record, score, styles, width), Spacer(1, 4 * mm)]
    return parts


def _sign_off(data: ReportData, styles: dict, width: float) -> list:
    """Name, date and signature with room to sign by hand; kept together on one page."""
    rows = [[Paragraph(_text(label), styles["cellbold"]), Paragraph(_text(value), styles["cell"])]
            for label, value in sign_off_rows(data)]
    table = Table(rows, colWidths=[0.25 * width, 0.75 * width], rowHeights=[9 * mm, 9 * mm, 18 * mm], hAlign="LEFT")
    table.setStyle(TableStyle([
        ("GRID", (0, 0), (-1, -1), 0.6, colors.HexColor("#555555")),
        ("BACKGROUND", (0, 0), (0, -1), STRIPE),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
    ]))
    return [KeepTogether([Paragraph(_text(translate("Report", "Sign-off")), styles["h2"]),
                          Paragraph(_text(translate("Report", SIGN_OFF_TEXT)), styles["body"]),
                          Spacer(1, 2 * mm), table])]


def write_pdf(data: ReportData, stream: BinaryIO, picture_of: Callable[[ImageRecord], Picture]) -> None:
    styles = _styles()
    width = A4[0] - 2 * MARGIN
    title_text = translate("Report", data.title)
    story: list = [Paragraph(_text(title_text), styles["title"])]
    warning = unfinished_message(data)
    if warning:
        story += [_banner(warning, styles, width), Spacer(1, 3 * mm)]
    if data.unlike_training:
        story += [_banner(data.unlike_training, styles, width, colour=colors.HexColor("#6a1b9a")), Spacer(1, 3 * mm)]
    changed = changed_message(data)
    if changed:
        story += [_banner(changed, styles, width, colour=colors.HexColor("#8a5a00")), Spacer(1, 3 * mm)]
    story += [_key_value_table(overview_rows(data), styles, width),
              Paragraph(_text(translate("Report", "Summary")), styles["h2"]), _key_value_table(summary_rows(data), styles, width),
              Paragraph(_text(audit_message(data)), styles["body"])]
    if data.has_folders:
        story.append(Paragraph(_text(translate("Report", "Per folder")), styles["h2"]))
        counts = len(FOLDER_COLUMNS) - 1  # narrow count columns, headers on one line where they fit
        story.append(_list_table(columns(FOLDER_COLUMNS), data.folder_rows(),
                                 [0.25 * width] + [0.75 * width / counts] * counts, styles))
    story += [Paragraph(_text(translate("Report", "Operating point")), styles["h2"]), _key_value_table(
        operating_point_rows(data), styles, width)]

    for heading, records in data.pictured_sections():
        title = Paragraph(f"{_text(heading)} ({len(records)})", styles["h2"])
        if not records:
            story += [title, Paragraph(_text(translate("Report", "None.")), styles["body"])]
            continue
        legend = Paragraph(_text(translate("Report", "Left: the photo as taken; right: with the heatmap. Heatmap colours: blue = "
                                             "like the defect-free training photos, yellow to red = unusual. Green "
                                             "outline: region above the model's pixel threshold.")), styles["legend"])
        folder = None
        for number, record in enumerate(records):
            parts = _entry(record, picture_of(record), data, styles, width)
            if data.has_folders and folder_of(record.rel_path) != folder:
                folder = folder_of(record.rel_path)
                parts = [Paragraph(_text(translate("Report", "Folder {name}").format(
                    name=folder or translate("Report", "(batch folder)"))), styles["h3"]), *parts]
            # The section title never stays behind alone at the bottom of a page.
            story.append(KeepTogether([title, legend, *parts] if number == 0 else parts))

    story.append(_counted(translate("Report", "Flagged, not yet reviewed"), len(data.unreviewed), styles))
    if data.unreviewed:
        story.append(_list_table([translate("Report", "Photo"), translate("Report", "Score")], [(r.rel_path,
            format_score(r.score)) for r in data.unreviewed],
                                 [0.8 * width, 0.2 * width], styles))
    else:
        story.append(Paragraph(_text(translate("Report", "None: every flagged photo has been reviewed.")), styles["body"]))
    if data.rejected:
        story.append(_counted(translate("Report", "Rejected false alarms"), len(data.rejected), styles))
        story.append(_list_table([translate("Report", "Photo"), translate("Report", "Score"), translate("Report",
            "Reviewer"), translate("Report", "Note")],
                                 [(r.rel_path, format_score(r.score), r.reviewer or "", r.note) for r in data.rejected],
                                 [0.4 * width, 0.12 * width, 0.18 * width, 0.3 * width], styles))
    story.append(_counted(translate("Report", "Unreadable files"), len(data.unreadable), styles))
    if data.unreadable:
        story.append(_list_table([translate("Report", "File"), translate("Report", "Reason")], [(r.rel_path,
            r.error or "") for r in data.unreadable],
                                 [0.5 * width, 0.5 * width], styles))
    else:
        story.append(Paragraph(_text(translate("Report", "None.")), styles["body"]))
    if data.changed:
        story.append(_counted(translate("Report", "Changed after scoring"), len(data.changed), styles))
        story.append(_list_table([translate("Report", "File"), translate("Report", "What happened")],
                                 [(r.rel_path, changed_reason_text(r.changed_reason)) for r in data.changed],
                                 [0.5 * width, 0.5 * width], styles))
    if data.not_scored:
        story.append(_counted(translate("Report", "Not scored yet"), len(data.not_scored), styles))
        story.append(_list_table([translate("Report", "File")], [(rel,) for rel in data.not_scored], [width], styles))
    if data.renamed:
        story.append(_counted(translate("Report", "Renamed since scoring"), len(data.renamed), styles))
        story.append(_list_table([translate("Report", "Was"), translate("Report", "Is now")], data.renamed,
            [0.5 * width, 0.5 * width], styles))
    story.append(_counted(translate("Report", "Threshold changes"), len(data.threshold_changes), styles))
    if data.threshold_changes:
        story.append(_list_table([translate("Report", "When"), translate("Report", "Who"), translate("Report",
            "Threshold"), translate("Report", "Flagged photos")], threshold_change_rows(data),
                                 [0.3 * width, 0.25 * width, 0.25 * width, 0.2 * width], styles))
    else:
        story.append(Paragraph(_text(translate("Report", "None: the model's threshold was used.")), styles["body"]))

    story += _sign_off(data, styles, width)

    doc = SimpleDocTemplate(stream, pagesize=A4, leftMargin=MARGIN, rightMargin=MARGIN, topMargin=MARGIN,
                            bottomMargin=MARGIN, title=title_text, author="CSA Inspector",
                            subject=translate("Report", "Batch {path}").format(path=data.batch.batch_dir))
    header_left = f"{title_text} \u2013 {data.batch_name}"
    header_right = translate("Report", "created {time}").format(time=format_time(data.generated_at))
    doc.build(story, canvasmaker=_numbered_canvas(header_left, header_right))
