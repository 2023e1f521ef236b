"""The run stage's progress moves while a child runs the suite, and a child started after
a crash counts on from the tests already done, out of the whole suite."""

from __future__ import annotations

from dataclasses import dataclass, replace

import pytest

from testvet.core import AuditOptions, StageContext, start
from testvet.model import Outcome
from testvet.run import stage

pytestmark = pytest.mark.slow

#: Each slow test outlasts several of the parent's polls (every 0.2 s).
SUITE = """
import os
import time

from slow import value


def test_a_quick():
    assert value() == 1


def test_b_slow():
    time.sleep(0.8)
    assert value() == 1


def test_c_ends_the_process():
    os._exit(3)


def test_d_slow():
    time.sleep(0.8)
    assert value() == 1


def test_e_slow():
    time.sleep(0.8)
    assert value() == 1
"""


@dataclass(frozen=True)
class Observed:
    """What one run stage reported: its progress calls, the outcomes, the child count."""

    #: (done, total) of every ("run", done, total) progress call, in order.
    seen: list[tuple[int, int | None]]
    #: test name -> outcome
    outcomes: dict[str, Outcome]
    children: int


@pytest.fixture(scope="module")
def run_progress(tmp_path_factory: pytest.TempPathFactory) -> Observed:
    """The run stage on a five-test suite whose third test ends the test process."""
    root = tmp_path_factory.mktemp("slow")
    (root / "src" / "slow").mkdir(parents=True)
    (root / "src" / "slow" / "__init__.py").write_text("def value():\n    return 1\n")
    (root / "tests").mkdir()
    (root / "tests" / "test_slow.py").write_text(SUITE)
    (root / "pyproject.toml").write_text(
        '[tool.pytest.ini_options]\npythonpath = ["src"]\ntestpaths = ["tests"]\n'
    )
    calls: list[tuple[str, int, int | None]] = []
    options = AuditOptions(path=root, output_dir=tmp_path_factory.mktemp("out"))
    audit = start(options)
    project = replace(
        audit.project, source_roots=("src",), packages=("slow",), test_paths=("tests",)
    )

    def record(label: str, done: int, total: int | None) -> None:
        calls.append((label, done, total))

    ctx = StageContext(options=options, progress=record)
    ran = stage.run(replace(audit, project=project), ctx)
    assert ran.run is not None
    assert {label for label, _, _ in calls} == {"run"}
    outcomes = {r.nodeid.split("::")[1]: r.outcome for r in ran.run.results}
    seen = [(done, total) for _, done, total in calls]
    return Observed(seen, outcomes, ran.run.children)


def test_the_suite_needed_a_second_child(run_progress: Observed) -> None:
    assert run_progress.children == 2
    assert run_progress.outcomes == {
        "test_a_quick": Outcome.PASSED,
        "test_b_slow": Outcome.PASSED,
        "test_c_ends_the_process": Outcome.CRASHED,
        "test_d_slow": Outcome.PASSED,
        "test_e_slow": Outcome.PASSED,
    }


def test_progress_shows_finished_tests_while_the_first_child_still_runs(
    run_progress: Observed,
) -> None:
    seen = run_progress.seen
    # test_a_quick is done while test_b_slow sleeps: 1 of 5, before the child ends (3 of 5).
    assert (1, 5) in seen
    assert seen.index((1, 5)) < seen.index((3, 5))


def test_the_second_childs_progress_counts_on_out_of_the_whole_suite(
    run_progress: Observed,
) -> None:
    seen = run_progress.seen
    # test_d_slow is done while test_e_slow sleeps in the second child: the 3 tests of the
    # first child plus 1, out of all 5 (not of the 2 the second child runs).
    assert (4, 5) in seen
    assert seen.index((3, 5)) < seen.index((4, 5))
    assert seen[-1] == (5, 5)


def test_progress_never_goes_back_and_keeps_the_suites_total(run_progress: Observed) -> None:
    seen = run_progress.seen
    done = [d for d, _ in seen]
    assert done == sorted(done)
    assert {total for _, total in seen} <= {5, None}  # None: not collected yet
