"""What can be swapped in memory is mutated; what cannot is skipped with its reason."""

from __future__ import annotations

import pytest
from mutate_helpers import PROJECTS, SWAP_MODULES, SWAP_REACHED, context, make_audit

from testvet.model import Audit, Category, MutantStatus
from testvet.mutate import stage
from testvet.mutate.isolation import ORDER_DEPENDENT

ROOT = PROJECTS / "mut_swap"


@pytest.fixture(scope="module")
def swapped(tmp_path_factory: pytest.TempPathFactory) -> Audit:
    mutation = {"mode": "full", "paths": {"src/swap/core.py": 0}}
    audit = make_audit(ROOT, SWAP_MODULES, SWAP_REACHED, mutation)
    return stage.run(audit, context(tmp_path_factory.mktemp("out"), ROOT))


def test_hidden_and_replaced_functions_are_skipped_with_reasons(swapped: Audit) -> None:
    assert swapped.mutation is not None
    reasons = {s.function: s.reason for s in swapped.mutation.skipped}
    assert reasons["swap.core.hidden"] == (
        "cannot swap in memory: not a Python function in memory (_Hider: C extension, "
        "builtin or a decorator that hides it)"
    )
    assert reasons["swap.core.replaced"].startswith(
        "cannot swap in memory: a decorator replaced it and does not expose the original"
    )
    # Deleted from its class and alive nowhere (a name of it alone is not enough).
    assert reasons["swap.core.Frozen._size"] == (
        "cannot swap in memory: '_size' not found when importing the module"
    )
    mutated = {m.function for m in swapped.mutation.mutants}
    assert not mutated & {"swap.core:hidden", "swap.core:replaced", "swap.core:Frozen._size"}


@pytest.mark.parametrize(
    "function",
    [
        "swap.core:fetch",  # coroutine
        "swap.core:Child.describe",  # super() and its __class__ cell
        "swap.core:Child.build",  # classmethod
        "swap.core:_Hider.__call__",
        "swap.core:_replace.<locals>.other",  # the live wrapper's nested code
        "swap.core:greet",  # kept as an attribute of the decorator's object
        # nested in a closure built at import (``plus_one``), which holds its code
        "swap.core:_make_adder.<locals>.adder.<locals>.wrapper",
        "swap.core:Frozen._refuse",  # deleted from its class, alive under other names
        "swap.core:__make_lookup.<locals>.Lookup.__call__",  # its factory deleted
    ],
)
def test_special_functions_are_swapped_and_killed(swapped: Audit, function: str) -> None:
    assert swapped.mutation is not None
    mine = [m for m in swapped.mutation.mutants if m.function == function]
    assert mine
    assert {m.status for m in mine if m.kind == "extreme"} == {MutantStatus.KILLED}


def test_private_names_stay_mangled_in_mutants(swapped: Audit) -> None:
    statuses = {m.id: m.status for m in swapped.mutation.mutants}  # type: ignore[union-attr]
    # Only a correctly mangled `self.__secret` lets the untested boundary survive.
    assert statuses["swap.core:Vault.reveal#cmp-gt-gte@94:11"] is MutantStatus.SURVIVED
    assert statuses["swap.core:Vault.__plus_one#arith-add-sub@100:15"] is MutantStatus.KILLED
    # The private method itself is found in the class as _Vault__plus_one.
    assert statuses["swap.core:Vault.__plus_one#return-none"] is MutantStatus.KILLED


def test_a_method_naming_its_own_class_is_mutated(swapped: Audit) -> None:
    # `Vault.FACTOR` inside Vault's method: the mutant is compiled inside a class named
    # Vault (for mangling) and must still read `Vault` as a global, not as a closure cell.
    statuses = {m.id: m.status for m in swapped.mutation.mutants}  # type: ignore[union-attr]
    assert statuses["swap.core:Vault.doubled#arith-mult-div@104:15"] is MutantStatus.KILLED


def test_base_method_reached_through_super_is_mutated(swapped: Audit) -> None:
    assert swapped.mutation is not None
    statuses = {m.id: m.status for m in swapped.mutation.mutants}
    assert statuses["swap.core:Base.describe#return-''"] is MutantStatus.KILLED


def test_kills_by_a_test_that_fails_alone_are_withdrawn(swapped: Audit) -> None:
    assert swapped.mutation is not None
    mine = [m for m in swapped.mutation.mutants if m.function == "swap.order:compute"]
    assert len(mine) == 3  # extreme only: swap/order.py is not a critical path
    assert {m.status for m in mine} == {MutantStatus.NO_TESTS}
    reasons = {s.function: s.reason for s in swapped.mutation.skipped}
    assert reasons["swap.order.compute"] == (
        "tests/test_order.py::test_b_compute fails on the unmodified code when run alone"
    )
    # Kills by tests that pass alone stand.
    assert any(m.status is MutantStatus.KILLED for m in swapped.mutation.mutants)


def test_mutants_killed_by_a_test_that_fails_alone_run_again_without_it(swapped: Audit) -> None:
    assert swapped.mutation is not None
    mine = {m.id: m for m in swapped.mutation.mutants if m.function == "swap.order:double"}
    # test_b_double runs first (it is as fast and sorts first), fails on its own and is
    # dropped; test_c_double prepares what it needs and kills every mutant for real.
    assert {m.status for m in mine.values()} == {MutantStatus.KILLED}
    assert {m.killed_by for m in mine.values()} == {"tests/test_order.py::test_c_double"}
    assert "swap.order.double" not in {s.function for s in swapped.mutation.skipped}


def test_tests_that_fail_alone_twice_are_order_dependent(swapped: Audit) -> None:
    found = {f.test: f for f in swapped.findings if f.code == ORDER_DEPENDENT}
    order = "tests/test_order.py::"
    assert set(found) == {order + "test_b_compute", order + "test_b_double"}
    compute = found[order + "test_b_compute"]
    assert (compute.category, compute.path, compute.line) == (
        Category.ORDER_DEPENDENT,
        "tests/test_order.py",
        8,
    )
    assert compute.message == (
        f"{order}test_b_compute passes in the suite but fails when run on its own "
        "(RuntimeError): it depends on what a test before it leaves behind"
    )


def test_an_audit_that_runs_none_of_its_mutants_still_reports_it(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    out = tmp_path_factory.mktemp("twice")
    mutation = {"mode": "extreme", "paths": {}}
    audit = make_audit(ROOT, SWAP_MODULES, SWAP_REACHED, mutation)
    stage.run(audit, context(out, ROOT))
    again = stage.run(audit, context(out, ROOT))
    assert again.mutation is not None
    double = [m for m in again.mutation.mutants if m.function == "swap.order:double"]
    assert len(double) == 3
    assert all(m.cached for m in double)  # test_b_double did not run again
    found = {f.test for f in again.findings if f.code == ORDER_DEPENDENT}
    assert "tests/test_order.py::test_b_double" in found
