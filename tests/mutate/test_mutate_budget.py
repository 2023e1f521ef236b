"""A worker's first test gets the slack that first tests were seen to need."""

from __future__ import annotations

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
