"""The test pyramid: classification by markers and touches, component targets (TV611)."""

from __future__ import annotations

from pathlib import Path

from trace_helpers import audit_project, write_project

from testvet.model import Category, Inventory, TestFile, TestItem, TestKind

AUTH = Path(__file__).parent.parent / "projects" / "scn_auth"

SUITE = {
    "pyproject.toml": """
        [project]
        name = "shop"
        [tool.testvet.pyramid]
        tolerance = 10
        components."src/shop/cart.py" = { unit = 60, integration = 30, e2e = 10 }
        components."src/shop/tax.py" = { unit = 100 }
    """,
    "src/shop/__init__.py": "",
    "src/shop/cart.py": "def total(items):\n    return sum(items)\n",
    "src/shop/tax.py": "RATE = 0.2\n",
    "tests/test_cart.py": """
        import sqlite3
        import subprocess
        import sys

        import pytest

        from shop.cart import total


        def test_unit():
            assert total([1, 2]) == 3


        @pytest.mark.e2e
        def test_marked_e2e():
            assert total([]) == 0


        def test_files(tmp_path):
            (tmp_path / "x").write_text("1")
            assert total([int((tmp_path / "x").read_text())]) == 1


        def test_database():
            db = sqlite3.connect(":memory:")
            assert db.execute("select 1").fetchone() == (1,)


        def test_cli():
            out = subprocess.run([sys.executable, "-m", "shop.cart"], capture_output=True)
            assert out.returncode == 0
    """,
}


def test_classification_by_markers_then_touches(tmp_path: Path) -> None:
    root = write_project(tmp_path / "p", SUITE)
    audit = audit_project(root, tmp_path / "out")
    assert audit.scenarios is not None
    (overall, cart, tax) = audit.scenarios.pyramid
    assert (overall.component, overall.unit, overall.integration, overall.e2e) == (
        "<all>",
        1,
        2,
        2,
    )
    assert (cart.unit, cart.integration, cart.e2e) == (1, 2, 2)
    assert (tax.component, tax.unit + tax.integration + tax.e2e) == ("src/shop/tax.py", 0)
    findings = {f.path: f for f in audit.findings if f.category is Category.PYRAMID}
    assert set(findings) == {"src/shop/cart.py", "src/shop/tax.py"}
    off = findings["src/shop/cart.py"]
    assert (off.code, off.severity.value, off.line) == ("TV611", "low", None)
    assert off.detail["counts"] == {"unit": 1, "integration": 2, "e2e": 2}
    assert "off on unit, e2e" in off.message
    empty = findings["src/shop/tax.py"]
    assert empty.severity.value == "medium"
    assert "no test reaches it" in empty.message


def test_inventory_kinds_are_refined(tmp_path: Path) -> None:
    root = write_project(tmp_path / "p", SUITE)
    items = tuple(
        TestItem(f"tests/test_cart.py::{name}", "tests/test_cart.py", name, kind=kind)
        for name, kind in [
            ("test_unit", TestKind.INTEGRATION),
            ("test_database", TestKind.UNIT),
            ("test_marked_e2e", TestKind.UNIT),
        ]
    )
    files = (TestFile("tests/test_cart.py", TestKind.UNIT, tests=3),)
    audit = audit_project(root, tmp_path / "out", inventory=Inventory(tests=items, files=files))
    kinds = {item.function: item.kind for item in audit.inventory.tests}
    # The discover stage's guess is never lowered; touches and markers raise it.
    assert kinds == {
        "test_unit": TestKind.INTEGRATION,
        "test_database": TestKind.INTEGRATION,
        "test_marked_e2e": TestKind.E2E,
    }
    # The file's kind is its tests' most common kind (all five tests of the file count).
    assert [f.kind for f in audit.inventory.files] == [TestKind.INTEGRATION]


def test_auth_fixture_components(tmp_path: Path) -> None:
    audit = audit_project(AUTH, tmp_path / "out")
    pyramid = [f for f in audit.findings if f.category is Category.PYRAMID]
    assert [(f.path, f.severity.value) for f in pyramid] == [("src/authsvc/tokens.py", "medium")]
    assert pyramid[0].detail["shares"] == {"unit": 100.0, "integration": 0.0, "e2e": 0.0}
