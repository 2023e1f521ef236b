"""Mutants that hang, exit, segfault, flood output or eat memory are classified, never fatal."""

from __future__ import annotations

import os
import signal
import sys
import time
from pathlib import Path

import pytest
from mutate_helpers import (
    HOSTILE_MODULES,
    HOSTILE_REACHED,
    PROJECTS,
    audit_untouched,
    by_id,
    context,
    make_audit,
    tree_digest,
)

from testvet.model import Audit, MutantStatus
from testvet.mutate import stage

ROOT = PROJECTS / "mut_hostile"


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> tuple[Audit, str, str]:
    before = tree_digest(ROOT)
    audit = make_audit(
        ROOT, HOSTILE_MODULES, HOSTILE_REACHED, {"mode": "extreme", "timeout_factor": 1.0}
    )
    out = stage.run(audit, context(tmp_path_factory.mktemp("out"), ROOT))
    return out, before, tree_digest(ROOT)


def test_infinite_loop_is_a_timeout(hostile: tuple[Audit, str, str]) -> None:
    mutant = by_id(hostile[0])["hostile.core:stop_flag#return-none"]
    assert mutant.status is MutantStatus.TIMEOUT
    assert mutant.killed_by == "tests/test_hostile.py::test_wait_for_stop"
    assert [i for i in by_id(hostile[0]) if i.startswith("hostile.core:stop_flag#")] == [
        "hostile.core:stop_flag#return-none"
    ]


def test_a_mutant_that_sleeps_forever_is_a_timeout_within_seconds(
    hostile: tuple[Audit, str, str],
) -> None:
    # The mutated test waits 120 s for an event: no CPU limit fires, and the wall-clock
    # cap would take 24 s. Asleep with no CPU used past twice its budget, it is hung,
    # and found within about a second.
    mutants = by_id(hostile[0])
    for name in ("return-none", "return-False"):
        mutant = mutants[f"hostile.core:released#{name}"]
        assert mutant.status is MutantStatus.TIMEOUT
        assert mutant.killed_by == "tests/test_hostile.py::test_wait_for_release"
        assert mutant.duration < 5.0
    assert mutants["hostile.core:released#return-True"].status is MutantStatus.SURVIVED


def test_a_fixture_that_sleeps_while_it_sets_up_is_not_a_hang(
    hostile: tuple[Audit, str, str],
) -> None:
    # test_record's module fixture sleeps 3 s in the worker (in the baseline that time was
    # another test's, or the test's setup): only a test's body is watched for hangs.
    mutants = by_id(hostile[0])
    recorded = {i: m for i, m in mutants.items() if i.startswith("hostile.core:record#")}
    assert set(recorded) == {"hostile.core:record#empty-body", "hostile.core:record#raise"}
    assert {m.status for m in recorded.values()} == {MutantStatus.KILLED}
    assert all(m.killed_by == "tests/test_hostile.py::test_record" for m in recorded.values())


def test_os_exit_is_a_crash(hostile: tuple[Audit, str, str]) -> None:
    mutant = by_id(hostile[0])["hostile.core:exit_code#return-none"]
    assert mutant.status is MutantStatus.CRASHED
    assert mutant.killed_by == "tests/test_hostile.py::test_exit_code"


def test_segfault_is_a_crash(hostile: tuple[Audit, str, str]) -> None:
    mutant = by_id(hostile[0])["hostile.core:address#return-0"]
    assert mutant.status is MutantStatus.CRASHED
    assert mutant.killed_by == "tests/test_hostile.py::test_address"


def test_output_flood_is_survived_by_the_engine(hostile: tuple[Audit, str, str]) -> None:
    mutant = by_id(hostile[0])["hostile.core:chunk#return-''"]
    assert mutant.status is MutantStatus.KILLED
    assert mutant.killed_by == "tests/test_hostile.py::test_chunk"


def test_memory_hog_hits_the_limit_and_is_a_crash(hostile: tuple[Audit, str, str]) -> None:
    mutant = by_id(hostile[0])["hostile.core:size#return-1"]
    assert mutant.status is MutantStatus.CRASHED


