"""Unit / integration / e2e classification signals."""

from __future__ import annotations

import pytest

from testvet.discover import kinds
from testvet.discover.imports import FileFacts
from testvet.model import TestKind


@pytest.mark.parametrize(
    ("markers", "expected"),
    [
        (("e2e",), TestKind.E2E),
        (("system", "slow"), TestKind.E2E),
        (("integration",), TestKind.INTEGRATION),
        (("slow",), TestKind.INTEGRATION),
        (("Functional",), TestKind.INTEGRATION),
        (("unit",), TestKind.UNIT),
        (("skip", "xfail"), None),
    ],
)
def test_marker_kind(markers: tuple[str, ...], expected: TestKind | None) -> None:
    assert kinds.marker_kind(markers) is expected


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("tests/e2e/test_flow.py", TestKind.E2E),
        ("tests/integration/api/test_x.py", TestKind.INTEGRATION),
        ("tests/unit/integration_like/test_x.py", TestKind.UNIT),
        ("tests/test_integration.py", None),
    ],
)
def test_path_kind(path: str, expected: TestKind | None) -> None:
    assert kinds.path_kind(path) is expected


def test_file_kind_from_what_the_file_touches() -> None:
    assert kinds.file_kind(FileFacts(imports=("socket",))) is TestKind.INTEGRATION
    assert kinds.file_kind(FileFacts(imports=("http.client.HTTPConnection",))) is (
        TestKind.INTEGRATION
    )
    assert kinds.file_kind(FileFacts(imports=("selenium.webdriver",))) is TestKind.E2E
    assert kinds.file_kind(FileFacts(imports=("json", "pkg.auth"))) is None
    own_command = FileFacts(
        imports=("subprocess",), calls=frozenset({"subprocess.run"}), strings=frozenset({"tq"})
    )
    assert kinds.file_kind(own_command, scripts={"tq": "tq.cli:main"}) is TestKind.E2E
    module_run = FileFacts(
        imports=("subprocess",),
        calls=frozenset({"subprocess.check_output"}),
        strings=frozenset({"-m", "pkg.cli"}),
    )
    assert kinds.file_kind(module_run, packages=["pkg"]) is TestKind.E2E
    assert kinds.file_kind(module_run, packages=["other"]) is TestKind.INTEGRATION


def test_markers_beat_paths_beat_touches() -> None:
    path = "tests/integration/test_x.py"
    assert kinds.item_kind(("e2e",), path, TestKind.UNIT) is TestKind.E2E
    assert kinds.item_kind((), path, TestKind.E2E) is TestKind.INTEGRATION
    assert kinds.item_kind((), "tests/test_x.py", TestKind.E2E) is TestKind.E2E
    assert kinds.item_kind((), "tests/test_x.py", None) is TestKind.UNIT


def test_majority_breaks_ties_towards_the_larger_test() -> None:
    unit, integ = TestKind.UNIT, TestKind.INTEGRATION
    assert kinds.majority([unit, unit, integ], unit) is unit
    assert kinds.majority([unit, integ], unit) is integ
    assert kinds.majority([], TestKind.E2E) is TestKind.E2E


def test_calling_the_cli_entry_point_in_process_is_integration() -> None:
    scripts = {"tq": "tq.cli:main"}
    direct = FileFacts(imports=("tq.cli.main",), calls=frozenset({"main"}))
    assert kinds.file_kind(direct, scripts) is TestKind.INTEGRATION
    via_module = FileFacts(imports=("tq.cli",), calls=frozenset({"cli.main"}))
    assert kinds.file_kind(via_module, scripts) is TestKind.INTEGRATION
    unrelated = FileFacts(imports=("tq.queue.main",), calls=frozenset({"main"}))
    assert kinds.file_kind(unrelated, scripts) is None
