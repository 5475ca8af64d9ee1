"""Where the tests find the repository, their artifacts and the shared datasets, wherever a test file sits."""
from __future__ import annotations

from pathlib import Path

TESTS_DIR = Path(__file__).resolve().parent
REPO_ROOT = TESTS_DIR.parent
#: Screenshots and reports the tests leave behind for a person to look at (ignored by git).
ARTIFACTS = REPO_ROOT / "test-artifacts"
#: The real datasets beside the clone (../shared/datasets); tests that need them skip when it is missing.
SHARED_DATASETS = REPO_ROOT.parent / "shared" / "datasets"
