"""Entry script of the desktop bundle: the same ``csa-inspector`` command that ``pip install`` creates.

PyInstaller needs a script rather than a console-script entry point; everything else lives in ``app.cli``.
"""
from __future__ import annotations

import multiprocessing
import sys

from app.cli import main

if __name__ == "__main__":
    # A frozen program re-executes itself for every child process; without this a child would rerun the CLI.
    multiprocessing.freeze_support()
    sys.exit(main())
