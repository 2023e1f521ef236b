"""Fixtures of the mutation tests (helpers live in mutate_helpers.py)."""

from __future__ import annotations

import importlib.util
import shutil
import sys
import types
from pathlib import Path

import pytest
from mutate_helpers import PROJECTS

from testvet.subproc import PLUGIN_DIR


@pytest.fixture
def basic_copy(tmp_path: Path) -> Path:
    """A private copy of the mut_basic fixture project, free to edit."""
    target = tmp_path / "mut_basic"
    shutil.copytree(PROJECTS / "mut_basic", target)
    return target


@pytest.fixture(scope="module")
def plugin() -> types.ModuleType:
    """The warm process's plugin module (``testvet_mutate``), loaded on its own."""
    spec = importlib.util.spec_from_file_location(
        "tv_mutate_plugin", PLUGIN_DIR / "testvet_mutate.py"
    )
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.path.insert(0, str(PLUGIN_DIR))  # for its parts: ``import testvet_worker``
    try:
        spec.loader.exec_module(module)
    finally:
        sys.path.remove(str(PLUGIN_DIR))
    return module
