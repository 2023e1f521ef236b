"""Helpers of the discovery tests: run the discover stage on a fixture project."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from testvet.core import AuditOptions, StageContext, start
from testvet.discover import stage
from testvet.model import Audit

PROJECTS = Path(__file__).parent.parent / "projects"

Discover = Callable[[str], Audit]
#: The ``tree_writer`` fixture of tests/conftest.py: writes {relative path: text} under a root.
TreeWriter = Callable[[Path, dict[str, str]], Path]


def discover_project(root: Path, output_dir: Path, python: str | None = None) -> Audit:
    """Run the discover stage on ``root`` (a real collection child)."""
    options = AuditOptions(path=root, output_dir=output_dir, python=python)
    return stage.run(start(options), StageContext(options=options))
