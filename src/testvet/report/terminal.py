"""The terminal report (rich): summary, findings grouped by category, written files.

Readable at 80 columns; rich drops colour by itself when the output is not a terminal.
Text from findings is never parsed as rich markup.
"""

from __future__ import annotations

from pathlib import Path

from rich.console import Console
from rich.padding import Padding
from rich.table import Table
from rich.text import Text

from testvet.model import Audit, Finding, Severity
from testvet.report import views

#: Findings shown per category; the rest are counted and left to the file reports.
PER_CATEGORY = 50

_SEVERITY_STYLE = {Severity.HIGH: "bold red", Severity.MEDIUM: "yellow", Severity.LOW: "cyan"}
_INDENT = 4


def _summary(audit: Audit) -> Table:
    fig = views.figures(audit)
    grid = Table.grid(padding=(0, 2))
    grid.add_column(style="bold", no_wrap=True)
    grid.add_column(overflow="fold")
    kinds = ", ".join(f"{n} {k}" for k, n in fig.kinds.items())
    grid.add_row(
        "tests",
        f"{fig.tests} in {views.plural(fig.files, 'file')}" + (f" ({kinds})" if kinds else ""),
    )
    if audit.run is not None:
        outcomes = ", ".join(f"{n} {o}" for o, n in (fig.outcomes or {}).items())
        grid.add_row("run", f"{audit.run.duration:.2f} s: {outcomes or 'no results'}")
        for run_note in audit.run.notes:
            grid.add_row("", Text(f"note: {run_note}", style="yellow"))
        grid.add_row("coverage", views.pct(fig.coverage))
    score = views.mutation_score(audit)
    if audit.mutation is not None:
        grid.add_row(
            "mutation",
            f"score {views.pct(score)} over {views.plural(len(audit.mutation.mutants), 'mutant')}",
        )
        pace = views.mutation_pace(audit)
        if pace:
            grid.add_row("", pace)
        for mutation_note in audit.mutation.notes:
            grid.add_row("", Text(f"note: {mutation_note}", style="yellow"))
    sev = views.severity_counts(audit.findings)
    sev_text = ", ".join(f"{n} {s}" for s, n in sev.items())
    grid.add_row("findings", f"{len(audit.findings)}" + (f" ({sev_text})" if sev_text else ""))
    for category, findings in views.grouped(audit):
        grid.add_row("", f"{len(findings):>4} {category.value}")
    word = views.verdict_word(audit)
    style = "bold green" if word == "pass" else "bold red"
    grid.add_row("verdict", Text(word.upper(), style=style))
    for reason in views.verdict_reasons(audit):
        grid.add_row("", Text(f"- {reason}"))
    return grid


def _finding(f: Finding) -> list[Text]:
    head = Text.assemble(
        (f"{f.severity.value.upper():<6}", _SEVERITY_STYLE[f.severity]),
        " ",
        (f.code, "bold"),
        "  ",
        (views.printable(f.location), "underline"),
    )
    lines = [head, Text(views.printable(f.message))]
    if f.test and f.test not in f.location:
        lines.append(Text(f"test: {views.printable(f.test)}", style="dim"))
    if f.function:
        lines.append(Text(f"function: {views.printable(f.function)}", style="dim"))
    if f.scenario:
        lines.append(Text(f"scenario: {views.printable(f.scenario)}", style="dim"))
    if f.hint:
        lines.append(Text(f"hint: {views.printable(f.hint)}", style="green"))
    return lines


def render(audit: Audit, console: Console, written: list[Path]) -> None:
    """Print the report on ``console``."""
    title = Text.assemble(
        ("testvet ", "bold"),
        audit.tool_version,
        " · audit of ",
        (audit.project.name, "bold"),
        f" · {views.date(audit)}",
    )
    console.print(title)
    console.print()
    console.print(_summary(audit))
    gaps = views.gaps(audit)
    if gaps:
        console.print()
        console.print(Text("Not measured", style="bold"))
        for gap in gaps:
            console.print(Padding(Text(f"- {gap.what}: {gap.why}"), (0, 0, 0, 2), expand=False))
            console.print(
                Padding(Text(f"to measure it, {gap.how}", "dim"), (0, 0, 0, 4), expand=False)
            )
    for category, findings in views.grouped(audit):
        console.print()
        console.rule(Text(f"{category.value} ({len(findings)})", style="bold"), align="left")
        for f in findings[:PER_CATEGORY]:
            head, *rest = _finding(f)
            console.print(Padding(head, (0, 0, 0, 2), expand=False))
            for line in rest:
                console.print(Padding(line, (0, 0, 0, _INDENT + 5), expand=False))
        hidden = len(findings) - PER_CATEGORY
        if hidden > 0:
            console.print(
                Padding(
                    Text(f"… and {hidden} more in the file reports", "dim"),
                    (0, 0, 0, 2),
                )
            )
    if written:
        console.print()
        console.print(Text("Reports written", style="bold"))
        for path in written:
            console.print(Padding(Text(str(path)), (0, 0, 0, 2), expand=False))
