"""The Qt binding itself must be sound: the inspector runs for hours and redraws thousands of times."""
from __future__ import annotations

import sys

import pytest
from PySide6.QtCore import QObject, Signal

pytestmark = pytest.mark.gui


class _Emitter(QObject):
    changed = Signal(object)


def test_signal_emission_keeps_reference_counts(qapp):
    """PySide6 6.12.0 loses a reference to ``True`` on every ``Signal(object)`` emission. pyqtgraph emits such
    signals on every redraw, so after a few thousand photos the interpreter aborts with "deallocating True or
    False" and the review session is gone. pyproject.toml excludes that version; this keeps it excluded."""
    emitter = _Emitter()
    received = []
    emitter.changed.connect(received.append)
    before = sys.getrefcount(True), sys.getrefcount(None)
    for value in range(200):
        emitter.changed.emit(value)
    assert (sys.getrefcount(True), sys.getrefcount(None)) == before
    assert received == list(range(200))
