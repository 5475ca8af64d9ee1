"""CSV and JSON exports: one row / object per photo with every field, for spreadsheets and other tools."""
from __future__ import annotations

import csv
import json
import math
from typing import Any, TextIO

from core.photos.batch_folder import folder_of
from core.review.history import CONFIDENCE
from core.scoring.operating_point import ZONES
from core.report.content import ReportData, catch_text, status_of
from core.review import ImageRecord
from core.vocabulary import Decision

CSV_COLUMNS = (
    "file", "folder", "path", "status", "score", "zone", "flagged", "decision", "reviewer", "decided_at", "note", "error",
    "changed", "changed_reason", "sha256", "width", "height", "heatmap_file", "scored_at",
    "pass_threshold", "alarm_threshold",
)

_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def image_fields(record: ImageRecord, data: ReportData) -> dict[str, Any]:
    """Every field of one photo; the zone and the two lines it was judged against travel with each row."""
    return {
        "file": record.rel_path,
        "folder": folder_of(record.rel_path),
        "path": str(record.path),
        "status": status_of(record),
        "score": record.score,
        "zone": data.zone(record),
        "flagged": record.flagged,
        "decision": record.decision,
        "reviewer": record.reviewer,
        "decided_at": record.decided_at,
        "note": record.note,
        "error": record.error,
        "changed": record.changed,
        "changed_reason": record.changed_reason,
        "sha256": record.sha256,
        "width": record.width,
        "height": record.height,
        "heatmap_file": str(record.heatmap_path) if record.heatmap_path else None,
        "scored_at": record.scored_at,
        "pass_threshold": data.pass_threshold,
        "alarm_threshold": data.alarm_threshold,
    }


def _csv_cell(value: Any) -> str:
    """Text that a spreadsheet would run as a formula is prefixed with an apostrophe."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return repr(value)
    text = str(value)
    return "'" + text if text.startswith(_FORMULA_STARTS) else text


def write_csv(data: ReportData, stream: TextIO) -> None:
    writer = csv.writer(stream, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for record in data.images:
        fields = image_fields(record, data)
        writer.writerow([_csv_cell(fields[column]) for column in CSV_COLUMNS])


def write_json(data: ReportData, stream: TextIO) -> None:
    batch = data.batch
    summary = data.summary
    document = {
        "title": data.title,
        "generated_at": data.generated_at.isoformat(timespec="seconds"),
        "batch": {
            "folder": str(batch.batch_dir),
            "created": batch.created,
            "review_log": data.log_path,
            "model": {"path": batch.model_path, "name": batch.model_name, "variant": batch.variant,
                      "backbone": batch.backbone, "image_size": batch.image_size},
            "threshold": batch.threshold,
            "pixel_threshold": batch.pixel_threshold,
        },
        "inspection": {"unit_id": data.inspection.unit_id, "site": data.inspection.site,
                       "inspection_date": data.inspection.inspection_date,
                       "signed_off_by": data.inspection.signed_off_by},
        "unlike_training_photos": data.unlike_training,
        "review": {
            "finished": data.finished,
            "reviewers": data.reviewers,
            "first_decision": data.first_decision.isoformat() if data.first_decision else None,
            "last_decision": data.last_decision.isoformat() if data.last_decision else None,
            "flagged_share": data.flagged_share,
            "reviewed_share_of_flagged": data.reviewed_share_of_flagged,
        },
        "summary": {
            "images": summary.images, "scored": summary.scored, "flagged": summary.flagged,
            Decision.CONFIRMED: summary.confirmed, Decision.REJECTED: summary.rejected, Decision.UNSURE: summary.unsure,
            "unreviewed": summary.unreviewed, "reviewed": summary.reviewed, "errors": summary.errors,
            "changed": summary.changed,
        },
        "operating_point": _operating_point(data),
        "images": [image_fields(record, data) for record in data.images],
    }
    json.dump(_finite(document), stream, indent=1, ensure_ascii=False, allow_nan=False, default=str)
    stream.write("\n")


def _operating_point(data: ReportData) -> dict[str, Any]:
    catch = data.catch
    zones = {zone: data.zone_count(zone) for zone in ZONES}
    history = None
    if catch is not None:
        history = {
            "confirmed_foreign_bodies": catch.n_foreign_bodies, "caught": catch.n_caught,
            "catch_rate": catch.catch_rate, "catch_rate_lower_bound": catch.lower_bound, "confidence": CONFIDENCE,
            "review_share": catch.review_share, "photos": catch.n_photos, "review_logs": catch.n_logs,
            "models": list(catch.models),
            "missed": [{"batch": str(m.batch), "file": m.rel_path, "score": m.score} for m in catch.missed],
        }
    return {
        "pass_threshold": data.pass_threshold,
        "alarm_threshold": data.alarm_threshold,
        "zones": zones,
        "photos_to_review": zones["review"] + zones["alarm"],
        "share_to_review": data.flagged_share,
        "catch_rate_text": catch_text(catch),
        "history": history,
    }


def _finite(value: Any) -> Any:
    """JSON has no infinity or NaN (an uncalibrated threshold is infinite): they become null."""
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {key: _finite(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_finite(item) for item in value]
    return value
