"""``report`` a reviewed batch and ``verify`` its audit trail."""
from __future__ import annotations

import argparse


def cmd_verify(args: argparse.Namespace) -> int:
    """Exit 0 when the audit trail is whole, 1 when something breaks it (each problem on its own line)."""
    from core import ReviewLog

    with ReviewLog.open(args.batch, read_only=True) as log:
        result = log.verify()
    if result.ok:
        print(result.headline())
        return 0
    if not result.chained:
        print(result.headline())
        return 1
    print(f"audit trail broken: {len(result.problems)} problem(s)")
    for problem in result.problems:
        print(f"  {problem}")
    return 1


def cmd_report(args: argparse.Namespace) -> int:
    from core import InspectionDetails, write_report

    details = InspectionDetails(unit_id=args.unit or "", site=args.site or "", inspection_date=args.inspection_date or "",
                                signed_off_by=args.signed_off_by or "")
    out = write_report(args.batch, args.out, fmt=args.format, include_flagged=args.include_flagged, force=args.force,
                       history_folders=args.history, inspection=details, language=args.language)
    print(f"report written to {out}")
    return 0


def add_report_parser(sub) -> None:
    p = sub.add_parser("report", help="export the review report of a batch")
    p.add_argument("--batch", required=True, help="batch folder or its review log file")
    p.add_argument("--out", required=True, help="report file: .pdf, .html, .csv or .json")
    p.add_argument("--format", choices=("pdf", "html", "csv", "json"), default=None)
    p.add_argument("--include-flagged", action="store_true", help="an entry for every flagged image too")
    p.add_argument("--force", action="store_true", help="overwrite an existing report")
    p.add_argument("--unit", help="unit / train-set ID printed on the report")
    p.add_argument("--site", help="inspection site (depot, workshop)")
    p.add_argument("--inspection-date", help="date of the inspection, e.g. 2024-05-02")
    p.add_argument("--signed-off-by", help="name printed in the sign-off block")
    p.add_argument("--history", nargs="+", metavar="FOLDER", default=None,
                   help="folders of past batches for the catch rate (default: the batches beside this one)")
    p.add_argument("--language", choices=("en", "zh_CN"), default="en",
                   help="language of a PDF or HTML report (CSV and JSON stay English)")
    p.set_defaults(func=cmd_report)


def add_verify_parser(sub) -> None:
    p = sub.add_parser("verify", help="check a batch's audit trail for changes made outside CSA Inspector")
    p.add_argument("--batch", required=True, help="batch folder or its review log file")
    p.set_defaults(func=cmd_verify)
