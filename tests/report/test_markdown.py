"""The Markdown reports: the full audit (report.md) and the PR summary (summary.md)."""

from __future__ import annotations

import re
from dataclasses import replace

import pytest

from testvet.model import Audit, Category, Finding, Severity
from testvet.report import markdown, md, summary


@pytest.mark.parametrize("name", ["full", "static", "empty"])
def test_full_audit_matches_golden(name, full_audit, static_audit, empty_audit, assert_golden):
    audit = {"full": full_audit, "static": static_audit, "empty": empty_audit}[name]
    assert_golden(f"report-{name}.md", markdown.render(audit))


@pytest.mark.parametrize("name", ["full", "static"])
def test_summary_matches_golden(name, full_audit, static_audit, assert_golden):
    audit = {"full": full_audit, "static": static_audit}[name]
    assert_golden(f"summary-{name}.md", summary.render(audit))


def _section(doc: str, title: str) -> str:
    start = doc.index(f"## {title}")
    nxt = doc.find("\n## ", start + 3)
    return doc[start : nxt if nxt != -1 else len(doc)]


def test_full_audit_has_every_section_in_order(full_audit):
    doc = markdown.render(full_audit)
    titles = re.findall(r"^## (.+)$", doc, flags=re.M)
    assert titles == [
        "Summary",
        "1. Inventory and mapping",
        "2. Coverage analysis",
        "3. Missing scenarios",
        "4. Quality assessment",
        "5. Recommendations",
        "6. Verdict",
        "Appendix A: all findings",
        "Appendix B: what was not measured",
    ]
    assert doc.startswith("# Test audit of shopcart: FAIL\n")
    assert "| date | 2026-11-21 10:00 UTC |" in doc


def test_coverage_section_shows_policy_and_surviving_mutant_diffs(full_audit):
    cov = _section(markdown.render(full_audit), "2. Coverage analysis")
    assert "| coverage | `src/shopcart/payments.py` | 90.0% | 61.0% | 1 | **fail** |" in cov
    assert "| coverage | `<total>` | 75.0% | 78.5% | 7 | pass |" in cov
    assert "- return price * (1 - rate)\n  + return None" in cov
    assert "- if cents < 50:\n  + if cents <= 50:" in cov
    assert "mutation score 50.0%" in cov
    assert "`tests/test_checkout.py::test_checkout_flow`" in cov  # rotten green
    assert "1 function could not be mutated: decorated by a C extension (1)." in cov


def test_missing_scenarios_carry_risk_and_recommended_test(full_audit):
    sec = _section(markdown.render(full_audit), "3. Missing scenarios")
    assert "| F-5 | TV501 | `hard-kill` | acknowledged orders lost | high |" in sec
    assert "```python\ndef test_store_survives_hard_kill(tmp_path, crash):" in sec
    assert "Scenarios the tests already exercise: disk-full (1)." in sec
    # The clock-skew finding has no recommended test: no code block for it.
    assert sec.count("```python") == 1


def test_signal_to_noise_uses_measured_numbers(full_audit):
    sec = _section(markdown.render(full_audit), "4. Quality assessment")
    # 7 test functions (test_total's two cases are one function); 3 carry cannot-fail.
    assert "| test functions with no cannot-fail finding | 4 of 7 (57.1%) |" in sec
    # Two distinct tests killed a mutant out of 8 collected.
    assert "| 2 of 8 (25.0%) | mutation analysis |" in sec
    assert "| tests that passed but reached no project function | 1 of 8 (12.5%) |" in sec
    assert "7 passed, 1 skipped" in sec


def test_recommendations_point_at_their_findings(full_audit):
    sec = _section(markdown.render(full_audit), "5. Recommendations")
    p0 = sec[sec.index("### P0") : sec.index("### P1")]
    assert "**Give 2 tests a check that can fail.**" in p0
    assert "Findings: F-1, F-2." in p0
    assert "Findings: F-6." in p0  # the collection error fails the build
    p2 = sec[sec.index("### P2") :]
    assert "Findings: F-8." in p2  # nondeterministic medium: not failing, P2


def test_static_only_audit_says_what_was_not_measured(static_audit):
    doc = markdown.render(static_audit)
    cov = _section(doc, "2. Coverage analysis")
    assert "_Not measured: --static-only. To measure it, run `testvet audit` without" in cov
    assert "Pseudo-tested code" in cov
    assert "tests proven able to fail against a mutant | not measured" in doc
    assert "modules imported" in doc
    assert "modules reached" not in doc
    assert "**Measure the instrumented run" in doc


