"""The detector: a trained CSA-Flow with its thresholds, as used by the CLI, the inspector and reports."""
from __future__ import annotations

import datetime as _dt
import logging
import os
import random
import time
from pathlib import Path
from typing import Any, Iterable, Iterator, Optional, Sequence

import numpy as np
import torch

from core.i18n import translate
from core.config import ModelConfig, ScoringConfig
from core.features.device import CPU, MemoryGuard, describe_device, pick_device
from core.features.feature_cache import FeatureCache, extract_with_cache
from core.features.extractor import FeatureExtractor, FeatureSet, LoadedImage, iter_loaded
from core.features.feature_cache import samples_by_path
from core.flow.anomaly_map import grid_maps, image_scores
from core.features.patch_memory import PatchMemory
from core.scoring.photo_maps import peak_level, photo_canvas, to_photo, working_map
from core.flow.torch_model import CSAFlow
from core.models.modelfile import ModelFile, ModelFileError, load_model_file, save_model_file
from core.models.modelheader import ModelInfo
from core.scoring.operating_point import OperatingPoint, derived_alarm_threshold, ordered, single_threshold_note
from core.results import Cancelled, CancelToken, ProgressCallback, ProgressEvent, ScoreResult
from core.vocabulary import JobStage
from core.features.runtime import RuntimeChoice, TorchBackbone, select_runtime, verify_runtime
from core.training.threshold import pixel_threshold_from_peaks, threshold_for_good_scores
from core.training.trainer import FitReport, fit_flow

_log = logging.getLogger(__name__)
# Model metadata key of the typical heatmap value of a good photo (the cold end of the overlay colours); the
# review log stores the same value in its ``heatmap_low`` column.
HEATMAP_LOW_KEY = "heatmap_low"
# The name older model files give it; still read.
LEGACY_HEATMAP_LOW_KEY = "heatmap_normal_level"


def seed_everything(seed: int) -> None:
    random.seed(seed)
    np.random.seed(seed % (2**32))
    torch.manual_seed(seed)


def split_holdout(n: int, fraction: float, seed: int) -> tuple[list[int], list[int]]:
    """Deterministic train / held-out split. Below 10 images everything trains and nothing is held out."""
    if n < 10 or fraction <= 0:
        return list(range(n)), []
    n_hold = max(2, int(round(n * fraction)))
    order = np.random.default_rng(seed).permutation(n)
    return sorted(order[n_hold:].tolist()), sorted(order[:n_hold].tolist())