def test_mapping_a_large_file_is_not_eating_memory(hostile: tuple[Audit, str, str]) -> None:
    """The limit counts memory a worker writes, not address space: a test that maps a
    2 GiB file (sqlite's memory maps) passes on the unmodified code and kills."""
    mutant = by_id(hostile[0])["hostile.core:mapped#return-none"]
    assert mutant.status is MutantStatus.KILLED
    assert mutant.killed_by == "tests/test_hostile.py::test_mapped"
    assert hostile[0].mutation is not None
    assert not [s for s in hostile[0].mutation.skipped if "mapped" in s.function]


def test_the_run_goes_on_and_judges_the_rest(hostile: tuple[Audit, str, str]) -> None:
    mutants = by_id(hostile[0])
    plain = [m for i, m in mutants.items() if i.startswith("hostile.core:plain#")]
    assert len(plain) == 3
    assert {m.status for m in plain} == {MutantStatus.KILLED}
    assert hostile[0].mutation is not None
    assert hostile[0].mutation.skipped == ()


def test_hostile_mutants_leave_the_tree_alone(hostile: tuple[Audit, str, str]) -> None:
    assert hostile[1] == hostile[2]


def test_a_budget_too_small_for_the_unmodified_test_is_not_a_timeout(
    hostile: tuple[Audit, str, str],
) -> None:
    # The hand-made baseline says 10 ms; the test really burns far more CPU. A control
    # run shows the budget cannot hold even the unmodified test, so the mutants are rerun
    # with generous budgets and judged for real.
    mutants = [m for i, m in by_id(hostile[0]).items() if i.startswith("hostile.core:square#")]
    assert len(mutants) == 3
    assert {m.status for m in mutants} == {MutantStatus.KILLED}


def _alive_with(marker: str) -> list[int]:
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/cmdline", "rb") as handle:
                if marker.encode() in handle.read():
                    found.append(int(entry))
        except OSError:
            continue
    return found


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="a Linux subreaper")
def test_processes_a_mutant_leaves_running_end_with_the_mutation_stage(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The mutants of stop() leave the test's service running, in a session of its own,
    # so killing the worker's process group misses it. It must not outlive the stage.
    marker = f"orphan-service-{os.getpid()}-{tmp_path.name}"
    monkeypatch.setenv("ORPHAN_MARKER", marker)
    root = PROJECTS / "mut_orphan"
    reached = {
        "tests/test_orphan.py::test_stop_ends_the_service": ["stop"],
        "tests/test_orphan.py::test_a_daemonized_helper_serves_the_whole_test": ["describe"],
    }
    durations = {"tests/test_orphan.py::test_a_daemonized_helper_serves_the_whole_test": 1.6}
    audit = make_audit(root, {"orphan.core": "src/orphan/core.py"}, reached, None, durations)
    out = stage.run(audit, context(tmp_path / "out", root))
    statuses = {m.id: m.status for m in by_id(out).values()}
    assert statuses["orphan.core:stop#empty-body"] is MutantStatus.KILLED
    # A daemon a running test started is its worker's, not an orphan to end: the test
    # that uses it for 1.5 s while the other worker's mutants end passes, so nothing
    # kills the mutants of the function whose result it ignores.
    assert statuses["orphan.core:describe#return-none"] is MutantStatus.SURVIVED
    assert statuses["orphan.core:describe#return-''"] is MutantStatus.SURVIVED
    deadline = time.monotonic() + 2.0
    while _alive_with(marker) and time.monotonic() < deadline:
        time.sleep(0.05)
    left = _alive_with(marker)
    for pid in left:  # do not leave them behind ourselves
        os.kill(pid, signal.SIGKILL)
    assert left == []


@pytest.mark.slow
def test_a_worker_writes_its_output_to_a_regular_file_as_pytest_captures_it(
    tmp_path: Path,
) -> None:
    """pycodestyle: a mutant's ``os.path.isfile(True)`` looks at descriptor 1, a regular
    file under pytest's capture; on a worker's ``/dev/null`` the mutant survived."""
    audit = audit_untouched(PROJECTS / "mut_stdio", tmp_path / "out", mode="full")
    assert audit.mutation is not None
    judged = {m.id: m.status for m in audit.mutation.mutants}
    assert judged["cfg:settings#const-bool@12:49"] is MutantStatus.KILLED
