"""Each fixture project is run once per session by the real run stage; tests read the audit."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from run_helpers import PROJECTS, Ran, run_stage


@pytest.fixture(scope="session")
def basic(
    tmp_path_factory: pytest.TempPathFactory, digest_tree_session: Callable[[Path], str]
) -> Ran:
    """The run stage's audit of tests/projects/run_basic."""
    out = tmp_path_factory.mktemp("run-basic")
    before = digest_tree_session(PROJECTS / "run_basic")
    audit = run_stage("run_basic", out, packages=("calc",))
    return Ran(audit, out, before, digest_tree_session(PROJECTS / "run_basic"))


@pytest.fixture(scope="session")
def hostile(
    tmp_path_factory: pytest.TempPathFactory, digest_tree_session: Callable[[Path], str]
) -> Ran:
    """The run stage's audit of tests/projects/run_hostile (hangs, os._exit, segfault)."""
    out = tmp_path_factory.mktemp("run-hostile")
    before = digest_tree_session(PROJECTS / "run_hostile")
    audit = run_stage("run_hostile", out)
    return Ran(audit, out, before, digest_tree_session(PROJECTS / "run_hostile"))


@pytest.fixture(scope="session")
def digest_tree_session() -> Callable[[Path], str]:
    """tests/conftest.py's ``tree_digest`` for session fixtures."""
    import importlib.util

    path = Path(__file__).parent.parent / "conftest.py"
    spec = importlib.util.spec_from_file_location("testvet_tests_root_conftest_run", path)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    digest: Callable[[Path], str] = module.tree_digest
    return digest
