"""Helpers for the run-stage tests (imported as ``run_helpers``): audit a fixture project."""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from testvet.core import AuditOptions, StageContext, start
from testvet.model import Audit
from testvet.run import stage

PROJECTS = Path(__file__).parent.parent / "projects"


@dataclass(frozen=True)
class Ran:
    """One stage run: the audit, its output directory, and the project's tree hash around it."""

    audit: Audit
    out: Path
    before: str
    after: str


def prepared(
    name: str, out: Path, packages: tuple[str, ...] = (), **options: Any
) -> tuple[Audit, StageContext]:
    """The audit of fixture project ``name`` as discovery would leave it, and its context."""
    opts = AuditOptions(path=PROJECTS / name, output_dir=out, **options)
    audit = start(opts)
    project = replace(
        audit.project, source_roots=("src",), packages=packages, test_paths=("tests",)
    )
    return replace(audit, project=project), StageContext(options=opts)


def run_stage(name: str, out: Path, packages: tuple[str, ...] = (), **options: Any) -> Audit:
    """Run the real run stage on fixture project ``name`` with output under ``out``."""
    audit, ctx = prepared(name, out, packages, **options)
    return stage.run(audit, ctx)


def discovered_run(root: Path, out: Path) -> Audit:
    """The real discover stage, then the run stage, on the project at ``root`` (its layout
    as discovery finds it, unlike :func:`run_stage`)."""
    from testvet.discover import stage as discover

    options = AuditOptions(path=root, output_dir=out)
    ctx = StageContext(options=options)
    return stage.run(discover.run(start(options), ctx), ctx)


def by_id(audit: Audit) -> dict[str, Any]:
    """Node id -> TestResult of the audit's run."""
    assert audit.run is not None
    return {r.nodeid: r for r in audit.run.results}
