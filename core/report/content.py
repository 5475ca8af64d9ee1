"""What a report says, gathered once from the review log so every format tells the same story."""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Optional

from core.review.audit_chain import VerifyResult
from core.photos.batch_folder import folder_of, photo_sort_key, subfolder_order
from core.review.history import CatchEstimate
from core.scoring.operating_point import ALARM, REVIEW, zone_of
from core.i18n import QT_TRANSLATE_NOOP, translate
from core.photos.photo_check import MISSING, MODIFIED, check_photos
from core.review import BatchInfo, EventRecord, ImageRecord, ReviewLog, Summary, summarize
from core.scoring.training_likeness import check_training_likeness, normals_from_model_file
from core.vocabulary import DECISION_LABELS, Decision, PhotoStatus

DEFAULT_TITLE = QT_TRANSLATE_NOOP("Report", "Foreign-body inspection report")

FOLDER_COLUMNS = (QT_TRANSLATE_NOOP("Report", "Folder"), QT_TRANSLATE_NOOP("Report", "Photos"), QT_TRANSLATE_NOOP(
    "Report", "Flagged"), QT_TRANSLATE_NOOP("Report", "Confirmed"),
                  QT_TRANSLATE_NOOP("Report", "Rejected"), QT_TRANSLATE_NOOP("Report", "Unsure"), QT_TRANSLATE_NOOP(
                      "Report", "Not reviewed"))



@dataclass(frozen=True)
class InspectionDetails:
    """What a maintenance file needs besides the photos: which unit, where, when, and who signs the report off.

    None of it is in the photos or the review log; the reviewer gives it when exporting (dialog or command line).
    Empty fields are printed as blanks to fill in by hand.
    """

    unit_id: str = ""
    site: str = ""
    inspection_date: str = ""  # as the reviewer wrote it (ISO date from the dialog)
    signed_off_by: str = ""


@dataclass(frozen=True)
class ReportData:
    title: str
    generated_at: datetime
    batch: BatchInfo
    summary: Summary
    reviewers: list[str]
    first_decision: Optional[datetime]
    last_decision: Optional[datetime]
    images: list[ImageRecord]
    include_flagged: bool
    log_path: str = ""
    confirmed: list[ImageRecord] = field(default_factory=list)
    unsure: list[ImageRecord] = field(default_factory=list)
    other_flagged: list[ImageRecord] = field(default_factory=list)  # pictured only with include_flagged
    rejected: list[ImageRecord] = field(default_factory=list)
    unreviewed: list[ImageRecord] = field(default_factory=list)
    unreadable: list[ImageRecord] = field(default_factory=list)
    changed: list[ImageRecord] = field(default_factory=list)
    folder_photos: Optional[int] = None  # photos in the batch folder now (None: the folder is gone)
    not_scored: list[str] = field(default_factory=list)  # in the folder, never scored
    renamed: list[tuple[str, str]] = field(default_factory=list)
    threshold_changes: list[EventRecord] = field(default_factory=list)
    audit: Optional[VerifyResult] = None
    chain_head: Optional[str] = None
    inspection: InspectionDetails = field(default_factory=InspectionDetails)
    unlike_training: Optional[str] = None  # why the batch looks unlike the model's training photos, if it does
    #: the catch rate at this batch's pass threshold, measured on past reviews (None: not looked up)
    catch: Optional[CatchEstimate] = None

    @property
    def pass_threshold(self) -> Optional[float]:
        return self.batch.threshold

    @property
    def alarm_threshold(self) -> Optional[float]:
        return self.batch.alarm_threshold

    def zone(self, record: ImageRecord) -> Optional[str]:
        return zone_of(record.score, self.pass_threshold, self.alarm_threshold)

    def zone_count(self, zone: str) -> int:
        return sum(1 for r in self.images if self.zone(r) == zone)

    @property
    def finished(self) -> bool:
        """Every photo of the folder scored and every flagged one decided on its current content."""
        return self.summary.finished and not self.not_scored and self.unscored_in_log == 0

    @property
    def unscored_in_log(self) -> int:
        return sum(1 for r in self.images if r.score is None and not r.error)

    @property
    def has_folders(self) -> bool:
        return any("/" in r.rel_path for r in self.images) or any("/" in rel for rel in self.not_scored)

    @property
    def flagged_share(self) -> Optional[float]:
        return self.summary.flagged / self.summary.scored if self.summary.scored else None

    @property
    def reviewed_share_of_flagged(self) -> Optional[float]:
        return self.summary.flagged_reviewed / self.summary.flagged if self.summary.flagged else None

    @property
    def reviewed_share_of_all(self) -> Optional[float]:
        return self.summary.reviewed / self.summary.images if self.summary.images else None

    @property
    def batch_name(self) -> str:
        return self.batch.batch_dir.name or str(self.batch.batch_dir)

    def folder_rows(self) -> list[tuple[str, ...]]:
        """One row per subfolder: photos, flagged, confirmed, rejected, unsure, not reviewed (flagged, undecided)."""
        keys = [r.rel_path for r in self.images] + self.not_scored
        rows = []
        for folder in subfolder_order(keys):
            records = [r for r in self.images if folder_of(r.rel_path) == folder]
            waiting = sum(1 for rel in self.not_scored if folder_of(rel) == folder)
            counts = summarize(records)
            rows.append((folder or translate("Report", "(batch folder)"), str(len(records) + waiting), str(counts.flagged),
                         str(counts.confirmed), str(counts.rejected), str(counts.unsure), str(counts.unreviewed)))
        return rows

    def pictured_sections(self) -> list[tuple[str, list[ImageRecord]]]:
        """The sections with one entry (photo, heatmap, decision) per image, in report order (folder by folder)."""
        sections = [(translate("Report", "Confirmed foreign bodies"), self.confirmed), (translate("Report",
            "Unsure"), self.unsure)]
        if self.include_flagged:
            sections.append((translate("Report", "Other flagged photos"), self.other_flagged))
        return sections


