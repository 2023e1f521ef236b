"""``testvet trend``: how an audit's numbers moved across the runs in the history.

Builds a rich table (for the terminal) and a self-contained HTML page with inline SVG
charts; the CLI prints and writes them.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from rich.table import Table
from rich.text import Text

from testvet import __version__
from testvet.history import RunRecord
from testvet.model import Category

SPARKS = "\u2581\u2582\u2583\u2584\u2585\u2586\u2587\u2588"
#: One colour per category (contract order), for the HTML chart.
PALETTE = (
    "#c62828", "#6a1b9a", "#ad1457", "#4527a0", "#ef6c00", "#f9a825",
    "#2e7d32", "#00838f", "#37474f", "#1565c0", "#6d4c41", "#558b2f",
)  # fmt: skip


@dataclass(frozen=True)
class Series:
    """One measured number across runs."""

    label: str
    values: tuple[float | None, ...]
    #: ``lower`` or ``higher`` when that direction is an improvement, else ``""``.
    better: str
    #: Display unit: ``%``, ``s`` or ``""``.
    unit: str = ""
    color: str = "#1d2330"

    def show(self, value: float | None) -> str:
        if value is None:
            return "\u2014"
        if self.unit == "%":
            return f"{value:.1f}%"
        if self.unit == "s":
            return f"{value:.2f} s"
        return f"{value:g}"

    @property
    def change(self) -> tuple[str, str]:
        """(arrow and delta from the previous run to the latest, tone: good/bad/same/"")."""
        known = [v for v in self.values if v is not None]
        if len(self.values) < 2 or self.values[-1] is None or self.values[-2] is None:
            return ("\u2014" if len(known) < 2 else "n/a", "")
        delta = self.values[-1] - self.values[-2]
        if abs(delta) < 1e-9:
            return ("=", "same")
        arrow = "\u25b2" if delta > 0 else "\u25bc"
        text = f"{arrow} {'+' if delta > 0 else '-'}{self.show(abs(delta))}"
        if not self.better:
            return (text, "")
        good = (delta < 0) == (self.better == "lower")
        return (text, "good" if good else "bad")


def select(records: Sequence[RunRecord], last: int | None = None) -> tuple[RunRecord, ...]:
    """The runs of the most recently audited project (by root), the ``last`` N of them."""
    if not records:
        return ()
    root = records[-1].summary.root
    same = [r for r in records if r.summary.root == root]
    return tuple(same[-last:] if last else same)


def series(records: Sequence[RunRecord]) -> tuple[Series, ...]:
    """The tracked numbers: tests, findings (total and per category), coverage, mutation, time."""
    runs = [r.summary for r in records]
    present = {c for s in runs for c in s.by_category}
    out = [
        Series("tests", tuple(float(s.tests) for s in runs), ""),
        Series("findings", tuple(float(s.findings) for s in runs), "lower"),
    ]
    for i, category in enumerate(Category):
        if category.value in present:
            values = tuple(float(s.by_category.get(category.value, 0)) for s in runs)
            out.append(Series(category.value, values, "lower", color=PALETTE[i % len(PALETTE)]))
    out += [
        Series("coverage", tuple(s.coverage for s in runs), "higher", "%", "#1565c0"),
        Series("mutation score", tuple(s.mutation_score for s in runs), "higher", "%", "#6a1b9a"),
        Series("suite duration", tuple(s.suite_duration for s in runs), "lower", "s", "#ef6c00"),
    ]
    return tuple(out)


def sparkline(values: Sequence[float | None]) -> str:
    """One block character per run, scaled from the series' minimum to its maximum."""
    known = [v for v in values if v is not None]
    if not known:
        return " " * len(values)
    low, high = min(known), max(known)
    span = high - low
    out = []
    for v in values:
        if v is None:
            out.append(" ")
        elif span == 0:
            out.append(SPARKS[3])
        else:
            out.append(SPARKS[round((v - low) / span * (len(SPARKS) - 1))])
    return "".join(out)


def headline(records: Sequence[RunRecord]) -> str:
    """``12 runs of shop from 2026-11-01 09:30 to 2026-11-21 10:02 UTC``."""
    first, latest = records[0].summary, records[-1].summary
    fmt = "%Y-%m-%d %H:%M"
    n = len(records)
    return (
        f"{n} run{'s' if n != 1 else ''} of {latest.project} from {first.started.strftime(fmt)} "
        f"to {latest.started.strftime(fmt)} UTC"
    )


