"""The mutation stage's warm process is started before the instrumented run (it imports and
collects on the other core meanwhile); the mutate stage then runs its mutants in that
process, or stops it when it cannot use it. Nothing is started when it could not help."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

import pytest
from mutate_helpers import BASIC_MODULES, PROJECTS, by_id, context, make_audit

from testvet import core
from testvet.core import AuditOptions, StageContext, run_audit, start
from testvet.harness import eventually
from testvet.model import Audit, MutantStatus
from testvet.mutate import stage
from testvet.mutate.executor import WarmProcess
from testvet.run import stage as run_stage
from testvet.subproc import find_python

ROOT = PROJECTS / "mut_basic"
REACHED: dict[str, list[str]] = {
    "tests/test_core.py::test_add": ["add"],
    "tests/test_core.py::test_total_runs": ["total"],
}


def _stopped(warm: WarmProcess) -> bool:
    """The process has exited and nothing of its process group is left (within a
    second: the group may take a moment to go once its leader is reaped, as seen on a
    busy machine)."""
    if warm.proc.returncode is None:
        return False
    return bool(eventually(lambda: not _group_left(warm.proc.pid), timeout=1.0))


def _group_left(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    return True


@pytest.fixture(scope="module")
def traced(
    tmp_path_factory: pytest.TempPathFactory,
) -> tuple[Audit, list[tuple[str, int]], list[WarmProcess]]:
    """One whole audit of mut_basic (two cores), with the order in which warm processes
    start, get their jobs and stop, and the run stage begins and ends."""
    events: list[tuple[str, int]] = []
    warms: list[WarmProcess] = []
    real_init, real_go, real_close = WarmProcess.__init__, WarmProcess.go, WarmProcess.close
    real_run = run_stage.run

    def init(self: WarmProcess, **kwargs: Any) -> None:
        real_init(self, **kwargs)
        warms.append(self)
        events.append(("warm started", len(warms) - 1))

    def go(self: WarmProcess, document: Any) -> None:
        events.append(("warm given the jobs", warms.index(self)))
        real_go(self, document)

    def close(self: WarmProcess, at_once: bool = True) -> None:
        events.append(("warm closed", warms.index(self)))
        real_close(self, at_once)

    def run(audit: Audit, ctx: StageContext) -> Audit:
        events.append(("run begins", -1))
        out = real_run(audit, ctx)
        events.append(("run ends", -1))
        return out

    out_dir = tmp_path_factory.mktemp("out")
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(os, "cpu_count", lambda: 2)
        patch.setattr(WarmProcess, "__init__", init)
        patch.setattr(WarmProcess, "go", go)
        patch.setattr(WarmProcess, "close", close)
        patch.setattr(run_stage, "run", run)
        audit = run_audit(AuditOptions(path=ROOT, output_dir=out_dir, mutation="extreme"))
    return audit, events, warms


def test_the_warm_process_starts_before_the_instrumented_run(traced: Any) -> None:
    _, events, _ = traced
    assert events.index(("warm started", 0)) < events.index(("run begins", -1))


def test_the_mutants_run_in_the_process_started_before_the_run(traced: Any) -> None:
    audit, events, warms = traced
    assert len(warms) == 1  # no second process was started for the mutants
    given = [e for e in events if e[0] == "warm given the jobs"]
    assert given == [("warm given the jobs", 0)]
    assert events.index(("run ends", -1)) < events.index(given[0])
    mutants = by_id(audit)
    assert mutants["calc.core:add#return-none"].status is MutantStatus.KILLED
    assert mutants["calc.core:total#return-none"].status is MutantStatus.SURVIVED


def test_the_prestarted_process_is_stopped_by_the_end_of_the_audit(traced: Any) -> None:
    _, events, warms = traced
    assert ("warm closed", 0) in events
    assert _stopped(warms[0])


def _started_audit(tmp_path: Path, mutation: str) -> tuple[Audit, StageContext]:
    options = AuditOptions(path=ROOT, output_dir=tmp_path, mutation=mutation)
    return start(options), StageContext(options=options)


def test_prestart_hands_the_mutate_stage_a_warm_process_of_the_projects_interpreter(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(os, "cpu_count", lambda: 2)
    audit, ctx = _started_audit(tmp_path, "extreme")
    core._prestart_mutation(audit, ctx)
    try:
        assert list(ctx.handoff) == [stage.WARM]
        warm = ctx.handoff[stage.WARM]
        assert isinstance(warm, WarmProcess)
        assert warm.python == find_python(ROOT, None)
        assert warm.work_dir == tmp_path.resolve() / stage.WORK_DIR
        assert warm.proc.returncode is None  # importing and collecting meanwhile
    finally:
        ctx.close_handoffs()
    assert _stopped(warm)  # closed with the pipeline's leftovers


@pytest.mark.parametrize("cores", [1, None])
def test_one_core_prestarts_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cores: int | None
) -> None:
    # The run would use the only core: collecting alongside it gains nothing.
    monkeypatch.setattr(os, "cpu_count", lambda: cores)
    audit, ctx = _started_audit(tmp_path, "extreme")
    stage.prestart(audit, ctx)
    assert ctx.handoff == {}
    assert not (tmp_path / stage.WORK_DIR).exists()


def test_mutation_off_prestarts_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(os, "cpu_count", lambda: 2)
    audit, ctx = _started_audit(tmp_path, "off")
    stage.prestart(audit, ctx)
    assert ctx.handoff == {}
    assert not (tmp_path / stage.WORK_DIR).exists()


def test_the_mutate_stage_runs_its_mutants_in_the_prestarted_process(tmp_path: Path) -> None:
    prestarted = tmp_path / "prestarted"
    warm = WarmProcess(root=ROOT, python=sys.executable, test_args=["tests"], work_dir=prestarted)
    ctx = context(tmp_path / "out", ROOT)
    ctx.handoff[stage.WARM] = warm
    audit = stage.run(make_audit(ROOT, BASIC_MODULES, REACHED), ctx)
    assert ctx.handoff == {}  # taken
    # The jobs went to the prestarted process (its own work directory), none was started.
    assert (prestarted / "jobs.json").is_file()
    assert not (tmp_path / "out" / stage.WORK_DIR).exists()
    assert _stopped(warm)
    mutants = by_id(audit)
    assert mutants["calc.core:add#return-none"].status is MutantStatus.KILLED
    assert mutants["calc.core:total#return-none"].status is MutantStatus.SURVIVED


def test_a_prestarted_process_of_another_interpreter_is_stopped_and_not_used(
    tmp_path: Path,
) -> None:
    # Same program, another path: the run used sys.executable, so this one is not "its" python.
    other = tmp_path / "other-python"
    other.symlink_to(sys.executable)
    prestarted = tmp_path / "prestarted"
    warm = WarmProcess(root=ROOT, python=str(other), test_args=["tests"], work_dir=prestarted)
    ctx = context(tmp_path / "out", ROOT)
    ctx.handoff[stage.WARM] = warm
    audit = stage.run(make_audit(ROOT, BASIC_MODULES, REACHED), ctx)
    assert ctx.handoff == {}
    assert _stopped(warm)
    assert not (prestarted / "jobs.json").exists()  # never given the jobs
    assert (tmp_path / "out" / stage.WORK_DIR / "jobs.json").is_file()  # a fresh one was
    mutants = by_id(audit)
    assert mutants["calc.core:add#return-none"].status is MutantStatus.KILLED
    assert mutants["calc.core:total#return-none"].status is MutantStatus.SURVIVED
