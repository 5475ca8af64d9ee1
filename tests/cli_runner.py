"""The command line run in this process, its output captured, as the CLI tests and others call it."""
from __future__ import annotations

import contextlib
import io
from pathlib import Path

from app.cli import main


def run_cli(*argv: str | Path) -> tuple[int, str, str]:
    """``main`` in this process; returns (exit status, stdout, stderr)."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            status = main([str(a) for a in argv])
        except SystemExit as exit_:  # argparse's --version and usage errors
            status = exit_.code
    return status, out.getvalue(), err.getvalue()
