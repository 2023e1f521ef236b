"""Reporters: one module per format, all registered in :data:`REPORTERS`.

A reporter takes a finished :class:`~testvet.model.Audit` and renders one format.
File formats return text the caller writes atomically into the output directory; the
terminal reporter prints to a rich console it is given.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from testvet.errors import UsageError
from testvet.output import write_atomic

if TYPE_CHECKING:
    from rich.console import Console

    from testvet.model import Audit


@dataclass(frozen=True)
class FileReporter:
    """A format written to a file in the output directory."""

    name: str
    #: File name inside the output directory.
    filename: str
    render: Callable[[Audit], str]


def _registry() -> dict[str, FileReporter]:
    from testvet.report import html, json_report, junit, markdown, sarif, summary

    return {
        r.name: r
        for r in (
            FileReporter("json", "report.json", json_report.render),
            FileReporter("markdown", "report.md", markdown.render),
            FileReporter("summary", "summary.md", summary.render),
            FileReporter("sarif", "report.sarif", sarif.render),
            FileReporter("junit", "report.junit.xml", junit.render),
            FileReporter("html", "report.html", html.render),
        )
    }


#: Every format name the ``--format`` option accepts.
FORMATS: tuple[str, ...] = ("terminal", "markdown", "summary", "json", "sarif", "junit", "html")
#: What ``testvet audit`` writes when no ``--format`` is given.
DEFAULT_FORMATS: tuple[str, ...] = FORMATS


def check_formats(formats: tuple[str, ...]) -> None:
    """Raise a :class:`UsageError` naming the first unknown format."""
    for name in formats:
        if name not in FORMATS:
            raise UsageError(
                f"--format {name!r}: unknown format (choose from {', '.join(FORMATS)})"
            )


def write_reports(
    audit: Audit, formats: tuple[str, ...], output_dir: Path, console: Console | None
) -> list[Path]:
    """Write every requested file format; print the terminal report on ``console``."""
    check_formats(formats)
    written: list[Path] = []
    registry = _registry()
    for name in formats:
        if name == "terminal":
            continue
        reporter = registry[name]
        written.append(write_atomic(output_dir / reporter.filename, reporter.render(audit)))
    if "terminal" in formats and console is not None:
        from testvet.report import terminal

        terminal.render(audit, console, written)
    return written
