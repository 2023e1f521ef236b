"""One pass over one test function: control flow, checks, and every rule's evidence.

The walker visits each statement once, tracking whether it runs unconditionally, inside
a ``pytest.raises`` block, inside a ``try`` that swallows assertion errors, after a
``return``... Each statement kind feeds the rules that care about it; the test-level rules
(no check, checks only conditional, mocked unit) are decided when the walk ends.
"""

from __future__ import annotations

import ast
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

from testvet.static import mocks, nondet, raises, verdict
from testvet.static.astutil import (
    FunctionNode,
    add_import,
    arg_names,
    const_truthy,
    decorator_names,
    dotted,
    has_yield,
    last_name,
    negates,
    parametrize_argnames,
    walk,
)
from testvet.static.checks import (
    Kind,
    always_true,
    base_kind,
    is_skip_call,
    is_skip_raise,
)
from testvet.static.collect import TestFunction
from testvet.static.context import ModuleContext
from testvet.static.helpers import summarize
from testvet.static.shapes import (
    class_nonempty,
    enters_callable,
    is_predicate,
    only_pass,
    range_nonempty,
    xfail_marks,
)

_BROAD = frozenset({"Exception", "BaseException", "AssertionError"})
_CLEANUP = (
    "close",
    "remove",
    "unlink",
    "rmtree",
    "rmdir",
    "kill",
    "terminate",
    "stop",
    "shutdown",
    "cleanup",
    "clean",
    "delete",
    "join",
    "cancel",
    "disconnect",
    "release",
    "unregister",
    "reset",
    "teardown",
    "tearDown",
    "wait",
    "flush",
    "exit",
)
#: Words in a test's name or docstring that say "not raising is the check".


@dataclass(frozen=True)
class State:
    """Where the walker is, as far as the rules care."""

    #: The statement may not run (under if, in a loop over a maybe-empty iterable, ...).
    conditional: bool = False
    #: The statement never runs (after a return).
    unreachable: bool = False
    #: Inside the block of a checking context manager (raises, warns, assertNumQueries...).
    raises: Kind | None = None
    #: The enclosing try swallows AssertionError: the try node.
    swallow: ast.AST | None = None
    #: ... and BaseException too (bare except): pytest.fail/raises are swallowed as well.
    swallow_base: bool = False
    #: Inside a try body whose handlers catch something (bare comparisons are then the point).
    expects_error: bool = False
    #: Inside an except handler catching Exception/BaseException/everything.
    broad_handler: bool = False
    #: Inside an except handler (any).
    handler: bool = False
    #: Inside a loop.
    loop: bool = False


@dataclass(frozen=True)
class Flow:
    """What a block is known to do whenever it runs."""

    #: It definitely performs a check.
    checks: bool = False
    #: It definitely fails (raise, pytest.fail, assert False).
    fails: bool = False


