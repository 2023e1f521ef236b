"""What the inventory shows when pytest cannot collect everything: files hidden by a
failing conftest, and the AST inventory when collection stops altogether."""

from __future__ import annotations

from pathlib import Path

from discover_helpers import TreeWriter, discover_project

from testvet.model import Category


def test_test_files_under_a_failing_conftest_are_listed_with_no_tests(
    tmp_path: Path, tree_writer: TreeWriter
) -> None:
    project = tree_writer(
        tmp_path / "proj",
        {
            "pytest.ini": "[pytest]\ntestpaths = tests\n",
            "tests/test_ok.py": "def test_ok():\n    assert 1 + 1 == 2\n",
            "tests/integration/conftest.py": "raise RuntimeError('no database')\n",
            "tests/integration/test_db.py": "def test_db():\n    assert True\n",
            "tests/integration/deeper/test_more.py": "def test_more():\n    assert True\n",
            "tests/integration/deeper/helpers.py": "VALUE = 1\n",
        },
    )
    audit = discover_project(project, tmp_path / "out")
    (finding,) = audit.findings
    assert (finding.category, finding.path) == (
        Category.COLLECTION_ERROR,
        "tests/integration/conftest.py",
    )
    assert [t.nodeid for t in audit.inventory.tests] == ["tests/test_ok.py::test_ok"]
    # The files the conftest hid are still part of the suite: listed, nothing collected.
    assert {f.path: f.tests for f in audit.inventory.files} == {
        "tests/integration/deeper/test_more.py": 0,
        "tests/integration/test_db.py": 0,
        "tests/test_ok.py": 1,
    }


FALLBACK_TESTS = """\
import unittest

import pytest


@pytest.mark.slow
@pytest.mark.parametrize("n", [1, 2])
def test_function(n):
    assert n


@pytest.mark.network
class TestGroup:
    @pytest.mark.slow
    def test_member(self):
        assert True


class TestWithInit:
    def __init__(self):
        self.ready = True

    def test_not_collected(self):
        assert self.ready


class Helpers:
    def test_not_a_test_class(self):
        assert True


class StoreCase(unittest.TestCase):
    def test_negative(self):
        self.assertEqual(-1, -1)


class DottedCase(unittest.case.TestCase):
    def test_dotted(self):
        self.assertTrue(True)
"""


def test_the_ast_inventory_follows_pytest_rules_for_classes_and_markers(
    tmp_path: Path, tree_writer: TreeWriter
) -> None:
    project = tree_writer(
        tmp_path / "proj",
        {
            "pytest.ini": "[pytest]\ntestpaths = tests\n",
            "conftest.py": "raise RuntimeError('conftest refuses to load')\n",
            "tests/test_shop.py": FALLBACK_TESTS,
        },
    )
    audit = discover_project(project, tmp_path / "out")
    assert audit.inventory.collected_with == "ast"
    found = {t.nodeid.split("::", 1)[1]: (t.markers, t.unittest) for t in audit.inventory.tests}
    # pytest collects neither a Test* class with __init__ nor a class not named Test*
    # (unless it is a unittest.TestCase); parametrize is not a marker.
    assert found == {
        "test_function": (("slow",), False),
        "TestGroup::test_member": (("slow", "network"), False),
        "StoreCase::test_negative": ((), True),
        "DottedCase::test_dotted": ((), True),
    }
