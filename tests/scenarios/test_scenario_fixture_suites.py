"""The fixture projects' known-good tests are real tests: their suites pass for real."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

PROJECTS = Path(__file__).parent.parent / "projects"


@pytest.mark.slow
@pytest.mark.parametrize("name", ["scn_store", "scn_scheduler", "scn_runner"])
def test_fixture_suite_passes(
    name: str, tmp_path: Path, digest_tree: Callable[[Path], str]
) -> None:
    root = PROJECTS / name
    before = digest_tree(root)
    env = {
        **os.environ,
        "PYTHONDONTWRITEBYTECODE": "1",
        # Only the plugin the fixtures need: testvet's harness.
        "PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1",
        # Hypothesis keeps its example database here, not in the fixture project.
        "HYPOTHESIS_STORAGE_DIRECTORY": str(tmp_path / "hypothesis"),
    }
    env.pop("PYTEST_ADDOPTS", None)
    proc = subprocess.run(
        [
            *(sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"),
            *("-p", "testvet.harness.plugin", "-p", "hypothesis.extra.pytestplugin"),
        ],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stdout[-3000:]
    assert " passed" in proc.stdout
    assert digest_tree(root) == before
