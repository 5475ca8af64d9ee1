"""A backbone exported to ONNX and run by an inference runtime, one compiled graph per input size.

Generic over what the module returns: a tensor, or a list / tuple of feature maps, comes back in the same form.
The graph for an input size is made on the first call with that size (batch dimension left free), written
atomically into the cache folder under a key of module identity, input size, output layout and exporter
version, and reused by every later load. Once the chooser has verified the runtime it is frozen: a size it has
not seen (and so not verified) is run by PyTorch instead.
"""
from __future__ import annotations

import json
import logging
import os
import tempfile
import time
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Optional

import numpy as np
import torch
from torch import nn

from core.atomicfile import atomic_write_text
from core.features.runtime.store import ONNX_OPSET, graph_key, module_identity

log = logging.getLogger(__name__)

_LAYOUTS = "layouts.json"


@dataclass
class _Graph:
    compiled: Any
    container: str  # "tensor", "list" or "tuple": what the module returned
    n_outputs: int


@dataclass
class _Costs:
    """What preparing graphs cost; shared by a runner and its stage-outputs view, so callers see one total."""

    exports: int = 0  # graphs that had to be exported (0 when all came from the cache)
    export_seconds: float = 0.0
    prepare_seconds: float = 0.0  # export (if any) + compile, summed over input sizes


