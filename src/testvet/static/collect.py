"""Find the test functions of a parsed module the way pytest's defaults would collect them."""

from __future__ import annotations

import ast
from collections.abc import Iterator, Mapping
from dataclasses import dataclass

from testvet.static.astutil import FunctionNode, dotted, is_fixture


@dataclass(frozen=True)
class TestFunction:
    """One test function or method and where it sits."""

    __test__ = False

    node: FunctionNode
    #: Enclosing class names, outermost first (empty for module-level tests).
    classes: tuple[str, ...]
    #: True for methods of a ``unittest.TestCase`` subclass.
    unittest: bool
    #: The class the method is defined in (may be a base of the collected class).
    owner: ast.ClassDef | None = None

    def nodeid(self, path: str) -> str:
        """``path::Class::func`` (no parameters)."""
        return "::".join((path, *self.classes, self.node.name))


def _dunder_test_false(body: list[ast.stmt]) -> bool:
    for stmt in body:
        if isinstance(stmt, ast.Assign) and any(
            isinstance(t, ast.Name) and t.id == "__test__" for t in stmt.targets
        ):
            return isinstance(stmt.value, ast.Constant) and stmt.value.value is False
    return False


def _is_unittest_class(
    node: ast.ClassDef, aliases: Mapping[str, str], local: Mapping[str, bool]
) -> bool:
    for base in node.bases:
        name = dotted(base, aliases) or ""
        last = name.rsplit(".", 1)[-1]
        if last.endswith("TestCase") or local.get(last, False):
            return True
    return False


def _methods(node: ast.ClassDef) -> list[FunctionNode]:
    return [s for s in node.body if isinstance(s, ast.FunctionDef | ast.AsyncFunctionDef)]


def test_functions(tree: ast.Module, aliases: Mapping[str, str]) -> Iterator[TestFunction]:
    """Module-level ``test*`` functions, ``Test*`` class methods and TestCase methods."""
    if _dunder_test_false(tree.body):
        return
    classes = {s.name: s for s in tree.body if isinstance(s, ast.ClassDef)}
    unittest_local: dict[str, bool] = {}
    for cls in classes.values():  # module order: bases come first
        unittest_local[cls.name] = _is_unittest_class(cls, aliases, unittest_local)
    used_bases: set[str] = set()
    for stmt in tree.body:
        if isinstance(stmt, ast.FunctionDef | ast.AsyncFunctionDef):
            if stmt.name.startswith("test") and not is_fixture(stmt, aliases):
                yield TestFunction(stmt, (), False)
        elif isinstance(stmt, ast.ClassDef):
            yield from _class_tests(stmt, (), aliases, unittest_local, classes, used_bases)


def _class_tests(
    cls: ast.ClassDef,
    outer: tuple[str, ...],
    aliases: Mapping[str, str],
    unittest_local: Mapping[str, bool],
    classes: Mapping[str, ast.ClassDef],
    used_bases: set[str],
) -> Iterator[TestFunction]:
    is_unittest = unittest_local.get(cls.name, False) if not outer else False
    is_unittest = is_unittest or _is_unittest_class(cls, aliases, unittest_local)
    if _dunder_test_false(cls.body):
        return
    methods = _methods(cls)
    if not is_unittest and (
        not cls.name.startswith("Test") or any(m.name == "__init__" for m in methods)
    ):
        return
    path = (*outer, cls.name)
    seen = set()
    for method in methods:
        if method.name.startswith("test") and not is_fixture(method, aliases):
            seen.add(method.name)
            yield TestFunction(method, path, is_unittest, cls)
    # Test methods inherited from a base class of this module that pytest does not
    # collect on its own (a mixin): analyse them once, under the first subclass.
    for base in cls.bases:
        if not isinstance(base, ast.Name) or base.id not in classes or base.id in used_bases:
            continue
        base_cls = classes[base.id]
        if base_cls.name.startswith("Test") or unittest_local.get(base_cls.name, False):
            continue
        used_bases.add(base.id)
        for method in _methods(base_cls):
            if method.name.startswith("test") and method.name not in seen:
                yield TestFunction(method, path, is_unittest, base_cls)
    if not is_unittest:
        for stmt in cls.body:
            if isinstance(stmt, ast.ClassDef):
                yield from _class_tests(stmt, path, aliases, unittest_local, classes, used_bases)


def collected_extras(
    tree: ast.Module,
    wanted: set[tuple[str | None, str]],
    already: set[int],
    aliases: Mapping[str, str],
) -> Iterator[TestFunction]:
    """Functions pytest collected (custom ``python_functions``/``python_classes``) that the
    naming conventions missed: ``wanted`` holds (innermost class or None, function name)."""

    def visit(
        body: list[ast.stmt], classes: tuple[str, ...], owner: ast.ClassDef | None
    ) -> Iterator[TestFunction]:
        for stmt in body:
            if isinstance(stmt, ast.FunctionDef | ast.AsyncFunctionDef):
                key = (classes[-1] if classes else None, stmt.name)
                if key in wanted and id(stmt) not in already and not is_fixture(stmt, aliases):
                    yield TestFunction(stmt, classes, False, owner)
            elif isinstance(stmt, ast.ClassDef):
                yield from visit(stmt.body, (*classes, stmt.name), stmt)

    yield from visit(tree.body, (), None)
