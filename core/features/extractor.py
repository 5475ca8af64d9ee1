"""Multi-scale feature extraction with the frozen backbone (paper section 3.1).

The backbone is frozen, so training extracts every image's features once and keeps them in memory;
each epoch then costs only the flow. Image decoding runs in a small thread pool ahead of the network
(OpenCV and Pillow release the GIL), which keeps both CPU cores busy on large camera images.
"""
from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterator, Optional, Sequence

import cv2
import numpy as np
import torch

from core.features.backbone import FeatureBackbone, backbone_signature, build_backbone
from core.config import BackboneConfig, InputConfig, MapConfig, ScoringConfig
from core.features.device import CPU, MemoryGuard
from core.features.patch_memory import patch_embedding, patch_projection
from core.photos.imageio import ImageReadError, load_image
from core.results import Cancelled, CancelToken, ProgressCallback, ProgressEvent
from core.vocabulary import JobStage


def pyramid(image: np.ndarray, config: InputConfig) -> list[np.ndarray]:
    """The image resized to the full input size and to 1/2, 1/4 of it (area interpolation avoids aliasing).

    Resizing works on the uint8 photo and yields small uint8 levels: a camera photo of any size never gets a
    full-size float copy; conversion to float happens on the network's input size only.
    """
    size = config.image_size
    levels = []
    for s in range(config.n_scales):
        side = max(size >> s, 32)
        levels.append(cv2.resize(image, (side, side), interpolation=cv2.INTER_AREA))
    return levels


Box = tuple[int, int, int, int]  # x0, y0, x1, y1 in photo pixels, end exclusive


def _starts(length: int, side: int, overlap: float) -> list[int]:
    if length <= side:
        return [0]
    count = int(np.ceil((length - side) / (side * (1.0 - overlap)))) + 1
    return [int(round(i * (length - side) / (count - 1))) for i in range(count)]


def tile_boxes(width: int, height: int, config: InputConfig) -> list[Box]:
    """Where a photo is cut for the network (see :class:`~core.config.InputConfig`); one box = the whole photo."""
    long_side = max(width, height)
    if config.tile_grid <= 1 or long_side < config.tile_from * config.image_size:
        return [(0, 0, width, height)]
    overlap = min(max(config.tile_overlap, 0.0), 0.9)
    side = int(np.ceil(long_side / (config.tile_grid - (config.tile_grid - 1) * overlap)))
    side = min(side, width, height)  # a very elongated photo gets more tiles along its long side instead
    return [(x, y, x + side, y + side) for y in _starts(height, side, overlap) for x in _starts(width, side, overlap)]


@dataclass
class LoadedImage:
    """A decoded photo, reduced to what the network reads: the input pyramid of each tile (one tile if small)."""

    index: int
    path: Path
    tiles: list[list[np.ndarray]] = field(default_factory=list)
    width: int = 0
    height: int = 0
    error: Optional[str] = None
    boxes: list[Box] = field(default_factory=list)

    @property
    def levels(self) -> Optional[list[np.ndarray]]:
        """The pyramid of the whole photo (of its first tile when it was cut)."""
        return self.tiles[0] if self.tiles else None


def _load_for_network(index: int, path: Path, config: InputConfig) -> LoadedImage:
    try:
        image = load_image(path)
    except ImageReadError as err:
        return LoadedImage(index, path, error=err.reason)
    except Exception as err:  # a decoder bug must cost one image, not the batch
        return LoadedImage(index, path, error=f"could not read image: {err}")
    height, width = image.shape[:2]
    boxes = tile_boxes(width, height, config)
    # only the small pyramids outlive this call: the full-size photo is dropped before the next one is decoded
    tiles = [pyramid(image[y0:y1, x0:x1], config) for x0, y0, x1, y1 in boxes]
    return LoadedImage(index, path, tiles, width, height, boxes=boxes)


def iter_loaded(paths: Sequence[Path], config: InputConfig, workers: int = 2, ahead: int = 8) -> Iterator[LoadedImage]:
    """Decode images in order, a few ahead of the consumer, with bounded memory."""
    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="csa-decode") as pool:
        pending = []
        for i, path in enumerate(paths):
            pending.append(pool.submit(_load_for_network, i, Path(path), config))
            if len(pending) >= ahead:
                yield pending.pop(0).result()
        for fut in pending:
            yield fut.result()


