"""Self-contained HTML report: one file, pictures embedded as base64 JPEG, no scripts, no external links."""
from __future__ import annotations

import base64
from html import escape
from typing import Callable, Sequence, TextIO

from core.photos.batch_folder import folder_of
from core.report.content import (
    ReportData,
    FOLDER_COLUMNS,
    audit_message,
    changed_message,
    changed_reason_text,
    columns,
    decision_label,
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

_CSS = """
body { font-family: "Segoe UI", "DejaVu Sans", Arial, "Microsoft YaHei", "Noto Sans CJK SC",
       "PingFang SC", sans-serif; color: #222; margin: 2em auto;
       max-width: 960px; padding: 0 1em; line-height: 1.4; }
h1 { color: #1f4e79; margin-bottom: .2em; }
h2 { color: #1f4e79; border-bottom: 1px solid #b0b7c3; padding-bottom: .2em; margin-top: 1.8em; }
h3 { margin: 1.2em 0 .4em; font-size: 1.05em; word-break: break-all; }
table { border-collapse: collapse; margin: .4em 0; width: 100%; }
th, td { border: 1px solid #b0b7c3; padding: .25em .5em; text-align: left; vertical-align: top; }
th { background: #dde3ec; }
table.kv th { width: 30%; background: #f2f4f7; }
tr:nth-child(even) td { background: #f8f9fb; }
.banner { background: #b00020; color: #fff; font-weight: bold; padding: .8em 1em; margin: 1em 0;
          text-align: center; font-size: 1.1em; }
.banner.changed { background: #8a5a00; }
.banner.unlike { background: #6a1b9a; }
table.signoff th { width: 25%; background: #f2f4f7; }
table.signoff td { height: 2.2em; }
table.signoff tr.signature td { height: 4.5em; }
.entry { border: 1px solid #d5dae2; padding: .6em 1em 1em; margin: 1em 0; page-break-inside: avoid; }
.entry img { max-width: 100%; height: auto; display: block; }
.pictures { display: flex; gap: 1em; align-items: flex-start; }
.pictures > img { min-width: 0; flex: 3 1 0; }
.crop { margin: 0; flex: 1 1 0; }
.crop figcaption { color: #555; font-size: .85em; }
.remark { color: #b00020; }
.meta { color: #555; font-size: .9em; }
"""


def _e(value: object) -> str:
    return escape("" if value is None else str(value), quote=True)


def _key_value(rows: Sequence[tuple[str, str]]) -> str:
    body = "".join(f"<tr><th>{_e(k)}</th><td>{_e(v)}</td></tr>" for k, v in rows)
    return f'<table class="kv">{body}</table>'


def _list(header: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    head = "".join(f"<th>{_e(h)}</th>" for h in header)
    body = "".join("<tr>" + "".join(f"<td>{_e(c)}</td>" for c in row) + "</tr>" for row in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _paragraph(text: str) -> str:
    return f"<p>{_e(text)}</p>"


def _h2(heading: str, count: int | None = None) -> str:
    """A section title, with the number of entries below it when given."""
    return f"<h2>{_e(heading)}{'' if count is None else f' ({count})'}</h2>\n"


def _entry(record: ImageRecord, picture: Picture, data: ReportData) -> str:
    parts = [f'<div class="entry"><h3>{_e(record.rel_path)}</h3>']
    if picture.jpeg:
        encoded = base64.b64encode(picture.jpeg).decode("ascii")
        parts.append('<div class="pictures">')
        parts.append(f'<img src="data:image/jpeg;base64,{encoded}" width="{picture.width}" '
                     f'height="{picture.height}" alt="{_e(record.rel_path)}: as taken and with heatmap">')
        if picture.crop_jpeg:
            crop = base64.b64encode(picture.crop_jpeg).decode("ascii")
            caption = translate("Report", "hottest spot, full resolution")
            parts.append(f'<figure class="crop"><img src="data:image/jpeg;base64,{crop}" width="{picture.crop_side}" '
                         f'height="{picture.crop_side}" alt="{_e(record.rel_path)}">'
                         f'<figcaption>{_e(caption)}</figcaption></figure>')
        parts.append('</div>')
    if picture.remark:
        parts.append(f'<p class="remark">{_e(picture.remark)}</p>')
    score = score_text(data, record)
    parts.append(_key_value([
        (translate("Report", "Score"), score),
        (translate("Report", "Decision"), decision_label(record.decision)),
        (translate("Report", "Reviewer"), record.reviewer or ""),
        (translate("Report", "Time"), format_time(record.decided_at)),
        (translate("Report", "Note"), record.note or ""),
    ]))
    parts.append("</div>")
    return "".join(parts)


def write_html(data: ReportData, stream: TextIO, picture_of: Callable[[ImageRecord], Picture]) -> None:
    out = stream.write
    title = translate("Report", data.title)
    none = translate("Report", "None.")
    lang = "zh-CN" if current_language() == "zh_CN" else "en"
    out(f'<!DOCTYPE html>\n<html lang="{lang}"><head><meta charset="utf-8">'
        f'<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{_e(title)} - {_e(data.batch_name)}</title><style>{_CSS}</style></head><body>\n")
    out(f"<h1>{_e(title)}</h1>\n")
    meta = translate("Report", "Batch {path} - created {time}").format(path=data.batch.batch_dir, time=format_time(
        data.generated_at))
    out(f'<p class="meta">{_e(meta)}</p>\n')
    warning = unfinished_message(data)
    if warning:
        out(f'<div class="banner">{_e(warning)}</div>\n')
    if data.unlike_training:
        out(f'<div class="banner unlike">{_e(data.unlike_training)}</div>\n')
    changed = changed_message(data)
    if changed:
        out(f'<div class="banner changed">{_e(changed)}</div>\n')
    out(_key_value(overview_rows(data)) + "\n")
    out(_h2(translate("Report", "Summary")) + _key_value(summary_rows(data)) + "\n")
    out(f'<p class="audit">{_e(audit_message(data))}</p>\n')
    if data.has_folders:
        out(_h2(translate("Report", "Per folder")) + _list(columns(FOLDER_COLUMNS), data.folder_rows()) + "\n")
    out(_h2(translate("Report", "Operating point")) + _key_value(operating_point_rows(data)) + "\n")

    for heading, records in data.pictured_sections():
        out(_h2(heading, len(records)))
        if not records:
            out(f"<p>{_e(none)}</p>\n")
            continue
        legend = translate("Report", "Left: the photo as taken; right: with the heatmap. Heatmap colours: blue = like the "
                                      "defect-free training photos, yellow to red = unusual. Green outline: region "
                                      "above the model's pixel threshold.")
        out(f'<p class="meta">{_e(legend)}</p>\n')
        folder = None
        for record in records:
            if data.has_folders and folder_of(record.rel_path) != folder:
                folder = folder_of(record.rel_path)
                name = folder or translate("Report", "(batch folder)")
                folder_title = translate("Report", "Folder {name}")
                out(f"<h3>{_e(folder_title.format(name=name))}</h3>\n")
            out(_entry(record, picture_of(record), data) + "\n")

    photo, score, file = translate("Report", "Photo"), translate("Report", "Score"), translate("Report", "File")
    out(_h2(translate("Report", "Flagged, not yet reviewed"), len(data.unreviewed)))
    out(_list([photo, score], [(r.rel_path, format_score(r.score)) for r in data.unreviewed])
        if data.unreviewed else _paragraph(translate("Report", "None: every flagged photo has been reviewed.")))
    if data.rejected:
        out("\n" + _h2(translate("Report", "Rejected false alarms"), len(data.rejected)))
        out(_list([photo, score, translate("Report", "Reviewer"), translate("Report", "Note")],
                  [(r.rel_path, format_score(r.score), r.reviewer or "", r.note) for r in data.rejected]))
    out("\n" + _h2(translate("Report", "Unreadable files"), len(data.unreadable)))
    out(_list([file, translate("Report", "Reason")], [(r.rel_path, r.error or "") for r in data.unreadable])
        if data.unreadable else f"<p>{_e(none)}</p>")
    if data.changed:
        out("\n" + _h2(translate("Report", "Changed after scoring"), len(data.changed)))
        out(_list([file, translate("Report", "What happened")],
                  [(r.rel_path, changed_reason_text(r.changed_reason)) for r in data.changed]))
    if data.not_scored:
        out("\n" + _h2(translate("Report", "Not scored yet"), len(data.not_scored))
            + _list([file], [(rel,) for rel in data.not_scored]))
    if data.renamed:
        out("\n" + _h2(translate("Report", "Renamed since scoring"), len(data.renamed))
            + _list([translate("Report", "Was"), translate("Report", "Is now")], data.renamed))
    out("\n" + _h2(translate("Report", "Threshold changes"), len(data.threshold_changes)))
    out(_list([translate("Report", "When"), translate("Report", "Who"), translate("Report", "Threshold"), translate(
        "Report", "Flagged photos")], threshold_change_rows(data))
        if data.threshold_changes else _paragraph(translate("Report", "None: the model's threshold was used.")))
    out("\n" + _h2(translate("Report", "Sign-off")) + f"<p>{_e(translate('Report', SIGN_OFF_TEXT))}</p>\n")
    rows = "".join(f'<tr class="{css}"><th>{_e(label)}</th><td>{_e(value)}</td></tr>'
                   for css, (label, value) in zip(("name", "date", "signature"), sign_off_rows(data)))
    out(f'<table class="signoff">{rows}</table>')
    out("\n</body></html>\n")
