"""How long collection may take before the discover stage reports it as hanging."""

from __future__ import annotations

from pathlib import Path

import pytest
from discover_helpers import discover_project

from testvet.discover import collect, stage


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (None, collect.DEFAULT_TIMEOUT),
        ("7.5", 7.5),
        ("600", 600.0),
        ("0", collect.DEFAULT_TIMEOUT),
        ("-3", collect.DEFAULT_TIMEOUT),
        ("soon", collect.DEFAULT_TIMEOUT),
        ("", collect.DEFAULT_TIMEOUT),
    ],
)
def test_the_collection_timeout_is_180_s_unless_the_environment_sets_a_positive_one(
    monkeypatch: pytest.MonkeyPatch, value: str | None, expected: float
) -> None:
    if value is None:
        monkeypatch.delenv(stage.TIMEOUT_ENV, raising=False)
    else:
        monkeypatch.setenv(stage.TIMEOUT_ENV, value)
    assert collect.DEFAULT_TIMEOUT == 180.0
    assert stage.collect_timeout() == expected


@pytest.mark.slow
def test_a_slow_collection_within_the_default_timeout_is_not_reported_as_hanging(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(stage.TIMEOUT_ENV, raising=False)
    project = tmp_path / "slow"
    (project / "tests").mkdir(parents=True)
    (project / "tests" / "test_slow.py").write_text(
        "import time\n\ntime.sleep(1.5)  # a slow import, not a hang\n\n\n"
        "def test_after_the_wait():\n    assert True\n",
        encoding="utf-8",
    )
    audit = discover_project(project, tmp_path / "out")
    assert [f.code for f in audit.findings] == []
    assert audit.inventory.collected_with == "pytest"
    assert [t.nodeid for t in audit.inventory.tests] == ["tests/test_slow.py::test_after_the_wait"]