@dataclass
class FeatureSet:
    """Features of many images: one CPU tensor per scale (N x C x H x W), plus what could not be read."""

    scales: list[torch.Tensor]
    paths: list[Path]
    errors: dict[Path, str] = field(default_factory=dict)

    def __len__(self) -> int:
        return len(self.paths)

    def subset(self, indices: Sequence[int]) -> "FeatureSet":
        idx = torch.as_tensor(list(indices), dtype=torch.long)
        return FeatureSet([s[idx] for s in self.scales], [self.paths[i] for i in indices])

    @staticmethod
    def concat(parts: Sequence["FeatureSet"]) -> "FeatureSet":
        scales = [torch.cat([p.scales[s] for p in parts]) for s in range(len(parts[0].scales))]
        errors: dict[Path, str] = {}
        for p in parts:
            errors.update(p.errors)
        return FeatureSet(scales, [path for p in parts for path in p.paths], errors)


def reading_config(backbone: BackboneConfig, inputs: InputConfig) -> InputConfig:
    """How photos are shrunk for the network (the input pyramid of ``inputs``, in both layouts)."""
    return inputs


def n_feature_maps(backbone: BackboneConfig, inputs: InputConfig) -> int:
    """Flow scales: each stage of the full-size pass, plus the last stage on each smaller pyramid copy."""
    return len(backbone.stages) + inputs.n_scales - 1 if backbone.stages else inputs.n_scales


