"""The mock rules: misspelled or misused mock assertions (TV112) and mocked units (TV114)."""

from __future__ import annotations

import ast
from typing import TYPE_CHECKING

from testvet.static.astutil import dotted, last_name, walk
from testvet.static.checks import MOCK_ASSERTS, SILENT_MOCK_NAMES
from testvet.static.shapes import def_anchor

if TYPE_CHECKING:
    from testvet.static.scan import TestScan

_MOCK_STATE_ATTRS = frozenset(
    {"called", "call_count", "call_args", "call_args_list", "mock_calls", "method_calls"}
)
_PATCH_CALLEES = frozenset({"patch", "object", "setattr", "multiple", "dict"})


def mock_attr(scan: TestScan, node: ast.Attribute) -> None:
    attr = node.attr
    if attr in SILENT_MOCK_NAMES:
        scan.report(
            "TV112",
            node,
            f"{scan.test.node.name}: `.{attr}` is not a mock assertion; on a Mock it "
            f"silently returns a new Mock. Use `.assert_{attr}(...)`.",
        )
    elif (
        attr.startswith(("assert", "assret", "asert", "aseert", "assrt"))
        and ("call" in attr or "await" in attr)
        and attr not in MOCK_ASSERTS
        and not scan.ctx.index.defines(attr)
    ):
        import difflib

        close = difflib.get_close_matches(attr, sorted(MOCK_ASSERTS), n=1, cutoff=0.8)
        if close:
            scan.report(
                "TV112",
                node,
                f"{scan.test.node.name}: `.{attr}` is a misspelling of `.{close[0]}`.",
            )


def mock_state_assert(scan: TestScan, stmt: ast.Assert) -> None:
    attrs = {n.attr for n in walk(stmt.test) if isinstance(n, ast.Attribute)}
    if attrs & _MOCK_STATE_ATTRS:
        scan.mock_only_asserts += 1


def note_direct_call(scan: TestScan, call: ast.Call) -> None:
    """A call that is a whole statement's value: the test's own action, not an argument."""
    name = last_name(call.func)
    if name:
        receiver = call.func.value if isinstance(call.func, ast.Attribute) else None
        owner = last_name(receiver) if receiver is not None else None
        scan.called.add((name, owner))


def note_patch(scan: TestScan, call: ast.Call) -> None:
    """Remember the name a ``patch(...)``/``patch.object``/``setattr`` call replaces."""
    name = dotted(call.func, scan.aliases) or ""
    last = name.rsplit(".", 1)[-1]
    if last not in _PATCH_CALLEES or not ("patch" in name or "setattr" in name):
        return
    if last == "patch" and call.args:
        target = call.args[0]
        if (
            isinstance(target, ast.Constant)
            and isinstance(target.value, str)
            and not target.value.startswith("builtins.")  # open, print: collaborators
        ):
            parts = target.value.split(".")
            scan.patched.add((parts[-1], parts[-2] if len(parts) > 1 else None))
    elif last in ("object", "setattr") and len(call.args) >= 2:
        target = call.args[1]
        if isinstance(target, ast.Constant) and isinstance(target.value, str):
            scan.patched.add((target.value, last_name(call.args[0])))


def has_calls_misuse(scan: TestScan, call: ast.Call) -> None:
    if last_name(call.func) == "assert_has_calls" and call.args:
        arg = call.args[0]
        if isinstance(arg, ast.Call) and last_name(arg.func) == "call":
            scan.report(
                "TV112",
                call,
                f"{scan.test.node.name}: assert_has_calls takes a list of calls; given one "
                "`call(...)` it checks the wrong thing. Use assert_any_call or a list.",
            )


def mocked_unit(scan: TestScan) -> None:
    if not scan.patched or scan.counts.get("assert-stmt", 0) > scan.mock_only_asserts:
        return
    other = sum(v for k, v in scan.counts.items() if k not in ("mock", "assert-stmt"))
    if other:
        return
    # send() after patch("pkg.mod.send"), or mod.send() / Obj.send() on the patched owner;
    # retry.sleep() after patch("time.sleep") is another function.
    unit = {
        name
        for name, owner in scan.patched
        for called, receiver in scan.called
        if called == name and receiver in (None, owner)
    }
    if unit:
        name = sorted(unit)[0]
        scan.report(
            "TV114",
            scan.test.node,
            f"{scan.test.node.name} patches `{name}` and then calls it: its only checks "
            "are on the mock, so the real unit is never tested.",
            anchor=def_anchor(scan.test.node),
        )
