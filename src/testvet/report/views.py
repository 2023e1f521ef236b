"""Numbers and groupings every human-readable reporter shares, derived from one audit.

Reporters format; this module counts. Nothing here invents text that the audit does not
support: every figure is computed from the audit's own findings, run and mutation data.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timezone

from testvet.model import (
    Audit,
    Category,
    Finding,
    Mutant,
    MutantStatus,
    MutationResult,
    Outcome,
    Severity,
    TestKind,
    dotted_name,
)

_PARAMS = re.compile(r"\[.*\]$")

#: Statuses that mean a test noticed the mutant.
DETECTED = (MutantStatus.KILLED, MutantStatus.TIMEOUT, MutantStatus.CRASHED)

#: Which stage measures each category (None: no stage of ``testvet audit`` does).
CATEGORY_STAGE: dict[Category, str | None] = {
    Category.CANNOT_FAIL: "static",
    Category.NONDETERMINISTIC: "static",
    # the mutation engine's control runs: a test that kills a mutant runs alone
    Category.FLAKY: "mutate",
    Category.ORDER_DEPENDENT: "mutate",
    Category.PSEUDO_TESTED: "mutate",
    Category.WEAKLY_TESTED: "mutate",
    Category.COVERAGE_BELOW_POLICY: "run",
    Category.MISSING_SCENARIO: "scenarios",
    Category.COLLECTION_ERROR: "discover",
    Category.UNTESTED_REQUIREMENT: "discover",
    Category.PYRAMID: "discover",
    Category.BENCHMARK_REGRESSION: None,
}

#: What each stage contributes, for "not measured" notes.
STAGE_PRODUCES: dict[str, str] = {
    "discover": "the test inventory and collection errors",
    "static": "the static rules (cannot-fail, nondeterministic)",
    "run": "the instrumented run (outcomes, durations, coverage, rotten-green tests)",
    "mutate": (
        "mutation analysis (pseudo-tested and weakly-tested code; tests that fail when run alone)"
    ),
    "scenarios": "missing failure and abuse scenarios",
    "policy": "the coverage policy checks and the verdict",
}


_ORDER = {c: i for i, c in enumerate(Category)}
_RANK = {s: s.rank for s in Severity}


_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ufffe\uffff\ud800-\udfff]")


def printable(text: str) -> str:
    """``text`` with control characters (other than tab and newline) shown as U+FFFD."""
    return _CONTROL.sub("\ufffd", text)


def strip_params(nodeid: str) -> str:
    """``tests/a.py::t[1]`` -> ``tests/a.py::t``."""
    return _PARAMS.sub("", nodeid)


def sort_key(f: Finding) -> tuple[int, int, str, int, str, str]:
    """Worst first, then contract category order, file, line, code, message."""
    return (-_RANK[f.severity], _ORDER[f.category], f.path, f.line or 0, f.code, f.message)


def ordered(audit: Audit) -> tuple[Finding, ...]:
    """The findings in report order (the order ``F-n`` ids are given in)."""
    return tuple(sorted(audit.findings, key=sort_key))


def finding_ids(audit: Audit) -> dict[int, str]:
    """``id(finding)`` -> ``F-n``, numbered in report order."""
    return {id(f): f"F-{i}" for i, f in enumerate(ordered(audit), start=1)}


def grouped(audit: Audit) -> list[tuple[Category, list[Finding]]]:
    """Findings grouped by category in contract order, each group in report order."""
    groups: dict[Category, list[Finding]] = defaultdict(list)
    for f in ordered(audit):
        groups[f.category].append(f)
    return [(c, groups[c]) for c in Category if groups.get(c)]


def severity_counts(findings: list[Finding] | tuple[Finding, ...]) -> dict[str, int]:
    """``{"high": n, "medium": n, "low": n}`` with zero counts omitted."""
    counts = Counter(f.severity for f in findings)
    return {s.value: counts[s] for s in Severity if counts[s]}


def verdict_word(audit: Audit) -> str:
    """``pass`` or ``fail``: the same answer as the exit code (no verdict is a pass)."""
    return audit.verdict.word if audit.verdict else "pass"


def verdict_reasons(audit: Audit) -> list[str]:
    """Why the verdict is what it is, from the policy's own reasons."""
    v = audit.verdict
    if v is None:
        return ["no verdict: the policy stage did not run, so nothing fails the build"]
    reasons = list(v.reasons)
    if v.passed:
        rules = ", ".join(str(r) for r in audit.config.fail_on) or "nothing"
        reasons.append(f"no new finding matches fail_on ({rules})")
    if v.baselined:
        reasons.append(f"{v.baselined} finding{_s(v.baselined)} accepted by the baseline")
    return reasons


def date(audit: Audit) -> str:
    """The audit's start as ``YYYY-MM-DD HH:MM UTC``."""
    started = audit.started
    if started.tzinfo is not None:
        started = started.astimezone(timezone.utc)
    return started.strftime("%Y-%m-%d %H:%M UTC")


