"""Where the engine runs: CUDA when present, else the CPU; the user can always override.

A GPU can run out of memory in the middle of a batch (another program took memory, a larger model, a smaller
card). :class:`MemoryGuard` keeps such a job going: it retries the same images in smaller batches and, when even
one image does not fit, moves the engine to the CPU, so an overnight batch finishes slower instead of stopping.
"""
from __future__ import annotations

import logging
from typing import Callable, Optional, Sequence, TypeVar

import torch

log = logging.getLogger(__name__)

T = TypeVar("T")
R = TypeVar("R")

CPU = torch.device("cpu")


def pick_device(requested: Optional[str]) -> torch.device:
    """Resolve "auto"/None to CUDA when available; a requested CUDA device that is absent is an error, not a silent CPU run."""
    if requested in (None, "", "auto"):
        return torch.device("cuda:0" if torch.cuda.is_available() else "cpu")
    device = torch.device(requested)
    if device.type == "cuda" and not torch.cuda.is_available():
        raise RuntimeError(f"device {requested!r} was requested but no CUDA GPU is available")
    return device


def describe_device(device: torch.device) -> str:
    if device.type == "cuda":
        return f"{device} ({torch.cuda.get_device_name(device)})"
    return "cpu"


def release_cached_gpu_memory() -> None:
    """Hand blocks freed by a failed try back to the driver, so the smaller retry starts from an empty cache."""
    if torch.cuda.is_available():
        torch.cuda.empty_cache()


CPU_FALLBACK_MESSAGE = "GPU out of memory even for a single image: continuing on the CPU (slower)"


class MemoryGuard:
    """Runs work over items in batches, halving the batch on CUDA out-of-memory and falling back to the CPU.

    A failed batch is retried with the same items, so nothing is skipped or done twice and results stay in
    input order. The smaller batch size is kept for the rest of the job: memory that ran out once is likely to
    run out again. When a single item fails ``tries_at_one`` times, ``to_cpu`` moves the engine and ``notify``
    gets :data:`CPU_FALLBACK_MESSAGE` (also logged as a warning); the CPU then works with the requested batch
    size again. Out of memory after that fallback cannot be helped any more and is raised.
    """

    def __init__(self, batch_size: int, to_cpu: Callable[[], None], notify: Optional[Callable[[str], None]] = None,
                 tries_at_one: int = 2):
        if batch_size < 1:
            raise ValueError(f"batch size must be at least 1, got {batch_size}")
        self.batch_size = batch_size
        self.requested_batch_size = batch_size
        self.to_cpu = to_cpu
        self.notify = notify
        self.tries_at_one = max(1, tries_at_one)
        self.fell_back = False

    def run(self, items: Sequence[T], work: Callable[[Sequence[T]], R]) -> list[R]:
        """``work`` applied to consecutive slices of ``items``; one result per successful slice, in order."""
        results: list[R] = []
        start = 0
        failures_at_one = 0
        while start < len(items):
            chunk = items[start : start + self.batch_size]
            out_of_memory = False
            try:
                results.append(work(chunk))
            except torch.cuda.OutOfMemoryError:
                if self.fell_back:
                    raise
                out_of_memory = True
            # the exception (and the tensors its frames hold) is gone here, so emptying the cache frees them
            if not out_of_memory:
                start += len(chunk)
                failures_at_one = 0
                continue
            release_cached_gpu_memory()
            if len(chunk) > 1:
                self.batch_size = max(1, len(chunk) // 2)
                log.warning("GPU out of memory with %d images at once; retrying with %d", len(chunk), self.batch_size)
                continue
            failures_at_one += 1
            if failures_at_one >= self.tries_at_one:
                self._fall_back()
        return results

    def _fall_back(self) -> None:
        self.to_cpu()
        self.fell_back = True
        self.batch_size = self.requested_batch_size
        release_cached_gpu_memory()
        log.warning(CPU_FALLBACK_MESSAGE)
        if self.notify is not None:
            self.notify(CPU_FALLBACK_MESSAGE)
