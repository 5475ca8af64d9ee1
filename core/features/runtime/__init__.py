"""Inference runtimes for the frozen backbone on the CPU: PyTorch, ONNX Runtime and OpenVINO.

The backbone never trains, so on a CPU it can run in a runtime built for inference. The backbone module is
exported to ONNX once per weights signature, input size and output layout, cached on disk next to the feature
cache, and every runtime is checked against PyTorch on probe images before it is used (features and, for a
trained model, image scores must agree within ``RuntimeConfig.tolerance`` relative); a runtime that fails the
check, or is not installed, is refused with a logged reason and PyTorch runs instead. CUDA always runs PyTorch.

``auto`` picks the fastest of the runtimes that pass the check, measured once per machine and backbone and
remembered in the cache folder.
"""
from __future__ import annotations

from core.features.runtime.chooser import (
    RUNTIME_FACTORIES, RuntimeChoice, available_runtimes, probe_pyramids, select_runtime, verify_runtime,
)
from core.features.runtime.store import default_runtime_dir
from core.features.runtime.torch_runtime import TorchBackbone

__all__ = [
    "RUNTIME_FACTORIES", "RuntimeChoice", "TorchBackbone", "available_runtimes", "default_runtime_dir",
    "probe_pyramids", "select_runtime", "verify_runtime",
]
