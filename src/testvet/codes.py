"""Every finding code testvet can emit, from every stage, for ``testvet rules``."""

from __future__ import annotations

from dataclasses import dataclass

from testvet.model import Category, Severity


@dataclass(frozen=True)
class CodeInfo:
    """One finding code: what it is and where it is documented."""

    code: str
    category: Category
    #: Default severity; ``None`` when the stage picks it per finding.
    severity: Severity | None
    title: str
    #: Documentation page, relative to the repository's ``docs/``.
    doc: str


#: Codes of the stages other than the static rules and the scenario catalog.
_STAGE_CODES: tuple[CodeInfo, ...] = (
    CodeInfo(
        "TV301",
        Category.COVERAGE_BELOW_POLICY,
        None,
        "a path or the project is below its coverage floor",
        "rules/TV301.md",
    ),
    CodeInfo(
        "TV310",
        Category.CANNOT_FAIL,
        Severity.HIGH,
        "passing test whose assertions never executed (rotten green)",
        "rules/TV310.md",
    ),
    CodeInfo(
        "TV401",
        Category.PSEUDO_TESTED,
        None,
        "function whose body can be replaced with no test failing",
        "mutation.md",
    ),
    CodeInfo(
        "TV402",
        Category.WEAKLY_TESTED,
        None,
        "critical path below its operator-mutation score floor",
        "mutation.md",
    ),
    CodeInfo(
        "TV403",
        Category.ORDER_DEPENDENT,
        Severity.MEDIUM,
        "test that passes in the suite but fails twice when run alone",
        "rules/TV403.md",
    ),
    CodeInfo(
        "TV404",
        Category.FLAKY,
        Severity.MEDIUM,
        "test that failed once and then passed when run alone on the same code",
        "rules/TV404.md",
    ),
    CodeInfo(
        "TV601",
        Category.UNTESTED_REQUIREMENT,
        Severity.MEDIUM,
        "requirement with no linked passing test",
        "scenarios.md",
    ),
    CodeInfo(
        "TV611",
        Category.PYRAMID,
        None,
        "component whose unit/integration/e2e balance is off target",
        "scenarios.md",
    ),
)


def all_codes() -> tuple[CodeInfo, ...]:
    """Every code, ordered by code."""
    from testvet.discover.diagnose import CODES as COLLECTION_CODES
    from testvet.scenarios.catalog import CATALOG
    from testvet.static.registry import all_rules

    codes = [
        CodeInfo(r.code, r.category, r.severity, r.title, f"rules/{r.code}.md") for r in all_rules()
    ]
    codes += [
        CodeInfo(code, Category.COLLECTION_ERROR, Severity.HIGH, title, f"rules/{code}.md")
        for code, title in COLLECTION_CODES.items()
    ]
    codes += [
        CodeInfo(s.code, Category.MISSING_SCENARIO, s.severity, f"{sid}: {s.title}", "scenarios.md")
        for sid, s in CATALOG.items()
    ]
    codes += _STAGE_CODES
    return tuple(sorted(codes, key=lambda c: c.code))
