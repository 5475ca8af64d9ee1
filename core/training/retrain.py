"""Learning from the reviewer: continue training a model on photos a reviewer marked as false alarms.

A reviewer's "not a defect" on a flagged photo says the model has not yet seen that kind of normal variation
(another lamp, a lever at the end of its travel). Those photos are added to the normal set and the flow
continues from its current weights for a few epochs; the feature standardisation learnt from the original
training set is kept, so scores stay on the same scale and old normals keep their meaning.

What never reaches the training data: photos confirmed as foreign bodies, photos marked unsure, photos whose
content changed since they were scored (the decision was made on other pixels), and photos already used by this
model or one of its ancestors. Each skip is listed with its reason.

The new model is returned, not saved and not activated: the caller shows the before/after numbers (how many
photos the batch would flag now, whether every confirmed foreign body is still flagged) and lets a person decide.
"""
from __future__ import annotations

import copy
import dataclasses
import datetime as _dt
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Optional, Sequence

import numpy as np

from core.config import RetrainConfig
from core.scoring.detector import Detector, _report_dict, seed_everything, split_holdout
from core.features.feature_cache import FeatureCache, digests_of, extract_with_cache
from core.features.extractor import FeatureSet
from core.photos.imageio import ImageReadError, file_digest
from core.models.modelheader import AddedImage, Lineage
from core.results import CancelToken, ProgressCallback, ProgressEvent
from core.review import ImageRecord, ReviewLog
from core.training.trainer import FitReport, fit_flow
from core.vocabulary import Decision, JobStage



@dataclass
class RetrainOutcome:
    """The retrained model (not saved) with what went into it and how it would have scored the batch."""

    detector: Detector
    added: list[AddedImage]
    skipped: list[tuple[Path, str]]
    training_paths: list[Path]  # every photo whose features fitted the flow
    holdout_paths: list[Path]  # normal photos the threshold was set on
    flagged_before: int
    flagged_after: int
    scored: int
    confirmed: list[Path]
    lost_confirmed: list[Path]  # confirmed foreign bodies the new model would no longer flag
    threshold_before: float
    threshold_after: float
    calibrated_threshold: float  # at the target false-alarm rate; above threshold_after when held for a foreign body
    fit: FitReport
    seconds: float
    rescore_errors: list[tuple[Path, str]] = field(default_factory=list)

    @property
    def confirmed_still_flagged(self) -> int:
        return len(self.confirmed) - len(self.lost_confirmed)

    @property
    def threshold_held(self) -> bool:
        """True when the threshold was lowered below the calibrated one to keep a confirmed foreign body flagged."""
        return self.threshold_after < self.calibrated_threshold

    @property
    def recall_on_confirmed(self) -> Optional[float]:
        return self.confirmed_still_flagged / len(self.confirmed) if self.confirmed else None

    def summary_lines(self) -> list[str]:
        """The before/after comparison as short sentences, for the command line and the inspector."""
        held = sum(a.held_out for a in self.added)
        lines = [
            f"images added: {len(self.added)}" + (f" ({held} of them held out for the threshold)" if held else ""),
            f"threshold set on {len(self.holdout_paths)} held-out good photos",
            f"flagged in the batch: {self.flagged_before} before, {self.flagged_after} after (of {self.scored} scored)",
        ]
        if self.confirmed:
            lines.append(f"confirmed foreign bodies still flagged: {self.confirmed_still_flagged} of {len(self.confirmed)}")
            lines.extend(f"  no longer flagged: {p}" for p in self.lost_confirmed)
        else:
            lines.append("no confirmed foreign bodies in this batch to check against")
        lines.append(f"threshold: {self.threshold_before:.4f} before, {self.threshold_after:.4f} after")
        if self.threshold_held:
            lines.append(f"  held below the calibrated {self.calibrated_threshold:.4f} so every confirmed foreign body "
                         "stays flagged")
        lines.extend(f"skipped {p}: {reason}" for p, reason in self.skipped)
        lines.append(f"retrained in {self.seconds:.1f} s ({self.fit.epochs_run} epochs)")
        return lines


