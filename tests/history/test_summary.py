"""summarize(): the numbers of one audit, with absent stages as None."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timezone
from pathlib import Path

from testvet.config import Config
from testvet.history import mutation_score, summarize
from testvet.model import (
    Audit,
    Category,
    CoverageData,
    Finding,
    Inventory,
    Mutant,
    MutantStatus,
    MutationResult,
    Outcome,
    Project,
    RunResult,
    Severity,
    TestItem,
    TestResult,
    Verdict,
)

STARTED = datetime(2026, 11, 21, 9, 30, tzinfo=timezone.utc)


def _audit(**changes: object) -> Audit:
    base = Audit(
        project=Project(root=Path("/srv/shop"), name="shop"),
        config=Config(),
        tool_version="0.4.0",
        started=STARTED,
    )
    return replace(base, **changes)  # type: ignore[arg-type]


def _mutant(n: int, status: MutantStatus) -> Mutant:
    return Mutant(f"m:f#{n}", "m:f", "m.py", 1, "extreme", "return-none", "- x\n+ y", status)


def test_mutation_score_counts_detected_over_detected_plus_survived() -> None:
    statuses = [MutantStatus.KILLED] * 2 + [MutantStatus.TIMEOUT, MutantStatus.SURVIVED]
    statuses.append(MutantStatus.NO_TESTS)
    result = MutationResult("extreme", tuple(_mutant(i, s) for i, s in enumerate(statuses)))
    assert mutation_score(result) == 75.0
    assert mutation_score(MutationResult("extreme")) is None
    assert mutation_score(None) is None


def test_summary_of_a_static_only_audit_has_no_run_numbers() -> None:
    finding = Finding("TV101", Category.CANNOT_FAIL, Severity.HIGH, "tests/t.py", 3, "m")
    audit = _audit(
        inventory=Inventory(tests=(TestItem("tests/t.py::a", "tests/t.py", "a"),)),
        findings=(finding, finding),
        timings={"discover": 0.25, "static": 0.5},
    )
    summary = summarize(audit)
    assert (summary.tests, summary.findings) == (1, 2)
    assert dict(summary.by_category) == {"cannot-fail": 2}
    assert (summary.coverage, summary.mutation_score, summary.suite_duration) == (None,) * 3
    assert summary.verdict is None
    assert summary.audit_duration == 0.75


def test_summary_of_a_full_audit_takes_run_coverage_and_verdict() -> None:
    run = RunResult(
        python="python3",
        duration=2.5,
        results=(TestResult("tests/t.py::a", Outcome.PASSED, 0.1),),
        coverage=CoverageData(files=(), percent=73.456),
    )
    audit = _audit(run=run, verdict=Verdict(passed=False, failing=("x",)))
    summary = summarize(audit)
    assert summary.tests == 1  # from the run when the inventory is empty
    assert (summary.coverage, summary.suite_duration, summary.verdict) == (73.46, 2.5, "fail")
