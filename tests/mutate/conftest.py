"""Fixtures of the mutation tests (helpers live in mutate_helpers.py)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from mutate_helpers import PROJECTS


@pytest.fixture
def basic_copy(tmp_path: Path) -> Path:
    """A private copy of the mut_basic fixture project, free to edit."""
    target = tmp_path / "mut_basic"
    shutil.copytree(PROJECTS / "mut_basic", target)
    return target
