"""``csa-inspector``: train, score, retrain, eval, report, demo and gui from the command line.

Each group of commands lives in its own module with the options it takes: :mod:`~app.cli.training` (train,
retrain), :mod:`~app.cli.scoring` (score, eval), :mod:`~app.cli.review` (report, verify) and
:mod:`~app.cli.desktop` (demo, gui); :mod:`~app.cli.common` holds what they share and :mod:`~app.cli.main`
builds the parser and runs a command.

Heavy imports (torch, Qt) happen inside the commands, so ``--help`` and errors in arguments are instant.
Every failure the user can fix prints one line starting with ``error:`` and exits with status 2.
"""
from __future__ import annotations

from app.cli.common import EXIT_USER_ERROR, UserError
from app.cli.main import build_parser, main

__all__ = ["EXIT_USER_ERROR", "UserError", "build_parser", "main"]
