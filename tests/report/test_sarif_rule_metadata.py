"""SARIF rule metadata: titles and default severities from the rule registry, and rule
names that are the title in CamelCase (what code-scanning UIs show as the rule name)."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from testvet.model import Audit, Category, Finding, Severity
from testvet.report import sarif


def _finding(code: str, category: Category, severity: Severity, line: int) -> Finding:
    return Finding(
        code=code,
        category=category,
        severity=severity,
        path="tests/test_cart.py",
        line=line,
        message="m",
        test=f"tests/test_cart.py::test_{line}",
    )


def _rules(audit: Audit, *findings: Finding) -> dict[str, dict[str, Any]]:
    run = sarif.document(replace(audit, findings=findings))["runs"][0]
    return {r["id"]: r for r in run["tool"]["driver"]["rules"]}


def test_a_static_rule_is_described_by_the_registry_even_when_its_severity_is_overridden(
    full_audit: Audit,
) -> None:
    # The project lowered TV102 to low; the rule keeps the registry's title and default.
    lowered = _finding("TV102", Category.CANNOT_FAIL, Severity.LOW, 4)
    run = sarif.document(replace(full_audit, findings=(lowered,)))["runs"][0]
    (rule,) = run["tool"]["driver"]["rules"]
    assert rule["shortDescription"]["text"] == "checks only in code that may not run"
    assert rule["fullDescription"]["text"].startswith("checks only in code that may not run. ")
    assert rule["defaultConfiguration"]["level"] == "warning"  # the registry's medium
    assert rule["properties"]["problem.severity"] == "warning"
    assert run["results"][0]["level"] == "note"  # the finding's own, overridden severity


def test_rule_names_are_their_titles_in_camel_case(full_audit: Audit) -> None:
    rules = _rules(
        full_audit,
        _finding("TV102", Category.CANNOT_FAIL, Severity.MEDIUM, 1),
        _finding("TV401", Category.PSEUDO_TESTED, Severity.HIGH, 2),
        _finding("TV201", Category.COLLECTION_ERROR, Severity.HIGH, 3),
        _finding("TV999", Category.FLAKY, Severity.LOW, 5),
    )
    assert {code: rule["name"] for code, rule in rules.items()} == {
        "TV102": "ChecksOnlyInCodeThatMayNotRun",
        "TV401": "PseudoTestedFunctionATrivialBodyFailsNoTest",
        "TV201": "TestFileCannotBeCollected",
        "TV999": "FlakyFinding",  # an unknown code: named after its category
    }
