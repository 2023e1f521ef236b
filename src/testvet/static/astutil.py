"""Small AST helpers shared by the rules: import aliases, dotted names, literal facts."""

from __future__ import annotations

import ast
from collections.abc import Iterable, Iterator, Mapping

FunctionNode = ast.FunctionDef | ast.AsyncFunctionDef


def import_aliases(stmts: Iterable[ast.stmt]) -> dict[str, str]:
    """Local name -> dotted origin for the imports among ``stmts`` (not nested blocks)."""
    out: dict[str, str] = {}
    for stmt in stmts:
        add_import(stmt, out)
    return out


def add_import(stmt: ast.stmt, out: dict[str, str]) -> None:
    """Record the names an import statement binds into ``out``."""
    if isinstance(stmt, ast.Import):
        for alias in stmt.names:
            if alias.asname:
                out[alias.asname] = alias.name
            else:
                root = alias.name.split(".")[0]
                out[root] = root
    elif isinstance(stmt, ast.ImportFrom) and stmt.module and not stmt.level:
        for alias in stmt.names:
            out[alias.asname or alias.name] = f"{stmt.module}.{alias.name}"


def dotted(expr: ast.expr, aliases: Mapping[str, str]) -> str | None:
    """``a.b.c`` for a Name/Attribute chain, the root resolved through ``aliases``."""
    parts: list[str] = []
    while isinstance(expr, ast.Attribute):
        parts.append(expr.attr)
        expr = expr.value
    if not isinstance(expr, ast.Name):
        return None
    parts.append(aliases.get(expr.id, expr.id))
    return ".".join(reversed(parts))


def last_name(expr: ast.expr) -> str | None:
    """The called name: ``f`` for ``f(...)``, ``m`` for ``x.y.m(...)``."""
    if isinstance(expr, ast.Name):
        return expr.id
    if isinstance(expr, ast.Attribute):
        return expr.attr
    return None


def root_name(expr: ast.expr) -> str | None:
    """The leftmost name of an attribute/call/subscript chain."""
    while True:
        if isinstance(expr, ast.Attribute | ast.Subscript):
            expr = expr.value
        elif isinstance(expr, ast.Call):
            expr = expr.func
        elif isinstance(expr, ast.Name):
            return expr.id
        else:
            return None


def const_truthy(expr: ast.expr) -> bool | None:
    """Truth value of a literal expression, None when it is not a literal."""
    if isinstance(expr, ast.Constant):
        return bool(expr.value)
    if isinstance(expr, ast.Tuple | ast.List | ast.Set):
        return bool(expr.elts)
    if isinstance(expr, ast.Dict):
        return bool(expr.keys)
    if isinstance(expr, ast.JoinedStr):
        return True if any(isinstance(v, ast.Constant) and v.value for v in expr.values) else None
    return None


#: Comparison operators and their negations.
_NEGATED: dict[type[ast.cmpop], type[ast.cmpop]] = {
    ast.Eq: ast.NotEq, ast.NotEq: ast.Eq, ast.Is: ast.IsNot, ast.IsNot: ast.Is,
    ast.In: ast.NotIn, ast.NotIn: ast.In, ast.Lt: ast.GtE, ast.GtE: ast.Lt,
    ast.Gt: ast.LtE, ast.LtE: ast.Gt,
}  # fmt: skip


def negates(condition: ast.expr, test: ast.expr) -> bool:
    """Whether ``test`` is false wherever ``condition`` is true: ``if not ok: assert ok``,
    ``if a != b: assert a == b``. Such an ``assert`` under such an ``if`` always fails
    when reached: a failure path, as ``assert False`` is."""
    if isinstance(condition, ast.UnaryOp) and isinstance(condition.op, ast.Not):
        return ast.dump(condition.operand) == ast.dump(test)
    if isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not):
        return ast.dump(test.operand) == ast.dump(condition)
    if (
        isinstance(condition, ast.Compare)
        and isinstance(test, ast.Compare)
        and len(condition.ops) == len(test.ops) == 1
    ):
        flipped = _NEGATED.get(type(condition.ops[0]))
        return (
            flipped is not None
            and isinstance(test.ops[0], flipped)
            and ast.dump(condition.left) == ast.dump(test.left)
            and ast.dump(condition.comparators[0]) == ast.dump(test.comparators[0])
        )
    return False


def is_literal(expr: ast.expr) -> bool:
    """True for a constant or a container display of constants (evaluating it cannot raise)."""
    if isinstance(expr, ast.Constant):
        return True
    if isinstance(expr, ast.Tuple | ast.List | ast.Set):
        return all(is_literal(e) for e in expr.elts)
    if isinstance(expr, ast.Dict):
        return all(k is not None and is_literal(k) for k in expr.keys) and all(
            is_literal(v) for v in expr.values
        )
    return False


