"""``python -m testvet.static``: the rules alone, called in-process."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from testvet.static.__main__ import main


def test_prints_findings_and_exits_1(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "tests").mkdir()
    (tmp_path / "tests" / "test_a.py").write_text("def test_x():\n    1 == 2\n")
    assert main([str(tmp_path), "--json"]) == 1
    rows = json.loads(capsys.readouterr().out)
    assert [(r["code"], r["path"], r["line"]) for r in rows] == [("TV108", "tests/test_a.py", 2)]


def test_clean_project_exits_0(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "test_a.py").write_text("def test_x():\n    assert 1 + 1 == 2\n")
    assert main([str(tmp_path)]) == 0
    assert capsys.readouterr().out == ""


def test_bad_config_is_one_line_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "pyproject.toml").write_text("[tool.testvet]\nasert_helpers = []\n")
    assert main([str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert "asert_helpers" in err
    assert "assert_helpers" in err


def test_missing_path_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main([str(tmp_path / "nope")]) == 2
    assert "not a directory" in capsys.readouterr().err