def collect_report_data(log: ReviewLog, include_flagged: bool = False, title: Optional[str] = None,
                        catch: Optional[CatchEstimate] = None,
                        inspection: Optional[InspectionDetails] = None) -> ReportData:
    """Everything a report says, with every photo checked against the folder by content first."""
    check = check_photos(log, persist=not log.read_only)
    images = [_current(r) for r in check.apply(log.images())]
    folders = {folder: index for index, folder in enumerate(subfolder_order(r.rel_path for r in images))}

    def by_score(records):
        return sorted(records, key=lambda r: (folders.get(folder_of(r.rel_path), 0), -(r.score or 0.0),
                                              photo_sort_key(r.rel_path)))

    first, last = log.decision_times()
    batch = log.batch_info()
    likeness = check_training_likeness((r.score for r in images), batch.threshold,
                                       normals_from_model_file(batch.model_path))
    return ReportData(
        title=title or DEFAULT_TITLE,
        generated_at=datetime.now(timezone.utc),
        batch=batch,
        inspection=inspection or InspectionDetails(),
        unlike_training=likeness.message if likeness is not None else None,
        summary=summarize(images),
        folder_photos=check.folder_photos,
        not_scored=list(check.new),
        renamed=list(check.renamed),
        threshold_changes=log.threshold_changes(),
        audit=log.verify(),
        reviewers=log.reviewers(),
        first_decision=first,
        last_decision=last,
        images=images,
        include_flagged=include_flagged,
        log_path=str(log.path),
        confirmed=by_score(r for r in images if r.decision == Decision.CONFIRMED),
        unsure=by_score(r for r in images if r.decision == Decision.UNSURE),
        other_flagged=by_score(r for r in images if r.flagged and r.decision not in (Decision.CONFIRMED, Decision.UNSURE)),
        rejected=by_score(r for r in images if r.decision == Decision.REJECTED),
        unreviewed=by_score(r for r in images if r.flagged and r.decision is None),
        unreadable=[r for r in images if r.error],
        changed=[r for r in images if r.changed],
        catch=catch,
    )


def _current(record: ImageRecord) -> ImageRecord:
    """A decision made on content that has since changed is not a decision on this photo: it is kept only as a
    note of what was decided before, and the photo counts as not reviewed."""
    if record.changed_reason != MODIFIED or record.decision is None:
        return record
    earlier = f"earlier content was {record.decision} by {record.reviewer}"
    note = f"{record.note} ({earlier})" if record.note else f"({earlier})"
    return dataclasses.replace(record, decision=None, reviewer=None, decided_at=None, note=note)


def status_of(record: ImageRecord) -> str:
    """One word-ish status per photo for tables and spreadsheets: a :class:`PhotoStatus` or the decision."""
    if record.error:
        return PhotoStatus.UNREADABLE
    if record.changed_reason == MISSING:
        return PhotoStatus.MISSING
    if record.changed_reason == MODIFIED:
        return PhotoStatus.CHANGED
    if record.decision:
        return record.decision
    if record.flagged:
        return PhotoStatus.NOT_REVIEWED
    return PhotoStatus.NOT_FLAGGED


def format_time(value: Optional[datetime | str]) -> str:
    """Local time with its UTC offset: readable on site and still unambiguous later."""
    if value is None or value == "":
        return ""
    moment = datetime.fromisoformat(value) if isinstance(value, str) else value
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    local = moment.astimezone()
    offset = local.strftime("%z")
    return f"{local:%Y-%m-%d %H:%M} (UTC{offset[:3]}:{offset[3:]})"


