"""The Markdown report (placeholder: summary and findings table)."""

from __future__ import annotations

from testvet.model import Audit


def render(audit: Audit) -> str:
    verdict = audit.verdict.word if audit.verdict else "pass"
    lines = [f"# testvet audit of {audit.project.name}: {verdict}", ""]
    lines.append("| severity | code | location | message |")
    lines.append("|---|---|---|---|")
    for f in audit.findings:
        lines.append(f"| {f.severity.value} | {f.code} | `{f.location}` | {f.message} |")
    return "\n".join(lines) + "\n"
