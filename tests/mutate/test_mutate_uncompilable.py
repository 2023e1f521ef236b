"""Functions whose code in memory differs from what their source compiles to are still
mutated; a mutant that cannot be made to fit is skipped with its reason."""

from __future__ import annotations

from pathlib import Path

from mutate_helpers import (
    BASIC_MODULES,
    BASIC_REACHED,
    PROJECTS,
    context,
    make_audit,
    write_tree,
)

from testvet.model import MutantStatus
from testvet.mutate import stage
from testvet.mutate.executor import Outcome
from testvet.mutate.plan import build

SOURCE = """\
import types


@types.coroutine
def ticks(n):
    for i in range(n):
        yield i


def total(n):
    return sum(ticks(n))
"""

TESTS = """\
from clock.core import ticks, total


def test_ticks():
    assert list(ticks(3)) == [0, 1, 2]


def test_total():
    assert total(4) == 6
"""


def test_a_generator_marked_by_types_coroutine_is_mutated_and_judged(tmp_path: Path) -> None:
    # @types.coroutine marks the generator's code object in memory as an iterable
    # coroutine, which its source does not say: the mutant is given the same mark.
    root = write_tree(
        tmp_path / "proj",
        {
            "pyproject.toml": '[tool.pytest.ini_options]\npythonpath = ["src"]\n',
            "src/clock/__init__.py": "",
            "src/clock/core.py": SOURCE,
            "tests/test_clock.py": TESTS,
        },
    )
    reached = {
        "tests/test_clock.py::test_ticks": ["ticks"],
        "tests/test_clock.py::test_total": ["total", "ticks"],
    }
    audit = make_audit(root, {"clock.core": "src/clock/core.py"}, reached)
    out = stage.run(audit, context(tmp_path / "out", root))
    assert out.mutation is not None
    assert out.mutation.skipped == ()
    statuses = {m.id: (m.status, m.killed_by) for m in out.mutation.mutants}
    assert statuses["clock.core:ticks#empty-generator"] == (
        MutantStatus.KILLED,
        "tests/test_clock.py::test_ticks",
    )
    assert statuses["clock.core:total#return-none"][0] is MutantStatus.KILLED


def test_a_mutant_the_worker_could_not_compile_is_listed_as_a_skip_with_its_reason() -> None:
    # What the worker reports for a mutant it could not fit in memory (a genuine change
    # of generator/coroutine kind, or a mutant the project's interpreter cannot compile).
    root = PROJECTS / "mut_basic"
    audit = make_audit(root, BASIC_MODULES, BASIC_REACHED, {"mode": "extreme"})
    assert audit.run is not None
    plan = build(root, audit.run, audit.config.mutation, "extreme")
    specs = {s.id: (s, t, "extreme") for t in plan.targets for s in t.mutants}
    outcomes = (
        Outcome("calc.core:add#return-none", "invalid", None, 0.0, "closure cells differ"),
        Outcome("calc.core:clamp#return-none", "killed", "tests/test_core.py::t", 0.01),
    )
    skipped = stage._invalid(outcomes, specs)
    assert [(s.function, s.path, s.line, s.reason) for s in skipped] == [
        (
            "calc.core.add",
            "src/calc/core.py",
            specs["calc.core:add#return-none"][0].line,
            "mutant return-none cannot be compiled in memory: closure cells differ",
        )
    ]