def test_empty_audit_renders_and_says_no_verdict(empty_audit):
    doc = markdown.render(empty_audit)
    assert "no verdict: the policy stage did not run" in doc
    assert "No tests were collected." in doc
    assert "No findings." in doc


def test_summary_has_inventory_and_findings_tables(full_audit):
    doc = summary.render(full_audit)
    assert doc.startswith("## testvet audit of shopcart: **FAIL**\n")
    assert (
        "| `tests/test_checkout.py` | integration | 1 | "
        "`shopcart.checkout`, `shopcart.payments`, `shopcart.store` | 1 |"
    ) in doc
    assert "| F-1 | high | TV101 | cannot-fail | `tests/test_cart.py:10` |" in doc
    assert "| cannot-fail | 3 | 2 | 1 | 0 |" in doc


def test_cells_cannot_break_the_table_or_inject_html(full_audit):
    doc = summary.render(full_audit)
    assert "swallows the assertion \\| the test cannot fail" in doc
    assert "&lt;instead of&gt;" in doc
    assert "<instead of>" not in doc


def test_long_reports_are_cut_under_github_summary_limit(many_findings):
    audit = many_findings(8_000)
    for render in (summary.render, markdown.render):
        doc = render(audit)
        size = len(doc.encode("utf-8"))
        assert size <= md.SIZE_LIMIT
        match = re.search(r"_… and ([\d,]+) more findings", doc)
        assert match is not None
        shown = len(re.findall(r"^\| F-\d+ \|", doc, flags=re.M))
        assert shown + int(match.group(1)) == 8_000


def test_small_reports_are_not_cut(full_audit):
    assert "more finding" not in markdown.render(full_audit)


def test_fences_survive_backticks_in_recommended_tests(full_audit):
    tricky = "def test_x():\n    s = '```'\n    assert s\n"
    finding = Finding(
        code="TV599",
        category=Category.MISSING_SCENARIO,
        severity=Severity.HIGH,
        path="src/shopcart/x.py",
        line=1,
        message="m",
        scenario="fuzz-parser",
        detail={"recommended_test": tricky},
    )
    audit: Audit = replace(full_audit, findings=(finding,))
    doc = markdown.render(audit)
    assert "````python\n" + tricky + "````" in doc


def test_code_spans_and_text_escape():
    assert md.code("a`b") == "``a`b``"
    assert md.text("a|b <c>") == "a\\|b &lt;c&gt;"
    assert md.text("x" * 400).endswith("…")


def test_requirements_traceability_per_epic(full_audit):
    from testvet.config import RequirementsConfig
    from testvet.model import RequirementCoverage

    reqs = (
        RequirementCoverage("3.1", "Add to cart", "Cart", ("t1",), ("t1",), True),
        RequirementCoverage("3.2", "Remove from cart", "Cart", (), (), False),
        RequirementCoverage("4.1", "Pay by card", "Checkout", ("t2",), (), False),
    )
    audit = replace(
        full_audit,
        config=replace(full_audit.config, requirements=RequirementsConfig(file="reqs.toml")),
        scenarios=replace(full_audit.scenarios, requirements=reqs),
    )
    sec = _section(markdown.render(audit), "1. Inventory and mapping")
    assert "| Cart | 2 | 1 | 50.0% |" in sec
    assert "| Checkout | 1 | 0 | 0.0% |" in sec
    assert "2 of 3 (66.7%) requirements have no passing test:" in sec
    assert "| `4.1` | Pay by card | Checkout | 1 |" in sec


def test_pyramid_shows_shares_and_targets(full_audit):
    sec = _section(markdown.render(full_audit), "1. Inventory and mapping")
    assert "| `<all>` | 5 (62.5%) | 2 (25.0%) | 1 (12.5%) |" in sec
    assert "| 0 (0.0%), target 70% | 1 (100.0%), target 20% |" in sec


def test_code_spans_in_hints_keep_their_angle_brackets():
    assert md.text("Replace `return <expr>` with `a|b` <x>") == (
        "Replace `return <expr>` with `a\\|b` &lt;x&gt;"
    )


def test_summary_lists_what_to_fix_first_only_when_something_fails(full_audit, empty_audit):
    doc = summary.render(full_audit)
    fix = doc[doc.index("### Fix first") : doc.index("### Inventory")]
    assert "- **Make 1 test file collectable** (F-6)" in fix
    assert "F-8" not in fix  # nondeterministic medium does not fail the build
    assert "### Fix first" not in summary.render(empty_audit)