def _learnt_images(meta: dict[str, Any]) -> list[AddedImage]:
    lineage = Lineage.from_meta(meta)
    return lineage.every_added_image() if lineage is not None else []


def lineage_hashes(meta: dict[str, Any]) -> set[str]:
    """Content hashes of every reviewed photo a model and its ancestors were retrained on."""
    return {image.sha256 for image in _learnt_images(meta) if image.sha256}


def earlier_reviewed_normals(meta: dict[str, Any]) -> dict[Path, str]:
    """Photos learnt in earlier improvements that are still there unchanged, with their hashes: they keep
    training, so a model improved twice does not forget what the first review taught it."""
    learnt = {image.path: image.sha256 for image in _learnt_images(meta) if image.sha256}
    current, _unreadable = digests_of([p for p in learnt if p.is_file()])
    return {path: digest for path, digest in current.items() if digest == learnt[path]}


def select_reviewed_normals(
    log: ReviewLog, include_reviewed_normals: bool = False, known_hashes: Optional[set[str]] = None
) -> tuple[list[tuple[ImageRecord, str]], list[tuple[Path, str]]]:
    """Photos of the log to learn from, with their current hash, and the skipped ones with a reason.

    By default only false alarms count: flagged photos the reviewer rejected. With ``include_reviewed_normals``
    a photo the model did not flag but the reviewer looked at and marked "not a defect" is taken as well.
    Confirmed and unsure photos are never candidates, whatever the options.
    """
    known = set(known_hashes or ())
    chosen: list[tuple[ImageRecord, str]] = []
    skipped: list[tuple[Path, str]] = []
    for record in log.images():
        if record.decision != Decision.REJECTED:
            continue
        if not record.flagged and not include_reviewed_normals:
            continue
        reason = None
        digest = ""
        if record.changed:
            reason = f"photo {record.changed_reason or 'changed'} since it was scored"
        elif record.error or record.score is None:
            reason = f"photo was not scored ({record.error or 'no score'})"
        elif not record.sha256:
            reason = "no content hash in the review log, so the decision cannot be tied to these pixels"
        else:
            try:
                digest = file_digest(record.path)
            except (ImageReadError, OSError) as exc:
                reason = f"cannot read the photo ({' '.join(str(exc).split())})"
            else:
                if digest != record.sha256:
                    reason = "photo content differs from the one that was reviewed"
                elif digest in known:
                    reason = "already learnt (same photo content)"
        if reason:
            skipped.append((record.path, reason))
            continue
        known.add(digest)
        chosen.append((record, digest))
    return chosen, skipped


