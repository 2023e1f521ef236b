"""A suite that misbehaves does not stop the audit: hangs, os._exit and segfaults."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from run_helpers import PROJECTS, Ran, by_id

from testvet import subproc
from testvet.errors import SuiteError
from testvet.model import Outcome
from testvet.run.child import ChildSpec, run_suite

T = "tests/test_hostile.py::"
pytestmark = pytest.mark.slow


def test_every_test_gets_an_outcome_in_order(hostile: Ran) -> None:
    results = by_id(hostile.audit)
    assert list(results) == [
        T + "test_a_before",
        T + "test_b_hangs",
        T + "test_c_exits",
        T + "test_d_segfaults",
        T + "test_e_sleeps_in_c",
        T + "test_f_after",
    ]
    assert hostile.before == hostile.after


def test_hanging_tests_are_stopped_by_the_timeout(hostile: Ran) -> None:
    results = by_id(hostile.audit)
    for name in ("test_b_hangs", "test_e_sleeps_in_c"):
        assert results[T + name].outcome is Outcome.TIMEOUT
        assert "1.5 s per-test timeout" in (results[T + name].message or "")


def test_tests_that_kill_the_runner_are_named(hostile: Ran) -> None:
    results = by_id(hostile.audit)
    assert results[T + "test_c_exits"].outcome is Outcome.CRASHED
    assert results[T + "test_c_exits"].message == "the test ended the test process (exit status 3)"
    assert results[T + "test_d_segfaults"].outcome is Outcome.CRASHED
    assert "SIGSEGV" in (results[T + "test_d_segfaults"].message or "")


def test_the_rest_of_the_suite_still_runs(hostile: Ran) -> None:
    results = by_id(hostile.audit)
    assert results[T + "test_a_before"].outcome is Outcome.PASSED
    assert results[T + "test_f_after"].outcome is Outcome.PASSED
    assert results[T + "test_f_after"].reached == {"hostile:ping"}
    assert hostile.audit.run is not None
    assert hostile.audit.run.exit_status == 1
    # one child per test that ended a child, plus the last one
    assert hostile.audit.run.children == 5
    assert len(list((hostile.out / "run").glob("events-*.jsonl"))) == 5


def test_coverage_saved_before_the_watchdog_exit(hostile: Ran) -> None:
    assert hostile.audit.run is not None
    assert hostile.audit.run.coverage is not None
    (module,) = hostile.audit.run.coverage.files
    assert 7 in module.executed  # the body of spin(), run only by the test that hung


def _spec(
    test_path: str, work: Path, env: dict[str, str] | None = None, idle: float = 60.0
) -> ChildSpec:
    root = PROJECTS / "run_hostile"
    settings = {
        "root": str(root),
        "project_paths": [str(root / "src")],
        "exclude_paths": [str(root / "tests")],
        "import_roots": [str(root / "src")],
        "timeout": 0.5,
        "mechanism": "auto",
        "coverage": None,
    }
    return ChildSpec(
        command=tuple(
            subproc.pytest_command(
                sys.executable, ["testvet_run"], [test_path], cache_dir=work / "cache"
            )
        ),
        cwd=root,
        env=subproc.child_env(extra=env),
        settings=settings,
        timeout=0.5,
        grace=0.5,
        idle=idle,
    )


def test_parent_kills_a_child_whose_watchdog_cannot_run(tmp_path: Path) -> None:
    """A test holding the GIL in C code: the parent's backstop kills the child."""
    spec = _spec("gil_tests/test_gil.py", tmp_path)
    seen: list[tuple[int, int]] = []
    suite = run_suite(spec, tmp_path, lambda done, total: seen.append((done, total)))
    outcomes = {r.nodeid: r.outcome for r in suite.results}
    assert outcomes == {
        "gil_tests/test_gil.py::test_holds_the_gil": Outcome.TIMEOUT,
        "gil_tests/test_gil.py::test_after_gil": Outcome.PASSED,
    }
    assert "had to be killed" in (suite.results[0].message or "")
    assert seen[-1] == (2, 2)


def test_collection_that_hangs_is_a_suite_error_naming_the_file(tmp_path: Path) -> None:
    spec = _spec("collect_hang/test_collect_hang.py", tmp_path, idle=4.0)
    with pytest.raises(SuiteError, match=r"hung while collecting .*test_collect_hang\.py"):
        run_suite(spec, tmp_path, lambda done, total: None)


def test_tests_a_dying_child_never_reached_are_errors(tmp_path: Path) -> None:
    spec = _spec("dying/test_dying.py", tmp_path, {"RUN_DYING_MARKER": str(tmp_path / "marker")})
    suite = run_suite(spec, tmp_path, lambda done, total: None)
    first, second = suite.results
    assert (first.nodeid, first.outcome) == (
        "dying/test_dying.py::test_a_leaves_marker_and_exits",
        Outcome.CRASHED,
    )
    assert second.outcome is Outcome.ERROR
    assert (second.message or "").startswith("not run: the test process ended before reaching")
    assert suite.children == 2


def test_a_crash_in_the_second_item_of_a_shared_node_id_is_the_node_ids(tmp_path: Path) -> None:
    """The first item's result is in, the second item's start is the last event: the
    node id crashed (it had been taken for passed, its first item's result)."""
    suite = run_suite(_spec("shared_ids/words.cases", tmp_path), tmp_path, lambda d, t: None)
    assert [(r.nodeid, r.outcome) for r in suite.results] == [
        ("shared_ids/words.cases::block(1)", Outcome.CRASHED)
    ]
