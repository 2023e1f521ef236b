"""testvet trend: series, arrows, sparklines, the terminal table and the HTML chart."""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from rich.console import Console

from testvet import trend
from testvet.history import RunRecord, RunSummary, load, record

START = datetime(2026, 11, 1, 9, 0, tzinfo=timezone.utc)


def _summary(day: int, **changes: object) -> RunSummary:
    values: dict[str, object] = {
        "started": START + timedelta(days=day),
        "project": "shop",
        "root": "/srv/shop",
        "tool_version": "0.4.0",
        "verdict": "fail",
        "tests": 40 + day,
        "findings": 5,
        "by_category": {"cannot-fail": 3, "missing-scenario": 2},
        "coverage": 70.0 + day,
        "mutation_score": 60.0,
        "suite_duration": 3.0,
    }
    values.update(changes)
    return RunSummary(**values)  # type: ignore[arg-type]


@pytest.fixture
def history_dir(tmp_path: Path) -> Path:
    """Four runs of /srv/shop (one without mutation data) and one of another project first."""
    record(_summary(0, root="/srv/other", project="other"), tmp_path)
    record(_summary(1), tmp_path)
    record(_summary(2, mutation_score=None), tmp_path)
    record(_summary(3, findings=4, by_category={"cannot-fail": 1, "flaky": 3}), tmp_path)
    record(
        _summary(
            4,
            verdict="pass",
            findings=1,
            by_category={"cannot-fail": 1},
            coverage=80.0,
            mutation_score=55.0,
            suite_duration=2.5,
        ),
        tmp_path,
    )
    return tmp_path


def _runs(history_dir: Path, last: int | None = None) -> tuple[RunRecord, ...]:
    return trend.select(load(history_dir), last)


def _by_label(records: tuple[RunRecord, ...]) -> dict[str, trend.Series]:
    return {s.label: s for s in trend.series(records)}


def test_select_keeps_the_latest_project_and_the_last_n(history_dir: Path) -> None:
    runs = _runs(history_dir)
    assert [r.summary.tests for r in runs] == [41, 42, 43, 44]
    assert [r.summary.tests for r in _runs(history_dir, last=2)] == [43, 44]
    assert trend.select((), None) == ()


def test_series_cover_every_category_seen_with_zeros_where_absent(history_dir: Path) -> None:
    series = _by_label(_runs(history_dir))
    assert list(series) == [
        "tests",
        "findings",
        "cannot-fail",
        "flaky",
        "missing-scenario",
        "coverage",
        "mutation score",
        "suite duration",
    ]
    assert series["flaky"].values == (0.0, 0.0, 3.0, 0.0)
    assert series["mutation score"].values == (60.0, None, 60.0, 55.0)


def test_change_arrows_say_whether_the_move_is_good(history_dir: Path) -> None:
    series = _by_label(_runs(history_dir))
    assert series["findings"].change == ("\u25bc -3", "good")
    assert series["coverage"].change == ("\u25b2 +7.0%", "good")
    assert series["mutation score"].change == ("\u25bc -5.0%", "bad")
    assert series["suite duration"].change == ("\u25bc -0.50 s", "good")
    assert series["tests"].change == ("\u25b2 +1", "")
    assert series["missing-scenario"].change == ("=", "same")
    gap = _by_label(_runs(history_dir, last=3))["mutation score"]
    assert gap.change == ("\u25bc -5.0%", "bad")
    assert _by_label(_runs(history_dir, last=1))["findings"].change == ("\u2014", "")


def test_sparkline_scales_min_to_max_and_leaves_gaps() -> None:
    assert trend.sparkline([1.0, None, 8.0, 4.0]) == "\u2581 \u2588\u2584"
    assert trend.sparkline([2.0, 2.0]) == "\u2584\u2584"
    assert trend.sparkline([None, None]) == "  "


def test_terminal_table_shows_latest_values_and_arrows(history_dir: Path) -> None:
    console = Console(record=True, width=120, color_system=None)
    console.print(trend.table(_runs(history_dir)))
    text = console.export_text()
    assert "4 runs of shop from 2026-11-02 09:00 to 2026-11-05 09:00 UTC" in text
    assert re.search(r"findings\s+\u2502\s+5 \u2502\s+4 \u2502\s+1 \u2502\s+\u25bc -3", text)
    assert "verdicts, oldest first: \u2718\u2718\u2718\u2714" in text


def test_html_chart_is_self_contained_with_a_line_per_series(history_dir: Path) -> None:
    page = trend.render_html(_runs(history_dir))
    assert page.startswith("<!DOCTYPE html>")
    assert "default-src 'none'" in page
    assert "<script" not in page
    assert re.search(r'\b(src|href)="', page) is None
    titles = re.findall(r"<figcaption><strong>(.*?)</strong>", page)
    assert titles == [
        "Findings by category",
        "Coverage and mutation score (%)",
        "Suite duration (s)",
        "Tests",
    ]
    groups = re.findall(r'<g class="series" data-label="([^"]+)">(.*?)</g>', page, flags=re.S)
    labels = [label for label, _ in groups]
    assert labels[:4] == ["findings", "cannot-fail", "flaky", "missing-scenario"]
    mutation = dict(groups)["mutation score"]
    assert mutation.count("<polyline") == 1  # runs 3-4; run 1 stands alone before the gap
    assert mutation.count("<circle") == 3
    assert "mutation score: 55.0% (2026-11-05 09:00)" in mutation


def test_chart_y_axis_rounds_up_to_a_readable_maximum(history_dir: Path) -> None:
    runs = _runs(history_dir)
    findings = trend.chart("f", runs, [_by_label(runs)["findings"]])
    assert [label for _, label in findings.ticks] == ["0", "1.25", "2.5", "3.75", "5"]
    top = min(findings.ticks)[0]
    first_point = findings.lines[0].segments[0][0]
    assert first_point[1] == top  # 5 findings sit on the top grid line


def _points(page: str, label: str) -> list[tuple[float, float]]:
    group = dict(re.findall(r'<g class="series" data-label="([^"]+)">(.*?)</g>', page, flags=re.S))
    return [
        (float(cx), float(cy))
        for cx, cy in re.findall(r'<circle cx="([^"]+)" cy="([^"]+)"', group[label])
    ]


def test_chart_points_spread_runs_across_the_plot_and_scale_values_to_its_height(
    history_dir: Path,
) -> None:
    # The SVG is 640 x 240; the plot spans x 48..616 and y 12 (top) .. 212 (zero).
    page = trend.render_html(_runs(history_dir))
    # findings per run: 5, 5, 4, 1 on an axis topped at 5
    assert _points(page, "findings") == [
        (48.0, 12.0),
        (237.3, 12.0),
        (426.7, 52.0),
        (616.0, 172.0),
    ]
    # flaky per run: 0, 0, 3, 0 on the same axis: zero sits on the bottom line
    assert [y for _, y in _points(page, "flaky")] == [212.0, 212.0, 92.0, 212.0]


def test_a_single_run_is_drawn_in_the_middle_of_the_plot(history_dir: Path) -> None:
    page = trend.render_html(_runs(history_dir, last=1))
    assert _points(page, "findings") == [(332.0, 12.0)]  # 1 finding on an axis topped at 1
