"""The per-test map across pytest machinery: plugin modules, fixtures of wider scope."""

from __future__ import annotations

from pathlib import Path

from run_helpers import by_id, run_stage

from testvet.model import Outcome


def test_plugin_modules_pytest_rewrites_are_in_the_map(tmp_path: Path) -> None:
    audit = run_stage("run_plugin", tmp_path / "out", packages=("plug",))
    results = by_id(audit)
    first = results["tests/test_plug.py::test_double"]
    assert first.outcome is Outcome.PASSED
    # plug.fixtures is imported through pytest's assertion rewriting hook (pytest_plugins).
    assert {"plug.fixtures:check_double", "plug.core:double"} <= first.reached
    # ...and its asserts keep pytest's rewritten messages (the test checks the message).
    rewritten = results["tests/test_plug.py::test_the_plugin_asserts_are_still_rewritten"]
    assert rewritten.outcome is Outcome.PASSED
    assert audit.run is not None
    assert not [n for n in audit.run.notes if "imported before" in n]


def test_a_session_fixture_reaches_and_costs_for_every_test_that_uses_it(tmp_path: Path) -> None:
    # build() runs once, in test_first's set-up; test_second checks what it returned. A
    # worker that runs test_second first sets the fixture up itself: its budget says so.
    results = by_id(run_stage("run_shared", tmp_path / "out", packages=("shared",)))
    first = results["tests/test_shared.py::test_first"]
    second = results["tests/test_shared.py::test_second"]
    alone = results["tests/test_shared.py::test_without_the_fixture"]
    assert first.reached == {"shared.core:build", "shared.core:ping"}
    assert second.reached == {"shared.core:build"}
    assert alone.reached == {"shared.core:ping"}
    assert first.duration >= 0.2
    assert first.shared_setup == 0.0  # paid in its own time
    assert second.duration < 0.2 <= second.shared_setup
    assert alone.shared_setup == 0.0
