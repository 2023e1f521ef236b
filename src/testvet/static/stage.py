"""Entry point of the static stage: ``run(audit, ctx) -> audit``."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from testvet.model import Audit
from testvet.static.engine import analyze
from testvet.static.files import excluded, is_test_file, project_test_files, xfail_strict

if TYPE_CHECKING:
    from testvet.core import StageContext


def test_files(audit: Audit) -> list[Path]:
    """The test files to read: the inventory's, or found on disk when it has none.

    Under ``--doctest-modules`` pytest collects every module, but only for its doctests
    (their items are named ``pkg.mod.func``): a module that is not a test file by name
    and where pytest collected no test function holds no test, whatever it defines."""
    root = audit.project.root
    patterns = audit.config.exclude
    if audit.inventory.files:
        with_tests = {t.path for t in audit.inventory.tests if t.function.isidentifier()}
        return [
            root / f.path
            for f in audit.inventory.files
            if f.path.endswith(".py")
            and not excluded(f.path, patterns)
            and (f.path in with_tests or is_test_file(f.path.rsplit("/", 1)[-1]))
        ]
    paths = audit.project.test_paths or audit.config.tests
    return project_test_files(root, paths, patterns)


def run(audit: Audit, ctx: StageContext) -> Audit:
    """Add the static rules' findings for the audited project's test code."""
    files = test_files(audit)
    ctx.progress("static rules", 0, len(files))
    collected: dict[str, set[tuple[str | None, str]]] = {}
    for item in audit.inventory.tests:
        collected.setdefault(item.path, set()).add((item.cls, item.function))
    findings = analyze(
        audit.project.root,
        files,
        assert_helpers=audit.config.assert_helpers,
        xfail_strict=xfail_strict(audit.project.root),
        collected=collected,
    )
    ctx.progress("static rules", len(files), len(files))
    return replace(audit, findings=(*audit.findings, *findings))
