"""The project's own coverage.py configuration does not break the instrumented run."""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path
from typing import Any

import pytest

from testvet.cli import main

BASIC = Path(__file__).parents[1] / "projects" / "run_basic"

#: pluggy 1.7.0's way: ``include`` in .coveragerc, and every warning an error.
COVERAGERC = "[run]\ninclude =\n  src/calc/*\n  tests/*\nbranch = 1\nparallel = true\n"
STRICT = '\nfilterwarnings = ["error"]\n'


def _audit(root: Path, coveragerc: str, capsys: pytest.CaptureFixture[str]) -> dict[str, Any]:
    """The JSON report of a --mutation off audit of run_basic copied to ``root``, with
    ``coveragerc`` and every warning an error."""
    shutil.copytree(BASIC, root)
    (root / ".coveragerc").write_text(coveragerc, encoding="utf-8")
    pyproject = root / "pyproject.toml"
    text = pyproject.read_text(encoding="utf-8")
    pyproject.write_text(
        text.replace('pythonpath = ["src"]\n', 'pythonpath = ["src"]' + STRICT), encoding="utf-8"
    )
    out = root.parent / "out"
    code = main(["audit", str(root), "--mutation", "off", "-f", "json", "-o", str(out)])
    assert capsys.readouterr().err == ""
    assert code in (0, 1)  # a verdict, not a suite error
    report: dict[str, Any] = json.loads((out / "report.json").read_text(encoding="utf-8"))
    return report


def test_an_include_of_the_project_and_warnings_as_errors_still_run(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    report = _audit(tmp_path / "strict", COVERAGERC, capsys)
    assert report["run"]["notes"] == []  # nothing for coverage.py to warn about
    tests = {t["nodeid"]: t for t in report["run"]["tests"]}
    assert tests["tests/test_ops.py::test_add"]["outcome"] == "passed"
    assert tests["tests/test_ops.py::test_add"]["reached"] == ["calc.ops:add"]
    modules = {m["name"]: m["coverage"] for m in report["inventory"]["modules"]}
    assert modules["calc.ops"] > 90.0
    assert modules["calc.untested.big"] == 0.0  # testvet's scope, not the project's include


@pytest.mark.skipif(sys.version_info >= (3, 12), reason="coverage.py warns about sysmon on 3.11")
def test_a_coverage_warning_at_start_is_a_note_not_a_failure(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    report = _audit(tmp_path / "sysmon", "[run]\ncore = sysmon\n", capsys)
    notes = report["run"]["notes"]
    assert len(notes) == 1
    assert notes[0].startswith("coverage.py: ")
    assert "(no-sysmon)" in notes[0]
    tests = {t["nodeid"]: t for t in report["run"]["tests"]}
    assert tests["tests/test_ops.py::test_add"]["reached"] == ["calc.ops:add"]
