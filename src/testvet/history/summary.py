"""The numbers of one audit that history keeps and reports show: one place computes them."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from types import MappingProxyType

from testvet.model import Audit, MutantStatus, MutationResult

#: Mutant outcomes that count as "a test noticed the change".
DETECTED = frozenset({MutantStatus.KILLED, MutantStatus.TIMEOUT, MutantStatus.CRASHED})


def mutation_score(result: MutationResult | None) -> float | None:
    """Percent of mutants that a test detected; None without mutants that had tests."""
    if result is None:
        return None
    detected = sum(1 for m in result.mutants if m.status in DETECTED)
    survived = sum(1 for m in result.mutants if m.status is MutantStatus.SURVIVED)
    if detected + survived == 0:
        return None
    return round(100.0 * detected / (detected + survived), 2)


@dataclass(frozen=True)
class RunSummary:
    """What one audit measured, in the form history stores and trend compares."""

    #: When the audit started (UTC).
    started: datetime
    #: Project name.
    project: str
    #: Absolute project root as text.
    root: str
    tool_version: str
    #: ``pass``, ``fail``, or None when the policy stage did not run.
    verdict: str | None
    #: Number of collected tests (run results when the inventory is empty).
    tests: int
    #: Number of findings.
    findings: int
    #: Category -> finding count, zero counts omitted.
    by_category: Mapping[str, int] = field(default_factory=lambda: MappingProxyType({}))
    #: Total coverage percent of the run, None without coverage data.
    coverage: float | None = None
    #: Mutation score percent, None without mutation analysis.
    mutation_score: float | None = None
    #: Wall seconds of the instrumented run of the suite, None without a run.
    suite_duration: float | None = None
    #: Seconds all stages of the audit took together.
    audit_duration: float = 0.0


def summarize(audit: Audit) -> RunSummary:
    """The :class:`RunSummary` of a finished audit; absent stages give None numbers."""
    run = audit.run
    tests = len(audit.inventory.tests) or (len(run.results) if run else 0)
    coverage = run.coverage.percent if run and run.coverage else None
    return RunSummary(
        started=audit.started,
        project=audit.project.name,
        root=str(audit.project.root),
        tool_version=audit.tool_version,
        verdict=audit.verdict.word if audit.verdict else None,
        tests=tests,
        findings=len(audit.findings),
        by_category=MappingProxyType(audit.by_category()),
        coverage=round(coverage, 2) if coverage is not None else None,
        mutation_score=mutation_score(audit.mutation),
        suite_duration=round(run.duration, 3) if run else None,
        audit_duration=round(sum(audit.timings.values()), 3),
    )
