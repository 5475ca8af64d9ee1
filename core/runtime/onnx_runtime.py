"""The exported backbone run by ONNX Runtime's CPU provider (fp32, as exported)."""
from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from core.runtime.exported import ExportedBackbone


class OnnxRuntimeBackbone(ExportedBackbone):
    name = "onnxruntime"

    @staticmethod
    def version() -> str:
        import onnxruntime

        return onnxruntime.__version__

    def _compile(self, path: Path) -> Any:
        import onnxruntime as ort

        options = ort.SessionOptions()
        options.intra_op_num_threads = self.threads  # the same share of the CPU PyTorch was given
        options.inter_op_num_threads = 1
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        options.log_severity_level = 3
        return ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])

    def _run(self, compiled: Any, array: np.ndarray) -> list[np.ndarray]:
        return compiled.run(None, {"images": array})
