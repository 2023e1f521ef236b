"""The data model against the public contract, and the output-directory plumbing."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from testvet.errors import ExitCode, UsageError
from testvet.model import Category, Finding, Scenario, Severity
from testvet.output import ensure_output_dir, write_atomic

CONTRACT_CATEGORIES = [
    "cannot-fail",
    "nondeterministic",
    "flaky",
    "order-dependent",
    "pseudo-tested",
    "weakly-tested",
    "coverage-below-policy",
    "missing-scenario",
    "collection-error",
    "untested-requirement",
    "pyramid",
    "benchmark-regression",
]
CONTRACT_SCENARIOS = [
    "hard-kill",
    "disk-full",
    "network-partition",
    "fuzz-parser",
    "auth-alg-none",
    "auth-wrong-key",
    "auth-expired-replay",
    "rate-limit-boundary",
    "cross-tenant-access",
    "command-injection",
    "forged-signature",
    "duplicate-delivery",
    "concurrent-lease",
    "lease-expiry",
    "rollback-failure",
    "clock-skew",
]


def test_categories_are_exactly_the_contract() -> None:
    assert [c.value for c in Category] == CONTRACT_CATEGORIES


def test_scenarios_include_every_contract_id() -> None:
    assert [s.value for s in Scenario][: len(CONTRACT_SCENARIOS)] == CONTRACT_SCENARIOS


def test_severity_ranks_order_high_first() -> None:
    assert sorted(Severity, key=lambda s: -s.rank) == [Severity.HIGH, Severity.MEDIUM, Severity.LOW]


def test_exit_codes_are_documented_in_the_readme() -> None:
    readme = (Path(__file__).parents[1] / "README.md").read_text()
    for code in ExitCode:
        assert f"| {int(code)} |" in readme, code


def test_output_dir_gets_a_gitignore_of_everything(tmp_path: Path) -> None:
    out = ensure_output_dir(tmp_path / "a" / "b")
    assert out == (tmp_path / "a" / "b").resolve()
    assert (out / ".gitignore").read_text().splitlines()[-1] == "*"


def test_output_dir_that_is_a_file_is_a_usage_error(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(UsageError, match="cannot create"):
        ensure_output_dir(blocker)


def test_write_atomic_replaces_and_leaves_no_temp(tmp_path: Path) -> None:
    target = tmp_path / "report.json"
    target.write_text("old")
    write_atomic(target, "new")
    assert target.read_text() == "new"
    assert os.listdir(tmp_path) == ["report.json"]
    umask = os.umask(0o022)
    os.umask(umask)
    assert target.stat().st_mode & 0o777 == 0o666 & ~umask


def test_mapping_fields_left_empty_are_read_only() -> None:
    """The data model is frozen all the way down: the mapping a field starts with cannot
    be written to either."""
    finding = Finding("TV101", Category.CANNOT_FAIL, Severity.HIGH, "t.py", 1, "m")
    with pytest.raises(TypeError):
        finding.detail["diff"] = "x"  # type: ignore[index]
    assert dict(finding.detail) == {}
