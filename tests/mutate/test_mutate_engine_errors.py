"""The warm process meets the project's objects (every function in memory is indexed
from ``gc.get_objects()``), and an error of its own must reach the audit: it sent "done"
whatever happened, and an audit with no mutant judged passed without a word."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from mutate_helpers import PROJECTS, audit_untouched

from testvet.model import MutantStatus
from testvet.mutate.executor import FunctionJob, execute

BASIC = PROJECTS / "mut_basic"


@pytest.mark.slow
def test_an_object_that_raises_from_any_attribute_is_indexed_past(tmp_path: Path) -> None:
    """A proxy whose ``__class__`` raises (``isinstance`` reads it) ended the engine."""
    audit = audit_untouched(PROJECTS / "mut_proxy", tmp_path / "out")
    assert audit.mutation is not None
    judged = {m.id: m.status for m in audit.mutation.mutants}
    assert judged["ctx:double#return-none"] is MutantStatus.KILLED
    assert audit.mutation.skipped == ()
    assert audit.mutation.notes == ()


@pytest.mark.slow
def test_an_error_of_the_engine_is_a_failure_of_the_report(tmp_path: Path) -> None:
    job = FunctionJob(
        id="calc.core:add",
        module="calc.core",
        qualname="add",
        path=BASIC / "src" / "calc" / "core.py",
        line=8,
        def_line=8,
        tests=("tests/test_core.py::test_add",),
        mangle=None,
        mutants=(("calc.core:add#return-none", "def add(a, b):\n    return None\n", 5.0, None),),
    )
    report = execute(
        root=BASIC,
        python=sys.executable,
        test_files=["tests/test_core.py"],
        jobs=[job],
        workers=1,
        work_dir=tmp_path / "work",
        memory_mb="lots",  # type: ignore[arg-type]  # no number: the engine raises
    )
    assert report.outcomes == ()
    assert report.failure is not None
    assert report.failure.startswith("the mutation engine failed: ValueError: ")