@dataclass(frozen=True)
class Gap:
    """Something the audit did not measure, why, and what would measure it."""

    what: str
    why: str
    how: str


def _how(stage: str, why: str) -> str:
    if why == "--static-only":
        return "run `testvet audit` without --static-only"
    if "mutation mode is off" in why:
        return 'set `[tool.testvet.mutation] mode = "extreme"` or pass `--mutation extreme`'
    if "no instrumented run" in why:
        return "let the instrumented run complete (drop --static-only, fix run errors)"
    return f"run a full `testvet audit` and check the {stage} stage's errors"


def gaps(audit: Audit) -> list[Gap]:
    """What was not measured, in pipeline order."""
    out: list[Gap] = []
    skipped = dict(audit.skipped_stages)
    present = {"run": audit.run, "mutate": audit.mutation, "scenarios": audit.scenarios}
    for stage in ("discover", "static", "run", "mutate", "scenarios", "policy"):
        why = skipped.get(stage)
        if why is None and present.get(stage, True) is None:
            why = "the stage reported no data"
        if why is None and stage == "policy" and audit.verdict is None:
            why = "the stage reported no verdict"
        if why is not None:
            out.append(Gap(STAGE_PRODUCES[stage], why, _how(stage, why)))
    if audit.run is not None and audit.run.coverage is None:
        out.append(
            Gap(
                "line and branch coverage",
                "the run recorded no coverage data",
                "check that coverage.py can measure the project (or pass --coverage-file)",
            )
        )
    return out


def category_measured(audit: Audit, category: Category) -> str | None:
    """None when ``category`` was measured, else why not."""
    stage = CATEGORY_STAGE[category]
    if stage is None:
        return "benchmarks are not part of `testvet audit`"
    if category is Category.UNTESTED_REQUIREMENT and not audit.config.requirements.file:
        return "no requirements file is configured ([tool.testvet.requirements] file)"
    if category is Category.PYRAMID and not audit.config.pyramid.components:
        return "no pyramid targets are configured ([tool.testvet.pyramid] components)"
    why = audit.skipped_stages.get(stage)
    if why:
        return f"{stage} stage skipped: {why}"
    if stage == "run" and audit.run is None:
        return "no instrumented run"
    if stage == "mutate" and audit.mutation is None:
        return "no mutation analysis"
    if stage == "scenarios" and audit.scenarios is None:
        return "no scenario analysis"
    return None


# --------------------------------------------------------------------------- the suite


@dataclass(frozen=True)
class SuiteFigures:
    """Measured figures about the suite, None where the data was not collected."""

    tests: int
    files: int
    kinds: dict[str, int]
    #: Distinct tests (parameters stripped) with a cannot-fail finding.
    cannot_fail: int
    #: Distinct tests with a nondeterministic, flaky or order-dependent finding.
    unstable: int
    #: Collected test functions (parameters stripped), the unit the two counts above use.
    functions: int
    parametrized: int
    outcomes: dict[str, int] | None
    #: Tests that passed in the run and reached at least one project function.
    passed_reaching: int | None
    #: Tests that passed in the run but reached no project function.
    passed_reaching_nothing: int | None
    #: Distinct tests that killed at least one mutant.
    killers: int | None
    duration: float | None
    coverage: float | None


def _tests_with(audit: Audit, categories: set[Category]) -> set[str]:
    return {strip_params(f.test) for f in audit.findings if f.test and f.category in categories}


def figures(audit: Audit) -> SuiteFigures:
    """Count what the suite is made of and what the run and mutation observed."""
    inv = audit.inventory
    tests = len(inv.tests) or sum(tf.tests for tf in inv.files)
    kinds = Counter(t.kind.value for t in inv.tests)
    if not inv.tests:
        for tf in inv.files:
            kinds[tf.kind.value] += tf.tests
    functions = {strip_params(t.nodeid) for t in inv.tests}
    outcomes: dict[str, int] | None = None
    passed_reaching = passed_nothing = None
    duration = coverage = None
    if audit.run is not None:
        counts = Counter(r.outcome for r in audit.run.results)
        outcomes = {o.value: counts[o] for o in Outcome if counts[o]}
        passed = [r for r in audit.run.results if r.outcome is Outcome.PASSED]
        passed_reaching = sum(1 for r in passed if r.reached)
        passed_nothing = len(passed) - passed_reaching
        duration = audit.run.duration
        if audit.run.coverage is not None:
            coverage = audit.run.coverage.percent
    killers = None
    if audit.mutation is not None:
        killers = len({m.killed_by for m in audit.mutation.mutants if m.killed_by})
    unstable = {Category.NONDETERMINISTIC, Category.FLAKY, Category.ORDER_DEPENDENT}
    return SuiteFigures(
        tests=tests,
        files=len(inv.files),
        kinds={k.value: kinds[k.value] for k in TestKind if kinds[k.value]},
        cannot_fail=len(_tests_with(audit, {Category.CANNOT_FAIL})),
        unstable=len(_tests_with(audit, unstable)),
        functions=len(functions) or tests,
        parametrized=sum(1 for t in inv.tests if t.params is not None),
        outcomes=outcomes,
        passed_reaching=passed_reaching,
        passed_reaching_nothing=passed_nothing,
        killers=killers,
        duration=duration,
        coverage=coverage,
    )


