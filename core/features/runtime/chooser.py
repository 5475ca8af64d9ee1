"""Choosing the backbone runtime of a feature extractor: check against PyTorch, measure once, remember.

A runtime is used only after it has run probe images through the extractor (every input size the extractor
feeds the backbone) and matched PyTorch within ``RuntimeConfig.tolerance`` relative on every feature map and,
when a trained head is given, on the image scores. Otherwise the reason is logged, kept on the choice, and
PyTorch runs. ``auto`` measures the runtimes that pass on a small batch once per machine and backbone and
keeps the fastest in ``auto-choice.json`` in the runtime cache folder.
"""
from __future__ import annotations

import hashlib
import importlib.util
import json
import logging
import os
import platform
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Optional, Sequence

import numpy as np
import torch
from safetensors.torch import load_file, save_file

from core.atomicfile import atomic_write_text
from core.config import RUNTIMES, RuntimeConfig
from core.features.extractor import FeatureExtractor, pyramid
from core.features.runtime.store import default_runtime_dir, module_identity
from core.features.runtime.torch_runtime import TorchBackbone

log = logging.getLogger(__name__)

#: Runtime name -> (module that must be importable, "module:class" of its backbone runner).
RUNTIME_FACTORIES: dict[str, tuple[str, str]] = {
    "onnxruntime": ("onnxruntime", "core.features.runtime.onnx_runtime:OnnxRuntimeBackbone"),
    "openvino": ("openvino", "core.features.runtime.openvino_runtime:OpenVinoBackbone"),
}

_AUTO_FILE = "auto-choice.json"
_AUTO_BATCH = 4
_AUTO_REPEATS = 2
_PROBE_VERSION = 1  # raise when probe_pyramids changes: stored reference features then no longer apply

#: Image scores of a batch of features (the trained flow's); lets the check cover what the user sees.
Head = Callable[[list[torch.Tensor]], torch.Tensor]


@dataclass
class RuntimeChoice:
    """What runs the backbone and why; ``refused`` holds each runtime that was turned down with its reason."""

    name: str
    requested: str
    description: str
    feature_difference: Optional[float] = None  # largest relative difference to PyTorch on the probes
    score_difference: Optional[float] = None
    refused: dict[str, str] = field(default_factory=dict)
    export_seconds: float = 0.0  # spent exporting graphs while choosing (0 when all came from the cache)
    prepare_seconds: float = 0.0  # export + compile
    exports: int = 0
    measured: Optional[dict[str, float]] = None  # images/s per runtime, when ``auto`` measured just now
    remembered: bool = False  # ``auto`` reused an earlier measurement

    def summary(self) -> str:
        text = self.name
        if self.refused:
            text += " (" + "; ".join(f"{name} refused: {why}" for name, why in self.refused.items()) + ")"
        return text


def available_runtimes() -> list[str]:
    """``torch`` and every exported runtime whose package is installed."""
    return ["torch"] + [name for name, (module, _) in RUNTIME_FACTORIES.items() if _installed(module)]


def _installed(module: str) -> bool:
    try:
        return importlib.util.find_spec(module) is not None
    except (ImportError, ValueError):
        return False


def _make_runner(name: str, extractor: FeatureExtractor, folder: Path):
    module_name, target = RUNTIME_FACTORIES[name]
    path, cls_name = target.split(":")
    cls = getattr(__import__(path, fromlist=[cls_name]), cls_name)
    return cls(extractor.backbone, folder)


