"""Helpers to run the scenarios stage on fixture projects and throwaway projects.

Imported by the test modules of tests/scenarios and tests/traceability (not a conftest, so
the name stays unique on ``sys.path``).
"""

from __future__ import annotations

import textwrap
from pathlib import Path

from testvet.core import AuditOptions, StageContext, start
from testvet.model import Audit, Category
from testvet.scenarios import stage


def audit_project(root: Path, out: Path, **replace_fields: object) -> Audit:
    """Start an audit of ``root`` and run only the scenarios stage on it."""
    options = AuditOptions(path=root, output_dir=out)
    audit = start(options)
    if replace_fields:
        from dataclasses import replace

        audit = replace(audit, **replace_fields)  # type: ignore[arg-type]
    return stage.run(audit, StageContext(options=options))


def missing(audit: Audit) -> set[tuple[str, str]]:
    """The (scenario, path) pairs of the audit's missing-scenario findings."""
    return {
        (f.scenario or "", f.path)
        for f in audit.findings
        if f.category is Category.MISSING_SCENARIO
    }


def write_project(root: Path, files: dict[str, str]) -> Path:
    """Write a throwaway project from ``{relative path: source}`` and return its root."""
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")
    return root
