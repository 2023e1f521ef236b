"""Actionable recommendations, P0/P1/P2, each pointing at the findings it resolves.

- P0: the findings that fail the build (or, with no verdict, every high-severity one).
- P1: other high-severity findings, medium findings about untested code or scenarios,
  and measurements the audit could not take.
- P2: everything else.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from testvet.model import Audit, Category, Finding, Severity
from testvet.report import views

_ACTIONS: dict[Category, tuple[str, str]] = {
    Category.CANNOT_FAIL: ("Give {n} {noun} a check that can fail", "test"),
    Category.NONDETERMINISTIC: ("Remove timing, randomness or network from {n} {noun}", "test"),
    Category.FLAKY: ("Stabilise {n} flaky {noun}", "test"),
    Category.ORDER_DEPENDENT: ("Isolate {n} order-dependent {noun}", "test"),
    Category.PSEUDO_TESTED: ("Check the results of {n} pseudo-tested {noun}", "function"),
    Category.WEAKLY_TESTED: ("Kill the surviving mutants of {n} {noun}", "function"),
    Category.COVERAGE_BELOW_POLICY: ("Bring {n} {noun} up to the coverage floor", "path"),
    Category.MISSING_SCENARIO: ("Write {n} missing scenario {noun}", "test"),
    Category.COLLECTION_ERROR: ("Make {n} test {noun} collectable", "file"),
    Category.UNTESTED_REQUIREMENT: ("Link a passing test to {n} {noun}", "requirement"),
    Category.PYRAMID: ("Rebalance {n} {noun} against the pyramid target", "component"),
    Category.BENCHMARK_REGRESSION: ("Recover {n} benchmark {noun}", "regression"),
}

#: Medium findings in these categories are P1 (untested code, missing tests), not P2.
_P1_MEDIUM = {
    Category.PSEUDO_TESTED,
    Category.WEAKLY_TESTED,
    Category.MISSING_SCENARIO,
    Category.COVERAGE_BELOW_POLICY,
    Category.COLLECTION_ERROR,
}


@dataclass(frozen=True)
class Recommendation:
    """One thing to do, its priority, and the findings it resolves."""

    priority: str
    title: str
    #: Sentences built from the findings (where, and the first hint).
    detail: str
    findings: tuple[Finding, ...] = ()


def _priority(f: Finding, failing: set[str] | None) -> str:
    if failing is not None:
        if f.fingerprint in failing:
            return "P0"
    elif f.severity is Severity.HIGH:
        return "P0"
    if f.severity is Severity.HIGH:
        return "P1"
    if f.severity is Severity.MEDIUM and f.category in _P1_MEDIUM:
        return "P1"
    return "P2"


def _title(category: Category, findings: list[Finding]) -> str:
    template, noun = _ACTIONS[category]
    subjects = {f.test or f.function or f.scenario or f.requirement or f.path for f in findings}
    if category is Category.MISSING_SCENARIO or len(subjects) == 0:
        n = len(findings)
    else:
        n = len(subjects)
    return template.format(n=n, noun=views.plural(n, noun).split(" ", 1)[1])


def _detail(findings: list[Finding], ids: dict[int, str]) -> str:
    places = Counter(f.path for f in findings)
    where = ", ".join(f"{p} ({n})" for p, n in places.most_common(5))
    if len(places) > 5:
        where += f" and {len(places) - 5} more files"
    parts = [f"Where: {where}."]
    first = next((f for f in findings if f.hint), None)
    if first is not None:
        parts.append(f"Start with {ids[id(first)]} ({first.location}): {first.hint}")
    return " ".join(parts)


def recommendations(audit: Audit) -> list[Recommendation]:
    """Recommendations in priority order, then contract category order."""
    ids = views.finding_ids(audit)
    failing = set(audit.verdict.failing) if audit.verdict is not None else None
    buckets: dict[tuple[str, Category], list[Finding]] = {}
    for f in views.ordered(audit):
        buckets.setdefault((_priority(f, failing), f.category), []).append(f)
    out: list[Recommendation] = []
    order = list(Category)
    for (prio, category), findings in sorted(
        buckets.items(), key=lambda kv: (kv[0][0], order.index(kv[0][1]))
    ):
        out.append(
            Recommendation(
                prio, _title(category, findings), _detail(findings, ids), tuple(findings)
            )
        )
    for gap in views.gaps(audit):
        if gap.what.startswith(("the instrumented run", "mutation", "missing failure")):
            out.append(
                Recommendation(
                    "P1",
                    f"Measure {gap.what}",
                    f"Not measured because {gap.why}; to measure it, {gap.how}.",
                )
            )
    rank = {"P0": 0, "P1": 1, "P2": 2}
    return sorted(out, key=lambda r: rank[r.priority])