def findings_per_file(audit: Audit) -> Counter[str]:
    """Number of findings per path."""
    return Counter(f.path for f in audit.findings)


def file_coverage(audit: Audit, modules: tuple[str, ...]) -> float | None:
    """Mean line coverage of the given project modules, None without coverage."""
    known = {m.name: m.coverage for m in audit.inventory.modules}
    values = [c for name in modules if (c := known.get(name)) is not None]
    return sum(values) / len(values) if values else None


# --------------------------------------------------------------------------- mutation


@dataclass(frozen=True)
class FunctionMutation:
    """Mutants of one function, and the diffs of those that survived."""

    function: str
    path: str
    line: int
    detected: int
    survived: int
    survivors: tuple[Mutant, ...]

    @property
    def score(self) -> float | None:
        total = self.detected + self.survived
        return 100.0 * self.detected / total if total else None


def mutation_score(audit: Audit) -> float | None:
    """Percent of mutants (with covering tests) that some test detected."""
    if audit.mutation is None:
        return None
    statuses = Counter(m.status for m in audit.mutation.mutants)
    detected = sum(statuses[s] for s in DETECTED)
    total = detected + statuses[MutantStatus.SURVIVED]
    return 100.0 * detected / total if total else None


def efficiency(mut: MutationResult) -> float | None:
    """Percent of the wall time the workers would need at the cost floor: floor / (time x
    workers). Over 100% when the tests ran faster than in the (instrumented) baseline."""
    if mut.cost_floor <= 0 or mut.duration <= 0:
        return None
    return 100.0 * mut.cost_floor / (mut.duration * max(1, mut.workers))


def mutation_pace(audit: Audit) -> str | None:
    """How long the mutants took against the cost floor, for the terminal summary."""
    mut = audit.mutation
    if mut is None or not mut.mutants:
        return None
    cached = sum(1 for m in mut.mutants if m.cached)
    parts = [f"{mut.duration:.1f} s on {plural(mut.workers, 'worker')}"]
    eff = efficiency(mut)
    if eff is not None:
        parts.append(f"efficiency {pct(eff)} (cost floor {mut.cost_floor:.1f} s)")
    if cached:
        parts.append(f"{cached} from the cache")
    if mut.skipped:
        parts.append(f"{plural(len(mut.skipped), 'function')} skipped")
    return ", ".join(parts)


def per_function(audit: Audit) -> dict[str, FunctionMutation]:
    """Function id -> its mutation figures."""
    if audit.mutation is None:
        return {}
    by_fn: dict[str, list[Mutant]] = defaultdict(list)
    for m in audit.mutation.mutants:
        by_fn[m.function].append(m)
    out = {}
    for fn, mutants in sorted(by_fn.items()):
        first = min(mutants, key=lambda m: m.line)
        survivors = tuple(m for m in mutants if m.status is MutantStatus.SURVIVED)
        out[fn] = FunctionMutation(
            function=fn,
            path=first.path,
            line=first.line,
            detected=sum(1 for m in mutants if m.status in DETECTED),
            survived=len(survivors),
            survivors=survivors,
        )
    return out


def survivors_for(audit: Audit, finding: Finding) -> tuple[Mutant, ...]:
    """Surviving mutants behind a pseudo/weakly-tested finding (matched by function)."""
    if audit.mutation is None or not finding.function:
        return ()
    return tuple(
        m
        for m in audit.mutation.mutants
        if m.status is MutantStatus.SURVIVED and _about(m.function, m.line, finding)
    )


def figures_for(
    per_fn: Mapping[str, FunctionMutation], finding: Finding
) -> FunctionMutation | None:
    """The mutation figures of the function a finding is about (``per_function``)."""
    return next(
        (fm for fid, fm in per_fn.items() if _about(fid, fm.line, finding)),
        None,
    )


def _about(fid: str, line: int, finding: Finding) -> bool:
    """Whether code of function ``fid`` at ``line`` is what ``finding`` is about: the same
    name, within its lines when it has them (a property's getter and setter share one)."""
    if not finding.function or dotted_name(fid) != finding.function:
        return False
    if finding.line is None or finding.end_line is None:
        return True
    return finding.line <= line <= finding.end_line


def pct(value: float | None) -> str:
    """``87.5%`` or ``n/a``."""
    return "n/a" if value is None else f"{value:.1f}%"


def share(part: int, whole: int) -> str:
    """``3 of 40 (7.5%)``."""
    if whole <= 0:
        return f"{part} of {whole}"
    return f"{part} of {whole} ({100.0 * part / whole:.1f}%)"


def _s(n: int) -> str:
    return "" if n == 1 else "s"


def plural(n: int, word: str) -> str:
    """``1 test`` / ``2 tests``."""
    return f"{n} {word}{_s(n)}"
