"""resource_path finds resources/ from the checkout and from inside a PyInstaller bundle."""
from __future__ import annotations

import sys

import pytest

from core.resources import resource_path, resources_root
from repo_paths import REPO_ROOT



def test_source_tree_points_at_the_checkouts_resources_folder():
    assert resources_root() == REPO_ROOT / "resources"
    assert resource_path("icons", "app.svg") == REPO_ROOT / "resources" / "icons" / "app.svg"
    assert resource_path() == REPO_ROOT / "resources"


def test_frozen_bundle_points_into_its_data_folder(monkeypatch, tmp_path):
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    monkeypatch.setattr(sys, "_MEIPASS", str(tmp_path), raising=False)
    assert resource_path("icons", "app.svg") == tmp_path / "resources" / "icons" / "app.svg"


@pytest.mark.parametrize("parts", [("..", "pyproject.toml"), ("icons", "..", "..", "x"), ("/etc/passwd",)])
def test_paths_leaving_the_resources_folder_are_refused(parts):
    with pytest.raises(ValueError, match="inside resources/"):
        resource_path(*parts)