def retrain_from_log(
    detector: Detector,
    log: ReviewLog,
    include_reviewed_normals: bool = False,
    epochs: Optional[int] = None,
    old_normals: Optional[Sequence[str | Path]] = None,
    progress: Optional[ProgressCallback] = None,
    cancel: Optional[CancelToken] = None,
    feature_cache: Optional[FeatureCache] = None,
    settings: RetrainConfig = RetrainConfig(),
) -> RetrainOutcome:
    """Continue training ``detector``'s flow on the photos the reviewer declared normal; ``detector`` is untouched.

    ``old_normals`` are defect-free photos of the original kind (e.g. the training folder): mixed in so the
    model does not forget them while it learns the new variation. Without them the flow sees only the new
    photos, which is acceptable for a few epochs from the trained weights but drifts further from the original.
    With ``feature_cache`` their features come from disk when the model's training stored them there.
    ``settings`` gives the epochs (unless ``epochs`` is given), how many new photos are held out and how often
    they are repeated. Raises ``ValueError`` when the log holds no usable reviewed normal photo.
    """
    started = time.monotonic()
    epochs = settings.epochs if epochs is None else epochs
    config = copy.deepcopy(detector.config)
    seed_everything(config.train.seed)
    chosen, skipped = select_reviewed_normals(log, include_reviewed_normals, lineage_hashes(detector.meta))

    new_digests = {record.path: digest for record, digest in chosen}
    new_features = extract_with_cache(detector.extractor, list(new_digests), feature_cache, progress=progress,
                                      cancel=cancel, digests=new_digests)
    for path, reason in new_features.errors.items():
        skipped.append((path, f"cannot read the photo ({reason})"))
    if len(new_features) == 0:
        raise ValueError("nothing to learn from: no photo in this review marked 'not a defect' is usable"
                         + (f" ({len(skipped)} skipped)" if skipped else ""))
    kept = {p for p in new_features.paths}
    chosen = [(record, digest) for record, digest in chosen if record.path in kept]

    old_features = None
    if old_normals:
        new_hashes = {digest for _, digest in chosen}
        old_digests, _unreadable = digests_of([Path(p) for p in old_normals])
        old_digests = {path: digest for path, digest in old_digests.items() if digest not in new_hashes}
        old_features = extract_with_cache(detector.extractor, list(old_digests), feature_cache, progress=progress,
                                          cancel=cancel, digests=old_digests)
        if len(old_features) == 0:
            old_features = None
    reviewed_features = new_features
    earlier = earlier_reviewed_normals(detector.meta)
    if earlier:
        earlier_features = extract_with_cache(detector.extractor, list(earlier), feature_cache, progress=progress,
                                              cancel=cancel, digests=earlier)
        if len(earlier_features):
            reviewed_features = FeatureSet.concat([new_features, earlier_features])

    # Held out for the threshold: the old normals the first training held out (same split when the same photos are
    # given) and, when there are enough, a few of the new ones, so the threshold knows how the new kind of photo
    # scores. Everything else trains; the reviewed photos are repeated so they make up a noticeable share of each
    # epoch, or a few epochs would hardly move the model.
    fraction = config.train.holdout_fraction
    n_reviewed = len(reviewed_features)
    new_hold = _holdout_indices(n_reviewed, fraction, config.train.seed, minimum=settings.min_new_for_holdout)
    reviewed_train = reviewed_features.subset([i for i in range(n_reviewed) if i not in new_hold])
    parts_hold = [reviewed_features.subset(sorted(new_hold))] if new_hold else []
    if old_features is not None:
        old_train, old_hold = split_holdout(len(old_features), fraction, config.train.seed)
        repeats = _repeats_for_share(len(reviewed_train), len(old_train), settings.new_share, settings.max_repeats)
        train_set = FeatureSet.concat([old_features.subset(old_train)] + [reviewed_train] * repeats)
        if old_hold:
            parts_hold.insert(0, old_features.subset(old_hold))
    else:
        train_set = reviewed_train
    hold_set = FeatureSet.concat(parts_hold) if parts_hold else None

    flow = copy.deepcopy(detector.flow)  # keeps the standardisation statistics of the original training set
    train_config = dataclasses.replace(config.train, epochs=int(epochs))
    n_flow = len(flow.feature_shapes)
    fit = fit_flow(flow, train_set.scales[:n_flow], hold_set.scales[:n_flow] if hold_set is not None else None,
                   train_config, detector.extractor.device, progress, cancel)
    memory = detector.patch_memory
    if memory is not None and len(reviewed_train) > 0:
        # the confirmed normals' patches that the memory does not cover yet join it; the old ones stay
        maps = config.maps
        memory = memory.extended(reviewed_train.scales[-1], maps.patch_share, maps.patch_max,
                                 maps.patch_candidates, seed=config.train.seed)

    new_meta = {k: v for k, v in detector.meta.items() if k not in ("name", "lineage")}
    retrained = Detector(config, flow, detector.extractor, float("inf"), float("inf"), new_meta, patch_memory=memory)
    calibration = retrained.calibrate_from_features(hold_set if hold_set is not None else train_set,
                                                    config.train.target_false_alarm_rate)

    held_out_paths = set(hold_set.paths) if hold_set is not None else set()
    batch_dir = str(log.batch_dir)
    added = [AddedImage(record.path, digest, batch_dir, record.reviewer, record.decided_at,
                        held_out=record.path in held_out_paths) for record, digest in chosen]
    now = _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds")
    parent_lineage = Lineage.from_meta(detector.meta)
    lineage = Lineage(
        parent_path=str(detector.path) if detector.path else None, parent_name=detector.info().name,
        parent_created=detector.meta.get("created"), added_images=tuple(added),
        old_normals=len(old_features) if old_features is not None else 0, retrained_at=now, epochs=int(epochs),
        history=tuple(parent_lineage.rounds()) if parent_lineage is not None else (),
    )
    retrained.meta.update({
        "created": now,
        "n_train_images": len(set(train_set.paths)),
        "n_holdout_images": len(hold_set) if hold_set is not None else 0,
        "training": _report_dict(fit),
        "calibration": calibration,
        "train_seconds": round(time.monotonic() - started, 2),
        "lineage": lineage.as_meta(),
    })

    before = [r for r in log.images() if r.score is not None and not r.error]
    confirmed = [r.path for r in before if r.decision == Decision.CONFIRMED]
    scores_after: dict[Path, float] = {}
    rescore_errors: list[tuple[Path, str]] = []
    rescore_started = time.monotonic()
    if progress is not None:
        progress(ProgressEvent(stage=JobStage.SCORE, done=0, total=len(before), message="checking the batch with the new model"))
    for done, result in enumerate(retrained.score_images([r.path for r in before], cancel=cancel), start=1):
        if progress is not None:
            elapsed = time.monotonic() - rescore_started
            progress(ProgressEvent(stage=JobStage.SCORE, done=done, total=len(before),
                                   eta_s=elapsed / done * (len(before) - done)))
        if result.ok:
            scores_after[result.path] = float(result.score)
        else:
            rescore_errors.append((result.path, result.error or "unreadable"))
    calibrated_threshold = float(retrained.threshold)
    confirmed_scores = [scores_after[p] for p in confirmed if p in scores_after]
    if confirmed_scores and min(confirmed_scores) < retrained.threshold:
        # the product's first promise is that no foreign body is missed: a threshold the calibration put above a
        # confirmed foreign body of this very review is lowered to it, and the summary says so
        retrained.threshold = min(confirmed_scores)
        retrained.meta["calibration"] = {**calibration, "threshold_held_for_confirmed": True,
                                         "calibrated_threshold": calibrated_threshold}
    flagged_after = {p: score >= retrained.threshold for p, score in scores_after.items()}
    return RetrainOutcome(
        detector=retrained,
        added=added,
        skipped=skipped,
        training_paths=list(dict.fromkeys(train_set.paths)),
        holdout_paths=list(hold_set.paths) if hold_set is not None else [],
        flagged_before=sum(r.flagged for r in before),
        flagged_after=sum(flagged_after.values()),
        scored=len(before),
        confirmed=confirmed,
        lost_confirmed=[p for p in confirmed if not flagged_after.get(p, False)],
        threshold_before=float(detector.threshold),
        threshold_after=float(retrained.threshold),
        calibrated_threshold=calibrated_threshold,
        fit=fit,
        seconds=time.monotonic() - started,
        rescore_errors=rescore_errors,
    )


def _repeats_for_share(n_new: int, n_old: int, share: float, most: int) -> int:
    """How often to repeat the new photos so they are at least ``share`` of the training set (at most ``most``)."""
    if n_new <= 0 or n_old <= 0:
        return 1
    wanted = share * n_old / ((1.0 - share) * n_new)
    return int(min(most, max(1, np.ceil(wanted))))


def _holdout_indices(n: int, fraction: float, seed: int, minimum: int) -> set[int]:
    """Indices to hold out: none below ``minimum`` images, else ``fraction`` of them and at least two."""
    if n < minimum or fraction <= 0:
        return set()
    n_hold = min(n - 1, max(2, int(round(n * fraction))))
    return set(np.random.default_rng(seed).permutation(n)[:n_hold].tolist())
