"""Batch reports as PDF, HTML, CSV or JSON, written from the review log.

A report is written to a temporary file beside the destination and moved into place only when complete, so a
full disk, a read-only folder or a crash never leaves half a report that someone might file.
"""
from __future__ import annotations

import errno
from pathlib import Path
from typing import Optional, Sequence

from core.atomicfile import ReadOnlyFolderError, atomic_writer
from core.review.history import CatchEstimate, estimate, model_family, read_history
from core.report.content import InspectionDetails, ReportData, collect_report_data
from core.report.pictures import Picture, entry_picture
from core.i18n import LANGUAGES, report_language
from core.review import ReviewLog, ReviewLogError

FORMATS = ("pdf", "html", "csv", "json")
_SUFFIXES = {".pdf": "pdf", ".html": "html", ".htm": "html", ".csv": "csv", ".json": "json"}

__all__ = ["FORMATS", "LANGUAGES", "InspectionDetails", "ReportData", "ReportError", "ReportExistsError",
           "collect_report_data", "format_for", "write_report"]


class ReportError(Exception):
    """The report could not be written; the message is one line for the user. No partial file is left."""


class ReportExistsError(ReportError, FileExistsError):
    """The destination exists and overwriting was not allowed."""


def format_for(out_path: str | Path, fmt: Optional[str] = None) -> str:
    if fmt is not None:
        fmt = fmt.lower().lstrip(".")
        if fmt not in FORMATS:
            raise ReportError(f"unknown report format {fmt!r}; choose one of {', '.join(FORMATS)}")
        return fmt
    suffix = Path(out_path).suffix.lower()
    if suffix not in _SUFFIXES:
        raise ReportError(f"cannot tell the report format from {Path(out_path).name!r}; "
                          f"use a name ending in .pdf, .html, .csv or .json")
    return _SUFFIXES[suffix]


def _catch_estimate(log: ReviewLog, folders: Optional[Sequence[str | Path]]) -> Optional[CatchEstimate]:
    """The history estimate at the batch's operating point; the batch's own log always takes part."""
    info = log.batch_info()
    if info.threshold is None:
        return None
    family = model_family(info.model_name) or model_family(info.model_path)
    searched = list(folders) if folders is not None else [log.batch_dir.parent]
    history = read_history([log.path, *searched], family=family)
    return estimate(history, info.threshold, info.alarm_threshold)


def write_report(log_or_batch: ReviewLog | str | Path, out_path: str | Path, fmt: Optional[str] = None,
                 include_flagged: bool = False, force: bool = False, title: Optional[str] = None,
                 history_folders: Optional[Sequence[str | Path]] = None,
                 inspection: Optional[InspectionDetails] = None, language: Optional[str] = None) -> Path:
    """Write the report of a reviewed batch and return its path.

    ``log_or_batch`` is an open :class:`ReviewLog`, a batch folder or a review-log file (opened read-only).
    ``include_flagged`` adds a picture entry for every flagged photo, not only the confirmed and unsure ones.
    The catch rate is measured on the review logs in ``history_folders`` (default: this batch and the batches
    beside it) that were scored by a version of this batch's model.
    ``inspection`` names the unit, site, date and the person signing the report off.
    ``language`` (``en`` or ``zh_CN``; English when None) is the language of a PDF or HTML report; CSV and JSON
    are read by programs and stay English whatever it is.
    """
    out_path = Path(out_path)
    kind = format_for(out_path, fmt)
    if out_path.is_dir():
        raise ReportError(f"{out_path} is a folder; give a file name for the report")
    if out_path.exists() and not force:
        raise ReportExistsError(f"{out_path} already exists; choose another name or allow overwriting")
    if not out_path.parent.is_dir():
        raise ReportError(f"folder {out_path.parent} does not exist")

    if isinstance(log_or_batch, ReviewLog):
        data = collect_report_data(log_or_batch, include_flagged=include_flagged, title=title,
                                   catch=_catch_estimate(log_or_batch, history_folders), inspection=inspection)
    else:
        try:
            with ReviewLog.open(log_or_batch, read_only=True) as log:
                data = collect_report_data(log, include_flagged=include_flagged, title=title,
                                           catch=_catch_estimate(log, history_folders), inspection=inspection)
        except ReviewLogError as exc:
            raise ReportError(f"cannot read the review log: {exc}") from None

    def picture_of(record) -> Picture:
        return entry_picture(record, data.batch)

    try:
        if kind == "pdf":
            from core.report.pdf import write_pdf

            with atomic_writer(out_path) as stream, report_language(language):
                write_pdf(data, stream, picture_of)
        else:
            with atomic_writer(out_path, binary=False, encoding="utf-8-sig" if kind == "csv" else "utf-8",
                               newline="" if kind == "csv" else None) as stream:
                if kind == "html":
                    from core.report.html import write_html

                    with report_language(language):
                        write_html(data, stream, picture_of)
                elif kind == "csv":
                    from core.report.tabular import write_csv

                    write_csv(data, stream)
                else:
                    from core.report.tabular import write_json

                    write_json(data, stream)
    except ReadOnlyFolderError:
        raise ReportError(f"cannot write the report: folder {out_path.parent} is read-only") from None
    except OSError as exc:
        if exc.errno == errno.ENOSPC:
            raise ReportError(f"cannot write the report to {out_path.parent}: the disk is full") from None
        raise ReportError(f"cannot write the report {out_path}: {exc.strerror or exc}") from None
    return out_path