def table(records: Sequence[RunRecord]) -> Table:
    """The terminal view: first, previous and latest value, change and a sparkline per number."""
    grid = Table(title=headline(records), title_justify="left", expand=False)
    grid.add_column("metric")
    grid.add_column("first", justify="right")
    grid.add_column("previous", justify="right")
    grid.add_column("latest", justify="right")
    grid.add_column("change", justify="right")
    grid.add_column("trend", no_wrap=True)
    styles = {"good": "green", "bad": "red", "same": "dim", "": ""}
    for s in series(records):
        text, tone = s.change
        previous = s.show(s.values[-2]) if len(s.values) > 1 else "\u2014"
        grid.add_row(
            s.label,
            s.show(s.values[0]),
            previous,
            Text(s.show(s.values[-1]), style="bold"),
            Text(text, style=styles[tone]),
            sparkline(s.values),
        )
    verdicts = [r.summary.verdict for r in records]
    marks = "".join({"pass": "\u2714", "fail": "\u2718"}.get(v or "", "\u00b7") for v in verdicts)
    grid.caption = f"verdicts, oldest first: {marks}"
    grid.caption_justify = "left"
    return grid


#: Chart size and plot margins in SVG units.
_W, _H, _LEFT, _RIGHT, _TOP, _BOTTOM = 640, 240, 48, 24, 12, 28


@dataclass(frozen=True)
class Line:
    label: str
    color: str
    #: Runs of consecutive known values, each a list of (x, y, text).
    segments: tuple[tuple[tuple[float, float, str], ...], ...]


@dataclass(frozen=True)
class Chart:
    title: str
    width: int
    height: int
    #: (y, label) of the horizontal grid lines.
    ticks: tuple[tuple[float, str], ...]
    #: (x, label) under the x axis.
    xlabels: tuple[tuple[float, str], ...]
    lines: tuple[Line, ...]
    #: x of the plot's left and right edges.
    left: float = _LEFT
    right: float = _W - _RIGHT


def _nice_max(value: float) -> float:
    """The smallest of 1, 2, 2.5, 5 x 10^k that is at least ``value`` (1 for nothing)."""
    if value <= 0:
        return 1.0
    base = 10.0 ** math.floor(math.log10(value))
    return next(base * step for step in (1, 2, 2.5, 5, 10) if base * step >= value)


def chart(
    title: str, records: Sequence[RunRecord], items: Sequence[Series], top: float | None = None
) -> Chart:
    """An SVG line chart of ``items`` (x: run order, y: 0..top)."""
    known = [v for s in items for v in s.values if v is not None]
    top = top if top is not None else _nice_max(max(known, default=0.0))
    n = len(records)
    plot_w, plot_h = _W - _LEFT - _RIGHT, _H - _TOP - _BOTTOM

    def x(i: int) -> float:
        return _LEFT + (plot_w / 2 if n == 1 else plot_w * i / (n - 1))

    def y(v: float) -> float:
        return _TOP + plot_h * (1 - v / top)

    lines = []
    for s in items:
        segments: list[tuple[tuple[float, float, str], ...]] = []
        current: list[tuple[float, float, str]] = []
        for i, v in enumerate(s.values):
            if v is None:
                if current:
                    segments.append(tuple(current))
                current = []
                continue
            when = records[i].summary.started.strftime("%Y-%m-%d %H:%M")
            current.append((round(x(i), 1), round(y(v), 1), f"{s.label}: {s.show(v)} ({when})"))
        if current:
            segments.append(tuple(current))
        lines.append(Line(s.label, s.color, tuple(segments)))
    ticks = tuple((round(y(top * k / 4), 1), f"{top * k / 4:g}") for k in range(5))
    step = max(1, n // 8)
    xlabels = tuple(
        (round(x(i), 1), records[i].summary.started.strftime("%m-%d")) for i in range(0, n, step)
    )
    return Chart(title, _W, _H, ticks, xlabels, tuple(lines))


def charts(records: Sequence[RunRecord]) -> tuple[Chart, ...]:
    """The charts of the HTML page: findings by category, coverage and mutation, time, tests."""
    all_series = {s.label: s for s in series(records)}
    categories = [s for s in all_series.values() if s.label in {c.value for c in Category}]
    total = all_series["findings"]
    findings = [Series(total.label, total.values, total.better, color="#1d2330"), *categories]
    out = [chart("Findings by category", records, findings)]
    quality = [all_series["coverage"], all_series["mutation score"]]
    if any(v is not None for s in quality for v in s.values):
        out.append(chart("Coverage and mutation score (%)", records, quality, top=100.0))
    duration = all_series["suite duration"]
    if any(v is not None for v in duration.values):
        out.append(chart("Suite duration (s)", records, [duration]))
    tests = all_series["tests"]
    out.append(chart("Tests", records, [Series("tests", tests.values, "", color="#2e7d32")]))
    return tuple(out)


def render_html(records: Sequence[RunRecord]) -> str:
    """The trend as one self-contained HTML page (inline CSS and SVG, no script, no network)."""
    from testvet.report.html import environment

    return (
        environment()
        .get_template("trend.html.j2")
        .render(
            headline=headline(records),
            project=records[-1].summary.project,
            records=records,
            series=series(records),
            charts=charts(records),
            sparkline=sparkline,
            version=__version__,
        )
    )