class FeatureExtractor:
    """Backbone features of an image: one stage on the input pyramid, or several stages of one pass.

    With ``maps`` that use the patch memory (:class:`~core.config.MapConfig`), the full-size pass also yields the
    fine stages' patch embedding, as one more map after the flow's (``n_flow_maps`` of them).
    """

    def __init__(self, backbone: BackboneConfig, inputs: InputConfig, device: torch.device, fuse: bool = True,
                 maps: Optional[MapConfig] = None):
        self.inputs = inputs
        self.backbone_config = backbone
        #: what :func:`iter_loaded` must produce for :meth:`extract`
        self.reading = reading_config(backbone, inputs)
        self.backbone: FeatureBackbone = build_backbone(backbone)
        self.n_flow_maps = n_feature_maps(backbone, inputs)
        self.signature = backbone_signature(self.backbone)
        self.flow_stages = tuple(backbone.stages) or (self.backbone.stage,)
        #: the patch settings when this extractor also yields patch embeddings (None: flow maps only)
        self.patches: Optional[MapConfig] = maps if maps is not None and maps.uses_patches else None
        self.patch_projection: Optional[torch.Tensor] = None
        if self.patches is not None:
            stages = tuple(self.patches.patch_stages)
            if max(stages) > self.backbone.stage or min(stages) < 0:
                raise ValueError(f"patch stages {stages} must lie between 0 and the flow's stage {self.backbone.stage}")
            self.backbone.outputs = tuple(sorted(set(self.flow_stages) | set(stages)))
        self.n_maps = self.n_flow_maps + (1 if self.patches is not None else 0)
        if fuse:
            self.backbone.fuse_for_inference()
        if self.patches is not None:
            channels = [m.shape[1] for m in self._patch_maps(torch.zeros(1, 3, 64, 64))]
            self.patch_projection = patch_projection(channels, self.patches.patch_grid, self.patches.patch_dim,
                                                     self.patches.patch_balance)
        self.runtime = self._torch_runtime()  # what runs the backbone: see core.features.runtime.select_runtime
        self.move_to(device)

    def _torch_runtime(self):
        from core.features.runtime.torch_runtime import TorchBackbone

        return TorchBackbone(self.backbone)

    def move_to(self, device: torch.device) -> None:
        """Run the backbone on ``device`` from now on; fp16 autocast only pays off (and is only safe) on CUDA."""
        self.backbone.to(device)
        self.device = device
        self.use_amp = device.type == "cuda"
        if device.type != "cpu":  # exported runtimes run on the CPU only; the CUDA path stays PyTorch
            self.runtime = self._torch_runtime()

    def _patch_maps(self, x: torch.Tensor) -> list[torch.Tensor]:
        by_stage = dict(zip(self.backbone.outputs, self.backbone.forward_stages(x)))
        return [by_stage[s] for s in self.patches.patch_stages]

    @property
    def feature_shapes(self) -> list[tuple[int, int, int]]:
        dummy = np.zeros((self.inputs.image_size, self.inputs.image_size, 3), np.uint8)
        return [tuple(f.shape[1:]) for f in self.extract([pyramid(dummy, self.reading)])]

    @torch.no_grad()
    def extract(self, batch_levels: Sequence[list[np.ndarray]]) -> list[torch.Tensor]:
        """Features for a batch of image pyramids: one float32 tensor per flow scale on the engine's device."""

        def network_input(level: int) -> torch.Tensor:
            arr = np.stack([levels[level] for levels in batch_levels])
            # NHWC pixels viewed as NCHW are already channels-last, the layout the fused backbone runs fastest in
            return torch.from_numpy(arr).to(self.device, non_blocking=True).permute(0, 3, 1, 2).float().div_(255.0)

        out = []
        first = 0
        patches = None
        if self.backbone_config.stages or self.patches is not None:
            # the stages of one pass over the full-size input: fine detail and context from the same photo
            with torch.autocast(self.device.type, dtype=torch.float16, enabled=self.use_amp):
                x = network_input(0)
                maps = self.backbone.forward_stages(x) if self.runtime.name == "torch" else self.runtime.stages(x)
            by_stage = dict(zip(self.backbone.outputs, maps))
            out = [by_stage[s].float().contiguous() for s in self.flow_stages]
            if self.patches is not None:
                patches = patch_embedding([by_stage[s] for s in self.patches.patch_stages], self.patches.patch_grid,
                                          self.patch_projection, self.patches.patch_border)
            first = 1
        for s in range(first, self.inputs.n_scales):
            x = network_input(s)
            with torch.autocast(self.device.type, dtype=torch.float16, enabled=self.use_amp):
                # PyTorch calls the module held now (it may have been moved or wrapped); others their own graph
                feats = self.backbone(x) if self.runtime.name == "torch" else self.runtime(x)
            out.append(feats.float().contiguous())
        if patches is not None:
            out.append(patches)
        return out

    def extract_paths(
        self,
        paths: Sequence[Path],
        batch_size: int = ScoringConfig.batch_size,
        progress: Optional[ProgressCallback] = None,
        cancel: Optional[CancelToken] = None,
        to_cpu: Optional[Callable[[], None]] = None,
    ) -> FeatureSet:
        """Features of every readable image (kept on the CPU); unreadable ones are listed in ``errors``.

        GPU out of memory halves the batch; when one image does not fit, ``to_cpu`` (default: move this
        extractor) moves the engine to the CPU and extraction goes on there (see :class:`MemoryGuard`).
        """
        scales: list[list[torch.Tensor]] = [[] for _ in range(self.n_maps)]
        kept: list[Path] = []
        errors: dict[Path, str] = {}
        batch: list[LoadedImage] = []
        start = time.monotonic()
        total = len(paths)
        done = 0
        if progress is not None:
            progress(ProgressEvent(JobStage.FEATURES, 0, total, message="reading images"))

        def tell(message: str) -> None:
            if progress is not None:
                progress(ProgressEvent(JobStage.FEATURES, done, total, message=message, extra={"device": "cpu"}))

        guard = MemoryGuard(batch_size, to_cpu or (lambda: self.move_to(CPU)), tell)

        def extract_on_cpu(items: Sequence[LoadedImage]) -> list[torch.Tensor]:
            return [f.cpu() for f in self.extract([tile for item in items for tile in item.tiles])]

        def flush() -> None:
            for feats in guard.run(batch, extract_on_cpu):
                for s, f in enumerate(feats):
                    scales[s].append(f)
            # one sample per tile: a photo cut in four trains the flow with four samples of its path
            kept.extend(item.path for item in batch for _ in item.tiles)
            batch.clear()

        for done, item in enumerate(iter_loaded(paths, self.reading), start=1):
            if cancel is not None and cancel.is_set():
                raise Cancelled("feature extraction cancelled")
            if item.error is not None:
                errors[item.path] = item.error
            else:
                batch.append(item)
                if len(batch) >= batch_size:
                    flush()
            if progress is not None:
                elapsed = time.monotonic() - start
                eta = elapsed / done * (total - done)
                progress(ProgressEvent(JobStage.FEATURES, done, total, eta_s=eta, message=item.path.name))
        if batch:
            flush()
        if not kept:
            return FeatureSet([torch.empty(0)] * self.n_maps, [], errors)
        return FeatureSet([torch.cat(s) for s in scales], kept, errors)
