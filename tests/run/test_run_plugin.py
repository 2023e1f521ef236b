"""A project that is a pytest plugin: its plugin modules are mapped, and still rewritten."""

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
