"""The HTML report rendered to text: self-contained, escaped, data-driven, stages optional."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pytest
from html_sample import bare_audit, sample_audit
from hypothesis import given
from hypothesis import strategies as st

from testvet.config import Config
from testvet.model import Audit, Category, Finding, Project, Severity
from testvet.report import FORMATS, html, write_reports
from testvet.report.html_source import SourceReader
from testvet.report.html_treemap import squarify
from testvet.report.html_view import (
    ACTIONS,
    MAX_DETAILED,
    lowest_coverage,
    module_risks,
    slowest,
    suites,
)

#: An audit of a project that does not exist on disk (no excerpts), with nothing found.
EMPTY = Audit(
    project=Project(root=Path("/nonexistent/testvet-html"), name="ghost"),
    config=Config(),
    tool_version="0.4.0",
    started=datetime(2026, 11, 21, tzinfo=timezone.utc),
)


@pytest.fixture
def page(tmp_path: Path) -> str:
    return html.render(sample_audit(tmp_path))


def _articles(page: str) -> list[str]:
    return re.findall(r'<article class="finding.*?</article>', page, flags=re.S)


def test_page_loads_nothing_from_the_network(page: str) -> None:
    assert "Content-Security-Policy" in page
    assert "default-src 'none'" in page
    assert re.search(r"<(link|img|iframe|object)\b", page) is None
    assert re.search(r'\b(src|href)="(?!#)', page) is None  # only in-page anchors
    assert "http://" not in page
    assert "https://" not in page


def test_source_text_is_escaped(page: str) -> None:
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in page
    assert "<script>alert" not in page
    assert "&lt;b&gt;not bold&lt;/b&gt;" in page
    assert page.count("<script>") == 1  # the report's own script only


def test_every_finding_has_an_article_with_its_filter_data(page: str) -> None:
    articles = _articles(page)
    assert len(articles) == 6
    cats = [re.search(r'data-category="([^"]+)"', a).group(1) for a in articles]  # type: ignore[union-attr]
    assert cats == [
        "cannot-fail",
        "nondeterministic",
        "pseudo-tested",
        "weakly-tested",
        "missing-scenario",
        "coverage-below-policy",
    ]
    sevs = [re.search(r'data-severity="([^"]+)"', a).group(1) for a in articles]  # type: ignore[union-attr]
    assert sevs == ["high", "medium", "high", "low", "high", "medium"]


def test_excerpt_marks_the_flagged_lines_with_context(page: str) -> None:
    first = _articles(page)[0]
    numbers = re.findall(r'<span class="line( hl)?"><span class="no">(\d+)</span>', first)
    assert numbers == [("", "2"), ("", "3"), (" hl", "4"), (" hl", "5"), ("", "6"), ("", "7")]
    assert "def test_sign():" in first


def test_mutation_findings_show_their_surviving_diff(page: str) -> None:
    pseudo = _articles(page)[2]
    assert '<span class="line del">- return hmac.new(key, body, &#34;sha256&#34;)' in pseudo
    assert '<span class="line add">+ return None' in pseudo
    survivors = page.split('id="coverage"')[1].split('id="scenarios"')[0]
    assert survivors.count('<details class="mutants"') == 2
    assert "shop.auth.verify" in survivors
    assert "+ if len(tag) &lt;= 10:" in survivors


def test_recommended_tests_have_a_copy_button_for_their_code(page: str) -> None:
    targets = re.findall(r'data-copy="([^"]+)"', page)
    assert targets == ["f-5-test", "f-5-scenario"]
    for target in targets:
        code = re.search(rf'<code id="{target}">(.*?)</code>', page, flags=re.S)
        assert code is not None
        assert code.group(1).startswith("def test_put_survives_hard_kill(tmp_path, hard_kill):")


def test_verdict_banner_and_reasons(page: str) -> None:
    assert 'class="banner verdict-fail"' in page
    assert "2 findings fail the build" in page
    assert "1 finding matching fail_on &#39;cannot-fail:high&#39;" in page


def test_recommendations_point_at_existing_findings(page: str) -> None:
    recs = page.split('id="recommendations"')[1].split('id="findings"')[0]
    priorities = re.findall(r'<li class="rec (p\d)">', recs)
    assert priorities == ["p0", "p0", "p1", "p2", "p2", "p2"]
    assert "1 cannot-fail finding in tests/test_auth.py" in recs
    for anchor in re.findall(r'href="#(f-\d+)"', recs):
        assert f'id="{anchor}"' in page


def test_policy_table_and_quality_numbers_come_from_the_audit(page: str) -> None:
    policy = page.split('id="coverage"')[1]
    assert re.search(
        r"src/shop/store\.py</code></td><td class=\"num\">90\.0%</td>"
        r"<td class=\"num\">71\.4%</td>.*?below the floor",
        policy,
    )
    assert "2 of 3 tests have no cannot-fail finding; 1 passes whatever the code does." in page
    assert "2 killed, 2 survived, 0 timed out of 4 mutants" in page
    assert "1 capability (persists-data) calling for 2 scenarios" in page
    assert "tests exercise 1 of them (disk-full)" in page


def test_risk_map_orders_modules_by_risk(tmp_path: Path) -> None:
    risks = module_risks(sample_audit(tmp_path))
    assert [r.name for r in risks] == ["shop.auth", "shop.store", "shop"]
    auth, store, init = risks
    # auth: fully covered, but 1 of 2 functions pseudo-tested and 2 findings (1 high)
    assert auth.pseudo == 1
    assert auth.risk == pytest.approx(1 - 0.5 * (1 - 4 / 6))
    # store: 71.4% covered, 2 findings (1 high)
    assert store.risk == pytest.approx(1 - (1 - 0.286) * (1 - 4 / 6))
    assert init.risk is None  # nothing measured
    assert (store.findings, store.high) == (2, 1)
    # red for the worst, green for none, grey when nothing was measured
    assert (auth.color, store.color, init.color) == (
        "hsl(22 68% 68%)",
        "hsl(31 68% 68%)",
        "#cfd4da",
    )
    assert replace(init, risk=0.0).color == "hsl(130 68% 68%)"


def test_slowest_tests_and_least_covered_files_come_first(tmp_path: Path) -> None:
    audit = sample_audit(tmp_path)
    assert slowest(audit, 2) == (
        ("tests/test_store.py::test_put", "0.300 s"),
        ("tests/test_auth.py::test_verify", "0.020 s"),
    )
    assert lowest_coverage(audit, 1) == (("src/shop/store.py", "71.4%", 2),)
    assert lowest_coverage(audit) == (
        ("src/shop/store.py", "71.4%", 2),
        ("src/shop/auth.py", "100.0%", 0),
    )


def test_the_treemap_lays_out_the_papers_example_as_the_paper_does() -> None:
    """Bruls, Huizing and van Wijk's figure: 6 and 6 stacked in a column of width 3,
    then 4 and 3 side by side, then 2, 2 and 1 (a row is closed when adding the next
    rectangle would make its worst aspect ratio worse)."""
    rects = squarify([6, 6, 4, 3, 2, 2, 1], 6, 4)
    laid = [(r.index, round(r.x, 2), round(r.y, 2), round(r.w, 2), round(r.h, 2)) for r in rects]
    assert laid == [
        (0, 0.0, 0.0, 3.0, 2.0),
        (1, 0.0, 2.0, 3.0, 2.0),
        (2, 3.0, 0.0, 1.71, 2.33),
        (3, 4.71, 0.0, 1.29, 2.33),
        (4, 3.0, 2.33, 1.2, 1.67),
        (5, 4.2, 2.33, 1.2, 1.67),
        (6, 5.4, 2.33, 0.6, 1.67),
    ]


def test_audit_without_run_mutation_scenarios_or_verdict(tmp_path: Path) -> None:
    page = html.render(bare_audit(tmp_path))
    assert "NO VERDICT" in page
    assert "Mutation score" in page
    assert "skipped: --static-only" in page
    assert "Not analysed: the scenarios stage did not run." in page
    assert "Not measured: the suite was not run." in page
    assert len(_articles(page)) == 2


def test_empty_audit_says_so(tmp_path: Path) -> None:
    audit = replace(
        bare_audit(tmp_path),
        findings=(),
        inventory=replace(bare_audit(tmp_path).inventory, modules=()),
    )
    page = html.render(audit)
    assert '<p class="empty">No findings.</p>' in page
    assert "No project modules were discovered" in page
    assert 'id="filters"' not in page


def test_excerpts_never_leave_the_project(tmp_path: Path) -> None:
    (tmp_path / "secret.txt").write_text("top secret\n")
    root = tmp_path / "project"
    root.mkdir()
    reader = SourceReader(root)
    assert reader.excerpt("../secret.txt", 1, None) == ()
    assert reader.excerpt("/etc/hostname", 1, None) == ()
    assert reader.excerpt("missing.py", 1, None) == ()
    (root / "a.py").write_bytes(b"ok = 1\n\xff\xfe = 2\n")
    lines = reader.excerpt("a.py", 2, None)
    assert [(line.number, line.flagged) for line in lines] == [(1, False), (2, True)]
    assert lines[1].text == "\ufffd\ufffd = 2"  # undecodable bytes replaced, not fatal
    assert reader.excerpt("a.py", 3, None) == ()


def test_finding_outside_the_project_renders_without_excerpt(tmp_path: Path) -> None:
    stray = Finding("TV101", Category.CANNOT_FAIL, Severity.LOW, "../../etc/passwd", 1, "m")
    audit = replace(bare_audit(tmp_path), findings=(stray,))
    (article,) = _articles(html.render(audit))
    assert '<pre class="code"' not in article


def test_every_category_has_a_recommended_action() -> None:
    assert set(ACTIONS) == set(Category)


def test_html_is_a_registered_format_written_to_report_html(tmp_path: Path) -> None:
    assert "html" in FORMATS
    out = tmp_path / "out"
    out.mkdir()
    written = write_reports(sample_audit(tmp_path / "p"), ("html",), out, None)
    assert written == [out / "report.html"]
    assert (out / "report.html").read_text(encoding="utf-8").startswith("<!DOCTYPE html>")


@given(st.lists(st.floats(min_value=0.01, max_value=1000.0), min_size=1, max_size=25))
def test_squarify_tiles_the_area_in_proportion(weights: list[float]) -> None:
    width, height = 960.0, 400.0
    rects = squarify(weights, width, height)
    assert sorted(r.index for r in rects) == list(range(len(weights)))
    total = sum(weights)
    for r in rects:
        assert r.w * r.h == pytest.approx(weights[r.index] / total * width * height, rel=1e-6)
        assert r.x >= -1e-6
        assert r.y >= -1e-6
        assert r.x + r.w <= width + 1e-6
        assert r.y + r.h <= height + 1e-6
    for a in rects:
        for b in rects:
            if a.index < b.index:
                overlap_w = min(a.x + a.w, b.x + b.w) - max(a.x, b.x)
                overlap_h = min(a.y + a.h, b.y + b.h) - max(a.y, b.y)
                assert overlap_w <= 1e-6 or overlap_h <= 1e-6


def test_squarify_rejects_non_positive_weights() -> None:
    with pytest.raises(ValueError, match="positive"):
        squarify([1.0, 0.0], 10, 10)
    assert squarify([], 10, 10) == []


@pytest.mark.parametrize("name", ["full_audit", "static_audit", "empty_audit"])
def test_shared_reporter_audits_render_one_article_per_finding(
    name: str, request: pytest.FixtureRequest
) -> None:
    audit = request.getfixturevalue(name)
    page = html.render(audit)
    assert len(_articles(page)) == len(audit.findings)
    assert f"testvet audit of {audit.project.name}" in page


def test_large_audit_limits_details_but_lists_every_finding(many_findings: Any) -> None:
    audit = many_findings(MAX_DETAILED + 50)
    page = html.render(audit)
    assert len(_articles(page)) == MAX_DETAILED + 50
    assert f"shown for the first {MAX_DETAILED} findings only" in page


def test_suites_table_counts_tests_kinds_modules_and_their_coverage(tmp_path: Path) -> None:
    (suite,) = suites(sample_audit(tmp_path))
    assert (suite.name, suite.files, suite.tests) == ("tests", 2, 3)
    assert suite.kinds == "2 unit, 1 integration"
    assert (suite.modules, suite.findings) == (2, 2)
    # auth.py: 8 of 8 lines, store.py: 5 of 7 lines
    assert suite.coverage == pytest.approx(100 * 13 / 15)
    assert suites(bare_audit(tmp_path / "bare"))[0].coverage is None


@given(text=st.text(alphabet=st.sampled_from("<>&\"'/ascript=on"), min_size=1, max_size=40))
def test_hostile_finding_text_never_becomes_markup(text: str) -> None:
    hostile = Finding(
        "TV101",
        Category.CANNOT_FAIL,
        Severity.HIGH,
        f"tests/{text}.py",
        None,
        text,
        test=f"tests/x.py::{text}",
        hint=text,
        detail={"recommended_test": text, "diff": f"- {text}\n+ {text}"},
    )
    audit = replace(EMPTY, findings=(hostile,))
    page = html.render(audit)
    body = page.split('id="finding-list"')[1].split("</main>")[0]
    assert "<" not in re.sub(r"</?[a-z][a-z0-9]*(\s[^<>]*)?>", "", body)
    assert page.count("<script") == 1


def test_notes_of_the_run_and_the_mutation_stage_are_shown(tmp_path: Path) -> None:
    from dataclasses import replace

    audit = sample_audit(tmp_path)
    assert audit.run is not None
    assert audit.mutation is not None
    audit = replace(
        audit,
        run=replace(audit.run, notes=("tests/test_a.py changed during the run",)),
        mutation=replace(audit.mutation, notes=("files changed: created <stray>.log",)),
    )
    page = html.render(audit)
    assert "tests/test_a.py changed during the run" in page
    assert "files changed: created &lt;stray&gt;.log" in page
