"""The raises rules: too broad (TV109), a block that cannot raise (TV110), checks after
the raising statement (TV111)."""

from __future__ import annotations

import ast
from typing import TYPE_CHECKING

from testvet.static.astutil import dotted, keyword, last_name, walk
from testvet.static.checks import Kind
from testvet.static.shapes import cannot_raise, exc_args

if TYPE_CHECKING:
    from testvet.static.scan import TestScan


def raises_block(scan: TestScan, stmt: ast.With | ast.AsyncWith, call: ast.Call) -> None:
    """TV110 for a block that cannot raise, TV111 for checks after the raising statement."""
    body = stmt.body
    position = next(i for i, item in enumerate(stmt.items) if item.context_expr is call)
    # Context managers listed after the raises item are entered inside it: they can raise.
    later_items = stmt.items[position + 1 :]
    if not later_items and all(cannot_raise(s) for s in body):
        scan.report(
            "TV110",
            stmt,
            f"{scan.test.node.name}: nothing in this `{ast.unparse(call.func)}` block can "
            "raise, so the expected exception never comes from the code under test.",
            anchor=call,
        )
        return
    expected = {(last_name(a) or "") for a in exc_args(call)}
    if expected & {"AssertionError", "Exception", "BaseException", "Failed"}:
        return
    first = next((i for i, s in enumerate(body) if not cannot_raise(s)), None)
    if first is None:
        return
    for later in body[first + 1 :]:
        if is_check_stmt(later, scan):
            scan.report(
                "TV111",
                later,
                f"{scan.test.node.name}: this check sits after the statement expected to "
                "raise, so it never runs.",
            )
            return


def inspected(scan: TestScan, target: ast.expr | None) -> bool:
    """True when ``with pytest.raises(...) as e`` is followed by a look at ``e``."""
    if not isinstance(target, ast.Name):
        return False
    uses = [
        n
        for n in walk(scan.test.node)
        if isinstance(n, ast.Name) and n.id == target.id and isinstance(n.ctx, ast.Load)
    ]
    return bool(uses)


def broad_raises(scan: TestScan, call: ast.Call) -> None:
    """TV109: ``pytest.raises(Exception)`` / ``assertRaises(Exception)`` without a message match."""
    args = exc_args(call)
    if len(args) != 1:
        return
    name = dotted(args[0], {}) or ""  # pytest.fail.Exception is not Exception
    if name.removeprefix("builtins.") not in ("Exception", "BaseException"):
        return
    if keyword(call, "match") is not None or last_name(call.func) in (
        "assertRaisesRegex",
        "assertRaisesRegexp",
    ):
        return
    scan.report(
        "TV109",
        call,
        f"{scan.test.node.name}: `{ast.unparse(call)[:60]}` passes on any error, "
        "including a TypeError or typo in the test itself.",
    )


def is_check_stmt(stmt: ast.stmt, scan: TestScan) -> bool:
    """An assert statement or a call of a named assertion (not a helper found by name)."""
    if isinstance(stmt, ast.Assert):
        return True
    if isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Call):
        kind = scan.ctx.index.call_kind(stmt.value, scan.aliases)
        return kind in (Kind.ASSERT, Kind.MOCK)  # not HELPER: found by name, less sure
    return False