def columns(names: tuple[str, ...]) -> list[str]:
    """Column headers in the report's language."""
    return [translate("Report", name) for name in names]


def decision_label(decision: Optional[str]) -> str:
    """A decision in words for a picture entry, in the report's language."""
    label = DECISION_LABELS.get(decision or "")
    return translate("Vocabulary", label) if label else translate("Report", "not reviewed")


def changed_reason_text(reason: Optional[str]) -> str:
    """What happened to a photo after it was scored, in the report's language."""
    if reason == "missing":
        return translate("Report", "missing")
    if reason == MODIFIED:
        return translate("Report", "modified")
    return translate("Report", "changed")


def format_share(value: Optional[float]) -> str:
    return translate("Report", "n/a") if value is None else f"{100.0 * value:.1f} %"


def format_score(value: Optional[float]) -> str:
    return translate("Report", "n/a") if value is None else f"{value:.3g}"


def model_description(batch: BatchInfo) -> str:
    parts = [batch.model_name or translate("Report", "unknown model")]
    details = [d for d in (batch.variant, batch.backbone) if d]
    if batch.image_size:
        details.append(translate("Report", "input {size} px").format(size=batch.image_size))
    if details:
        parts.append(f"({', '.join(details)})")
    return " ".join(parts)


def review_period(data: ReportData) -> str:
    if data.first_decision is None:
        return translate("Report", "no decisions yet")
    first, last = format_time(data.first_decision), format_time(data.last_decision)
    return first if first == last else translate("Report", "{first} to {last}").format(first=first, last=last)


def overview_rows(data: ReportData) -> list[tuple[str, str]]:
    """Label/value pairs of the report's first table."""
    batch = data.batch
    details = data.inspection
    not_given = translate("Report", "not given")
    return [
        (translate("Report", "Unit / train set"), details.unit_id or not_given),
        (translate("Report", "Site"), details.site or not_given),
        (translate("Report", "Inspection date"), details.inspection_date or not_given),
        (translate("Report", "Batch folder"), str(batch.batch_dir)),
        (translate("Report", "Review period"), review_period(data)),
        (translate("Report", "Reviewer(s)"), ", ".join(data.reviewers) or translate("Report", "none yet")),
        (translate("Report", "Model"), model_description(batch)),
        (translate("Report", "Report created"), format_time(data.generated_at)),
    ]


def summary_rows(data: ReportData) -> list[tuple[str, str]]:
    s = data.summary
    folder = translate("Report", "folder not found") if data.folder_photos is None else str(data.folder_photos)
    waiting = (translate("Report", " ({count} not scored yet)").format(count=len(data.not_scored)) if data.not_scored else "")
    return [
        (translate("Report", "Photos in the batch folder"), folder),
        (translate("Report", "Scored"), f"{s.scored}" + waiting),
        (translate("Report", "Status"), translate("Report", "finished") if data.finished else translate("Report",
            "not finished")),
        (translate("Report", "Flagged by the model"), translate("Report", "{count} ({share} of scored photos)").format(
            count=s.flagged, share=format_share(data.flagged_share))),
        (translate("Report", "Confirmed foreign bodies"), str(s.confirmed)),
        (translate("Report", "Rejected false alarms"), str(s.rejected)),
        (translate("Report", "Unsure"), str(s.unsure)),
        (translate("Report", "Flagged, not yet reviewed"), str(s.unreviewed)),
        (translate("Report", "Unreadable files"), str(s.errors)),
        (translate("Report", "Reviewed by a person"), translate("Report",
            "{count} ({flagged} of flagged, {all} of all photos)").format(
            count=s.reviewed, flagged=format_share(data.reviewed_share_of_flagged),
            all=format_share(data.reviewed_share_of_all))),
    ]


def score_text(data: ReportData, record: ImageRecord) -> str:
    """A photo's score with its zone and the lines it was judged against."""
    text = format_score(record.score)
    zone = data.zone(record)
    if zone is None:
        return text
    lines = translate("Report", "pass {value}").format(value=format_score(data.pass_threshold))
    if data.alarm_threshold is not None:
        lines += ", " + translate("Report", "alarm {value}").format(value=format_score(data.alarm_threshold))
    zone_names = {"pass": translate("Report", "pass zone"), "review": translate("Report", "review zone"),
        "alarm": translate("Report", "alarm zone")}
    return f"{text} ({zone_names.get(zone, zone)}; {lines})"


