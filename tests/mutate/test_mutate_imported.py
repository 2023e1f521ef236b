"""Code that runs while pytest imports the suite (decorators, module-level objects) built
its results before any mutant was swapped in: a mutant that survives there proves
nothing, and is not reported as pseudo-tested."""

from __future__ import annotations

import json

import pytest
from mutate_helpers import PROJECTS, audit_untouched

from testvet.model import Audit, MutantStatus
from testvet.report import json_report

ROOT = PROJECTS / "mut_imported"


@pytest.fixture(scope="module")
def audited(tmp_path_factory: pytest.TempPathFactory) -> Audit:
    return audit_untouched(ROOT, tmp_path_factory.mktemp("out"), mode="full")


@pytest.mark.slow
def test_the_run_knows_what_ran_while_the_suite_was_imported(audited: Audit) -> None:
    assert audited.run is not None
    assert {"early_built:checked", "early_built:Parser.__init__"} <= audited.run.imported
    # and a decorator of a module a test imports inside its body
    assert "early_built.marks:marked" in audited.run.imported
    # called by tests only
    assert not audited.run.imported & {
        "early_built:add",
        "early_built:split",
        "early_built.late:triple",
    }
    run = json.loads(json_report.render(audited))["run"]
    assert run["imported"] == sorted(audited.run.imported)


@pytest.mark.slow
def test_a_decorator_is_not_called_pseudo_tested(audited: Audit) -> None:
    assert audited.mutation is not None
    statuses = {m.id: m.status for m in audited.mutation.mutants}
    # in memory, the mutant only reaches the test that imports the package again (which
    # gets the original code from the file): it survives, and that proves nothing
    assert statuses["early_built:checked#return-none"] is MutantStatus.UNPROVEN
    # ``marked`` decorates a module a test imports; the warm process may have imported it
    # before the fork (to swap ``triple``): then its survivor proves nothing either
    assert [f.function for f in audited.findings if f.code == "TV401"] == []
    (note,) = [n for n in audited.mutation.notes if "while a module was imported" in n]
    assert note.startswith("4 functions with surviving mutants ran while a module was")
    assert note.endswith(
        "their 9 surviving mutants prove nothing: `unproven`, in no score and no "
        "pseudo-tested finding: early_built.checked, early_built.marks.marked, "
        "early_built.zones._build, early_built.zones.offset"
    )


@pytest.mark.slow
def test_operator_survivors_of_code_that_ran_at_import_count_in_no_score(
    audited: Audit,
) -> None:
    """pytz: a test module builds a zone at import, through a cache; a mutant of the
    builder is never seen by that test (the zone was built before it was swapped in)."""
    assert audited.mutation is not None
    statuses = {m.id: m.status for m in audited.mutation.mutants}
    assert statuses["early_built.zones:_build#const-str-empty@13:15"] is MutantStatus.UNPROVEN
    assert statuses["early_built.zones:_build#cmp-eq-noteq@13:7"] is MutantStatus.KILLED
    (check,) = [c for c in audited.policy_checks if c.kind == "mutation"]
    assert check.actual == 75.0  # 6 of 8 judged killed (below); the 7 unproven not judged


@pytest.mark.slow
def test_an_operator_mutant_of_a_line_that_did_not_run_at_import_is_judged(
    audited: Audit,
) -> None:
    """``offset("utc")`` runs at import through its first branch only: what the import
    built is the same with a mutant of the last line, so its survival counts."""
    assert audited.mutation is not None
    statuses = {m.id: m.status for m in audited.mutation.mutants if ":offset#" in m.id}
    assert statuses == {
        "early_built.zones:offset#cmp-eq-noteq@19:7": MutantStatus.KILLED,
        "early_built.zones:offset#const-str-empty@19:15": MutantStatus.UNPROVEN,
        "early_built.zones:offset#const-int@20:15": MutantStatus.UNPROVEN,
        "early_built.zones:offset#return-value-none@20:15": MutantStatus.UNPROVEN,
        "early_built.zones:offset#arith-add-sub@21:11": MutantStatus.SURVIVED,
        "early_built.zones:offset#const-int@21:23": MutantStatus.SURVIVED,
        "early_built.zones:offset#return-value-none@21:11": MutantStatus.KILLED,
        # extreme mutants replace the lines that ran at import too
        "early_built.zones:offset#return-0": MutantStatus.KILLED,
        "early_built.zones:offset#return-1": MutantStatus.UNPROVEN,
        "early_built.zones:offset#return-none": MutantStatus.KILLED,
    }


@pytest.mark.slow
def test_kills_of_code_that_also_ran_at_import_stand(audited: Audit) -> None:
    assert audited.mutation is not None
    statuses = {m.id: m.status for m in audited.mutation.mutants}
    assert statuses["early_built:Parser.__init__#empty-body"] is MutantStatus.KILLED


def test_the_note_agrees_with_one_mutant() -> None:
    from testvet.mutate.stage import _imported_note

    assert _imported_note(["pkg.parse"], 1) == (
        "1 function with surviving mutants ran while a module was imported (a decorator, "
        "a module-level object): what it built then was built before any mutant was "
        "swapped in, so its 1 surviving mutant proves nothing: `unproven`, in no score and "
        "no pseudo-tested finding: pkg.parse"
    )
