"""Shared fixtures: where the repository and the read-only external data live."""

from __future__ import annotations

from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parent.parent
# CI and developers have the project's shared folder (external data sets) beside the clone.
SHARED_DIR = REPO_ROOT.parent / "shared"


@pytest.fixture(scope="session")
def external_data() -> Path:
    """The folder of real public data sets (Eurostat, NUTS, REFI-QDA) beside the repository."""
    path = SHARED_DIR / "data" / "external"
    assert path.is_dir(), f"external data not found at {path}; the shared folder must sit beside the repo"
    return path


@pytest.fixture(scope="session")
def repo_root() -> Path:
    """The repository checkout the tests run from."""
    return REPO_ROOT
