"""Choosing the interpreter and the environment of pytest children."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from discover_helpers import discover_project

from testvet import subproc
from testvet.errors import SuiteError


def fake_python(path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("#!/bin/sh\n", encoding="utf-8")
    path.chmod(0o755)
    return path


def test_configured_relative_python_is_found_from_the_project_root(tmp_path: Path) -> None:
    python = fake_python(tmp_path / "env" / "bin" / "python")
    assert subproc.find_python(tmp_path, "env/bin/python") == str(python)


def test_a_missing_configured_python_is_a_suite_error(tmp_path: Path) -> None:
    with pytest.raises(SuiteError, match="--python nope/python: no such interpreter"):
        subproc.find_python(tmp_path, "nope/python")


def test_project_venv_is_used_when_no_virtualenv_is_active(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("VIRTUAL_ENV", raising=False)
    assert subproc.find_python(tmp_path, None) == sys.executable
    venv_python = fake_python(tmp_path / ".venv" / "bin" / "python")
    assert subproc.find_python(tmp_path, None) == str(venv_python)
    active = fake_python(tmp_path / "active" / "bin" / "python")
    monkeypatch.setenv("VIRTUAL_ENV", str(tmp_path / "active"))
    assert subproc.find_python(tmp_path, None) == str(active)


def test_child_env_puts_plugins_first_and_writes_no_bytecode(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("PYTHONPATH", "/elsewhere")
    monkeypatch.setenv("PYTEST_ADDOPTS", "-x")
    env = subproc.child_env([Path("/extra")], extra={"TESTVET_X": "1"})
    assert env["PYTHONPATH"].split(os.pathsep) == [str(subproc.PLUGIN_DIR), "/extra", "/elsewhere"]
    assert env["PYTHONDONTWRITEBYTECODE"] == "1"
    assert "PYTEST_ADDOPTS" not in env
    assert env["TESTVET_X"] == "1"


def test_pytest_command_keeps_the_cache_out_of_the_project(tmp_path: Path) -> None:
    (tmp_path / "pytest-cache").mkdir()
    (tmp_path / "pytest-cache" / "lastfailed").write_text("{}")
    cache = subproc.fresh_cache_dir(tmp_path)  # emptied: --lf/--ff see a fresh checkout
    assert cache == tmp_path / "pytest-cache"
    assert not cache.exists()
    command = subproc.pytest_command("py", ["testvet_collect"], ["--collect-only"], cache)
    assert command == [
        "py",
        "-m",
        "pytest",
        "-o",
        f"cache_dir={cache}",
        "-p",
        "testvet_keepout",
        "-p",
        "testvet_collect",
        "--collect-only",
    ]


def test_collecting_a_hypothesis_test_writes_nothing_into_the_project(
    tmp_path: Path,
    tree_writer: Callable[[Path, dict[str, str]], Path],
    digest_tree: Callable[[Path], str],
) -> None:
    """Hypothesis creates ``.hypothesis/`` in the current directory (the project root)
    as soon as a module with a ``@given`` test is imported."""
    root = tree_writer(
        tmp_path / "proj",
        {
            "pyproject.toml": '[tool.pytest.ini_options]\ntestpaths = ["tests"]\n',
            "calc.py": "def double(x):\n    return 2 * x\n",
            "tests/test_calc.py": (
                "from hypothesis import given, strategies as st\n\n"
                "from calc import double\n\n\n"
                "@given(st.integers())\n"
                "def test_double(x):\n"
                "    assert double(x) == x + x\n"
            ),
        },
    )
    before = digest_tree(root)
    audit = discover_project(root, tmp_path / "out", python=sys.executable)
    assert audit.inventory is not None
    assert [t.nodeid for t in audit.inventory.tests] == ["tests/test_calc.py::test_double"]
    assert digest_tree(root) == before
    assert not (root / ".hypothesis").exists()
    assert (tmp_path / "out" / "discover" / "hypothesis").is_dir()


def test_overrides_send_what_the_projects_options_write_to_the_work_dir(tmp_path: Path) -> None:
    (tmp_path / "pytest.ini").write_text(
        "[pytest]\naddopts = --junit-xml junit.xml --cov=pkg --basetemp=.scratch -nauto\n",
        encoding="utf-8",
    )
    work = tmp_path / "out" / "run"
    args = subproc.overrides(tmp_path, ["--html=report.html", "--benchmark-json=b.json"], work)
    assert args == [
        f"--junitxml={work / 'junit.xml'}",
        f"--basetemp={work / 'tmp'}",
        f"--html={work / 'report.html'}",
        f"--benchmark-json={work / 'benchmark.json'}",
        "--no-cov",
        "-n",
        "0",
    ]


@pytest.mark.parametrize("words", [["-n", "4"], ["--numprocesses=2"], ["--dist", "load"]])
def test_overrides_keep_the_tests_in_one_process(tmp_path: Path, words: list[str]) -> None:
    assert subproc.overrides(tmp_path, words, tmp_path / "work") == ["-n", "0"]


def test_overrides_add_nothing_for_options_the_project_does_not_use(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text(
        '[tool.pytest.ini_options]\naddopts = "-ra --strict-markers --no-header"\n',
        encoding="utf-8",
    )
    # a plugin's option exists only where the plugin is loaded: never added blindly
    assert subproc.overrides(tmp_path, ["-p", "no:randomly"], tmp_path / "work") == []