class ExportedBackbone:
    """Base of the ONNX-based runtimes; subclasses say how a graph file is compiled and run."""

    name = "exported"

    def __init__(self, module: nn.Module, folder: Path, threads: Optional[int] = None,
                 _costs: Optional[_Costs] = None) -> None:
        self.module = module
        self.folder = Path(folder)
        self.threads = int(threads or torch.get_num_threads())
        self._frozen = False
        self._costs = _costs or _Costs()
        self._graphs: dict[tuple[int, ...], _Graph] = {}
        self._warned_sizes: set[tuple[int, ...]] = set()
        self._identity: Optional[dict[str, Any]] = None
        self._stage_runner: Optional["ExportedBackbone"] = None

    @property
    def exports(self) -> int:
        return self._costs.exports

    @property
    def export_seconds(self) -> float:
        return self._costs.export_seconds

    @property
    def prepare_seconds(self) -> float:
        return self._costs.prepare_seconds

    @property
    def frozen(self) -> bool:
        """Once verified, input sizes that were not checked against PyTorch run in PyTorch."""
        return self._frozen

    @frozen.setter
    def frozen(self, value: bool) -> None:
        self._frozen = value
        if self._stage_runner is not None:
            self._stage_runner.frozen = value

    def stages(self, x: torch.Tensor) -> list[torch.Tensor]:
        """The backbone's ``forward_stages`` from its own exported graph (the pass that feeds the patch memory)."""
        if self._stage_runner is None:
            from core.features.backbone import StageOutputs

            self._stage_runner = type(self)(StageOutputs(self.module), self.folder, self.threads, _costs=self._costs)
            self._stage_runner.frozen = self.frozen
        return list(self._stage_runner(x))

    # ------------------------------------------------------------------ subclass hooks
    @staticmethod
    def version() -> str:
        raise NotImplementedError

    def _compile(self, path: Path) -> Any:
        raise NotImplementedError

    def _run(self, compiled: Any, array: np.ndarray) -> list[np.ndarray]:
        raise NotImplementedError

    # ------------------------------------------------------------------ running
    def describe(self) -> str:
        return f"{self.name} {self.version()}"

    def __call__(self, x: torch.Tensor) -> Any:
        if x.device.type != "cpu" or x.dtype != torch.float32:
            return self.module(x)
        shape = tuple(int(d) for d in x.shape[1:])
        graph = self._graphs.get(shape)
        if graph is None:
            if self.frozen:
                if shape not in self._warned_sizes:
                    self._warned_sizes.add(shape)
                    log.warning("%s was not verified for input %s; PyTorch runs it", self.name, shape)
                return self.module(x)
            graph = self._prepare(x)
        outputs = [torch.from_numpy(o) for o in self._run(graph.compiled, np.ascontiguousarray(x.numpy()))]
        if len(outputs) != graph.n_outputs:
            raise RuntimeError(f"{self.name} returned {len(outputs)} outputs, the backbone {graph.n_outputs}")
        if graph.container == "tensor":
            return outputs[0]
        return tuple(outputs) if graph.container == "tuple" else outputs

    # ------------------------------------------------------------------ export
    def graph_path(self, x: torch.Tensor) -> tuple[Path, str, int]:
        """Cache file of the graph for ``x``'s size, what the module returns and how many outputs."""
        if self._identity is None:
            self._identity = module_identity(self.module)
        shape = tuple(int(d) for d in x.shape[1:])
        layout = self._known_layout(shape)
        if layout is None:
            layout = self._measure_layout(x[:1].contiguous())
            self._remember_layout(shape, layout)
        key = graph_key(self._identity, shape, layout)
        return self.folder / f"backbone-{key}.onnx", layout["container"], len(layout["outputs"])

    def _measure_layout(self, sample: torch.Tensor) -> dict[str, Any]:
        with torch.no_grad():
            reference = self.module(sample)
        if isinstance(reference, torch.Tensor):
            container, outputs = "tensor", [reference]
        elif isinstance(reference, (list, tuple)) and all(isinstance(t, torch.Tensor) for t in reference):
            container, outputs = type(reference).__name__, list(reference)
        else:
            raise TypeError(f"the backbone returned {type(reference).__name__}; only tensors can be exported")
        return {"container": container, "outputs": [list(o.shape[1:]) for o in outputs]}

    # What a module returns for an input size depends only on its identity (weights, code) and that size, so it
    # is measured once and kept in layouts.json: a later load finds its graph without running the module first.
    def _layout_key(self, shape: tuple[int, ...]) -> str:
        return graph_key(self._identity, shape, {"layout": "probe"})

    def _known_layout(self, shape: tuple[int, ...]) -> Optional[dict[str, Any]]:
        try:
            layout = json.loads((self.folder / _LAYOUTS).read_text(encoding="utf-8")).get(self._layout_key(shape))
        except (OSError, ValueError, AttributeError):
            return None
        valid = (isinstance(layout, dict) and layout.get("container") in ("tensor", "list", "tuple")
                 and isinstance(layout.get("outputs"), list) and layout["outputs"])
        return layout if valid else None

    def _remember_layout(self, shape: tuple[int, ...], layout: dict[str, Any]) -> None:
        path = self.folder / _LAYOUTS
        try:
            known = json.loads(path.read_text(encoding="utf-8"))
            known = known if isinstance(known, dict) else {}
        except (OSError, ValueError):
            known = {}
        known[self._layout_key(shape)] = layout
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            atomic_write_text(path, json.dumps(known, indent=1, sort_keys=True))
        except OSError as err:  # a read-only cache costs one run of the module per load, nothing else
            log.warning("could not keep the backbone's output layout in %s: %s", path, err)

    def _prepare(self, x: torch.Tensor) -> _Graph:
        started = time.perf_counter()
        path, container, n_outputs = self.graph_path(x)
        if not path.is_file():
            self._export(x[:1].contiguous(), path, n_outputs)
        # a wrong remembered layout cannot slip through: the chooser compares every output with PyTorch's
        graph = _Graph(self._compile(path), container, n_outputs)
        self._graphs[tuple(int(d) for d in x.shape[1:])] = graph
        self._costs.prepare_seconds += time.perf_counter() - started
        return graph

    def _export(self, sample: torch.Tensor, path: Path, n_outputs: int) -> None:
        started = time.perf_counter()
        path.parent.mkdir(parents=True, exist_ok=True)
        names = [f"features{i}" for i in range(n_outputs)]
        axes = {name: {0: "batch"} for name in ["images", *names]}
        handle, tmp = tempfile.mkstemp(prefix=".export-", suffix=".onnx", dir=path.parent)
        os.close(handle)
        try:
            with warnings.catch_warnings():
                # the tracer notes that the input check in forward() becomes a constant: true and harmless here
                warnings.simplefilter("ignore")
                torch.onnx.export(self.module, (sample,), tmp, dynamo=False, input_names=["images"],
                                  output_names=names, dynamic_axes=axes, opset_version=ONNX_OPSET)
            os.replace(tmp, path)  # a half-written graph never carries the final name
        finally:
            Path(tmp).unlink(missing_ok=True)
        self._costs.exports += 1
        self._costs.export_seconds += time.perf_counter() - started
        log.info("exported the backbone for input %s to %s", tuple(sample.shape[1:]), path.name)