def probe_pyramids(extractor: FeatureExtractor, n: int = 2) -> list[list[np.ndarray]]:
    """Deterministic probe photos at the extractor's input: a smooth scene with edges, and noise.

    Smooth areas and sharp edges exercise different parts of the value range than noise; both go through
    every input size the extractor uses, so each graph is checked.
    """
    size = extractor.inputs.image_size
    rng = np.random.default_rng(20231)
    yy, xx = np.mgrid[0:size, 0:size].astype(np.float32) / max(size - 1, 1)
    scene = np.stack([xx, yy, 0.5 + 0.5 * np.sin(6.0 * np.pi * xx * yy)], axis=-1)
    scene[size // 3: size // 2, size // 4: 3 * size // 4] = (0.9, 0.2, 0.1)  # a hard-edged patch
    images = [(scene * 255).astype(np.uint8), rng.integers(0, 256, (size, size, 3), dtype=np.uint8)]
    while len(images) < n:
        images.append(rng.integers(0, 256, (size, size, 3), dtype=np.uint8))
    return [pyramid(image, extractor.inputs) for image in images[:n]]


def relative_difference(candidate: torch.Tensor, reference: torch.Tensor) -> float:
    """Largest absolute difference, relative to the largest magnitude of the reference."""
    reference = reference.detach().float().cpu()
    candidate = candidate.detach().float().cpu()
    if candidate.shape != reference.shape:
        return float("inf")
    scale = float(reference.abs().max()) if reference.numel() else 0.0
    return float((candidate - reference).abs().max()) / max(scale, 1e-12) if reference.numel() else 0.0


def _extract_with(extractor: FeatureExtractor, runner: Any, pyramids: Sequence[list[np.ndarray]]) -> list[torch.Tensor]:
    previous = extractor.runtime
    extractor.runtime = runner
    try:
        return [f.cpu() for f in extractor.extract(pyramids)]
    finally:
        extractor.runtime = previous


def _reference_key(extractor: FeatureExtractor, n_probes: int) -> str:
    import dataclasses
    import inspect

    from core.features import extractor as features

    try:  # the extraction code decides the features as much as the weights do
        code = hashlib.sha256(inspect.getsource(features).encode()).hexdigest()[:16]
    except (OSError, TypeError):
        code = features.__name__
    key = {"backbone": module_identity(extractor.backbone), "input": dataclasses.asdict(extractor.inputs),
           "extractor": code, "torch": torch.__version__, "probes": [_PROBE_VERSION, n_probes]}
    return hashlib.sha256(json.dumps(key, sort_keys=True, default=str).encode()).hexdigest()[:24]


def reference_features(extractor: FeatureExtractor, probes: Sequence[list[np.ndarray]],
                       folder: Optional[Path] = None) -> list[torch.Tensor]:
    """PyTorch's features of the probe photos; kept in ``folder`` so a later load does not run PyTorch for them."""
    path = folder / f"reference-{_reference_key(extractor, len(probes))}.safetensors" if folder else None
    if path is not None and path.is_file():
        try:
            stored = load_file(str(path))
            return [stored[f"features{i}"] for i in range(len(stored))]
        except Exception:  # damaged: computed again below
            path.unlink(missing_ok=True)
    reference = _extract_with(extractor, TorchBackbone(extractor.backbone), probes)
    if path is not None:
        try:
            folder.mkdir(parents=True, exist_ok=True)
            handle, tmp = tempfile.mkstemp(prefix=".reference-", suffix=".safetensors", dir=folder)
            os.close(handle)
            try:
                save_file({f"features{i}": f.contiguous() for i, f in enumerate(reference)}, tmp)
                os.replace(tmp, path)
            finally:
                Path(tmp).unlink(missing_ok=True)
        except OSError as err:
            log.warning("could not keep the reference features in %s: %s", folder, err)
    return reference


def verify_runtime(extractor: FeatureExtractor, runner: Any, head: Optional[Head] = None,
                   tolerance: float = RuntimeConfig.tolerance,
                   folder: Optional[Path] = None) -> tuple[Optional[str], float, Optional[float]]:
    """(reason to refuse or None, feature difference, score difference) of ``runner`` against PyTorch.

    ``folder``: where PyTorch's features of the probes are kept between loads (computed afresh without one).
    """
    probes = probe_pyramids(extractor)
    reference = reference_features(extractor, probes, folder)
    try:
        candidate = _extract_with(extractor, runner, probes)
    except Exception as err:  # a runtime that cannot run the graph is refused, never fatal
        return f"could not run the backbone: {type(err).__name__}: {str(err).splitlines()[0] if str(err) else ''}", \
            float("inf"), None
    if len(candidate) != len(reference):
        return f"returned {len(candidate)} feature maps instead of {len(reference)}", float("inf"), None
    feature_diff = max(relative_difference(c, r) for c, r in zip(candidate, reference))
    if not feature_diff < tolerance:
        return f"features differ from PyTorch by {feature_diff:.2g} relative (allowed {tolerance:.0e})", feature_diff, None
    score_diff = None
    if head is not None:
        with torch.inference_mode():
            score_diff = relative_difference(head(candidate), head(reference))
        if not score_diff < tolerance:
            return (f"image scores differ from PyTorch by {score_diff:.2g} relative (allowed {tolerance:.0e})",
                    feature_diff, score_diff)
    return None, feature_diff, score_diff


def select_runtime(extractor: FeatureExtractor, requested: Optional[str] = None, head: Optional[Head] = None,
                   folder: Optional[Path] = None, config: Optional[RuntimeConfig] = None,
                   _exclude: Sequence[str] = (), _refused: Optional[dict[str, str]] = None) -> RuntimeChoice:
    """Set ``extractor.runtime`` to the requested runtime if it passes the check, else PyTorch; say which and why."""
    config = config or RuntimeConfig()
    requested = (requested or config.runtime).strip().lower()
    if requested not in RUNTIMES:
        raise ValueError(f"unknown runtime '{requested}'; choose one of {', '.join(RUNTIMES)}")
    torch_runner = TorchBackbone(extractor.backbone)
    choice = RuntimeChoice("torch", requested, torch_runner.describe(), refused=dict(_refused or {}))
    if extractor.device.type != "cpu" or requested == "torch":
        extractor.runtime = torch_runner
        return choice
    folder = Path(folder) if folder is not None else default_runtime_dir()
    installed = available_runtimes()
    remembered = None
    if requested == "auto":
        candidates = [name for name in RUNTIME_FACTORIES if name in installed and name not in _exclude]
        remembered = None if _exclude else _remembered_winner(extractor, ["torch", *candidates], folder)
        if remembered == "torch":
            choice.remembered = True
            extractor.runtime = torch_runner
            return choice
        if remembered in candidates:  # measured before: only the winner needs preparing and checking
            candidates = [remembered]
    elif requested in installed:
        candidates = [requested]
    else:
        candidates = []
        choice.refused[requested] = f"not installed (pip install {RUNTIME_FACTORIES[requested][0]})"
    passed: dict[str, tuple[Any, float, Optional[float]]] = {}
    for name in candidates:
        runner = _make_runner(name, extractor, folder)
        reason, feature_diff, score_diff = verify_runtime(extractor, runner, head, config.tolerance, folder)
        choice.export_seconds += runner.export_seconds
        choice.prepare_seconds += runner.prepare_seconds
        choice.exports += runner.exports
        if reason is None:
            runner.frozen = True
            passed[name] = (runner, feature_diff, score_diff)
        else:
            choice.refused[name] = reason
    for name, reason in choice.refused.items():
        log.warning("backbone runtime %s refused, PyTorch runs instead: %s", name, reason)
    winner = "torch"
    if remembered is not None and remembered in passed:
        choice.remembered = True
        winner = remembered
    elif requested == "auto" and remembered is not None and not passed:
        # the remembered winner no longer passes the check: measure the others again
        return select_runtime(extractor, requested, head, folder, config, _exclude=(remembered,),
                              _refused=choice.refused)
    elif requested == "auto" and passed:
        winner = _auto_winner(extractor, {"torch": torch_runner, **{n: r for n, (r, _, _) in passed.items()}},
                              folder, choice)
    elif passed:
        winner = next(iter(passed))
    if winner == "torch":
        extractor.runtime = torch_runner
        return choice
    runner, choice.feature_difference, choice.score_difference = passed[winner]
    extractor.runtime = runner
    choice.name, choice.description = winner, runner.describe()
    return choice


def _auto_key(extractor: FeatureExtractor, names: Sequence[str]) -> str:
    import dataclasses

    versions = {"torch": torch.__version__}
    for name in names:
        if name in RUNTIME_FACTORIES:
            module_name, target = RUNTIME_FACTORIES[name]
            path, cls_name = target.split(":")
            versions[name] = getattr(__import__(path, fromlist=[cls_name]), cls_name).version()
    key = {
        "signature": extractor.signature,
        "backbone": dataclasses.asdict(extractor.backbone_config),
        "input": dataclasses.asdict(extractor.inputs),
        "machine": [platform.machine(), platform.processor(), os.cpu_count(), torch.get_num_threads()],
        "versions": versions,
    }
    return hashlib.sha256(json.dumps(key, sort_keys=True, default=str).encode()).hexdigest()[:24]


def _read_choices(path: Path) -> dict[str, Any]:
    try:
        remembered = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return remembered if isinstance(remembered, dict) else {}


def _remembered_winner(extractor: FeatureExtractor, names: Sequence[str], folder: Path) -> Optional[str]:
    """The runtime ``auto`` measured fastest earlier for the same runtimes, versions, machine and backbone."""
    entry = _read_choices(folder / _AUTO_FILE).get(_auto_key(extractor, names))
    if isinstance(entry, dict) and entry.get("choice") in names:
        return str(entry["choice"])
    return None


def _auto_winner(extractor: FeatureExtractor, runners: dict[str, Any], folder: Path, choice: RuntimeChoice) -> str:
    """The fastest of ``runners`` for this extractor on this machine: remembered, or measured now and stored."""
    path = folder / _AUTO_FILE
    key = _auto_key(extractor, list(runners))
    remembered = _read_choices(path)
    pyramids = probe_pyramids(extractor, _AUTO_BATCH)
    rates: dict[str, float] = {}
    for name, runner in runners.items():
        _extract_with(extractor, runner, pyramids)  # first call: allocations and kernel selection
        best = float("inf")
        for _ in range(_AUTO_REPEATS):
            started = time.perf_counter()
            _extract_with(extractor, runner, pyramids)
            best = min(best, time.perf_counter() - started)
        rates[name] = len(pyramids) / best if best > 0 else float("inf")
    winner = max(rates, key=rates.get)
    choice.measured = rates
    remembered[key] = {"choice": winner, "images_per_second": rates,
                       "measured": time.strftime("%Y-%m-%dT%H:%M:%S")}
    try:
        folder.mkdir(parents=True, exist_ok=True)
        atomic_write_text(path, json.dumps(remembered, indent=1, sort_keys=True))
    except OSError as err:  # a read-only cache costs a measurement next time, nothing else
        log.warning("could not remember the runtime choice in %s: %s", path, err)
    log.info("auto runtime: %s (%s)", winner, ", ".join(f"{n} {r:.1f} images/s" for n, r in rates.items()))
    return winner
