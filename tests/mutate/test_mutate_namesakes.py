"""Several defs of one qualified name (a property's getter and setter; tinydb's
``Table.update`` defines its ``updater`` in three branches): each def is a function of
its own, from the run's map to the mutants and the reports."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from mutate_helpers import PROJECTS, audit_untouched, make_audit, write_tree

from testvet.model import Audit, MutantStatus, dotted_name, function_id
from testvet.mutate.plan import build
from testvet.report import html_view, markdown
from testvet.run.child import name_functions

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


def test_every_def_of_a_shared_name_is_a_target_of_its_own(tmp_path: Path) -> None:
    root = write_tree(tmp_path / "proj", {"src/steps/__init__.py": "", "src/steps/core.py": SOURCE})
    step = "steps.core:apply.<locals>.step"
    reached = {"tests/test_steps.py::test_apply": ["apply", f"{step}@4", f"{step}@9", step]}
    audit = make_audit(root, {"steps.core": "src/steps/core.py"}, reached)
    assert audit.run is not None
    plan = build(root, audit.run, audit.config.mutation, "extreme")
    assert [(t.info.id, t.source.def_line) for t in plan.targets] == [
        ("steps.core:apply", 1),
        (f"{step}@4", 4),
        (f"{step}@9", 9),
        (step, 14),
    ]
    assert plan.skipped == []
    assert {t.info.dotted for t in plan.targets[1:]} == {"steps.core.apply.<locals>.step"}


def test_the_def_the_name_is_bound_to_keeps_the_plain_id() -> None:
    raw = ["m:Box.size@10", "m:Box.size@14", "m:f@3", "m:f@8", "m:g@5", "m:h@1", "m:h@4"]
    # the getter and setter both ran: the setter is defined last
    # ``if PY3: def f`` ran, ``else: def f`` did not
    # ``@overload`` stubs of h never run, nor does h (then the last def)
    names = name_functions(raw, reached={"m:Box.size@10", "m:Box.size@14", "m:f@3", "m:g@5"})
    assert names == {
        "m:Box.size@10": "m:Box.size@10",
        "m:Box.size@14": "m:Box.size",
        "m:f@3": "m:f",
        "m:f@8": "m:f@8",
        "m:g@5": "m:g",
        "m:h@1": "m:h@1",
        "m:h@4": "m:h",
    }


def test_ids_and_dotted_names() -> None:
    assert function_id("a.b", "C.d") == "a.b:C.d"
    assert function_id("a.b", "C.d", 7) == "a.b:C.d@7"
    assert dotted_name("a.b:C.d@7") == "a.b.C.d"
    assert dotted_name("a.b:C.d") == "a.b.C.d"


@pytest.fixture(scope="module")
def audited(tmp_path_factory: pytest.TempPathFactory) -> Audit:
    return audit_untouched(PROJECTS / "mut_namesakes", tmp_path_factory.mktemp("out"))


@pytest.mark.slow
def test_a_property_setter_is_mutated_and_reported_at_its_own_line(audited: Audit) -> None:
    statuses = {m.id: m.status for m in audited.mutation.mutants}
    # The getter returns an attribute of self (skipped as trivial); the setter is not.
    assert statuses["thermo.core:Thermostat.target#empty-body"] is MutantStatus.SURVIVED
    assert statuses["thermo.core:Thermostat.target#raise"] is MutantStatus.KILLED
    assert [(s.function, s.line) for s in audited.mutation.skipped] == [
        ("thermo.core.Thermostat.target", 12)
    ]
    pseudo = [f for f in audited.findings if f.code == "TV401"]
    setter = next(f for f in pseudo if f.function == "thermo.core.Thermostat.target")
    assert (setter.line, setter.detail["status"]) == (16, "pseudo-tested")
    text = markdown.render(audited)
    assert "`src/thermo/core.py:16` (medium — mutation score 50.0%)" in text
    assert "- self._target = max(5, min(value, 30))" in text


@pytest.mark.slow
def test_both_branch_defs_of_a_helper_are_mutated(audited: Audit) -> None:
    statuses = {m.id: m.status for m in audited.mutation.mutants}
    step = "thermo.core:stepper.<locals>.step"
    assert statuses[f"{step}@23#return-none"] is MutantStatus.KILLED
    assert statuses[f"{step}#return-none"] is MutantStatus.KILLED
    # ``step(1) == 0`` for the "down" def: ``return 0`` passes that test.
    assert statuses[f"{step}#return-0"] is MutantStatus.SURVIVED
    partial = [f for f in audited.findings if f.code == "TV401" and f.line == 28]
    assert [(f.function, f.detail["status"]) for f in partial] == [
        ("thermo.core.stepper.<locals>.step", "partially-tested")
    ]
    # its own figures, not the first def's (all of whose mutants were killed)
    assert "`src/thermo/core.py:28` (low — mutation score 66.7%)" in markdown.render(audited)


@pytest.mark.slow
def test_the_html_report_names_each_def_by_its_dotted_name_and_line(audited: Audit) -> None:
    groups = [(g.function, g.location) for g in html_view.surviving_mutants(audited)]
    assert groups == [
        ("thermo.core.Thermostat.target", "src/thermo/core.py:17"),
        ("thermo.core.stepper.<locals>.step", "src/thermo/core.py:29"),
    ]
    # an earlier namesake's id carries its def line; the report's name does not
    assert audited.mutation is not None
    earlier = [replace(m, function=m.function + "@12") for m in audited.mutation.mutants]
    renamed = replace(audited, mutation=replace(audited.mutation, mutants=tuple(earlier)))
    assert {g.function for g in html_view.surviving_mutants(renamed)} == {
        "thermo.core.Thermostat.target",
        "thermo.core.stepper.<locals>.step",
    }


@pytest.mark.slow
def test_an_overloaded_function_is_its_implementation(audited: Audit) -> None:
    """The ``@overload`` stubs never run; the implementation the name is bound to keeps
    the plain id."""
    scale = {m.id: m.status for m in audited.mutation.mutants if ":scale" in m.id}
    assert scale == {"thermo.core:scale#return-none": MutantStatus.KILLED}
    assert all("scale" not in s.function for s in audited.mutation.skipped)
