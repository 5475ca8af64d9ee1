"""CSA Inspector engine: CSA-Flow anomaly detection for braking-device photos.

Importing ``core`` is cheap (no torch): the inspector imports it at start-up and loads the engine
(torch, timm) in the background through :func:`load_detector` / :func:`train_detector`.

This module is the one door the front-ends (command line, inspector) use: they import from ``core`` only, never
from a stage's modules. Names that need a stage's heavier modules are loaded on first use.
"""
from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Optional, Sequence

from core.photos.batch_folder import (
    BatchListing, SkippedEntry, folder_of, list_batch, list_batch_photos, photo_key, resolve_batch_folder,
    subfolder_order,
)
from core.config import (
    DEFAULT_RETRAIN_EPOCHS, RUNTIMES, VARIANTS, BackboneConfig, FlowConfig, InputConfig, ModelConfig, RetrainConfig,
    RuntimeConfig, ScoringConfig, TrainConfig,
)
from core.models.library import (
    MODEL_SUFFIXES, LibraryModel, activate_fresh_model, active_version, is_model_file, library_path_for,
    list_library_models, model_library_dir, model_versions, next_version_path, safe_model_name, set_active_version,
    split_version,
)
from core.models.modelheader import Lineage, ModelInfo, ModelSummary, summarize_model
from core.results import Cancelled, CancelToken, ProgressCallback, ProgressEvent, ScoreResult

if TYPE_CHECKING:  # pragma: no cover
    from core.review.session import ReviewCounts, ReviewSession, SessionListener
    from core.scoring.detector import Detector
    from core.training.retrain import RetrainOutcome

__version__ = "0.1.0"

__all__ = [
    "RUNTIMES", "RuntimeConfig", "VARIANTS", "BackboneConfig", "FlowConfig", "InputConfig", "ModelConfig", "TrainConfig",
    "ScoringConfig", "RetrainConfig", "DEFAULT_RETRAIN_EPOCHS",
    "Cancelled", "CancelToken", "ProgressCallback", "ProgressEvent", "ScoreResult",
    "Lineage", "ModelInfo", "ModelSummary", "summarize_model",
    "BatchListing", "SkippedEntry", "folder_of", "list_batch", "list_batch_photos", "photo_key", "resolve_batch_folder",
    "subfolder_order",
    "MODEL_SUFFIXES", "LibraryModel", "activate_fresh_model", "active_version", "is_model_file", "library_path_for",
    "list_library_models", "model_library_dir", "model_versions", "next_version_path", "safe_model_name",
    "set_active_version", "split_version",
    "ReviewCounts", "ReviewSession", "SessionListener",
    "load_detector", "train_detector", "retrain_from_review", "warm_up_engine", "__version__",
]


