"""Mutants -> findings: ``pseudo-tested`` (TV401) and ``weakly-tested`` (TV402)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import replace

from testvet.model import Category, Finding, Mutant, MutantStatus, PolicyCheck, Severity
from testvet.mutate.operators import EXTREME, OPERATOR, VALUE_OPERATORS
from testvet.mutate.plan import Target, path_matches

PSEUDO_TESTED = "TV401"
WEAKLY_TESTED = "TV402"

#: Statuses that mean "the suite noticed the mutant".
DETECTED = frozenset({MutantStatus.KILLED, MutantStatus.TIMEOUT, MutantStatus.CRASHED})
JUDGED = DETECTED | {MutantStatus.SURVIVED}


def one_line(mutant: Mutant) -> str:
    """``path:line: - old  + new`` for people."""
    old, _, new = mutant.diff.partition("\n")
    return f"{mutant.path}:{mutant.line}: {old}  {new}".rstrip()


def _mutation_words(mutants: Sequence[Mutant]) -> str:
    words = [m.diff.partition("\n")[2].lstrip("+ ").strip() for m in mutants]
    return ", ".join(f"`{w}`" for w in words)


def pseudo_tested(targets: Iterable[Target], mutants: Sequence[Mutant]) -> list[Finding]:
    """One finding per function whose extreme mutants (all, or some) survive (``unproven``
    ones, of code that ran at import, are no survivors: ``unproven``)."""
    by_function: dict[str, list[Mutant]] = defaultdict(list)
    for m in mutants:
        if m.kind == EXTREME:
            by_function[m.function].append(m)
    findings = []
    for target in targets:
        own = by_function.get(target.info.id, [])
        value = [m for m in own if m.operator in VALUE_OPERATORS and m.status in JUDGED]
        if not value:
            continue
        survivors = [m for m in value if m.status is MutantStatus.SURVIVED]
        raised = [m for m in own if m.operator == "raise" and m.status is MutantStatus.SURVIVED]
        if not survivors:
            continue
        fully = len(survivors) == len(value)
        name = target.info.dotted
        n = len(target.tests) - len(target.skipping)
        tests = f"{n} passing test{'s reach' if n != 1 else ' reaches'}"
        if fully:
            message = (
                f"{name} is pseudo-tested: {tests} it, yet none fails when its body "
                f"becomes {_mutation_words(survivors)}"
            )
            severity = Severity.HIGH if target.critical else Severity.MEDIUM
        else:
            message = (
                f"{name} is partially tested: no test fails when its body becomes "
                f"{_mutation_words(survivors)}"
            )
            severity = Severity.LOW
        findings.append(
            Finding(
                code=PSEUDO_TESTED,
                category=Category.PSEUDO_TESTED,
                severity=severity,
                path=target.info.path,
                line=target.source.def_line,
                message=message,
                function=name,
                end_line=target.source.end_line,
                hint="Assert on what it returns or changes in a test that reaches it "
                f"(e.g. {target.tests[0]}).",
                snippet=target.source.module.line_text(target.source.def_line).strip(),
                detail={
                    "status": "pseudo-tested" if fully else "partially-tested",
                    "tests": n,
                    "covering_tests": list(target.tests[:5]),
                    "survivors": [one_line(m) for m in survivors],
                    "mutants": [
                        {"operator": m.operator, "diff": m.diff, "status": m.status.value}
                        for m in own
                    ],
                    "exceptions_unnoticed": bool(raised),
                },
            )
        )
    return findings


def unproven(
    mutants: Sequence[Mutant], imported: Collection[str], clear: Collection[str] = ()
) -> list[Mutant]:
    """``mutants`` with the survivors of functions in ``imported`` (they ran while a
    module was imported) marked ``unproven``: what they built then, no in-memory mutant
    changed, so a survivor there proves nothing (kills stand). Mutants in ``clear``
    changed no line that ran at import time: they keep their verdict."""
    return [
        replace(m, status=MutantStatus.UNPROVEN)
        if m.status is MutantStatus.SURVIVED and m.function in imported and m.id not in clear
        else m
        for m in mutants
    ]


def weakly_tested(
    paths: Mapping[str, float], mutants: Sequence[Mutant]
) -> tuple[list[Finding], list[PolicyCheck]]:
    """Per critical-path glob: the operator-mutation score against its floor."""
    findings: list[Finding] = []
    checks: list[PolicyCheck] = []
    operator = [m for m in mutants if m.kind == OPERATOR and m.status in JUDGED]
    for glob, floor in paths.items():
        mine = [m for m in operator if path_matches(m.path, glob)]
        files = len({m.path for m in mine})
        if not mine:
            checks.append(PolicyCheck("mutation", glob, floor, None, files))
            continue
        detected = sum(1 for m in mine if m.status in DETECTED)
        score = round(100.0 * detected / len(mine), 2)
        check = PolicyCheck("mutation", glob, floor, score, files)
        checks.append(check)
        if check.passed:
            continue
        survivors = sorted(
            (m for m in mine if m.status is MutantStatus.SURVIVED), key=lambda m: (m.path, m.line)
        )
        findings.append(
            Finding(
                code=WEAKLY_TESTED,
                category=Category.WEAKLY_TESTED,
                severity=Severity.HIGH,
                path=glob,
                line=None,
                message=(
                    f"{glob} has a mutation score of {score:g}% (floor {floor:g}%): "
                    f"{len(survivors)} of {len(mine)} operator mutants survive"
                ),
                hint="Each surviving mutant is a change no test notices; add the assertion "
                "that would fail on it (boundaries, negations, constants).",
                snippet=f"mutation floor {glob}",
                detail={
                    "score": score,
                    "floor": floor,
                    "mutants": len(mine),
                    "killed": detected,
                    "survivors": [one_line(m) for m in survivors],
                },
            )
        )
    return findings, checks