def catch_text(catch: Optional[CatchEstimate]) -> str:
    """The catch rate in words, with its bound and the number of examples behind it."""
    if catch is None:
        return translate("Report", "not estimated (no past review logs were read)")
    if not catch.n_foreign_bodies:
        return translate("Report", "no confirmed foreign bodies yet (in {count} review log(s) of this model)").format(
            count=catch.n_logs)
    models = translate("Report", " scored by {models}").format(models=", ".join(catch.models)) if catch.models else ""
    return translate("Report", "{rate} % ({caught} of {total} confirmed foreign bodies scored at or above pass); at least "
                     "{bound} % with 95 % confidence; from {count} review log(s)").format(
        rate=f"{100 * catch.catch_rate:.0f}", caught=catch.n_caught, total=catch.n_foreign_bodies,
        bound=f"{100 * (catch.lower_bound or 0.0):.0f}", count=catch.n_logs) + models


def operating_point_rows(data: ReportData) -> list[tuple[str, str]]:
    """What the depot trades: how many photos a person looks at, and how many foreign bodies that has caught."""
    s = data.summary
    alarm, review = data.zone_count(ALARM), data.zone_count(REVIEW)
    rows = [
        (translate("Report", "Pass threshold"), translate("Report", "{value} (below it a photo is treated as normal)").format(
            value=format_score(data.pass_threshold))),
        (translate("Report", "Alarm threshold"), translate("Report",
            "{value} (at or above it: very likely a foreign body)").format(
            value=format_score(data.alarm_threshold)) if data.alarm_threshold is not None else
         translate("Report", "not set (every photo at or above pass is in the review band)")),
        (translate("Report", "Photos a person must see"), translate("Report",
            "{count} of {scored} scored ({share}): {alarm} alarm, {review} "
                                                     "review band").format(
            count=alarm + review, scored=s.scored, share=format_share(data.flagged_share), alarm=alarm, review=review)),
        (translate("Report", "Catch rate from past reviews"), catch_text(data.catch)),
    ]
    catch = data.catch
    if catch is not None and catch.review_share is not None:
        rows.append((translate("Report", "Share reviewed in past batches"), translate("Report",
            "{share} of {count} photos at this pass threshold")
                     .format(share=format_share(catch.review_share), count=catch.n_photos)))
    if catch is not None and catch.missed:
        names = ", ".join(m.rel_path for m in catch.missed[:5]) + (" ..." if len(catch.missed) > 5 else "")
        rows.append((translate("Report", "Missed (confirmed below pass)"), f"{len(catch.missed)}: {names}"))
    return rows


def unfinished_message(data: ReportData) -> Optional[str]:
    if data.finished:
        return None
    s = data.summary
    parts = []
    waiting = len(data.not_scored) + data.unscored_in_log
    if waiting:
        parts.append(translate("Report", "{count} photo(s) of the folder are not scored yet").format(count=waiting))
    if s.unreviewed:
        parts.append(translate("Report", "{count} of {flagged} flagged photos have not been reviewed yet").format(
            count=s.unreviewed, flagged=s.flagged))
    return translate("Report", "Review not finished: {reasons}. This report is provisional.").format(reasons="; ".join(parts))


def audit_message(data: ReportData) -> str:
    """One line on the audit trail: verified (with the chain head that pins it) or what breaks it."""
    if data.audit is None:
        return translate("Report", "audit trail not checked")
    return data.audit.headline()


def threshold_change_rows(data: ReportData) -> list[tuple[str, str, str, str]]:
    rows = []
    for event in data.threshold_changes:
        detail = event.detail
        line = translate("Report", "alarm") if event.kind == "alarm_threshold_changed" else translate("Report", "pass")
        rows.append((format_time(event.at), event.reviewer, f"{line} {format_score(detail.get('before'))} -> "
                     f"{format_score(detail.get('after'))}",
                     f"{detail.get('flagged_before', '')} -> {detail.get('flagged_after', '')}"))
    return rows


def changed_message(data: ReportData) -> Optional[str]:
    if not data.changed:
        return None
    return translate("Report", "{count} photo(s) changed or disappeared after scoring; their scores and heatmaps may not match "
                     "the files any more, and a decision made before a change no longer counts.").format(
        count=len(data.changed))


SIGN_OFF_TEXT = QT_TRANSLATE_NOOP("Report",
    "I have reviewed the flagged photos of this batch; the decisions above are mine or were "
                                           "checked by me.")


def sign_off_rows(data: ReportData) -> list[tuple[str, str]]:
    """The sign-off block: a printed name (when given) and blanks for the date and the signature, filled by hand."""
    return [(translate("Report", "Name"), data.inspection.signed_off_by), (translate("Report", "Date"), ""), (
        translate("Report", "Signature"), "")]
