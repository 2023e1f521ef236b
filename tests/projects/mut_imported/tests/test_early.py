import importlib
import sys

from early_built import Parser, add, split


def test_add():
    assert add(2, 3) == 5


def test_split():
    assert split("a,b") == ["a", "b"]


def test_parser_with_its_own_separator():
    assert Parser(";").split("a;b") == ["a", "b"]


def test_fresh_import():
    # as dateutil's lazy-import tests: drop the package and import it again
    saved = sys.modules.pop("early_built")
    try:
        fresh = importlib.import_module("early_built")
        assert hasattr(fresh, "add")
    finally:
        sys.modules["early_built"] = saved


def test_triple_imported_in_the_test():
    from early_built.late import triple

    assert triple(2) == 6
