"""Checks of a JSON report against ../shared/REPORT_CONTRACT.md, one assertion per rule."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from testvet.model import Category, Scenario, Severity

CONTRACT_FINDING_FIELDS = (
    "code",
    "category",
    "severity",
    "path",
    "line",
    "test",
    "function",
    "scenario",
    "requirement",
    "message",
)
_CODE = re.compile(r"^TV\d{3}$")
_DOTTED = re.compile(r"^[A-Za-z_][\w]*(\.[A-Za-z_][\w]*)+$")


def check_report(doc: dict[str, Any], root: Path, exit_code: int) -> None:
    """Assert that ``doc`` keeps every promise of the contract for the project at ``root``."""
    assert doc["schema"] == "testvet-report/1"
    assert doc["tool"]["name"] == "testvet"
    assert isinstance(doc["tool"]["version"], str)
    assert doc["tool"]["version"]
    assert doc["project"]["root"] == str(root.resolve())
    assert isinstance(doc["project"]["name"], str)
    assert doc["project"]["name"]

    summary = doc["summary"]
    findings = doc["findings"]
    assert isinstance(summary["tests"], int)
    assert summary["findings"] == len(findings)
    assert summary["verdict"] in ("pass", "fail")
    assert summary["verdict"] == ("pass" if exit_code == 0 else "fail")
    categories = {c.value for c in Category}
    assert set(summary["by_category"]) <= categories
    for category, count in summary["by_category"].items():
        assert count == sum(1 for f in findings if f["category"] == category)
        assert count > 0

    for finding in findings:
        check_finding(finding, root)


def check_finding(finding: dict[str, Any], root: Path) -> None:
    """One finding: contract fields, types, enum values, relative ``/`` paths."""
    missing = [name for name in CONTRACT_FINDING_FIELDS if name not in finding]
    assert missing == [], f"finding lacks contract fields {missing}: {finding}"
    assert _CODE.match(finding["code"]), finding["code"]
    assert finding["category"] in {c.value for c in Category}
    assert finding["severity"] in {s.value for s in Severity}
    path = finding["path"]
    assert isinstance(path, str)
    assert path
    assert not path.startswith(("/", "./")), path
    assert "\\" not in path, path
    assert (root / path).exists(), f"{path} is not a path of the project"
    assert finding["line"] is None or (isinstance(finding["line"], int) and finding["line"] >= 1)
    test = finding["test"]
    if test is not None:
        assert test.split("::")[0] == path or (root / test.split("::")[0]).exists(), test
        assert "::" in test, test
    function = finding["function"]
    assert function is None or _DOTTED.match(function), function
    if finding["category"] == Category.MISSING_SCENARIO.value:
        assert finding["scenario"] in {s.value for s in Scenario}
    else:
        assert finding["scenario"] is None
    if finding["category"] == Category.UNTESTED_REQUIREMENT.value:
        assert isinstance(finding["requirement"], str)
    else:
        assert finding["requirement"] is None
    assert isinstance(finding["message"], str)
    assert finding["message"].strip()
