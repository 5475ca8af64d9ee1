"""CSA Inspector front-ends: the command line (:mod:`app.cli`) and the reviewer's desktop tool (:mod:`app.qt`).

This package stays free of Qt so headless commands (``csa-inspector score`` on a server) start fast and
run where no Qt libraries are installed; the inspector is imported only when the GUI is launched.
"""
from __future__ import annotations

__all__ = ["APP_NAME", "ORGANIZATION"]

APP_NAME = "CSA Inspector"
ORGANIZATION = "CSA Inspector"
