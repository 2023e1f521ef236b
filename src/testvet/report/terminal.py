"""The terminal report (placeholder: summary and findings list)."""

from __future__ import annotations

from pathlib import Path

from rich.console import Console

from testvet.model import Audit


def render(audit: Audit, console: Console, written: list[Path]) -> None:
    verdict = audit.verdict.word if audit.verdict else "pass"
    console.print(f"testvet audit of {audit.project.name}: {len(audit.inventory.tests)} tests")
    for f in audit.findings:
        console.print(f"{f.location}: {f.code} [{f.severity.value}] {f.message}", markup=False)
    console.print(f"verdict: {verdict}")