#: Loaded on first use, so ``import core`` stays cheap: some of these need torch (the detector, model files, the
#: feature cache), others OpenCV (the review session reads photos) or SQLite, which a command that never opens a
#: batch should not pay for at start-up.
_LAZY_EXPORTS_BY_MODULE: dict[str, tuple[str, ...]] = {
    "core.vocabulary": (
        "Decision", "LogMark", "Zone", "PhotoStatus", "JobStage", "LOGGED_DECISIONS", "DECISION_LABELS",
        "DECISION_WORDS", "DECISION_ORDER", "STATUS_BADGES", "NO_BADGE", "badge_of", "STAGE_LABELS",
        "TRAINING_STAGE_LABELS", "IMPROVE_STAGE_LABELS", "STAGE_BAR_LABELS", "EPOCH_STAGES",
    ),
    "core.i18n": ("DEFAULT_LANGUAGE", "LANGUAGES", "TS_PREFIX", "normalize_language", "set_language",
                  "translation_source"),
    "core.photos.imageio": ("ImageReadError", "load_image"),
    "core.photos.datasets": ("training_images",),
    "core.photos.photo_check": ("MISSING", "MODIFIED", "PhotoCheck", "check_photos"),
    "core.features.feature_cache": ("FeatureCache",),
    "core.scoring.detector": ("Detector",),
    "core.scoring.batch": ("score_batch",),
    "core.scoring.operating_point": ("ALARM", "PASS", "REVIEW", "ZONES", "derived_alarm_threshold", "ordered", "zone_of"),
    "core.scoring.overlay": (
        "COLORMAPS", "DEFAULT_COLORMAP", "OUTLINE_COLOR", "color_range", "colorize", "hottest_box", "region_contours",
    ),
    "core.scoring.heatmap_store": ("HeatmapFileError", "load_heatmap"),
    "core.scoring.training_likeness": (
        "HeldOutNormals", "LikenessWarning", "check_training_likeness", "normals_from_meta", "normals_from_model_file",
    ),
    "core.models.modelfile": ("load_model_file",),
    "core.review": (
        "REVIEW_DECISIONS", "DecisionRecord", "ImageRecord", "ReviewLog", "ReviewLogError", "ReviewLogReadOnly",
        "open_for_batch",
    ),
    "core.review.session": ("ReviewCounts", "ReviewSession", "SessionListener"),
    "core.review.history": (
        "CONFIDENCE", "CatchEstimate", "PassCurve", "ReviewHistory", "curve_rows", "estimate", "model_family",
        "pass_curve", "read_history",
    ),
    "core.report": ("InspectionDetails", "write_report"),
    "core.evaluation.category": ("evaluate_category",),
    "core.synthetic": ("SceneConfig", "generate_batch", "generate_dataset"),
    "core.resources": ("resource_path",),
    "core.atomicfile": ("atomic_write_text",),
}
_ON_FIRST_USE = {name: module for module, names in _LAZY_EXPORTS_BY_MODULE.items() for name in names}
__all__ += sorted(set(_ON_FIRST_USE) - set(__all__))


def __getattr__(name: str):
    module = _ON_FIRST_USE.get(name)
    if module is None:
        raise AttributeError(f"module 'core' has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_ON_FIRST_USE))


def warm_up_engine() -> str:
    """Import torch and timm and return the device name that scoring will use ("cuda:0 (NVIDIA ...)" or "cpu")."""
    from core.features.device import describe_device, pick_device

    return describe_device(pick_device(None))


def load_detector(path: str | Path, device: Optional[str] = None, runtime: str = "torch") -> "Detector":
    """Load a model file written by :meth:`Detector.save`; refuses files that are not ours.

    ``runtime``: what runs the backbone on the CPU (one of :data:`RUNTIMES`; see :mod:`core.features.runtime`).
    """
    from core.scoring.detector import Detector

    return Detector.load(path, device=device, runtime=runtime)


def train_detector(
    images: Sequence[str | Path],
    config: Optional[ModelConfig] = None,
    progress: Optional[ProgressCallback] = None,
    cancel: Optional[CancelToken] = None,
    device: Optional[str] = None,
    runtime: str = "torch",
) -> "Detector":
    """Train a detector on defect-free images only; see :class:`core.scoring.detector.Detector`."""
    from core.scoring.detector import Detector
    from core.features.feature_cache import FeatureCache

    return Detector.train(images, config or ModelConfig(), progress=progress, cancel=cancel, device=device,
                          feature_cache=FeatureCache(), runtime=runtime)


def retrain_from_review(
    detector: "Detector",
    review_log: str | Path,
    include_reviewed_normals: bool = False,
    epochs: Optional[int] = None,
    old_normals: Optional[Sequence[str | Path]] = None,
    progress: Optional[ProgressCallback] = None,
    cancel: Optional[CancelToken] = None,
) -> "RetrainOutcome":
    """Continue training ``detector`` on the photos a reviewer rejected as false alarms; see :mod:`core.training.retrain`.

    ``review_log`` is a batch folder or its log file; it is opened read-only, so the reviewer can keep working
    on the batch meanwhile. The returned model is neither saved nor activated.
    """
    from core.features.feature_cache import FeatureCache
    from core.training.retrain import retrain_from_log
    from core.review import ReviewLog

    with ReviewLog.open(review_log, read_only=True) as log:
        return retrain_from_log(detector, log, include_reviewed_normals=include_reviewed_normals,
                                epochs=epochs or None, old_normals=old_normals,
                                progress=progress, cancel=cancel, feature_cache=FeatureCache())