def names_in(expr: ast.AST) -> set[str]:
    """Every Name loaded in ``expr``."""
    return {n.id for n in ast.walk(expr) if isinstance(n, ast.Name)}


def keyword(call: ast.Call, name: str) -> ast.expr | None:
    """The value of keyword argument ``name`` of ``call``."""
    for kw in call.keywords:
        if kw.arg == name:
            return kw.value
    return None


def decorator_names(node: FunctionNode | ast.ClassDef, aliases: Mapping[str, str]) -> list[str]:
    """Dotted names of the decorators (calls reduced to their callee)."""
    out: list[str] = []
    for dec in node.decorator_list:
        target = dec.func if isinstance(dec, ast.Call) else dec
        name = dotted(target, aliases)
        if name:
            out.append(name)
    return out


def is_fixture(node: FunctionNode, aliases: Mapping[str, str]) -> bool:
    """Decorated with ``pytest.fixture`` (or a ``*.fixture`` of another library)."""
    return any(
        name == "pytest.fixture"
        or name.endswith(".fixture")
        or name in ("fixture", "yield_fixture")
        for name in decorator_names(node, aliases)
    )


def fixture_name(node: FunctionNode) -> str:
    """The name a fixture is requested by (``name=`` of the decorator or the function name)."""
    for dec in node.decorator_list:
        if isinstance(dec, ast.Call):
            value = keyword(dec, "name")
            if isinstance(value, ast.Constant) and isinstance(value.value, str):
                return value.value
    return node.name


def arg_names(node: FunctionNode) -> list[str]:
    """Parameter names of a function, ``self``/``cls`` excluded."""
    args = node.args
    names = [a.arg for a in (*args.posonlyargs, *args.args, *args.kwonlyargs)]
    return [n for n in names if n not in ("self", "cls")]


def parametrize_argnames(node: FunctionNode, aliases: Mapping[str, str]) -> set[str]:
    """Names bound by ``@pytest.mark.parametrize`` decorators."""
    out: set[str] = set()
    for dec in node.decorator_list:
        if not isinstance(dec, ast.Call) or not dec.args:
            continue
        name = dotted(dec.func, aliases) or ""
        if not name.endswith("parametrize"):
            continue
        first = dec.args[0]
        if isinstance(first, ast.Constant) and isinstance(first.value, str):
            out.update(p.strip() for p in first.value.split(",") if p.strip())
        elif isinstance(first, ast.List | ast.Tuple):
            out.update(
                e.value
                for e in first.elts
                if isinstance(e, ast.Constant) and isinstance(e.value, str)
            )
    return out


def has_yield(node: FunctionNode) -> bool:
    """True when the function's own body yields (nested defs excluded)."""
    stack: list[ast.AST] = list(node.body)
    while stack:
        current = stack.pop()
        if isinstance(current, ast.Yield | ast.YieldFrom):
            return True
        if isinstance(current, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda | ast.ClassDef):
            continue
        stack.extend(ast.iter_child_nodes(current))
    return False


_LEAVES = (ast.expr_context, ast.operator, ast.unaryop, ast.cmpop, ast.boolop)
#: Fields that never hold child nodes worth visiting (names, flags, operators).
_SCALAR_FIELDS = frozenset(
    {"ctx", "op", "ops", "id", "attr", "name", "kind", "type_comment", "conversion"}
    | {"is_async", "simple", "level", "module", "arg", "asname"}
)
_FIELDS: dict[type, tuple[str, ...]] = {}


def _fields(cls: type) -> tuple[str, ...]:
    fields = tuple(
        f
        for f in cls._fields  # type: ignore[attr-defined]
        if f not in _SCALAR_FIELDS and not (cls is ast.Constant and f == "value")
    )
    _FIELDS[cls] = fields
    return fields


def children(node: ast.AST) -> list[ast.AST]:
    """Child nodes, without the context/operator singletons (Load, Add, Eq...)."""
    cls = type(node)
    fields = _FIELDS.get(cls) or _fields(cls)
    out: list[ast.AST] = []
    for name in fields:
        value = getattr(node, name, None)
        if value is None:
            continue
        if type(value) is list:
            out.extend(v for v in value if isinstance(v, ast.AST))
        elif isinstance(value, ast.AST) and not isinstance(value, _LEAVES):
            out.append(value)
    return out


def walk(node: ast.AST) -> Iterator[ast.AST]:
    """Every node under ``node`` (itself included), parents before children.

    Faster than :func:`ast.walk`: it skips the Load/Store/operator singletons.
    """
    stack = [node]
    while stack:
        current = stack.pop()
        yield current
        stack.extend(reversed(children(current)))
