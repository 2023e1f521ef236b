"""A test whose subtest fails is a failed test, though its own call passes (``subTest``
and the ``subtests`` fixture log each subtest as a report of its own)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from run_helpers import by_id, discovered_run

from testvet.model import Outcome

TESTS = """import unittest

from calc import half


class TestHalf(unittest.TestCase):
    def test_half(self):
        for n, want in ((4, 2), (9, 5)):  # 9 // 2 is 4: the second subtest fails
            with self.subTest(n=n):
                self.assertEqual(half(n), want)

    def test_half_passes(self):
        with self.subTest(n=4):
            self.assertEqual(half(4), 2)
"""


def test_a_failed_subtest_fails_its_test(
    tmp_path: Path, tree_writer: Callable[[Path, dict[str, str]], Path]
) -> None:
    files = {
        "calc.py": "def half(n):\n    return n // 2\n",
        "tests/test_half.py": TESTS,
        "pyproject.toml": '[project]\nname = "calc"\n',
    }
    audit = discovered_run(tree_writer(tmp_path / "p", files), tmp_path / "out")
    results = by_id(audit)
    failed = results["tests/test_half.py::TestHalf::test_half"]
    assert failed.outcome is Outcome.FAILED
    assert failed.message is not None
    assert "5 != 4" in failed.message or "4 != 5" in failed.message
    passed = results["tests/test_half.py::TestHalf::test_half_passes"]
    assert passed.outcome is Outcome.PASSED


def test_a_tests_duration_counts_its_subtests_once(
    tmp_path: Path, tree_writer: Callable[[Path, dict[str, str]], Path]
) -> None:
    # each subtest's report is part of the call, which lasts as long as all of them
    tests = (
        "import time\n\n\ndef test_steps(subtests):\n"
        "    for n in range(3):\n"
        "        with subtests.test(n=n):\n"
        "            time.sleep(0.2)\n"
    )
    files = {"tests/test_steps.py": tests, "pyproject.toml": '[project]\nname = "steps"\n'}
    audit = discovered_run(tree_writer(tmp_path / "p", files), tmp_path / "out")
    steps = by_id(audit)["tests/test_steps.py::test_steps"]
    assert steps.outcome is Outcome.PASSED
    assert 0.6 <= steps.duration < 1.1  # not 1.2: the subtests once, in the call
