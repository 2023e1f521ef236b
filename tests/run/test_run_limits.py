"""When a test child that reports nothing outside a test counts as stuck."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from testvet import subproc
from testvet.errors import SuiteError
from testvet.model import Outcome
from testvet.run.child import BACKSTOP_GRACE, IDLE_FLOOR, ChildSpec, run_suite


def _spec(
    root: Path, timeout: float = 0.5, grace: float = 0.5, idle: float | None = None
) -> ChildSpec:
    """A child running the ``tests`` directory of ``root`` with the run plugin, no coverage."""
    settings = {
        "root": str(root),
        "project_paths": [str(root / "src")],
        "exclude_paths": [str(root / "tests")],
        "import_roots": [str(root / "src")],
        "timeout": timeout,
        "mechanism": "auto",
        "coverage": None,
    }
    return ChildSpec(
        command=tuple(
            subproc.pytest_command(
                sys.executable, ["testvet_run"], ["tests"], cache_dir=root.parent / "cache"
            )
        ),
        cwd=root,
        env=subproc.child_env(),
        settings=settings,
        timeout=timeout,
        grace=grace,
        idle=idle,
    )


def _project(root: Path, module_top: str) -> Path:
    """A project whose only test module runs ``module_top`` when imported."""
    (root / "src").mkdir(parents=True)
    (root / "tests").mkdir()
    (root / "tests" / "test_it.py").write_text(
        f"import time\n\n{module_top}\n\n\ndef test_it():\n    assert True\n", encoding="utf-8"
    )
    return root


@pytest.mark.parametrize(
    ("timeout", "grace", "idle", "expected"),
    [
        (0.5, 0.5, None, IDLE_FLOOR),  # short per-test timeouts: at least the floor
        (100.0, 5.0, None, 105.0),  # long ones: the per-test timeout plus the grace
        (300.0, BACKSTOP_GRACE, None, 300.0 + BACKSTOP_GRACE),
        (300.0, BACKSTOP_GRACE, 4.0, 4.0),  # an explicit idle limit wins
    ],
)
def test_a_silent_child_counts_as_hung_after_the_per_test_timeout_or_a_minute(
    tmp_path: Path, timeout: float, grace: float, idle: float | None, expected: float
) -> None:
    assert IDLE_FLOOR == 60.0
    assert _spec(tmp_path, timeout, grace, idle).idle_limit == expected


@pytest.mark.slow
def test_a_child_silent_for_seconds_while_collecting_is_not_killed(tmp_path: Path) -> None:
    """With the default idle limit (a minute here), a slow import is waited for."""
    root = _project(tmp_path / "proj", "time.sleep(2.0)  # slow, silent import")
    suite = run_suite(_spec(root), tmp_path, lambda done, total: None)
    assert [(r.nodeid, r.outcome) for r in suite.results] == [
        ("tests/test_it.py::test_it", Outcome.PASSED)
    ]
    assert suite.children == 1


@pytest.mark.slow
def test_a_hung_collection_is_reported_with_the_idle_limit(tmp_path: Path) -> None:
    root = _project(tmp_path / "proj", "while True:\n    time.sleep(0.05)")
    with pytest.raises(
        SuiteError,
        match=r"hung while collecting .*test_it\.py \(nothing happened for 1\.5 s; log: ",
    ):
        run_suite(_spec(root, idle=1.5), tmp_path, lambda done, total: None)
