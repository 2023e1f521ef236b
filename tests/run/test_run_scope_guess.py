"""Which directories hold test code when neither discovery nor [tool.testvet] names them."""

from __future__ import annotations

from pathlib import Path

import pytest

from testvet.core import AuditOptions, start
from testvet.run.scope import Scope, scope_of


def _scope(root: Path, pyproject: str | None = None, dirs: tuple[str, ...] = ()) -> Scope:
    """The scope of the undiscovered audit of a flat project with ``dirs`` under ``root``."""
    if pyproject is not None:
        (root / "pyproject.toml").write_text(pyproject, encoding="utf-8")
    for name in dirs:
        (root / name).mkdir()
        (root / name / "helpers.py").write_text("X = 1\n", encoding="utf-8")
    (root / "app.py").write_text("Y = 2\n", encoding="utf-8")
    return scope_of(start(AuditOptions(path=root, output_dir=root / "out")))


def test_the_conventional_test_directories_are_guessed(tmp_path: Path) -> None:
    scope = _scope(tmp_path, dirs=("testing", "tests", "docs", "test"))
    root = scope.root
    assert scope.test_paths == (root / "tests", root / "test", root / "testing")
    assert scope.test_dirs == scope.test_paths
    for name in ("tests", "test", "testing"):
        assert scope.is_test(root / name / "helpers.py")
        assert not scope.is_project(root / name / "helpers.py")
    assert scope.is_project(root / "app.py")
    assert not scope.is_test(root / "app.py")


def test_guessed_test_directories_are_not_passed_to_pytest(tmp_path: Path) -> None:
    scope = _scope(tmp_path, dirs=("tests",))
    assert scope.test_paths == (scope.root / "tests",)
    assert scope.test_args == ()  # pytest applies its own configuration


def test_a_testpaths_string_is_split_into_test_directories(tmp_path: Path) -> None:
    scope = _scope(
        tmp_path, '[tool.pytest.ini_options]\ntestpaths = "qa  checks"\n', ("qa", "checks", "tests")
    )
    root = scope.root
    assert scope.test_paths == (root / "qa", root / "checks")
    assert scope.is_test(root / "checks" / "helpers.py")
    assert scope.is_project(root / "tests" / "helpers.py")


@pytest.mark.parametrize("value", ["[1, 2]", '["qa", 3]', "7"])
def test_a_malformed_testpaths_falls_back_to_the_conventional_directories(
    tmp_path: Path, value: str
) -> None:
    scope = _scope(tmp_path, f"[tool.pytest.ini_options]\ntestpaths = {value}\n", ("qa", "tests"))
    root = scope.root
    assert scope.test_paths == (root / "tests",)
    assert scope.is_project(root / "qa" / "helpers.py")


def test_configured_test_paths_are_used_instead_of_a_guess(tmp_path: Path) -> None:
    scope = _scope(tmp_path, '[tool.testvet]\ntests = ["qa"]\n', ("qa", "tests"))
    root = scope.root
    assert scope.test_paths == (root / "qa",)
    assert scope.test_args == ("qa",)
    assert scope.is_project(root / "tests" / "helpers.py")


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("pytest.ini", "[pytest]\ntestpaths = qa checks\n"),
        ("setup.cfg", "[tool:pytest]\ntestpaths = qa checks\n"),
        ("tox.ini", "[tox]\nenvlist = py\n\n[pytest]\ntestpaths = qa checks\n"),
    ],
)
def test_testpaths_are_read_from_the_ini_file_pytest_reads(
    tmp_path: Path, name: str, text: str
) -> None:
    (tmp_path / name).write_text(text, encoding="utf-8")
    scope = _scope(tmp_path, dirs=("qa", "checks", "tests"))
    root = scope.root
    assert scope.test_paths == (root / "qa", root / "checks")
    assert scope.is_project(root / "tests" / "helpers.py")


def test_testpaths_that_do_not_exist_fall_back_to_the_conventional_directories(
    tmp_path: Path,
) -> None:
    scope = _scope(tmp_path, '[tool.pytest.ini_options]\ntestpaths = ["gone"]\n', ("tests",))
    assert scope.test_paths == (scope.root / "tests",)
