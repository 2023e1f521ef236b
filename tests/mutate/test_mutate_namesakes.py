"""Several defs of one qualified name that all run (tinydb's ``Table.update`` defines its
``updater`` in three branches): the run's map knows the name, so one def is mutated and
the others are listed as skipped, never dropped in silence."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from mutate_helpers import make_audit, write_tree

from testvet.model import CoverageData, FileCoverage
from testvet.mutate.plan import build

SOURCE = """\
def apply(values, mode):
    if mode == "double":

        def step(v):
            return v * 2

    elif mode == "inc":

        def step(v):
            return v + 1

    else:

        def step(v):
            return v

    return [step(v) for v in values]
"""


def _plan(tmp_path: Path, executed: tuple[int, ...] | None) -> list[tuple[int, str]]:
    root = write_tree(tmp_path / "proj", {"src/steps/__init__.py": "", "src/steps/core.py": SOURCE})
    reached = {"tests/test_steps.py::test_apply": ["apply", "apply.<locals>.step"]}
    audit = make_audit(root, {"steps.core": "src/steps/core.py"}, reached)
    assert audit.run is not None
    run = audit.run
    if executed is not None:
        files = (FileCoverage("src/steps/core.py", 10, (), executed=executed),)
        run = replace(run, coverage=CoverageData(files=files, percent=100.0))
    plan = build(root, run, audit.config.mutation, "extreme")
    # the hand-made map names the last def (the run names the one a test reached)
    assert [(t.info.id, t.source.def_line) for t in plan.targets] == [
        ("steps.core:apply", 1),
        ("steps.core:apply.<locals>.step", 14),
    ]
    return [(s.line, s.reason) for s in plan.skipped]


def test_the_other_defs_that_ran_are_listed_as_skipped(tmp_path: Path) -> None:
    # the "inc" branch never ran: only the "double" def is a namesake worth naming
    skipped = _plan(tmp_path, executed=(1, 2, 4, 5, 7, 12, 14, 15, 17))
    assert skipped == [
        (
            4,
            "another def of the same name (line 14) is the one mutated: the run tells "
            "functions apart by name",
        )
    ]


def test_without_coverage_data_every_other_def_is_listed(tmp_path: Path) -> None:
    assert [line for line, _ in _plan(tmp_path, executed=None)] == [4, 9]
