"""The exported backbone run by OpenVINO on the CPU.

The precision hint is pinned to fp32: on CPUs with bf16 support OpenVINO's default is bf16, whose features
differ from PyTorch by about 4e-2 relative, far beyond what the scores may change.
"""
from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import numpy as np

from core.features.runtime.exported import ExportedBackbone


class OpenVinoBackbone(ExportedBackbone):
    name = "openvino"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # an infer request serves one call at a time; scoring and a retrain may share this backbone
        self._lock = threading.Lock()

    @staticmethod
    def version() -> str:
        import openvino

        return openvino.__version__.split("-")[0]

    def _compile(self, path: Path) -> Any:
        import openvino as ov

        core = ov.Core()
        compiled = core.compile_model(core.read_model(str(path)), "CPU", {
            "INFERENCE_PRECISION_HINT": "f32",
            "INFERENCE_NUM_THREADS": self.threads,
            # compiled blobs kept per OpenVINO version: a later load skips compiling the graph again
            "CACHE_DIR": str(self.folder / f"openvino-{self.version()}"),
        })
        return compiled.create_infer_request()

    def _run(self, compiled: Any, array: np.ndarray) -> list[np.ndarray]:
        with self._lock:
            results = compiled.infer({0: array})
            # the request reuses its output buffers on the next call: copy before handing them out
            return [np.array(results[output], copy=True) for output in compiled.model_outputs]
