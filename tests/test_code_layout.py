"""The code's shape: the front-ends reach the engine only through ``core``, the engine never imports Qt, the
public door stays cheap to open, and no module grows past a size a reader can hold in mind."""
from __future__ import annotations

import ast
import os
import subprocess
import sys
from pathlib import Path

import pytest

import core
from repo_paths import REPO_ROOT

ROOT = REPO_ROOT
MAX_LINES = 500

QT_PACKAGES = ("PySide6", "PySide2", "PyQt5", "PyQt6", "shiboken6", "qtpy")


def python_files(package: str) -> list[Path]:
    return sorted((ROOT / package).rglob("*.py"))


def imported_modules(path: Path) -> list[tuple[int, str]]:
    """Every module an ``import`` or ``from ... import`` names in ``path``, with its line."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Import):
            found.extend((node.lineno, alias.name) for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append((node.lineno, node.module))
    return found


def test_the_front_ends_reach_the_engine_only_through_core():
    offenders = [f"{path.relative_to(ROOT)}:{line} imports {module}"
                 for path in python_files("app") for line, module in imported_modules(path)
                 if module.startswith("core.")]
    assert not offenders, "app/ must import from `core` itself, not its submodules:\n" + "\n".join(offenders)


def test_the_engine_never_imports_qt():
    offenders = [f"{path.relative_to(ROOT)}:{line} imports {module}"
                 for path in python_files("core") for line, module in imported_modules(path)
                 if module.split(".")[0] in QT_PACKAGES]
    assert not offenders, "core/ must stay free of Qt:\n" + "\n".join(offenders)


def test_no_module_is_longer_than_a_reader_can_follow():
    too_long = {}
    for package in ("core", "app"):
        for path in python_files(package):
            name = path.relative_to(ROOT).as_posix()
            lines = len(path.read_text(encoding="utf-8").splitlines())
            if lines > MAX_LINES:
                too_long[name] = lines
    assert not too_long, f"modules over {MAX_LINES} lines: {too_long}"


def test_every_name_of_the_public_door_resolves():
    missing = [name for name in core.__all__ if not hasattr(core, name)]
    assert not missing, f"core.__all__ names that cannot be loaded: {missing}"


def test_an_unknown_name_is_an_attribute_error():
    with pytest.raises(AttributeError):
        _ = core.no_such_name


def test_opening_the_door_loads_no_torch():
    # A fresh interpreter: this test process may have imported torch already.
    code = "import sys, core, app.qt.launch; print('torch' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT,
                            env={**os.environ, "PYTHONPATH": str(ROOT)}, check=True)
    assert result.stdout.strip() == "False"


def test_the_tests_mirror_the_packages():
    """tests/core/review/ tests core/review/, tests/app/qt/ tests app/qt/: a reader finds a stage's tests at once."""
    tests = ROOT / "tests"
    strays = [path.relative_to(ROOT).as_posix() for package in ("core", "app")
              for path in (tests / package).rglob("*") if path.is_dir() and path.name != "__pycache__"
              and not (ROOT / path.relative_to(tests)).is_dir()]
    assert not strays, f"test folders without a package of the same path: {strays}"
    loose = sorted(path.name for path in tests.glob("test_*.py"))
    assert loose == ["test_code_layout.py", "test_translations.py"], (
        f"tests at the top of tests/ cover the whole project only; put a stage's tests beside it: {loose}")
