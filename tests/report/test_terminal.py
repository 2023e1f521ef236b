"""The terminal report, rendered to a recording rich console."""

from __future__ import annotations

import io
from dataclasses import replace
from pathlib import Path

from rich.console import Console

from testvet.report import terminal


def _render(audit, width: int = 100, written: list[Path] | None = None) -> str:
    console = Console(record=True, width=width, file=io.StringIO())
    terminal.render(audit, console, written or [])
    return console.export_text()


def test_summary_lists_tests_findings_and_verdict_with_reasons(full_audit):
    out = _render(full_audit)
    assert "testvet 0.1.0 · audit of shopcart · 2026-11-21 10:00 UTC" in out
    assert "8 in 6 files (5 unit, 2 integration, 1 e2e)" in out
    assert "10 (6 high, 3 medium, 1 low)" in out
    assert "coverage  78.5%" in out
    assert "score 50.0% over 4 mutants" in out
    assert "FAIL" in out
    assert "- 2 findings matching fail_on 'cannot-fail:high'" in out


def test_summary_says_how_fast_mutation_ran_against_the_cost_floor(full_audit):
    out = _render(full_audit)
    assert "4.0 s on 2 workers, efficiency 12.5% (cost floor 1.0 s), 1 function skipped" in out
    assert audit_mutation(full_audit).skipped  # the fixture has one
    cached = replace(
        full_audit,
        mutation=replace(
            audit_mutation(full_audit),
            mutants=tuple(replace(m, cached=True) for m in audit_mutation(full_audit).mutants),
            skipped=(),
            cost_floor=0.0,
        ),
    )
    lines = [line.strip() for line in _render(cached).splitlines()]
    assert "4.0 s on 2 workers, 4 from the cache" in lines


def test_notes_of_the_run_and_the_mutation_stage_are_shown(full_audit):
    lines = [line.strip() for line in _render(full_audit).splitlines()]
    assert (
        "note: tests/test_cart.py changed during the run: no rotten-green evidence from it" in lines
    )
    assert "note: while the mutants ran, files in the project changed: created spool.txt" in lines


def audit_mutation(audit):
    assert audit.mutation is not None
    return audit.mutation


def test_findings_are_grouped_by_category_with_location_and_hint(full_audit):
    out = _render(full_audit)
    cannot = out.index("cannot-fail (3)")
    nondet = out.index("nondeterministic (1)")
    missing = out.index("missing-scenario (2)")
    assert cannot < nondet < missing
    block = out[cannot:nondet]
    assert "HIGH   TV101  tests/test_cart.py:10" in block
    assert "hint: Assert on the cart's contents after add()." in block
    assert "TV141" not in block
    assert "scenario: hard-kill" in out[missing:]


def test_static_only_says_what_was_not_measured(static_audit):
    out = _render(static_audit)
    assert "Not measured" in out
    assert "the instrumented run (outcomes, durations, coverage, rotten-green tests): " in out
    assert "to measure it, run `testvet audit` without --static-only" in out
    assert "coverage " not in out.split("Not measured")[0]


def test_empty_audit_passes_with_no_verdict(empty_audit):
    out = _render(empty_audit)
    assert "PASS" in out
    assert "no verdict: the policy stage did not run" in out


def test_written_reports_are_listed_last(full_audit, tmp_path):
    files = [tmp_path / "report.md", tmp_path / "report.sarif"]
    out = _render(full_audit, written=files)
    tail = out[out.index("Reports written") :]
    assert str(files[0]) in tail
    assert str(files[1]) in tail


def test_fits_80_columns_and_has_no_colour_off_a_tty(full_audit):
    buffer = io.StringIO()
    console = Console(file=buffer, width=80)  # a file, not a TTY: rich drops colour
    terminal.render(full_audit, console, [])
    text = buffer.getvalue()
    assert "\x1b[" not in text
    assert max(len(line.rstrip()) for line in text.splitlines()) <= 80


def test_markup_in_messages_is_printed_literally(full_audit):
    evil = replace(full_audit.findings[0], message="[bold red]not markup[/] and [link=x]y[/link]")
    out = _render(replace(full_audit, findings=(evil,)))
    assert "[bold red]not markup[/] and [link=x]y[/link]" in out


def test_long_categories_are_cut_with_a_count(many_findings):
    out = _render(many_findings(terminal.PER_CATEGORY + 7))
    assert "… and 7 more in the file reports" in out
    assert out.count("TV1") == terminal.PER_CATEGORY