class Detector:
    """A trained model ready to score images. Create with :meth:`train` or :meth:`load`."""

    def __init__(
        self,
        config: ModelConfig,
        flow: CSAFlow,
        extractor: FeatureExtractor,
        threshold: float,
        pixel_threshold: float,
        meta: Optional[dict[str, Any]] = None,
        alarm_threshold: Optional[float] = None,
        patch_memory: Optional[PatchMemory] = None,
    ):
        self.config = config
        self.flow = flow.eval()
        self.extractor = extractor
        # normal patches of the training photos: the heatmap when ``config.maps.source == "patch"``
        self.patch_memory = patch_memory
        if config.maps.uses_patches and patch_memory is None:
            raise ValueError("this model's map settings need a patch memory")
        self.threshold = float(threshold)  # the pass threshold: at or above it a person sees the photo
        self.alarm_threshold = ordered(self.threshold, alarm_threshold)
        self.pixel_threshold = float(pixel_threshold)
        self.meta: dict[str, Any] = dict(meta or {})
        if LEGACY_HEATMAP_LOW_KEY in self.meta:  # model files before the key took the review log's name
            self.meta.setdefault(HEATMAP_LOW_KEY, self.meta.pop(LEGACY_HEATMAP_LOW_KEY))
        self.path: Optional[Path] = None
        self.runtime_choice: Optional[RuntimeChoice] = None
        # Remarks for the user about how the model file was read (e.g. an alarm threshold derived for it).
        self.load_notes: list[str] = []

    # ----------------------------------------------------------------- properties
    @property
    def operating_point(self) -> OperatingPoint:
        return OperatingPoint(self.threshold, self.alarm_threshold)

    def set_operating_point(self, pass_threshold: float, alarm_threshold: Optional[float] = None) -> None:
        """Move the lines (e.g. from the inspector or ``eval --save-threshold``); alarm never drops below pass."""
        self.threshold = float(pass_threshold)
        self.alarm_threshold = ordered(self.threshold, self.alarm_threshold if alarm_threshold is None else alarm_threshold)

    @property
    def device(self) -> str:
        return str(self.extractor.device)

    @property
    def device_description(self) -> str:
        return describe_device(self.extractor.device)

    @property
    def runtime(self) -> str:
        """What runs the backbone: ``torch``, ``onnxruntime`` or ``openvino``."""
        return getattr(self.extractor.runtime, "name", "torch")

    def use_runtime(self, runtime: Optional[str] = None) -> RuntimeChoice:
        """Run the backbone with ``runtime`` (default: :class:`RuntimeConfig`'s) if it reproduces PyTorch's scores.

        The check runs probe images through this model's flow both ways; a runtime whose image scores differ by
        more than the tolerance is refused (logged, and kept in ``runtime_choice.refused``) and PyTorch runs.
        """
        self.runtime_choice = select_runtime(self.extractor, runtime, head=self._probe_scores)
        return self.runtime_choice

    @torch.inference_mode()
    def _probe_scores(self, scales: list[torch.Tensor]) -> torch.Tensor:
        return image_scores(self._latents(scales)).cpu()

    def move_to_cpu(self) -> None:
        """Backbone and flow move together: a model split across two devices cannot run."""
        self.extractor.move_to(CPU)
        self.flow.to(CPU)

    def info(self) -> ModelInfo:
        return ModelInfo(
            name=self.meta.get("name") or (self.path.stem if self.path else "unsaved model"),
            variant=self.config.flow.variant,
            backbone=self.config.backbone.name,
            image_size=self.config.input.image_size,
            hidden_channels=self.config.flow.hidden_channels,
            threshold=self.threshold,
            alarm_threshold=self.alarm_threshold,
            pixel_threshold=self.pixel_threshold,
            heatmap_low=self.meta.get(HEATMAP_LOW_KEY),
            device=self.device_description,
            runtime=self.runtime,
            path=str(self.path) if self.path else None,
            created=self.meta.get("created"),
            n_train_images=self.meta.get("n_train_images"),
        )

    # ----------------------------------------------------------------- training
    @classmethod
    def train(
        cls,
        images: Sequence[str | Path],
        config: ModelConfig,
        progress: Optional[ProgressCallback] = None,
        cancel: Optional[CancelToken] = None,
        device: Optional[str] = None,
        feature_cache: Optional[FeatureCache] = None,
        runtime: str = "torch",
    ) -> "Detector":
        """Learn normal appearance from defect-free images only.

        A held-out share of the images is kept back: it stops training when its NLL no longer improves and
        sets the image threshold at the configured false-alarm rate, so no anomalous example is needed.
        ``runtime`` runs the frozen backbone's feature extraction (see :mod:`core.features.runtime`); once the flow is
        trained, its scores are checked against PyTorch too, and a runtime that differs is dropped.
        """
        paths = [Path(p) for p in images]
        if not paths:
            raise ValueError("no training images given")
        seed_everything(config.train.seed)
        torch_device = pick_device(device)
        started = time.monotonic()
        extractor = FeatureExtractor(config.backbone, config.input, torch_device, maps=config.maps)
        runtime_choice = select_runtime(extractor, runtime)
        # through the cache when given: improving this model from a review later reuses these features
        features = extract_with_cache(extractor, paths, feature_cache, progress=progress, cancel=cancel)
        torch_device = extractor.device  # the CPU when the GPU ran out of memory even for one image
        if len(features) < 2:
            reasons = "; ".join(f"{p.name}: {r}" for p, r in list(features.errors.items())[:3])
            raise ValueError(f"need at least 2 readable training images, got {len(features)}"
                             + (f" ({reasons})" if reasons else ""))
        # split photos, not tiles: the held-out photos must be ones the flow never saw any part of
        rows = list(samples_by_path(features).values())
        train_photos, hold_photos = split_holdout(len(rows), config.train.holdout_fraction, config.train.seed)
        train_idx = [r for i in train_photos for r in rows[i]]
        hold_idx = [r for i in hold_photos for r in rows[i]]
        train_set = features.subset(train_idx)
        hold_set = features.subset(hold_idx) if hold_idx else None

        n_flow = extractor.n_flow_maps
        flow = CSAFlow([tuple(s.shape[1:]) for s in features.scales[:n_flow]], config.flow)
        flow.set_feature_statistics(train_set.scales[:n_flow])
        report = fit_flow(
            flow, train_set.scales[:n_flow], hold_set.scales[:n_flow] if hold_set else None, config.train, torch_device,
            progress, cancel
        )
        memory, memory_seconds = None, None
        if config.maps.uses_patches:
            memory_started = time.monotonic()
            memory = fit_patch_memory(train_set.scales[-1], extractor.patch_projection, config)
            memory_seconds = round(time.monotonic() - memory_started, 2)
        detector = cls(config, flow, extractor, threshold=float("inf"), pixel_threshold=float("inf"),
                       patch_memory=memory)
        detector.runtime_choice = runtime_choice
        if runtime_choice.name != "torch":  # the features matched; now the trained flow's scores must match too
            refusal, _, runtime_choice.score_difference = verify_runtime(extractor, extractor.runtime,
                                                                         detector._probe_scores)
            if refusal is not None:
                _log.warning("backbone runtime %s refused, PyTorch runs instead: %s", runtime_choice.name, refusal)
                runtime_choice.refused[runtime_choice.name] = refusal
                runtime_choice.name, extractor.runtime = "torch", TorchBackbone(extractor.backbone)
                runtime_choice.description = extractor.runtime.describe()
        calibration = detector.calibrate_from_features(hold_set if hold_set else train_set, config.train.target_false_alarm_rate,
                                                       config.train.alarm_false_alarm_rate)
        detector.meta = {
            HEATMAP_LOW_KEY: detector.meta.get(HEATMAP_LOW_KEY),
            "score_scale": detector.meta.get("score_scale"),
            "created": _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds"),
            "n_train_images": len(train_photos),
            "n_holdout_images": len(hold_photos),
            "n_train_samples": len(train_set),
            "train_folder": _common_folder(features.paths),
            "skipped_images": {str(p): r for p, r in features.errors.items()},
            "training": _report_dict(report),
            "train_seconds": round(time.monotonic() - started, 2),
            "trained_on_device": str(torch_device),
            "calibration": calibration,
        }
        if memory is not None:
            detector.meta["patch_memory"] = {"size": len(memory), "seconds": memory_seconds}
        return detector

    # ----------------------------------------------------------------- calibration
    @torch.inference_mode()
    def _latents(self, scales: Sequence[torch.Tensor]) -> list[torch.Tensor]:
        device = self.extractor.device
        if next(self.flow.parameters()).device.type != device.type:
            # the extractor fell back to the CPU on its own (its extract_paths was called directly): follow it
            self.flow.to(device)
        # the flow reads its own maps; a patch embedding after them is the patch memory's
        z, _ = self.flow([s.to(device) for s in scales[: self.extractor.n_flow_maps]])
        return z

    @torch.inference_mode()
    def score_features(self, features: FeatureSet, batch_size: int = ScoringConfig.feature_rows,
                       ) -> tuple[np.ndarray, np.ndarray]:
        """Image scores (N) and feature-grid maps (N x h x w) of already extracted features."""

        def score_rows(rows: Sequence[int]) -> tuple[np.ndarray, np.ndarray]:
            return self._scores_and_grids([s[rows[0] : rows[-1] + 1] for s in features.scales])

        outputs = MemoryGuard(batch_size, self.move_to_cpu).run(range(len(features)), score_rows)
        return np.concatenate([s for s, _ in outputs]), np.concatenate([m for _, m in outputs])

    @torch.inference_mode()
    def _scores_and_grids(self, scales: Sequence[torch.Tensor]) -> tuple[np.ndarray, np.ndarray]:
        z = self._latents(scales)
        if self.config.maps.uses_patches:
            grids = self.patch_memory.distance_maps(scales[-1].to(self.extractor.device))
        else:
            grids = grid_maps(z, self.config.maps.fusion)
        return image_scores(z).cpu().numpy(), grids.cpu().numpy()

    def _photo_score(self, flow_score: float, canvas: np.ndarray) -> float:
        """The image score of :class:`core.config.MapConfig` for one photo's flow score and working heatmap."""
        peak = peak_level(canvas, self.config.maps.top_k) if self.config.maps.score == "flow+peak" else None
        return float(self._combined_score(float(flow_score), float(canvas.max()), peak))

    def _combined_score(self, flow: Any, hottest: Any, peak: Any = None) -> Any:
        """The chosen image score from its parts (floats, or arrays of them): the flow's mean, the heatmap's
        hottest value, the mean of its hottest ``top_k``; summed parts are each divided by their calibrated scale."""
        score, scale = self.config.maps.score, self.meta.get("score_scale")
        if score == "patch":
            return hottest
        if score == "flow+patch" and scale and "patch" in scale:
            return flow / scale["flow"] + hottest / scale["patch"]
        if score == "flow+peak" and scale and "peak" in scale:
            return flow / scale["flow"] + peak / scale["peak"]
        return flow

    def calibrate_from_features(self, good: FeatureSet, false_alarm_rate: float,
                                alarm_rate: Optional[float] = None) -> dict[str, Any]:
        """Pass at ``false_alarm_rate`` of these normal photos, alarm at ``alarm_rate`` (config default)."""
        alarm_rate = self.config.train.alarm_false_alarm_rate if alarm_rate is None else float(alarm_rate)
        self.meta = dict(self.meta)  # a copy of a detector (sharing its meta) keeps its own score scale
        flow, grids = self.score_features(good)
        smooth, top_k = self.config.maps.smooth, self.config.maps.top_k
        photo_flow, photo_peak, photo_max, levels = [], [], [], []
        for rows in samples_by_path(good).values():
            # a tiled photo is as hot as its hottest tile (per-tile canvases: no photo sizes are kept with features)
            canvases = [working_map(grids[r], smooth) for r in rows]
            photo_flow.append(float(max(flow[r] for r in rows)))
            photo_peak.append(max(peak_level(c, top_k) for c in canvases))
            photo_max.append(max(float(c.max()) for c in canvases))
            levels.append(np.median(np.concatenate([c.ravel() for c in canvases])))
        photo_flow, photo_peak, hottest = np.asarray(photo_flow), np.asarray(photo_peak), np.asarray(photo_max)
        added = {"flow+peak": ("peak", photo_peak), "flow+patch": ("patch", hottest)}.get(self.config.maps.score)
        if added is not None:
            # each part divided by its median on good photos: both weigh alike whatever their units, a good photo
            # scores about 2 and every score stays positive (the thresholds' log-normal tail fit needs that)
            name, values = added
            self.meta["score_scale"] = {"flow": float(max(np.median(photo_flow), 1e-12)),
                                        name: float(max(np.median(values), 1e-12))}
        scores = np.asarray(self._combined_score(photo_flow, hottest, photo_peak), dtype=float)
        self.threshold = threshold_for_good_scores(scores, false_alarm_rate)
        self.alarm_threshold = ordered(self.threshold, threshold_for_good_scores(scores, alarm_rate))
        self.pixel_threshold = pixel_threshold_from_peaks(photo_max)
        # the typical heatmap value of a good photo: the cold end of the overlay colours
        self.meta[HEATMAP_LOW_KEY] = float(np.median(levels))
        return {
            "method": "false_alarm_rate (empirical, or log-normal tail fit if higher)",
            "target_false_alarm_rate": false_alarm_rate,
            "alarm_false_alarm_rate": alarm_rate,
            "n_good_images": int(len(scores)),
            "good_score_max": float(scores.max()),
            "good_score_median": float(np.median(scores)),
            "pixel_threshold_method": "hottest pixel of held-out good photos, 5 % tail (log-normal fit)",
            # kept so the share of normal photos above any other pass line can be told later
            "good_scores": [round(float(s), 6) for s in np.sort(scores)],
        }

    def calibrate(self, good_images: Sequence[str | Path], false_alarm_rate: float,
                  alarm_rate: Optional[float] = None) -> dict[str, Any]:
        """Reset the thresholds from defect-free images that the model did not train on."""
        features = self.extractor.extract_paths([Path(p) for p in good_images], to_cpu=self.move_to_cpu)
        if len(features) == 0:
            raise ValueError("no readable good images to calibrate on")
        return self.calibrate_from_features(features, false_alarm_rate, alarm_rate)

    # ----------------------------------------------------------------- scoring
    def score_images(
        self,
        paths: Sequence[str | Path],
        progress: Optional[ProgressCallback] = None,
        cancel: Optional[CancelToken] = None,
        batch_size: int = ScoringConfig.batch_size,
    ) -> Iterator[ScoreResult]:
        """Score images in order, streaming one result per path; unreadable files come back with ``error`` set.

        Raises :class:`Cancelled` at the next batch boundary once ``cancel`` is set. GPU out of memory halves
        the batch and, if one image still does not fit, moves the engine to the CPU with a progress message
        (see :class:`core.features.device.MemoryGuard`); the images are scored either way.
        """
        paths = [Path(p) for p in paths]
        total = len(paths)
        done = 0
        start = time.monotonic()
        pending: list[LoadedImage] = []
        if progress is not None:
            progress(ProgressEvent(JobStage.SCORE, 0, total, message="reading images"))

        def tell(message: str) -> None:
            if progress is not None:
                progress(ProgressEvent(JobStage.SCORE, done, total, message=message, extra={"device": "cpu"}))

        guard = MemoryGuard(batch_size, self.move_to_cpu, tell)

        def emit(results: Iterable[ScoreResult]) -> Iterator[ScoreResult]:
            nonlocal done
            for result in results:
                done += 1
                if progress is not None:
                    elapsed = time.monotonic() - start
                    progress(ProgressEvent(JobStage.SCORE, done, total, eta_s=elapsed / done * (total - done),
                                           message=result.path.name))
                yield result

        for item in iter_loaded(paths, self.extractor.reading):
            if cancel is not None and cancel.is_set():
                raise Cancelled("scoring cancelled")
            if item.error is not None:
                # keep output in input order: flush what is waiting before reporting the bad file
                yield from emit(self._score_loaded(pending, guard))
                pending.clear()
                yield from emit([ScoreResult(item.path, None, False, error=item.error)])
                continue
            pending.append(item)
            if len(pending) >= batch_size:
                yield from emit(self._score_loaded(pending, guard))
                pending.clear()
        yield from emit(self._score_loaded(pending, guard))

    @torch.inference_mode()
    def _score_pyramids(self, items: Sequence[LoadedImage]) -> tuple[np.ndarray, np.ndarray]:
        return self._scores_and_grids(self.extractor.extract([tile for item in items for tile in item.tiles]))

    def _score_loaded(self, items: list[LoadedImage], guard: MemoryGuard) -> Iterator[ScoreResult]:
        if not items:
            return
        outputs = guard.run(items, self._score_pyramids)
        scores = np.concatenate([s for s, _ in outputs])
        maps = np.concatenate([m for _, m in outputs])
        row = 0
        for item in items:
            rows = slice(row, row + len(item.tiles))
            row += len(item.tiles)
            canvas = photo_canvas(maps[rows], item.boxes, item.width, item.height, self.config.maps.smooth)
            # one full-size heatmap at a time, made when the caller asks for it: a batch of 48 MP photos would
            # otherwise hold eight 190 MB heatmaps at once
            heatmap = to_photo(canvas, item.width, item.height)
            # compare as Python floats: against a float32 the threshold would be rounded to float32 first, and the
            # good image it was set just above would come out flagged
            score = self._photo_score(float(scores[rows].max()), canvas)
            yield ScoreResult(item.path, score, score >= self.threshold, heatmap, item.width, item.height)

    # ----------------------------------------------------------------- persistence
    def save(self, path: str | Path) -> Path:
        path = Path(path)
        meta = dict(self.meta)
        meta.setdefault("name", path.stem)
        save_model_file(
            ModelFile(
                config=self.config,
                state_dict=self.flow.state_dict(),
                threshold=self.threshold,
                pixel_threshold=self.pixel_threshold,
                backbone_signature=self.extractor.signature,
                feature_shapes=self.flow.feature_shapes,
                meta=meta,
                alarm_threshold=self.alarm_threshold,
                extra_tensors=self.patch_memory.tensors() if self.patch_memory is not None else {},
            ),
            path,
        )
        self.meta = meta
        self.path = path
        return path

    @classmethod
    def load(cls, path: str | Path, device: Optional[str] = None, runtime: str = "torch") -> "Detector":
        model, name = load_model_file(path), Path(path).name
        memory = PatchMemory.from_tensors(model.extra_tensors)
        if model.config.maps.uses_patches and memory is None:
            raise ModelFileError(translate(
                "ModelFile", "model {name} asks for a patch memory it does not hold: retrain it").format(name=name))
        extractor = FeatureExtractor(model.config.backbone, model.config.input, pick_device(device), maps=model.config.maps)
        if memory is not None and extractor.patch_projection is not None:
            if tuple(memory.projection.shape) != tuple(extractor.patch_projection.shape):
                raise ModelFileError(translate(
                    "ModelFile", "model {name} has a patch memory of another backbone: retrain it").format(name=name))
            extractor.patch_projection = memory.projection  # exactly the projection the memory was made with
        if extractor.signature != model.backbone_signature:
            raise ModelFileError(translate(
                "ModelFile", "model {name} was trained with backbone weights {trained}, but {loaded} are loaded: "
                "retrain it or provide the same weights").format(name=name, trained=model.backbone_signature,
                                                                 loaded=extractor.signature))
        flow = CSAFlow(model.feature_shapes, model.config.flow)
        try:
            flow.load_state_dict(model.state_dict, strict=True)
        except RuntimeError as err:
            raise ModelFileError(translate("ModelFile", "model file {path} does not match its own configuration: "
                                           "{detail}").format(path=path, detail=str(err).splitlines()[0])) from None
        flow.to(extractor.device)
        alarm = model.alarm_threshold
        notes = []
        if alarm is None:
            alarm = derived_alarm_threshold(model.threshold, model.meta.get("calibration") or {},
                                            model.config.train.alarm_false_alarm_rate)
            notes.append(single_threshold_note(name, model.threshold, alarm))
            _log.info(notes[-1])
        detector = cls(model.config, flow, extractor, model.threshold, model.pixel_threshold, model.meta, alarm,
                       patch_memory=memory if model.config.maps.uses_patches else None)
        detector.load_notes = notes
        detector.path = Path(path)
        detector.use_runtime(runtime)
        return detector


def fit_patch_memory(embeddings: torch.Tensor, projection: torch.Tensor, config: ModelConfig) -> PatchMemory:
    """The memory of normal patches of the training samples, sized as :class:`core.config.MapConfig` says."""
    maps = config.maps
    return PatchMemory.fit(embeddings, projection, maps.patch_share, maps.patch_max, maps.patch_candidates,
                           seed=config.train.seed, min_size=maps.patch_min)


def _common_folder(paths: Sequence[Path]) -> Optional[str]:
    """The folder holding all training photos (offered again when the model is improved from a review)."""
    try:
        return os.path.commonpath([str(p.resolve().parent) for p in paths]) if paths else None
    except ValueError:  # photos on different drives
        return None


def _report_dict(report: FitReport) -> dict[str, Any]:
    return {
        "epochs_run": report.epochs_run,
        "best_epoch": report.best_epoch,
        "best_val_loss": report.best_val_loss,
        "stopped_early": report.stopped_early,
        "seconds": round(report.seconds, 2),
        "train_losses": [round(v, 5) for v in report.train_losses],
        "val_losses": [round(v, 5) for v in report.val_losses],
    }
