"""Functions a person would not care to mutate, by a documented built-in list plus patterns.

Built-in reasons (docs/mutation.md lists them):

- ``abstract``: ``@abstractmethod``/``@overload``, or a body that is only ``...``, ``pass``
  or ``raise NotImplementedError``;
- ``display``: ``__repr__``, ``__str__``, ``__format__``, ``__rich__``, ``__rich_repr__``,
  ``__dir__``, ``__sizeof__``, and the functions defined inside them;
- ``constant-return``: the body (docstring aside) is one ``return`` of a literal;
- ``trivial-property``: a property whose body is ``return self.<attribute>``;
- ``config``: the qualified or dotted name matches ``[tool.testvet.mutation] skip``.
"""

from __future__ import annotations

import ast
from fnmatch import fnmatchcase

from testvet.mutate.source import FunctionSource

DISPLAY = frozenset(
    {"__repr__", "__str__", "__format__", "__rich__", "__rich_repr__", "__dir__", "__sizeof__"}
)
ABSTRACT_DECORATORS = frozenset(
    {
        "abstractmethod",
        "abstractproperty",
        "abstractclassmethod",
        "abstractstaticmethod",
        "overload",
    }
)
PROPERTY_DECORATORS = frozenset({"property", "cached_property", "getter"})


def body_without_docstring(node: ast.FunctionDef | ast.AsyncFunctionDef) -> list[ast.stmt]:
    """The statements of ``node`` after its docstring."""
    body = list(node.body)
    if (
        body
        and isinstance(body[0], ast.Expr)
        and isinstance(body[0].value, ast.Constant)
        and isinstance(body[0].value.value, str)
    ):
        body = body[1:]
    return body


def _is_placeholder(stmt: ast.stmt) -> bool:
    if isinstance(stmt, ast.Pass):
        return True
    if isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Constant):
        return stmt.value.value is Ellipsis
    if isinstance(stmt, ast.Raise) and stmt.exc is not None:
        exc = stmt.exc.func if isinstance(stmt.exc, ast.Call) else stmt.exc
        return isinstance(exc, ast.Name) and exc.id == "NotImplementedError"
    return False


def is_literal(node: ast.expr | None) -> bool:
    """A value that does not depend on anything: constants and containers of constants."""
    if node is None or isinstance(node, ast.Constant):
        return True
    if isinstance(node, (ast.List, ast.Tuple, ast.Set)):
        return all(is_literal(e) for e in node.elts)
    if isinstance(node, ast.Dict):
        return all(k is not None and is_literal(k) for k in node.keys) and all(
            is_literal(v) for v in node.values
        )
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
        return is_literal(node.operand)
    return False


def _last(qualname: str) -> str:
    return qualname.rsplit(".", 1)[-1]


def builtin_reason(fn: FunctionSource) -> str | None:
    """Why the built-in list skips ``fn``, or None."""
    node = fn.node
    decorators = fn.decorator_names()
    body = body_without_docstring(node)
    if decorators & ABSTRACT_DECORATORS or all(_is_placeholder(s) for s in body):
        return "abstract: no behaviour of its own (abstract, overload or placeholder body)"
    if node.name in DISPLAY:
        return f"display: {node.name} only formats the object for people"
    outer = next((p for p in fn.qualname.split(".<locals>.")[:-1] if _last(p) in DISPLAY), None)
    if outer is not None:
        return f"display: defined in {_last(outer)}, which only formats the object for people"
    if len(body) == 1 and isinstance(body[0], ast.Return) and is_literal(body[0].value):
        return "constant-return: returns a literal"
    if (
        decorators & PROPERTY_DECORATORS
        and len(body) == 1
        and isinstance(body[0], ast.Return)
        and isinstance(body[0].value, ast.Attribute)
        and isinstance(body[0].value.value, ast.Name)
        and body[0].value.value.id == "self"
    ):
        return "trivial-property: returns an attribute of self"
    return None


def skip_reason(fn: FunctionSource, module: str, patterns: tuple[str, ...]) -> str | None:
    """Why ``fn`` is not mutated (built-in list, then the configured patterns), or None."""
    reason = builtin_reason(fn)
    if reason:
        return reason
    dotted = f"{module}.{fn.qualname}"
    for pattern in patterns:
        if fnmatchcase(fn.qualname, pattern) or fnmatchcase(dotted, pattern):
            return f"config: matches skip pattern {pattern!r}"
    return None
