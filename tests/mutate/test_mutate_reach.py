"""Operator mutants run only the covering tests that execute their lines (real run, real
coverage contexts), and the workers keep a test package's xunit setup."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest
from mutate_helpers import PROJECTS, tree_digest

from testvet.core import AuditOptions, run_audit
from testvet.model import Audit, MutantStatus

ROOT = PROJECTS / "mut_reach"
TESTS = "tests/test_grade.py::"


@pytest.fixture(scope="module")
def audited(tmp_path_factory: pytest.TempPathFactory) -> tuple[Audit, dict[str, Any], str, str]:
    out = tmp_path_factory.mktemp("out")
    before = tree_digest(ROOT)
    audit = run_audit(AuditOptions(path=ROOT, output_dir=out, workers=2))
    jobs = json.loads((out / "mutation-work" / "jobs.json").read_text(encoding="utf-8"))
    # Functions and mutants name their tests by position in the one test table.
    names = jobs["tests"]
    assert len(names) == len(set(names)) == len(jobs["budgets"])
    mutants = {
        m["id"]: {**m, "tests": [names[i] for i in m["tests"]]} if "tests" in m else m
        for f in jobs["functions"]
        for m in f["mutants"]
    }
    return audit, mutants, before, tree_digest(ROOT)


def test_a_line_only_one_test_executes_runs_only_that_test(audited: Any) -> None:
    _, mutants, _, _ = audited
    # `return "A"` runs only in test_a_grade's call; the other two covering tests of
    # grade() cannot tell its mutant from the original.
    assert mutants["reach.grade:grade#const-str-empty@10:15"]["tests"] == [TESTS + "test_a_grade"]


def test_a_line_every_covering_test_executes_keeps_the_whole_list(audited: Any) -> None:
    _, mutants, _, _ = audited
    assert "tests" not in mutants["reach.grade:grade#cmp-gte-gt@9:7"]


def test_a_line_a_fixture_executes_keeps_the_whole_list(audited: Any) -> None:
    _, mutants, _, _ = audited
    # table() runs in a fixture's setup: state built there may reach any later test.
    table = [m for i, m in mutants.items() if i.startswith("reach.grade:table#const-int")]
    assert table
    assert all("tests" not in m for m in table)


def test_narrowed_mutants_are_still_judged_correctly(audited: Any) -> None:
    audit = audited[0]
    statuses = {m.id: (m.status, m.killed_by) for m in audit.mutation.mutants}
    assert statuses["reach.grade:grade#const-str-empty@10:15"] == (
        MutantStatus.KILLED,
        TESTS + "test_a_grade",
    )


def test_a_continuation_line_of_a_statement_counts_as_run_with_its_statement(
    audited: Any,
) -> None:
    audit, mutants, _, _ = audited
    # `"+",` on line 33 of a multi-line `if token in [...]` has no line event of its own
    # (the list is one constant, loaded on line 32): the tests that ran the statement
    # run it, not test_no_token_is_no_sign, which returns before it
    for line in (33, 34):
        mutant = f"reach.grade:is_sign#const-str-empty@{line}:8"
        assert mutants[mutant]["tests"] == [TESTS + "test_signs"]
        statuses = {m.id: (m.status, m.killed_by) for m in audit.mutation.mutants}
        assert statuses[mutant] == (MutantStatus.KILLED, TESTS + "test_signs")


def test_workers_run_a_test_packages_setup_module(audited: Any) -> None:
    audit = audited[0]
    # test_ready passes only after tests/__init__.py's setup_module: had the workers
    # skipped it, the test would fail on its own and its kills be withdrawn.
    mine = [m for m in audit.mutation.mutants if m.function == "reach.grade:ready_value"]
    assert mine
    assert {m.status for m in mine} == {MutantStatus.KILLED}
    assert {m.killed_by for m in mine} == {TESTS + "test_ready"}


def test_the_project_tree_is_untouched(audited: Any) -> None:
    assert audited[2] == audited[3]


def test_a_warm_process_started_early_and_not_needed_exits(tmp_path: Path) -> None:
    import sys

    from testvet.core import StageContext
    from testvet.mutate.executor import WarmProcess

    warm = WarmProcess(
        root=ROOT,
        python=sys.executable,
        test_args=["tests"],
        work_dir=tmp_path / "work",
    )
    ctx = StageContext(options=AuditOptions(path=ROOT, output_dir=tmp_path))
    ctx.handoff["mutation.warm"] = warm
    ctx.close_handoffs()  # no "go": it stops (exits at end of file, or is killed)
    assert warm.proc.returncode is not None
    with pytest.raises(ProcessLookupError):
        os.killpg(warm.proc.pid, 0)  # nothing of its process group is left
    assert not ctx.handoff
    assert not (tmp_path / "work" / "jobs.json").exists()


def test_default_workers_are_one_per_core() -> None:
    from testvet.mutate.plan import worker_count

    cores = os.cpu_count() or 1
    assert worker_count(0, 1000) == cores
    assert worker_count(0, 1) == 1  # never more than one per mutant
    assert worker_count(5, 1000) == 5


def test_editing_a_test_file_or_a_conftest_above_it_changes_the_cache_key(
    tmp_path: Path,
) -> None:
    from testvet.mutate.cache import TestSources

    (tmp_path / "tests" / "unit").mkdir(parents=True)
    test = tmp_path / "tests" / "unit" / "test_a.py"
    conftest = tmp_path / "tests" / "conftest.py"
    test.write_text("def test_a(): assert 1\n")
    conftest.write_text("")
    nodeids = ["tests/unit/test_a.py::test_a"]

    def digest() -> str:
        return TestSources(tmp_path).digest(nodeids)  # read afresh, as each audit does

    first = digest()
    assert digest() == first  # nothing changed: same key, cached verdicts are used
    test.write_text("def test_a(): assert 2\n")
    edited = digest()
    assert edited != first
    conftest.write_text("import pytest\n")
    with_conftest = digest()
    assert with_conftest not in (first, edited)
    (tmp_path / "tests" / "unit" / "test_b.py").write_text("def test_b(): pass\n")
    assert digest() == with_conftest  # another test file is not part of this key


def test_a_support_file_of_the_test_tree_changes_every_key(tmp_path: Path) -> None:
    from testvet.mutate.cache import TestSources, support_digest

    tests = tmp_path / "tests"
    (tests / "cases").mkdir(parents=True)
    (tests / "test_a.py").write_text("def test_a(): assert 1\n")
    (tests / "helpers.py").write_text("def check(x): assert x\n")
    (tests / "cases" / "case_1.txt").write_text("1 + 1 = 2\n")
    (tests / "__pycache__").mkdir()
    (tests / "out").mkdir()
    nodeids = ["tests/test_a.py::test_a"]

    def digest() -> str:
        support = support_digest(tmp_path, [tests], {"tests/test_a.py"}, skip=[tests / "out"])
        return TestSources(tmp_path, support).digest(nodeids)

    first = digest()
    assert digest() == first
    # Not support files: bytecode, the audit's own output, other test modules (those
    # count only for the tests in them).
    (tests / "__pycache__" / "helpers.cpython-311.pyc").write_bytes(b"\0")
    (tests / "out" / "report.json").write_text("{}")
    assert digest() == first
    (tests / "cases" / "case_1.txt").write_text("1 + 1 = 3\n")
    data_edited = digest()
    assert data_edited != first
    (tests / "helpers.py").write_text("def check(x): assert x is True\n")
    helper_edited = digest()
    assert helper_edited not in (first, data_edited)
    (tests / "cases" / "case_2.txt").write_text("2 + 2 = 4\n")
    assert digest() not in (first, data_edited, helper_edited)


def test_a_function_that_cannot_be_swapped_has_no_mutants_at_all(audited: Any) -> None:
    audit = audited[0]
    skipped = {s.function: s.reason for s in audit.mutation.skipped}
    assert skipped["reach.hidden.clamp"].startswith("cannot swap in memory: ")
    # not even the operator mutants of the line no test runs, which need no worker
    assert not [m for m in audit.mutation.mutants if m.function == "reach.hidden:clamp"]