@dataclass
class TestScan:
    """The walk over one test function."""

    __test__ = False

    ctx: ModuleContext
    test: TestFunction
    nodeid: str = ""
    aliases: dict[str, str] = field(default_factory=dict)
    params: set[str] = field(default_factory=set)
    fixtures: list[str] = field(default_factory=list)
    local_checking: set[str] = field(default_factory=set)
    nonempty_names: set[str] = field(default_factory=set)
    #: Counted checks by kind (reachable, not swallowed).
    counts: dict[str, int] = field(default_factory=dict)
    #: Checks counted outside any ``except`` handler.
    outside_handlers: int = 0
    trivial: list[tuple[ast.Assert, str]] = field(default_factory=list)
    reported: set[tuple[str, int]] = field(default_factory=set)
    #: (function name, owner module/object name) replaced by patch()/setattr().
    patched: set[tuple[str, str | None]] = field(default_factory=set)
    #: (function name, receiver name) of calls that are whole statements.
    called: set[tuple[str, str | None]] = field(default_factory=set)
    mock_only_asserts: int = 0
    seen_check: bool = False
    nd: nondet.Tracker | None = None
    class_nonempty: set[str] = field(default_factory=set)
    #: Functions defined in this module or test (they shadow library names like ``raises``).
    defined: set[str] = field(default_factory=set)

    # ------------------------------------------------------------------ entry

    def run(self) -> None:
        node = self.test.node
        self.nodeid = self.test.nodeid(self.ctx.path)
        self.aliases = dict(self.ctx.aliases)
        self.params = parametrize_argnames(node, self.aliases)
        self.fixtures = [a for a in arg_names(node) if a not in self.params]
        self.nonempty_names = set(self.ctx.nonempty_names) | self.params
        self.class_nonempty = class_nonempty(self.test.owner)
        self.defined = set(self.ctx.functions)
        decorators = decorator_names(node, self.aliases)
        owner = self.test.owner  # a class decorator (``@freeze_time``) applies to it too
        around = decorator_names(owner, self.aliases) if owner is not None else []
        self.nd = nondet.Tracker(self.ctx, self, [*decorators, *around], self.fixtures)
        self._xfail(node)
        flow = self.block(node.body, State())
        verdict.finish(self, flow, decorators)

    # ------------------------------------------------------------------ reporting

    def report(self, code: str, node: ast.AST, message: str, **kw: object) -> None:
        key = (code, getattr(node, "lineno", 0))
        if key in self.reported:
            return
        self.reported.add(key)
        self.ctx.report(code, node, message, self.nodeid, def_line=self.test.node.lineno, **kw)  # type: ignore[arg-type]

    def record(self, node: ast.AST, st: State, kind: Kind | str) -> bool:
        """Note a check at ``node``; True when it counts (reachable and not swallowed)."""
        if st.unreachable:
            self.report(
                "TV103",
                node,
                f"{self.test.node.name}: this check comes after a return and never runs.",
            )
            return False
        base_only = kind in (Kind.RAISES, Kind.WARNS, Kind.FAIL, "raise")
        # A helper found by name may not raise AssertionError at all: not claimed as swallowed.
        sure = kind is not Kind.HELPER
        if st.swallow is not None and sure and (st.swallow_base or not base_only):
            self.report(
                "TV104",
                node,
                f"{self.test.node.name}: the except around this check catches its "
                "AssertionError, so the test passes even when the check fails.",
            )
            return False
        key = kind.value if isinstance(kind, Kind) else kind
        self.counts[key] = self.counts.get(key, 0) + 1
        if not st.handler:
            self.outside_handlers += 1
        name = last_name(node.func) if isinstance(node, ast.Call) else None
        if kind in ("assert-stmt", Kind.MOCK) or (name or "").startswith("assert"):
            self.seen_check = True  # an assertion, not a probe like run(check=True)
        return True

    # ------------------------------------------------------------------ blocks

    def block(self, stmts: list[ast.stmt], st: State) -> Flow:
        checks = fails = False
        for stmt in stmts:
            flow = self.stmt(stmt, st)
            checks = checks or flow.checks
            fails = fails or flow.fails
            if isinstance(stmt, ast.Return) and not st.unreachable:
                st = replace(st, unreachable=True)
        return Flow(checks, fails)

    def stmt(self, stmt: ast.stmt, st: State) -> Flow:
        if isinstance(stmt, ast.Assert):
            return self.visit_assert(stmt, st)
        if isinstance(stmt, ast.Expr):
            return self.expr_stmt(stmt, st)
        if isinstance(stmt, ast.If):
            return self.if_(stmt, st)
        if isinstance(stmt, ast.For | ast.AsyncFor):
            return self.for_(stmt, st)
        if isinstance(stmt, ast.While):
            truthy = const_truthy(stmt.test) is True
            head = self.expr(stmt.test, st) is not None
            inner = replace(st, conditional=st.conditional or not truthy, loop=True)
            body = self.block(stmt.body, inner)
            self.block(stmt.orelse, replace(st, conditional=True))
            searched = self.block_fails(stmt.orelse)  # passes only by a break
            return Flow(checks=head or (body.checks and truthy) or searched)
        if isinstance(stmt, ast.Try) or type(stmt).__name__ == "TryStar":
            return self.try_(stmt, st)  # type: ignore[arg-type]
        if isinstance(stmt, ast.With | ast.AsyncWith):
            return self.with_(stmt, st)
        if isinstance(stmt, ast.Return):
            return self.return_(stmt, st)
        if isinstance(stmt, ast.Raise):
            if is_skip_raise(stmt, self.aliases):
                self._skip(stmt, st)
                return Flow()
            for sub in (stmt.exc, stmt.cause):
                if sub is not None:
                    self.expr(sub, st)
            if not _raises_assertion(stmt):
                # `raise ValueError(...)` in a try builds the exception its handler is
                # there for (to log or describe it): not a check the handler swallows.
                st = replace(st, swallow=None)
            counted = self.record(stmt, st, "raise")
            return Flow(checks=counted, fails=True)
        if isinstance(stmt, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            return self.nested(stmt, st)
        if isinstance(stmt, ast.Assign | ast.AnnAssign | ast.AugAssign):
            value = stmt.value
            if isinstance(value, ast.Call):
                mocks.note_direct_call(self, value)
            found = value is not None and self.expr(value, st) is not None
            targets: Sequence[ast.expr] = (
                stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target]
            )
            for target in targets:
                if not isinstance(target, ast.Name):
                    self.expr(target, st)
            assert self.nd is not None
            self.nd.assign(targets, value)
            if isinstance(stmt, ast.AugAssign) and isinstance(stmt.op, ast.Add):
                # ``items += more``: a non-empty sequence stays non-empty, whatever more is
                if not (
                    isinstance(stmt.target, ast.Name) and stmt.target.id in self.nonempty_names
                ):
                    self._track_nonempty(targets, value)
            else:
                self._track_nonempty(targets, value)
            return Flow(checks=found)
        if isinstance(stmt, ast.Import | ast.ImportFrom):
            add_import(stmt, self.aliases)
            return Flow()
        if isinstance(stmt, ast.Match):
            return self.match_(stmt, st)
        found = False
        for child in ast.iter_child_nodes(stmt):
            if isinstance(child, ast.expr):
                found = self.expr(child, st) is not None or found
        return Flow(checks=found)

    def _track_nonempty(self, targets: Sequence[ast.expr], value: ast.expr | None) -> None:
        names = [t.id for t in targets if isinstance(t, ast.Name)]
        if not names:
            return
        keep = value is not None and (const_truthy(value) or self.nonempty(value))
        for name in names:
            if keep:
                self.nonempty_names.add(name)
            else:
                self.nonempty_names.discard(name)

    # ------------------------------------------------------------------ statements

    def visit_assert(self, stmt: ast.Assert, st: State) -> Flow:
        self.expr(stmt.test, st, in_assert=True)
        if stmt.msg is not None:
            self.expr(stmt.msg, st)
        assert self.nd is not None
        self.nd.assertion(stmt, stmt.test)
        reason = always_true(stmt.test)
        if reason is not None:
            if isinstance(stmt.test, ast.Tuple):
                self.report(
                    "TV107", stmt, f"{self.test.node.name}: this assert can never fail: {reason}."
                )
            else:
                self.trivial.append((stmt, reason))
            return Flow()
        if const_truthy(stmt.test) is False:
            # `assert False` raises on purpose (inside a try it builds an exception).
            counted = self.record(stmt, replace(st, swallow=None), "raise")
            return Flow(checks=counted, fails=True)
        counted = self.record(stmt, st, "assert-stmt")
        mocks.mock_state_assert(self, stmt)
        fails = const_truthy(stmt.test) is False
        return Flow(checks=counted, fails=fails)

    def expr_stmt(self, stmt: ast.Expr, st: State) -> Flow:
        value = stmt.value
        if isinstance(value, ast.Compare) and not (st.raises or st.expects_error):
            self.report(
                "TV108",
                stmt,
                f"{self.test.node.name}: `{ast.unparse(value)[:60]}` is computed and thrown "
                "away; without `assert` it checks nothing.",
            )
        if (
            isinstance(value, ast.Call)
            and not (st.raises or st.expects_error)
            and is_predicate(value, self.aliases)
        ):
            self.report(
                "TV108",
                stmt,
                f"{self.test.node.name}: `{ast.unparse(value)[:60]}` returns a bool that is "
                "thrown away; without `assert` it checks nothing.",
            )
        if isinstance(value, ast.Attribute):
            attr = value.attr
            if attr.startswith("assert") or (attr == "fail" and dotted(value, self.aliases)):
                name = dotted(value, self.aliases) or attr
                if name in ("pytest.fail",) or attr.startswith("assert"):
                    self.report(
                        "TV113",
                        stmt,
                        f"{self.test.node.name}: `{ast.unparse(value)[:60]}` is referenced "
                        "but never called, so it checks nothing.",
                    )
        if isinstance(value, ast.Call):
            return self.call_stmt(stmt, value, st)
        if isinstance(value, ast.Await) and isinstance(value.value, ast.Call):
            return self.call_stmt(stmt, value.value, st)
        found = self.expr(value, st)
        return Flow(checks=found is not None)

    def call_stmt(self, stmt: ast.Expr, call: ast.Call, st: State) -> Flow:
        mocks.note_direct_call(self, call)
        direct = self.kind(call)
        never_entered = not enters_callable(call)
        if direct in (Kind.RAISES, Kind.WARNS) and never_entered and st.raises is None:
            self.expr(call, st, count=False)
            what = "raise" if direct is Kind.RAISES else "warn or log"
            self.report(
                "TV110",
                stmt,
                f"{self.test.node.name}: `{ast.unparse(call.func)}(...)` without `with` or a "
                f"callable is never entered, so nothing is expected to {what}.",
            )
            return Flow()
        kind = self.expr(call, st)
        if is_skip_call(call, self.aliases):
            self._skip(call, st)
            return Flow()
        counted = kind is not None
        fails = direct is Kind.FAIL
        return Flow(checks=counted, fails=fails)

    def if_(self, stmt: ast.If, st: State) -> Flow:
        head = self.expr(stmt.test, st) is not None
        truth = const_truthy(stmt.test)
        seen_before = self.seen_check
        body = self.block(stmt.body, replace(st, conditional=st.conditional or truth is not True))
        seen_in_body, self.seen_check = self.seen_check, seen_before  # else is not "after" if
        orelse = self.block(stmt.orelse, replace(st, conditional=True))
        self.seen_check = self.seen_check or seen_in_body
        if not body.fails and any(
            isinstance(s, ast.Assert) and negates(stmt.test, s.test) for s in stmt.body
        ):
            body = Flow(checks=body.checks, fails=True)  # ``if not ok: assert ok``
        checks = (
            head or (body.checks and (orelse.checks or truth is True)) or body.fails or orelse.fails
        )
        return Flow(checks=checks, fails=body.fails and orelse.fails)

    def match_(self, stmt: ast.Match, st: State) -> Flow:
        """Cases are branches, as ``if``/``elif``/``else`` are: one that fails makes a
        check; so do checks in every case of a match whose last case takes any value."""
        head = self.expr(stmt.subject, st) is not None
        seen_before = seen_in_cases = self.seen_check
        flows = []
        for case in stmt.cases:
            self.seen_check = seen_before  # a case is not "after" another
            flows.append(self.block(case.body, replace(st, conditional=True)))
            seen_in_cases = seen_in_cases or self.seen_check
        self.seen_check = seen_in_cases
        exhaustive = bool(stmt.cases) and _irrefutable(stmt.cases[-1])
        checks = (
            head or any(f.fails for f in flows) or (exhaustive and all(f.checks for f in flows))
        )
        return Flow(checks=checks, fails=exhaustive and all(f.fails for f in flows))

    def for_(self, stmt: ast.For | ast.AsyncFor, st: State) -> Flow:
        head = self.expr(stmt.iter, st) is not None
        nonempty = self.nonempty(stmt.iter)
        inner = replace(st, conditional=st.conditional or not nonempty, loop=True)
        body = self.block(stmt.body, inner)
        self.block(stmt.orelse, replace(st, conditional=True))
        # A search loop whose ``else`` fails (it runs when no ``break`` ran, on an empty
        # iterable too): the test passes only by finding what it looks for.
        searched = self.block_fails(stmt.orelse)
        return Flow(checks=head or (body.checks and nonempty) or searched)

    def try_(self, stmt: ast.Try, st: State) -> Flow:
        handlers = stmt.handlers
        swallow_node: ast.AST | None = None
        swallow_base = False
        else_fails = self.block_fails(stmt.orelse)
        for handler in handlers:
            caught = self.caught(handler)
            if caught & _BROAD and not self.handles(handler) and not else_fails:
                swallow_node = stmt
                swallow_base = swallow_base or bool(caught & {"BaseException"})
        inner = st
        if swallow_node is not None:
            inner = replace(inner, swallow=swallow_node, swallow_base=swallow_base)
        if handlers:
            inner = replace(inner, expects_error=True)
        body = self.block(stmt.body, inner)
        for handler in handlers:
            if handler.type is not None:
                self.expr(handler.type, st)
            caught = self.caught(handler)
            broad = bool(caught & {"Exception", "BaseException"})
            hst = replace(
                st, conditional=True, handler=True, broad_handler=broad or st.broad_handler
            )
            self.block(handler.body, hst)
            if broad and only_pass(handler.body):
                self._swallowed_call(stmt, handler)
        orelse = self.block(stmt.orelse, st)
        final = self.block(stmt.finalbody, st)
        swallowed = swallow_node is not None
        checks = (
            (not swallowed and (body.checks or body.fails))
            or (swallowed and not swallow_base and body.fails)
            or orelse.checks
            or orelse.fails
            or final.checks
        )
        return Flow(checks=checks)

    def with_(self, stmt: ast.With | ast.AsyncWith, st: State) -> Flow:
        kind: Kind | None = None
        inner = st
        for item in stmt.items:
            expr = item.context_expr
            self.expr(expr, st, count=False)
            if not isinstance(expr, ast.Call):
                continue
            mocks.note_patch(self, expr)
            item_kind = self.kind(expr)
            name = dotted(expr.func, self.aliases) or ""
            if name in ("contextlib.suppress", "suppress") or name.endswith(".suppress"):
                caught = {dotted(a, {}) or "" for a in expr.args}
                caught = {c.rsplit(".", 1)[-1] for c in caught}
                if caught & _BROAD:
                    inner = replace(
                        inner, swallow=stmt, swallow_base=bool(caught & {"BaseException"})
                    )
            if item_kind is Kind.RAISES and not raises.inspected(self, item.optional_vars):
                raises.broad_raises(self, expr)
            if item_kind in (Kind.RAISES, Kind.WARNS):
                kind = item_kind
                if self.record(expr, st, item_kind) and item_kind is Kind.RAISES:
                    raises.raises_block(self, stmt, expr)
            elif item_kind is not None:
                self.record(expr, st, item_kind)
                kind = kind or item_kind
        if kind is not None:
            # Inside raises/warns/assertNumQueries...: evaluating an expression is the point.
            inner = replace(inner, raises=kind)
        body = self.block(stmt.body, inner)
        return Flow(checks=kind is not None or body.checks)

    def return_(self, stmt: ast.Return, st: State) -> Flow:
        value = stmt.value
        if value is not None:
            self.expr(value, st)
        if value is None or (isinstance(value, ast.Constant) and value.value is None):
            return Flow()
        if not has_yield(self.test.node):
            self.report(
                "TV106",
                stmt,
                f"{self.test.node.name} returns `{ast.unparse(value)[:60]}` instead of "
                "asserting it; pytest ignores the returned value.",
            )
        return Flow()

    def nested(
        self, stmt: ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef, st: State
    ) -> Flow:
        """A function defined in the test: its checks count when it is used (callback)."""
        self.defined.add(stmt.name)
        funcs = (
            [stmt]
            if not isinstance(stmt, ast.ClassDef)
            else [s for s in walk(stmt) if isinstance(s, ast.FunctionDef | ast.AsyncFunctionDef)]
        )
        checking = False
        for func in funcs:
            summary = summarize(func, self.aliases)
            if summary.direct or any(self.ctx.index.checks(c) for c in summary.callees):
                checking = True
                self.local_checking.add(func.name)
        if checking:
            self.local_checking.add(stmt.name)
            counted = self.record(stmt, st, Kind.HELPER)
            return Flow(checks=counted)
        return Flow()

    # ------------------------------------------------------------------ expressions

    def expr(
        self, node: ast.expr, st: State, *, in_assert: bool = False, count: bool = True
    ) -> Kind | None:
        """Visit the calls of an expression; returns the first check kind found."""
        found: Kind | None = None
        assert self.nd is not None
        for sub in walk(node):
            if isinstance(sub, ast.Attribute):
                mocks.mock_attr(self, sub)
                continue
            if not isinstance(sub, ast.Call):
                continue
            name = last_name(sub.func)
            self.nd.call(sub, st)
            mocks.note_patch(self, sub)
            if name == "assert_has_calls":
                mocks.has_calls_misuse(self, sub)
            if is_skip_call(sub, self.aliases) and sub is not node:
                self._skip(sub, st)
            if in_assert:
                continue
            kind = self.kind(sub)
            if kind is None:
                continue
            if kind is Kind.FAIL and st.handler:
                continue  # failing in an except handler words what the exception did anyway
            if kind is Kind.RAISES and not count:
                continue
            if kind is Kind.RAISES:
                raises.broad_raises(self, sub)
            if count and self.record(sub, st, kind):
                found = found or kind
                if kind is Kind.MOCK:
                    self.mock_only_asserts += 1
        return found

    def kind(self, call: ast.Call) -> Kind | None:
        """The check kind of a call, knowing the names this module and test define.

        A local ``def raises(): ...`` is not ``pytest.raises``: a local function named like
        pytest's raises/warns/fail is judged by what its body does. (A local ``assert_*``
        keeps its name's meaning: the name states the intent.)
        """
        func = call.func
        if (
            isinstance(func, ast.Name)
            and func.id in self.defined
            and func.id not in self.aliases
            and base_kind(call, self.aliases) in (Kind.RAISES, Kind.WARNS, Kind.FAIL)
        ):
            name = func.id
            if name in self.local_checking or self.ctx.index.checks(name, plain=True):
                return Kind.HELPER
            return None
        return self.ctx.index.call_kind(call, self.aliases, self._callables())

    def _callables(self) -> set[str]:
        return self.local_checking | self.params

    # ------------------------------------------------------------------ helpers

    def nonempty(self, it: ast.expr) -> bool:
        """True when the iterable is known not to be empty."""
        truth = const_truthy(it)
        if truth is not None:
            return truth
        if isinstance(it, ast.Name):
            # CamelCase: a class (an Enum); UPPER_CASE: a constant, most likely imported.
            return it.id in self.nonempty_names or (it.id[:1].isupper() and len(it.id) > 1)
        if isinstance(it, ast.Attribute):
            if isinstance(it.value, ast.Name) and it.value.id in ("self", "cls"):
                return it.attr in self.class_nonempty or it.attr.isupper()
            return it.attr.isupper() and len(it.attr) > 1
        if isinstance(it, ast.ListComp | ast.GeneratorExp | ast.SetComp | ast.DictComp):
            gen = it.generators[0]
            return not gen.ifs and self.nonempty(gen.iter)
        if isinstance(it, ast.BinOp) and isinstance(it.op, ast.Add):
            return self.nonempty(it.left) or self.nonempty(it.right)
        if isinstance(it, ast.Call):
            name = last_name(it.func)
            if name == "range":
                return range_nonempty(it.args)
            if name in ("enumerate", "sorted", "reversed", "list", "tuple", "set", "iter"):
                return bool(it.args) and self.nonempty(it.args[0])
            if name in ("permutations", "combinations", "combinations_with_replacement"):
                return bool(it.args) and self.nonempty(it.args[0])
            if name in ("zip", "product", "chain"):
                return bool(it.args) and all(self.nonempty(a) for a in it.args)
            if name in ("items", "keys", "values") and isinstance(it.func, ast.Attribute):
                return self.nonempty(it.func.value)
        return False

    def caught(self, handler: ast.ExceptHandler) -> set[str]:
        """Exception class names a handler catches; a bare except is BaseException."""
        if handler.type is None:
            return {"BaseException"}
        types = handler.type.elts if isinstance(handler.type, ast.Tuple) else [handler.type]
        # Full dotted names: pytest.exit.Exception is not Exception.
        return {(dotted(t, {}) or "").removeprefix("builtins.") for t in types}

    def handles(self, handler: ast.ExceptHandler) -> bool:
        """True when the handler re-raises, fails, checks or keeps the error for later."""
        for sub in walk(ast.Module(body=handler.body, type_ignores=[])):
            if handler.name and isinstance(sub, ast.Name) and sub.id == handler.name:
                # errors.append(exc) / self.error = exc: the test looks at it afterwards.
                return True
            if isinstance(sub, ast.Raise):
                return True
            if isinstance(sub, ast.Assert) and always_true(sub.test) is None:
                return True
            if isinstance(sub, ast.Call) and self.kind(sub):
                return True
            if isinstance(sub, ast.Call) and is_skip_call(sub, self.aliases):
                return True
        return False

    def block_fails(self, stmts: list[ast.stmt]) -> bool:
        for stmt in stmts:
            if isinstance(stmt, ast.Raise):
                return True
            if isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Call):
                kind = self.kind(stmt.value)
                if kind is Kind.FAIL:
                    return True
            if isinstance(stmt, ast.Assert) and const_truthy(stmt.test) is False:
                return True
        return False

    def _swallowed_call(self, stmt: ast.Try, handler: ast.ExceptHandler) -> None:
        nodes = [n for s in stmt.body if not isinstance(s, ast.Raise) for n in walk(s)]
        calls = [c for c in nodes if isinstance(c, ast.Call)]
        if not calls or any(isinstance(n, ast.Assert) for n in nodes):
            return
        for call in calls:
            name = last_name(call.func) or ""
            if self.kind(call):
                return
            if any(name.startswith(p) or name.endswith(p) for p in _CLEANUP):
                return
        what = "everything" if handler.type is None else ast.unparse(handler.type)
        self.report(
            "TV105",
            stmt,
            f"{self.test.node.name}: `except {what}: pass` around "
            f"`{ast.unparse(calls[0].func)[:40]}(...)` hides any error of the call under test.",
        )

    def _skip(self, node: ast.AST, st: State) -> None:
        if st.expects_error:
            return  # skip() raised to be caught right here (testing the skip itself)
        if st.broad_handler:
            self.report(
                "TV116",
                node,
                f"{self.test.node.name}: skipping inside a broad except turns any error of the "
                "code under test into a skip.",
            )
        elif self.seen_check and not st.handler:
            self.report(
                "TV117",
                node,
                f"{self.test.node.name}: this skip comes after the test has already run its "
                "checks, so a failing outcome can end as a skip.",
            )

    def _xfail(self, node: FunctionNode) -> None:
        if self.ctx.xfail_strict:
            return
        for dec in node.decorator_list:
            for sub in xfail_marks(dec, self.aliases):
                self.report(
                    "TV115",
                    sub,
                    f"{self.test.node.name}: xfail without strict=True passes whether the bug is "
                    "fixed or not, so this test cannot fail the build.",
                )
                return


def _raises_assertion(stmt: ast.Raise) -> bool:
    """Whether ``stmt`` raises a test failure: ``AssertionError`` (unittest's
    ``self.failureException`` too), or re-raises what it caught."""
    exc = stmt.exc
    if exc is None:
        return True
    if isinstance(exc, ast.Call):
        exc = exc.func
    name = exc.id if isinstance(exc, ast.Name) else getattr(exc, "attr", None)
    return name in ("AssertionError", "failureException")


def _irrefutable(case: ast.match_case) -> bool:
    """``case _:`` or ``case name:`` (no guard): the case takes any value."""
    pattern = case.pattern
    while isinstance(pattern, ast.MatchAs) and pattern.pattern is not None:
        pattern = pattern.pattern  # ``case (_ as whole):``
    if isinstance(pattern, ast.MatchOr):
        return case.guard is None and any(
            _irrefutable(ast.match_case(pattern=p, guard=None, body=[])) for p in pattern.patterns
        )
    return case.guard is None and isinstance(pattern, ast.MatchAs) and pattern.pattern is None
