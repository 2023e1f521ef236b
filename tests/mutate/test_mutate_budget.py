"""A worker's first test gets the slack that first tests were seen to need."""

from __future__ import annotations

import io
import types
from typing import Any

import pytest


def engine(plugin: types.ModuleType) -> Any:
    session = types.SimpleNamespace(items=[])
    jobs = {"workers": 1, "tests": ["t"], "budgets": [0.004]}
    return plugin._Engine(session, jobs, out=None)


def finished(first_cpu: float | None, generous: bool = False) -> tuple[Any, dict[str, Any]]:
    job = {"id": "m", "first": "t", **({"generous": True} if generous else {})}
    return types.SimpleNamespace(job=job), {"first_cpu": first_cpu}


def test_the_slack_starts_at_the_default(plugin: types.ModuleType) -> None:
    assert engine(plugin)._first_slack() == plugin.FIRST_TEST_SLACK == 0.025


def test_light_first_tests_bring_it_down_to_the_minimum(plugin: types.ModuleType) -> None:
    eng = engine(plugin)
    for _ in range(10):
        eng._observe_first(*finished(0.006))  # 2 ms beyond its 4 ms budget
    assert eng._first_slack() == plugin.MIN_FIRST_TEST_SLACK == 0.01


def test_heavy_fixtures_raise_it_and_one_slow_mutant_does_not(plugin: types.ModuleType) -> None:
    eng = engine(plugin)
    for _ in range(20):
        eng._observe_first(*finished(0.104))  # a 100 ms module fixture every time
    assert eng._first_slack() == pytest.approx(0.2)
    heavy = engine(plugin)
    for _ in range(19):
        heavy._observe_first(*finished(0.006))
    heavy._observe_first(*finished(1.5))  # one mutant made its first test slow
    assert heavy._first_slack() == pytest.approx(0.01)


def test_generous_reruns_and_unfinished_first_tests_are_not_evidence(
    plugin: types.ModuleType,
) -> None:
    eng = engine(plugin)
    for _ in range(10):
        eng._observe_first(*finished(0.9, generous=True))
        eng._observe_first(*finished(None))
    assert eng._first_slack() == 0.025


def ran_out_in_first_test(plugin: types.ModuleType, eng: Any, job: dict[str, Any]) -> None:
    run = plugin._Running({"timeout": 1.0, "first": "t", **job}, 1, -1, 10.0, None)
    run.ran, run.first_slack, run.spec = 1, eng._first_slack(), (run.job, None, None, [])
    eng._conclude(run, "killed by SIGPROF", timed_out=False)


def test_controls_that_run_out_in_their_first_test_raise_it(plugin: types.ModuleType) -> None:
    """soupsieve: first tests pay ~70 ms a fresh worker; learning only from those that
    fit, the slack shrank. A control (unmodified code) that runs out needed all of it."""
    eng = engine(plugin)
    for _ in range(3):
        ran_out_in_first_test(plugin, eng, {"id": "control:t", "control": "t"})
    assert eng._first_slack() == pytest.approx(0.05)  # twice the slack it ran out of
    mutants = engine(plugin)
    mutants.out = io.StringIO()  # its verdicts are sent
    for _ in range(3):  # a mutant that runs out may loop: no evidence
        ran_out_in_first_test(plugin, mutants, {"id": "m"})
    assert mutants._first_slack() == 0.025


def test_timeouts_in_a_test_a_control_since_vouched_for_are_confirmed(
    plugin: types.ModuleType,
) -> None:
    eng = engine(plugin)
    spec = ({"id": "m", "timeout": 1.0}, None, None, ["item"])
    eng.timeouts[("t",)] = [spec]
    eng.passed_first.add("t")  # another control saw it fit as a first test
    assert eng._control_jobs() == [
        ({"id": "m", "timeout": 1.0, "confirm": "t"}, None, None, ["item"])
    ]
    assert eng.timeouts == {}
