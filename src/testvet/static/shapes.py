"""Facts about the shape of test code that need no context: pure functions over AST nodes."""

from __future__ import annotations

import ast

from testvet.static.astutil import (
    FunctionNode,
    const_truthy,
    dotted,
    is_literal,
    keyword,
    walk,
)

#: Pure predicates: calling one as a statement and dropping the bool is a forgotten assert.
_PREDICATES = frozenset(
    {
        "fnmatch.fnmatch",
        "fnmatch.fnmatchcase",
        "re.match",
        "re.search",
        "re.fullmatch",
        "math.isclose",
        "cmath.isclose",
        "os.path.exists",
        "os.path.isfile",
        "os.path.isdir",
        "isinstance",
        "issubclass",
        "hasattr",
        "callable",
        "numpy.allclose",
        "numpy.array_equal",
    }
)
_PREDICATE_METHODS = frozenset(
    {"startswith", "endswith", "isdigit", "isalpha", "isidentifier", "issubset", "issuperset"}
)


def is_predicate(call: ast.Call, aliases: dict[str, str]) -> bool:
    name = dotted(call.func, aliases) or ""
    if name in _PREDICATES:
        return True
    return isinstance(call.func, ast.Attribute) and call.func.attr in _PREDICATE_METHODS


def pytestmark_names(body: list[ast.stmt], aliases: dict[str, str]) -> list[str]:
    """Dotted names of the marks a ``pytestmark = ...`` assignment in ``body`` applies."""
    out: list[str] = []
    for stmt in body:
        if isinstance(stmt, ast.Assign) and any(
            isinstance(t, ast.Name) and t.id == "pytestmark" for t in stmt.targets
        ):
            for sub in walk(stmt.value):
                if isinstance(sub, ast.Attribute):
                    name = dotted(sub, aliases)
                    if name:
                        out.append(name)
    return out


def range_nonempty(args: list[ast.expr]) -> bool:
    """``range(3)``, ``range(-1, 4)``, ``range(len(x) + 1)``: known to yield something."""
    values: list[int] = []
    for arg in args:
        try:
            value = ast.literal_eval(arg)
        except ValueError:
            break
        if not isinstance(value, int):
            return False
        values.append(value)
    else:
        return bool(values) and len(range(*values)) > 0
    if len(args) == 1 and isinstance(args[0], ast.BinOp) and isinstance(args[0].op, ast.Add):
        right = args[0].right
        return isinstance(right, ast.Constant) and isinstance(right.value, int) and right.value > 0
    return False


def class_nonempty(owner: ast.ClassDef | None) -> set[str]:
    """Class attributes bound to non-empty literals (``self.cases`` in a loop is safe)."""
    if owner is None:
        return set()
    out: set[str] = set()
    for stmt in owner.body:
        if isinstance(stmt, ast.Assign) and const_truthy(stmt.value):
            out.update(t.id for t in stmt.targets if isinstance(t, ast.Name))
    return out


def unused_result(node: FunctionNode) -> str | None:
    """A name assigned from a call in the test body and never read again."""
    loads = {n.id for n in walk(node) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)}
    for stmt in node.body:
        if (
            isinstance(stmt, ast.Assign)
            and len(stmt.targets) == 1
            and isinstance(stmt.targets[0], ast.Name)
            and isinstance(stmt.value, ast.Call | ast.Await)
        ):
            name = stmt.targets[0].id
            if name not in loads and not name.startswith("_"):
                return name
    return None


def def_anchor(node: FunctionNode) -> ast.AST:
    """The ``def`` line alone (snippet anchor for test-level findings)."""
    anchor = ast.Pass()
    anchor.lineno = anchor.end_lineno = node.lineno
    anchor.col_offset = anchor.end_col_offset = 0
    return anchor


#: Keyword arguments only the ``with`` form of an expecting call takes.
_CONTEXT_KEYWORDS = frozenset(
    {"match", "msg", "check", "expected_exception", "expected_warning", "expected_regex"}
)
#: Where the callable goes in an expecting call's arguments, when not second.
_CALLABLE_POSITION = {"deprecated_call": 0, "assertRaisesRegex": 2, "assertWarnsRegex": 2}


def enters_callable(call: ast.Call) -> bool:
    """Does a raises/warns/logs call run a callable itself (``pytest.raises(E, f, x)``)
    rather than return a context manager that only ``with`` would enter?"""
    func = call.func
    name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
    if name in ("assertLogs", "assertNoLogs"):
        return False  # context managers only
    position = _CALLABLE_POSITION.get(name, 1)
    return len(call.args) > position or any(kw.arg not in _CONTEXT_KEYWORDS for kw in call.keywords)


def exc_args(call: ast.Call) -> list[ast.expr]:
    if call.args:
        first = call.args[0]
        return list(first.elts) if isinstance(first, ast.Tuple) else [first]
    value = keyword(call, "expected_exception")
    return [value] if value is not None else []


def cannot_raise(stmt: ast.stmt) -> bool:
    """True for statements that cannot raise: pass, constants, literal assignments to names."""
    if isinstance(stmt, ast.Pass):
        return True
    if isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Constant):
        return True
    if isinstance(stmt, ast.Assign):
        return all(isinstance(t, ast.Name) for t in stmt.targets) and is_literal(stmt.value)
    if isinstance(stmt, ast.AnnAssign):
        return isinstance(stmt.target, ast.Name) and (stmt.value is None or is_literal(stmt.value))
    return False


def xfail_marks(expr: ast.expr, aliases: dict[str, str]) -> list[ast.expr]:
    """``pytest.mark.xfail`` references in ``expr`` that do not set strict=True."""
    out: list[ast.expr] = []
    handled: set[int] = set()
    for sub in walk(expr):
        if isinstance(sub, ast.Call) and (dotted(sub.func, aliases) or "").endswith("mark.xfail"):
            handled.add(id(sub.func))
            strict = keyword(sub, "strict")
            if strict is None or const_truthy(strict) is not True:
                out.append(sub)
        elif (
            isinstance(sub, ast.Attribute)
            and id(sub) not in handled
            and (dotted(sub, aliases) or "").endswith("mark.xfail")
        ):
            out.append(sub)
    return out


def only_pass(body: list[ast.stmt]) -> bool:
    """True for a handler body that does nothing (pass, continue, a docstring)."""
    return all(
        isinstance(s, ast.Pass | ast.Continue)
        or (isinstance(s, ast.Expr) and isinstance(s.value, ast.Constant))
        for s in body
    )
