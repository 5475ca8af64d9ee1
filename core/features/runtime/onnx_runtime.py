"""The exported backbone run by ONNX Runtime's CPU provider (fp32, as exported)."""
from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Any

import numpy as np

from core.features.runtime.exported import ExportedBackbone


class OnnxRuntimeBackbone(ExportedBackbone):
    name = "onnxruntime"

    @staticmethod
    def version() -> str:
        import onnxruntime

        return onnxruntime.__version__

    def _compile(self, path: Path) -> Any:
        """A session on the graph as ONNX Runtime optimized it for this CPU the first time, kept per version.

        Optimizing the graph is most of the cost of opening it; the optimized graph is saved next to the exported
        one (its name carries the ONNX Runtime version) and opened as it is on every later load.
        """
        import onnxruntime as ort

        options = ort.SessionOptions()
        options.intra_op_num_threads = self.threads  # the same share of the CPU PyTorch was given
        options.inter_op_num_threads = 1
        options.log_severity_level = 3
        optimized = path.with_name(f"optimized-{path.stem}-onnxruntime-{self.version()}.onnx")
        if optimized.is_file():
            options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_DISABLE_ALL
            try:
                return ort.InferenceSession(str(optimized), options, providers=["CPUExecutionProvider"])
            except Exception:  # damaged or written by another build: optimize the exported graph again
                optimized.unlink(missing_ok=True)
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        handle, tmp = tempfile.mkstemp(prefix=".optimized-", suffix=".onnx", dir=path.parent)
        os.close(handle)
        options.optimized_model_filepath = tmp
        try:
            session = ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])
            if Path(tmp).stat().st_size > 0:
                os.replace(tmp, optimized)
        finally:
            Path(tmp).unlink(missing_ok=True)
        return session

    def _run(self, compiled: Any, array: np.ndarray) -> list[np.ndarray]:
        return compiled.run(None, {"images": array})
