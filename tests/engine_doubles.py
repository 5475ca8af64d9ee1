"""Engines with known timing for tests of the inspector's responsiveness.

A test that measures the window while a real engine happens to be busy measures the machine: on a fast one the
batch is done before the event loop has ticked. These wrap a real detector (real scores, heatmaps, model info)
and only change *when* results come: one held until the test releases it, or all of them at once.
"""
from __future__ import annotations

import threading
from pathlib import Path
from typing import Iterator, Optional, Sequence

from core import ScoreResult


class _Wrapped:
    def __init__(self, detector: object) -> None:
        self._detector = detector

    def __getattr__(self, name: str):
        return getattr(self._detector, name)


class GatedEngine(_Wrapped):
    """Hands out each result only after :meth:`release`; while it waits, scoring is known to be pending."""

    def __init__(self, detector: object) -> None:
        super().__init__(detector)
        self._gate = threading.Semaphore(0)
        self.waiting = threading.Event()
        self.closed = False

    def release(self, n: int = 1) -> None:
        for _ in range(n):
            self._gate.release()

    def open(self) -> None:
        """Let every remaining result through."""
        self.closed = True
        self._gate.release()

    def score_images(self, paths: Sequence[Path], progress=None, cancel=None, batch_size: int = 8
                     ) -> Iterator[ScoreResult]:
        for result in self._detector.score_images(paths, progress=progress, cancel=cancel, batch_size=batch_size):
            if not self.closed:
                self.waiting.set()
                while not self._gate.acquire(timeout=0.05):
                    if cancel is not None and cancel.is_set():
                        break
                self.waiting.clear()
                if self.closed:
                    self._gate.release()  # stays open for the rest
            yield result


class InstantEngine(_Wrapped):
    """Replays results scored beforehand, without any delay: the fastest machine there could be."""

    def __init__(self, detector: object, paths: Sequence[Path], batch_size: int = 8) -> None:
        super().__init__(detector)
        self._results = {Path(r.path): r for r in detector.score_images(list(paths), batch_size=batch_size)}

    def score_images(self, paths: Sequence[Path], progress=None, cancel=None, batch_size: int = 8
                     ) -> Iterator[ScoreResult]:
        for path in paths:
            result: Optional[ScoreResult] = self._results.get(Path(path))
            if result is None:
                result = ScoreResult(Path(path), None, False, None, 0, 0, "not scored by the replaying engine")
            yield result
