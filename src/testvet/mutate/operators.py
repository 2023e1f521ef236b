"""Mutant generation: extreme mutants of a whole body, operator mutants of one expression.

Each mutant is the mutated ``def`` text (original indentation, no decorators) that the
worker compiles into a code object; nothing is written to disk.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass

from testvet.mutate.skips import body_without_docstring
from testvet.mutate.source import FunctionSource, Span

EXTREME = "extreme"
OPERATOR = "operator"

#: Extreme operators that decide "pseudo-tested" (``raise`` is informative only).
VALUE_OPERATORS = frozenset(
    {"return-none", "empty-body", "empty-generator", "return-default", "return-self"}
)


@dataclass(frozen=True)
class MutantSpec:
    """A mutant before it runs."""

    id: str
    function: str
    path: str
    line: int
    kind: str
    operator: str
    diff: str
    source: str
    #: Last line of the mutated expression (operator mutants; 0: just ``line``).
    end_line: int = 0
    #: First line of the statement that holds it (operator mutants; 0: ``line``). A
    #: test that ran that statement ran it: a continuation line of a multi-line statement
    #: may see no line event of its own (Python folds a list of constants into one
    #: constant, loaded on the statement's first line).
    stmt_line: int = 0


# --------------------------------------------------------------------------- helpers


def _own_nodes(node: ast.FunctionDef | ast.AsyncFunctionDef) -> Iterator[ast.AST]:
    """Nodes of a function's body, not descending into nested defs, classes or lambdas.

    Decorators, default values and annotations are left out: they are evaluated once,
    when the ``def`` runs, so a new code object cannot change them.
    """
    stack: list[ast.AST] = list(node.body)
    while stack:
        child = stack.pop()
        if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)):
            continue
        yield child
        stack.extend(ast.iter_child_nodes(child))


def _is_generator(fn: FunctionSource) -> bool:
    return any(isinstance(n, (ast.Yield, ast.YieldFrom)) for n in _own_nodes(fn.node))


def _value_returns(fn: FunctionSource) -> list[ast.expr]:
    return [
        n.value
        for n in _own_nodes(fn.node)
        if isinstance(n, ast.Return)
        and n.value is not None
        and not (isinstance(n.value, ast.Constant) and n.value.value is None)
    ]


def _one_line(text: str) -> str:
    lines = [ln.strip() for ln in text.strip().splitlines() if ln.strip()]
    if not lines:
        return ""
    return lines[0] + (" …" if len(lines) > 1 else "")


def _annotation_name(node: ast.expr | None) -> str | None:
    if node is None:
        return None
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        try:
            node = ast.parse(node.value, mode="eval").body
        except SyntaxError:
            return None
    if isinstance(node, ast.Subscript):
        base = _annotation_name(node.value)
        if base == "Optional":
            return _annotation_name(node.slice)
        return base
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.BitOr):
        left, right = _annotation_name(node.left), _annotation_name(node.right)
        return right if left == "None" else left if right == "None" else None
    if isinstance(node, ast.Attribute):
        return node.attr
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Constant) and node.value is None:
        return "None"
    return None


_DEFAULTS: dict[str, tuple[str, ...]] = {
    "bool": ("False", "True"),
    "int": ("0", "1"),
    "float": ("0.0", "1.0"),
    "complex": ("0j",),
    "str": ("''",),
    "bytes": ("b''",),
    "list": ("[]",),
    "List": ("[]",),
    "Sequence": ("[]",),
    "MutableSequence": ("[]",),
    "Iterable": ("[]",),
    "Iterator": ("iter(())",),
    "dict": ("{}",),
    "Dict": ("{}",),
    "Mapping": ("{}",),
    "MutableMapping": ("{}",),
    "set": ("set()",),
    "Set": ("set()",),
    "AbstractSet": ("set()",),
    "MutableSet": ("set()",),
    "frozenset": ("frozenset()",),
    "FrozenSet": ("frozenset()",),
    "tuple": ("()",),
    "Tuple": ("()",),
}


def _inferred(values: list[ast.expr]) -> tuple[str, ...]:
    """Typed defaults suggested by what the function returns when it is not annotated."""
    if not values:
        return ()

    def kind(v: ast.expr) -> str | None:
        if isinstance(v, ast.Constant):
            if isinstance(v.value, bool):
                return "bool"
            return type(v.value).__name__ if isinstance(v.value, (int, float, str)) else None
        if isinstance(v, ast.Compare) or (isinstance(v, ast.UnaryOp) and isinstance(v.op, ast.Not)):
            return "bool"
        if isinstance(v, (ast.List, ast.ListComp)):
            return "list"
        if isinstance(v, (ast.Dict, ast.DictComp)):
            return "dict"
        if isinstance(v, (ast.Set, ast.SetComp)):
            return "set"
        if isinstance(v, ast.Tuple):
            return "tuple"
        if isinstance(v, ast.JoinedStr):
            return "str"
        return None

    kinds = {kind(v) for v in values}
    if len(kinds) == 1:
        only = kinds.pop()
        if only is not None:
            return _DEFAULTS[only]
    return ()


def _returns_self(fn: FunctionSource, values: list[ast.expr]) -> bool:
    args = fn.node.args.posonlyargs + fn.node.args.args
    if fn.cls is None or not args or args[0].arg != "self":
        return False
    name = _annotation_name(fn.node.returns)
    if name in ("Self", fn.cls.name):
        return True
    return any(isinstance(v, ast.Name) and v.id == "self" for v in values)


# --------------------------------------------------------------------------- extreme


def extreme_mutants(fn: FunctionSource, function_id: str, path: str) -> list[MutantSpec]:
    """Body replaced by ``return None``/typed defaults/``self``, empty body, ``raise``."""
    body = body_without_docstring(fn.node)
    if not body:
        return []
    # A decorated def or class starts at its first decorator, not at its ``def`` line.
    start = min([d.lineno for d in getattr(body[0], "decorator_list", ())] + [body[0].lineno])
    span = Span(start, body[0].col_offset, body[-1].end_lineno or 0, body[-1].end_col_offset or 0)
    old = _one_line(fn.module.segment(span))
    values = _value_returns(fn)
    replacements: list[tuple[str, str]] = []
    if _is_generator(fn):
        replacements.append(("empty-generator", "return; yield"))
    elif not values:
        replacements.append(("empty-body", "pass"))
        replacements.append(("raise", "raise RuntimeError('testvet mutant')"))
    else:
        replacements.append(("return-none", "return None"))
        if _returns_self(fn, values):
            replacements.append(("return-self", "return self"))
        name = _annotation_name(fn.node.returns)
        defaults = _DEFAULTS.get(name, ()) if name else _inferred(values)
        for value in defaults:
            replacements.append(("return-default", f"return {value}"))
    original = [ast.dump(stmt) for stmt in body]
    specs = []
    for operator, text in replacements:
        if [ast.dump(stmt) for stmt in ast.parse(text).body] == original:
            continue  # the body it would replace (``return self`` in ``__enter__``)
        suffix = operator if operator != "return-default" else f"return-{text[7:]}"
        specs.append(
            MutantSpec(
                id=f"{function_id}#{suffix}",
                function=function_id,
                path=path,
                line=span.line,
                kind=EXTREME,
                operator=operator,
                diff=f"- {old}\n+ {text}",
                source=fn.def_text(((span, text),)),
            )
        )
    return specs


# --------------------------------------------------------------------------- operators

_CMP: dict[type, type] = {
    ast.Lt: ast.LtE,
    ast.LtE: ast.Lt,
    ast.Gt: ast.GtE,
    ast.GtE: ast.Gt,
    ast.Eq: ast.NotEq,
    ast.NotEq: ast.Eq,
    ast.Is: ast.IsNot,
    ast.IsNot: ast.Is,
    ast.In: ast.NotIn,
    ast.NotIn: ast.In,
}
_ARITH: dict[type, type] = {
    ast.Add: ast.Sub,
    ast.Sub: ast.Add,
    ast.Mult: ast.Div,
    ast.Div: ast.Mult,
    ast.FloorDiv: ast.Div,
    ast.Mod: ast.Div,
    ast.Pow: ast.Mult,
    ast.LShift: ast.RShift,
    ast.RShift: ast.LShift,
    ast.BitAnd: ast.BitOr,
    ast.BitOr: ast.BitAnd,
    ast.BitXor: ast.BitAnd,
}
#: Calls whose removal says nothing about the tests (logging and printing).
_QUIET_CALLS = frozenset(
    {"print", "debug", "info", "warning", "warn", "error", "exception", "critical", "log"}
)


def _op(cls: type) -> str:
    return cls.__name__.lower()


def _called_name(call: ast.Call) -> str:
    """``print`` for ``print(...)``, ``info`` for ``log.info(...)``."""
    func = call.func
    return func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")


def _quiet_call(node: ast.AST) -> bool:
    if not (isinstance(node, ast.Expr) and isinstance(node.value, ast.Call)):
        return False
    return _called_name(node.value) in _QUIET_CALLS


def _type_argument(node: ast.AST) -> ast.expr | None:
    """The type expression of a ``typing.cast``-like call, else None."""
    if not isinstance(node, ast.Call) or not node.args:
        return None
    called = _called_name(node)
    if called == "cast":
        return node.args[0]
    if called == "assert_type" and len(node.args) > 1:
        return node.args[1]
    return None


def _skipped_subtrees(fn: FunctionSource) -> set[int]:
    """ids of nodes under docstrings and other constant statements (an attribute's
    docstring, a string as a comment: they do nothing), annotations (and the type argument
    of ``cast``), f-strings, match patterns and logging."""
    roots: list[ast.AST] = []
    if len(fn.node.body) > len(body_without_docstring(fn.node)):
        roots.append(fn.node.body[0])
    for node in _own_nodes(fn.node):
        type_argument = _type_argument(node)
        if type_argument is not None:
            roots.append(type_argument)
        if isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant):
            roots.append(node)
        elif isinstance(node, ast.AnnAssign):
            roots.append(node.annotation)
        elif isinstance(node, (ast.JoinedStr, ast.Global, ast.Nonlocal)) or _quiet_call(node):
            roots.append(node)
        elif isinstance(node, ast.match_case):
            roots.append(node.pattern)
    skip: set[int] = set()
    for root in roots:
        skip.update(id(n) for n in ast.walk(root))
    return skip


def _expr_mutations(node: ast.AST) -> Iterator[tuple[str, ast.AST, str]]:
    """(operator name, node to replace, replacement text without parentheses)."""
    if isinstance(node, ast.Compare):
        for i, op in enumerate(node.ops):
            cmp_cls = _CMP.get(type(op))
            if cmp_cls is None:
                continue
            ops = list(node.ops)
            ops[i] = cmp_cls()
            cmp = ast.Compare(left=node.left, ops=ops, comparators=node.comparators)
            yield f"cmp-{_op(type(op))}-{_op(cmp_cls)}", node, ast.unparse(cmp)
    elif isinstance(node, ast.BoolOp):
        new_op: ast.boolop = ast.Or() if isinstance(node.op, ast.And) else ast.And()
        name = "bool-and-or" if isinstance(node.op, ast.And) else "bool-or-and"
        yield name, node, ast.unparse(ast.BoolOp(op=new_op, values=node.values))
    elif isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
        yield "not-removed", node, ast.unparse(node.operand)
    elif isinstance(node, ast.BinOp) and type(node.op) in _ARITH:
        bin_cls = _ARITH[type(node.op)]
        binop = ast.BinOp(left=node.left, op=bin_cls(), right=node.right)
        yield f"arith-{_op(type(node.op))}-{_op(bin_cls)}", node, ast.unparse(binop)
    elif isinstance(node, ast.AugAssign) and type(node.op) in _ARITH:
        aug_cls = _ARITH[type(node.op)]
        aug = ast.AugAssign(target=node.target, op=aug_cls(), value=node.value)
        yield f"aug-{_op(type(node.op))}-{_op(aug_cls)}", node, ast.unparse(aug)
    elif isinstance(node, ast.Constant):
        value = node.value
        if isinstance(value, bool):
            yield "const-bool", node, repr(not value)
        elif isinstance(value, int):
            yield "const-int", node, "1" if value == 0 else "0" if value == 1 else repr(value + 1)
        elif isinstance(value, float):
            yield "const-float", node, repr(value + 1.0)
        elif isinstance(value, str) and value:
            yield "const-str-empty", node, "''"
    elif isinstance(node, ast.Expr) and isinstance(node.value, ast.Call):
        yield "call-removed", node.value, "None"
    elif isinstance(node, ast.Return) and node.value is not None:
        returned = node.value
        if not (isinstance(returned, ast.Constant) and returned.value is None):
            yield "return-value-none", returned, "None"


_COMPOUND = (ast.Compare, ast.BoolOp, ast.BinOp, ast.UnaryOp)


def _statement_lines(node: ast.FunctionDef | ast.AsyncFunctionDef) -> dict[int, int]:
    """id of each node of the body -> the first line of the innermost statement holding it
    (the node itself, for a statement)."""
    lines: dict[int, int] = {}
    stack: list[tuple[ast.AST, int]] = [(child, child.lineno) for child in node.body]
    while stack:
        child, line = stack.pop()
        if isinstance(child, ast.stmt):
            line = child.lineno
        lines[id(child)] = line
        stack.extend((grandchild, line) for grandchild in ast.iter_child_nodes(child))
    return lines


def operator_mutants(fn: FunctionSource, function_id: str, path: str) -> list[MutantSpec]:
    """One mutant per applicable operator site of the function's own body."""
    skip = _skipped_subtrees(fn)
    nodes = [n for n in _own_nodes(fn.node) if id(n) not in skip and hasattr(n, "lineno")]
    nodes.sort(key=lambda n: (n.lineno, n.col_offset))  # type: ignore[attr-defined]
    def_line = fn.def_line
    specs: list[MutantSpec] = []
    seen: dict[str, int] = {}
    statement = _statement_lines(fn.node)
    for node in nodes:
        for operator, target, text in _expr_mutations(node):
            span = Span.of(target)
            code = f"({text})" if isinstance(target, _COMPOUND) else text
            source = fn.def_text(((span, code),))
            shown = fn.def_text(((span, text),)).splitlines()
            index = span.line - def_line
            new = shown[index].strip() if 0 <= index < len(shown) else text
            old = fn.module.line_text(span.line).strip()
            base = f"{function_id}#{operator}@{span.line}:{span.col}"
            n = seen.get(base, 0)
            seen[base] = n + 1
            specs.append(
                MutantSpec(
                    id=base if n == 0 else f"{base}#{n}",
                    function=function_id,
                    path=path,
                    line=span.line,
                    kind=OPERATOR,
                    operator=operator,
                    diff=f"- {old}\n+ {new}",
                    source=source,
                    end_line=span.end_line,
                    stmt_line=statement.get(id(target), span.line),
                )
            )
    return specs
