"""pytest's own settings in ``[tool.pytest.ini_options]``: what testvet reads and honours."""

from __future__ import annotations

from pathlib import Path

import pytest

from testvet.config import pytest_ini_options
from testvet.core import AuditOptions, start
from testvet.run.scope import scope_of


def write_pyproject(root: Path, body: str) -> Path:
    (root / "pyproject.toml").write_text(body, encoding="utf-8")
    return root


def test_pytest_ini_options_are_read_from_pyproject(tmp_path: Path) -> None:
    write_pyproject(
        tmp_path,
        '[project]\nname = "p"\n\n'
        '[tool.pytest.ini_options]\ntestpaths = ["qa", "checks"]\naddopts = "-ra"\n',
    )
    assert pytest_ini_options(tmp_path) == {"testpaths": ["qa", "checks"], "addopts": "-ra"}


@pytest.mark.parametrize(
    "body",
    [
        None,
        '[project]\nname = "p"\n',
        "[tool.pytest.ini_options\ntestpaths = [",
        '[tool.pytest]\nini_options = "testpaths = qa"\n',
    ],
    ids=["no-pyproject", "no-pytest-table", "invalid-toml", "ini-options-not-a-table"],
)
def test_pytest_ini_options_are_empty_without_a_usable_table(
    tmp_path: Path, body: str | None
) -> None:
    if body is not None:
        write_pyproject(tmp_path, body)
    assert pytest_ini_options(tmp_path) == {}


def test_pytest_testpaths_in_pyproject_decide_where_the_tests_are(tmp_path: Path) -> None:
    """Without [tool.testvet] tests, pytest's testpaths name the test code, not the
    conventional ``tests/`` directory that also exists."""
    write_pyproject(tmp_path, '[tool.pytest.ini_options]\ntestpaths = ["qa"]\n')
    for name in ("qa", "tests"):
        (tmp_path / name).mkdir()
        (tmp_path / name / "helpers.py").write_text("X = 1\n", encoding="utf-8")
    (tmp_path / "app.py").write_text("Y = 2\n", encoding="utf-8")
    scope = scope_of(start(AuditOptions(path=tmp_path, output_dir=tmp_path / "out")))
    root = scope.root
    assert scope.test_paths == (root / "qa",)
    assert scope.is_test(root / "qa" / "helpers.py")
    assert not scope.is_project(root / "qa" / "helpers.py")
    assert not scope.is_test(root / "tests" / "helpers.py")
    assert scope.is_project(root / "app.py")
