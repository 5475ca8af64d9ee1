"""Self-contained HTML report: one file, pictures embedded as base64 JPEG, no scripts, no external links."""
from __future__ import annotations

import base64
from html import escape
from typing import Callable, Sequence, TextIO

from core.batch_folder import folder_of
from core.report.content import (
    ReportData,
    FOLDER_COLUMNS,
    audit_message,
    changed_message,
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
from core.reviewlog import ImageRecord
from core.vocabulary import DECISION_LABELS, PhotoStatus

_CSS = """
body { font-family: "Segoe UI", "DejaVu Sans", Arial, sans-serif; color: #222; margin: 2em auto;
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


def _entry(record: ImageRecord, picture: Picture, data: ReportData) -> str:
    parts = [f'<div class="entry"><h3>{_e(record.rel_path)}</h3>']
    if picture.jpeg:
        encoded = base64.b64encode(picture.jpeg).decode("ascii")
        parts.append('<div class="pictures">')
        parts.append(f'<img src="data:image/jpeg;base64,{encoded}" width="{picture.width}" '
                     f'height="{picture.height}" alt="{_e(record.rel_path)}: as taken and with heatmap">')
        if picture.crop_jpeg:
            crop = base64.b64encode(picture.crop_jpeg).decode("ascii")
            parts.append(f'<figure class="crop"><img src="data:image/jpeg;base64,{crop}" width="{picture.crop_side}" '
                         f'height="{picture.crop_side}" alt="hottest spot of {_e(record.rel_path)}">'
                         f'<figcaption>hottest spot, full resolution</figcaption></figure>')
        parts.append('</div>')
    if picture.remark:
        parts.append(f'<p class="remark">{_e(picture.remark)}</p>')
    score = score_text(data, record)
    parts.append(_key_value([
        ("Score", score),
        ("Decision", DECISION_LABELS.get(record.decision or "", PhotoStatus.NOT_REVIEWED)),
        ("Reviewer", record.reviewer or ""),
        ("Time", format_time(record.decided_at)),
        ("Note", record.note or ""),
    ]))
    parts.append("</div>")
    return "".join(parts)


def write_html(data: ReportData, stream: TextIO, picture_of: Callable[[ImageRecord], Picture]) -> None:
    out = stream.write
    out(f'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f'<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{_e(data.title)} - {_e(data.batch_name)}</title><style>{_CSS}</style></head><body>\n")
    out(f"<h1>{_e(data.title)}</h1>\n")
    out(f'<p class="meta">Batch {_e(data.batch.batch_dir)} - created {_e(format_time(data.generated_at))}</p>\n')
    warning = unfinished_message(data)
    if warning:
        out(f'<div class="banner">{_e(warning)}</div>\n')
    if data.unlike_training:
        out(f'<div class="banner unlike">{_e(data.unlike_training)}</div>\n')
    changed = changed_message(data)
    if changed:
        out(f'<div class="banner changed">{_e(changed)}</div>\n')
    out(_key_value(overview_rows(data)) + "\n")
    out("<h2>Summary</h2>\n" + _key_value(summary_rows(data)) + "\n")
    out(f'<p class="audit">{_e(audit_message(data))}</p>\n')
    if data.has_folders:
        out("<h2>Per folder</h2>\n" + _list(FOLDER_COLUMNS, data.folder_rows()) + "\n")
    out("<h2>Operating point</h2>\n" + _key_value(operating_point_rows(data)) + "\n")

    for heading, records in data.pictured_sections():
        out(f"<h2>{_e(heading)} ({len(records)})</h2>\n")
        if not records:
            out("<p>None.</p>\n")
            continue
        out('<p class="meta">Left: the photo as taken; right: with the heatmap. '
            "Heatmap colours: blue = like the defect-free training photos, yellow to red = unusual. "
            "Green outline: region above the model's pixel threshold.</p>\n")
        folder = None
        for record in records:
            if data.has_folders and folder_of(record.rel_path) != folder:
                folder = folder_of(record.rel_path)
                out(f"<h3>Folder {_e(folder or '(batch folder)')}</h3>\n")
            out(_entry(record, picture_of(record), data) + "\n")

    out(f"<h2>Flagged, not yet reviewed ({len(data.unreviewed)})</h2>\n")
    out(_list(["Photo", "Score"], [(r.rel_path, format_score(r.score)) for r in data.unreviewed])
        if data.unreviewed else "<p>None: every flagged photo has been reviewed.</p>")
    if data.rejected:
        out(f"\n<h2>Rejected false alarms ({len(data.rejected)})</h2>\n")
        out(_list(["Photo", "Score", "Reviewer", "Note"],
                  [(r.rel_path, format_score(r.score), r.reviewer or "", r.note) for r in data.rejected]))
    out(f"\n<h2>Unreadable files ({len(data.unreadable)})</h2>\n")
    out(_list(["File", "Reason"], [(r.rel_path, r.error or "") for r in data.unreadable])
        if data.unreadable else "<p>None.</p>")
    if data.changed:
        out(f"\n<h2>Changed after scoring ({len(data.changed)})</h2>\n")
        out(_list(["File", "What happened"], [(r.rel_path, r.changed_reason or "changed") for r in data.changed]))
    if data.not_scored:
        out(f"\n<h2>Not scored yet ({len(data.not_scored)})</h2>\n" + _list(["File"], [(rel,) for rel in data.not_scored]))
    if data.renamed:
        out(f"\n<h2>Renamed since scoring ({len(data.renamed)})</h2>\n" + _list(["Was", "Is now"], data.renamed))
    out(f"\n<h2>Threshold changes ({len(data.threshold_changes)})</h2>\n")
    out(_list(["When", "Who", "Threshold", "Flagged photos"], threshold_change_rows(data))
        if data.threshold_changes else "<p>None: the model's threshold was used.</p>")
    out(f"\n<h2>Sign-off</h2>\n<p>{_e(SIGN_OFF_TEXT)}</p>\n")
    rows = "".join(f'<tr class="{_e(label.lower())}"><th>{_e(label)}</th><td>{_e(value)}</td></tr>'
                   for label, value in sign_off_rows(data))
    out(f'<table class="signoff">{rows}</table>')
    out("\n</body></html>\n")
