"""``[tool.testvet.coverage]`` floors -> policy checks and ``coverage-below-policy`` findings."""

from __future__ import annotations

from testvet import globs
from testvet.config import CoverageConfig
from testvet.model import Category, Finding, PolicyCheck, Severity
from testvet.run.covdata import Analysis, FunctionGap, percent

TOTAL = "<total>"
CODE = "TV301"
#: How many uncovered functions a finding names.
_LARGEST = 3


def _largest(analysis: Analysis, files: list[str]) -> list[tuple[str, FunctionGap]]:
    gaps = [(path, gap) for path in files for gap in analysis.gaps.get(path, ())]
    gaps.sort(key=lambda pg: (-pg[1].missing, pg[0], pg[1].line))
    return gaps[:_LARGEST]


def _describe(gaps: list[tuple[str, FunctionGap]]) -> str:
    if not gaps:
        return ""
    named = ", ".join(
        f"{g.name} ({path}:{g.line}, {g.missing} of {g.statements} statements missed)"
        for path, g in gaps
    )
    return f"; largest uncovered functions: {named}"


def check(
    policy: CoverageConfig,
    analysis: Analysis,
    source_root: str = ".",
    unmeasured: str | None = None,
) -> tuple[tuple[PolicyCheck, ...], tuple[Finding, ...]]:
    """One check per floor (the global floor first), one finding per failing floor.

    ``unmeasured`` says why there are no numbers at all (every floor then fails with it).
    """
    checks: list[PolicyCheck] = []
    findings: list[Finding] = []
    all_files = sorted(analysis.numbers)
    targets: list[tuple[str, float, list[str], Severity]] = []
    if policy.fail_under is not None:
        targets.append((TOTAL, policy.fail_under, all_files, Severity.MEDIUM))
    for pattern, floor in policy.paths.items():
        matched = [p for p in all_files if globs.matches(pattern, p)]
        targets.append((pattern, floor, matched, Severity.HIGH))
    for target, floor, files, severity in targets:
        actual = round(percent(analysis.numbers[p] for p in files), 2) if files else None
        item = PolicyCheck(
            kind="coverage", target=target, floor=floor, actual=actual, files=len(files)
        )
        checks.append(item)
        if item.passed:
            continue
        where = "all project code" if target == TOTAL else repr(target)
        if unmeasured is not None:
            message = f"coverage floor {floor:g}% for {where} cannot be checked: {unmeasured}"
            hint = "See the run's logs in OUTPUT_DIR/run/ for why no coverage data was saved."
        elif actual is None:
            message = f"coverage floor {floor:g}% for {where} matches no measured project file"
            hint = "Fix the glob in [tool.testvet.coverage] paths (relative to the project root)."
        else:
            message = (
                f"coverage of {where} is {actual:.1f}%, below its floor of {floor:g}% "
                f"({len(files)} file{'s' if len(files) != 1 else ''})"
                f"{_describe(_largest(analysis, files))}"
            )
            hint = "Add tests for the largest uncovered functions, or lower the floor on purpose."
        findings.append(
            Finding(
                code=CODE,
                category=Category.COVERAGE_BELOW_POLICY,
                severity=severity,
                path=source_root if target == TOTAL else target,
                line=None,
                message=message,
                hint=hint,
                snippet=f"coverage floor {target}",
                detail={"target": target, "floor": floor, "actual": actual, "files": len(files)},
            )
        )
    return tuple(checks), tuple(findings)
