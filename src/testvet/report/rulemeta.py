"""Rule metadata for machine formats (SARIF rules, JUnit types): name, descriptions, help.

Static rules describe themselves in :mod:`testvet.static.registry`; the codes other
stages emit (coverage policy, rotten green, mutation, scenarios, collection) are described
here. Unknown codes still get honest metadata derived from their category.
"""

from __future__ import annotations

from dataclasses import dataclass

from testvet.model import Category, Finding, Severity

#: Where the rule documentation lives (``rules/CODE.md``, ``scenarios.md``).
DOCS_URL = "https://github.com/testvet/testvet/blob/main/docs/"

#: What each category means, for rule descriptions (see REPORT_CONTRACT.md).
CATEGORY_MEANING: dict[Category, str] = {
    Category.CANNOT_FAIL: "A test that passes whatever the code under test does.",
    Category.NONDETERMINISTIC: (
        "A test whose outcome depends on timing, order, unseeded randomness, the wall "
        "clock or the network."
    ),
    Category.FLAKY: "A test observed to both pass and fail on the same code.",
    Category.ORDER_DEPENDENT: (
        "A test whose outcome changes with the order or isolation in which it runs."
    ),
    Category.PSEUDO_TESTED: (
        "Project code that tests reach but that can be replaced by a trivial body with no "
        "test failing."
    ),
    Category.WEAKLY_TESTED: (
        "Project code where operator mutants survive: its mutation score is below the floor."
    ),
    Category.COVERAGE_BELOW_POLICY: "A path or group below the coverage floor the policy sets.",
    Category.MISSING_SCENARIO: (
        "A failure or abuse scenario the code calls for that no test exercises."
    ),
    Category.COLLECTION_ERROR: "A test file pytest cannot collect, so none of its tests run.",
    Category.UNTESTED_REQUIREMENT: "A requirement that no passing test is linked to.",
    Category.PYRAMID: "A component whose unit/integration/e2e balance is off its target.",
    Category.BENCHMARK_REGRESSION: "A benchmark slower than its baseline beyond its threshold.",
}

_KNOWN: dict[str, str] = {
    "TV301": "Coverage below the policy floor",
    "TV310": "Rotten green: assertions of a passing test never executed",
    "TV401": "Pseudo-tested function: a trivial body fails no test",
    "TV402": "Weakly-tested function: operator mutants survive",
    "TV403": "Order-dependent test: fails when run alone",
    "TV404": "Flaky test: failed, then passed, run alone on the same code",
}


@dataclass(frozen=True)
class RuleMeta:
    """How a rule code is described to tools and people."""

    code: str
    name: str
    title: str
    category: Category
    severity: Severity
    description: str
    help_uri: str


def _registry_titles() -> dict[str, tuple[str, Severity]]:
    try:
        from testvet.static.registry import all_rules
    except ImportError:  # pragma: no cover - the registry ships with testvet
        return {}
    return {r.code: (r.title, r.severity) for r in all_rules()}


def _slug(text: str) -> str:
    words = "".join(c if c.isalnum() else " " for c in text).split()
    return "".join(w[:1].upper() + w[1:] for w in words)[:255] or "Finding"


def describe(code: str, findings: list[Finding] | tuple[Finding, ...]) -> RuleMeta:
    """Metadata of ``code``; ``findings`` (at least one, all with this code) fill the gaps."""
    first = findings[0]
    registry = _registry_titles()
    severity = max((f.severity for f in findings), key=lambda s: s.rank)
    if code in registry:
        title, severity = registry[code]
    elif code in _KNOWN:
        title = _KNOWN[code]
    elif first.category is Category.MISSING_SCENARIO and first.scenario:
        title = f"Missing scenario: {first.scenario}"
    elif first.category is Category.COLLECTION_ERROR:
        title = "Test file cannot be collected"
    else:
        title = f"{first.category.value} finding"
    return RuleMeta(
        code=code,
        name=_slug(title),
        title=title[:1024],
        category=first.category,
        severity=severity,
        description=f"{title}. {CATEGORY_MEANING[first.category]}"[:1024],
        help_uri=doc_url(code, first.category),
    )


def doc_url(code: str, category: Category) -> str:
    """Where ``code`` is documented: its rule page, or the page of the stage that emits it."""
    if category in (
        Category.MISSING_SCENARIO,
        Category.UNTESTED_REQUIREMENT,
        Category.PYRAMID,
    ) or code.startswith(("TV5", "TV6")):
        return f"{DOCS_URL}scenarios.md"
    if category in (Category.PSEUDO_TESTED, Category.WEAKLY_TESTED) or code.startswith("TV4"):
        return f"{DOCS_URL}mutation.md"
    return f"{DOCS_URL}rules/{code}.md"
