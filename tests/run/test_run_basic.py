"""The run stage on a real fixture project: outcomes, the per-test map, coverage, policy."""

from __future__ import annotations

import sys

from run_helpers import Ran, by_id

from testvet.model import Category, Outcome, Severity

T = "tests/test_ops.py::"


def test_project_tree_is_not_written(basic: Ran) -> None:
    assert basic.before == basic.after
    run_dir = basic.out / "run"
    assert (run_dir / ".coverage").is_file()
    assert (run_dir / "events-1.jsonl").is_file()


def test_each_test_reaches_exactly_the_functions_it_calls(basic: Ran) -> None:
    results = by_id(basic.audit)
    assert results[T + "test_add"].reached == {"calc.ops:add"}
    assert results[T + "test_sub"].reached == {"calc.ops:sub"}
    assert results[T + "test_param[1]"].reached == {"calc.ops:sub"}


def test_map_names_nested_methods_wrappers_generators(basic: Ran) -> None:
    results = by_id(basic.audit)
    assert results[T + "test_outer_inner"].reached == {
        "calc.ops:outer",
        "calc.ops:outer.<locals>.inner",
    }
    assert results[T + "test_mul_wrapped"].reached == {
        "calc.ops:mul",
        "calc.ops:logged.<locals>.wrapper",
    }
    assert results[T + "test_countdown_and_docstring"].reached == {
        "calc.ops:countdown",
        "calc.ops:docstring_only",
    }
    assert results[T + "test_account"].reached == {
        "calc.ops:Account.__init__",
        "calc.ops:Account.deposit",
        "calc.ops:Account.empty",
        "calc.ops:Account.Audit.check",
    }


def test_functions_lists_reached_functions_with_def_lines(basic: Ran) -> None:
    assert basic.audit.run is not None
    infos = {f.id: f for f in basic.audit.run.functions}
    assert (infos["calc.ops:add"].path, infos["calc.ops:add"].line) == ("src/calc/ops.py", 6)
    assert infos["calc.ops:add"].end_line == 8
    assert infos["calc.ops:Account.deposit"].line == 53
    # `logged` only ran at import time, during collection: no test reached it.
    assert "calc.ops:logged" not in infos
    reached = {fid for r in basic.audit.run.results for fid in r.reached}
    assert set(infos) == reached


def test_outcomes_and_messages(basic: Ran) -> None:
    results = by_id(basic.audit)
    assert results[T + "test_add"].outcome is Outcome.PASSED
    assert results[T + "test_fails"].outcome is Outcome.FAILED
    assert results[T + "test_fails"].message == "assert 2 == 3"
    assert results[T + "test_errors"].outcome is Outcome.ERROR
    assert results[T + "test_errors"].message == "RuntimeError: fixture broke"
    assert results[T + "test_skipped"].outcome is Outcome.SKIPPED
    assert "not today" in (results[T + "test_skipped"].message or "")
    assert results[T + "test_xfail"].outcome is Outcome.XFAILED
    assert len(results) == 15
    assert basic.audit.run is not None
    assert basic.audit.run.exit_status == 1
    assert basic.audit.run.mechanism == ("monitoring" if sys.version_info >= (3, 12) else "hook")
    assert basic.audit.run.children == 1
    assert basic.audit.run.notes == ()
    assert all(r.duration > 0 for r in results.values())


def test_coverage_numbers_match_coverage_py(basic: Ran) -> None:
    assert basic.audit.run is not None
    cov = basic.audit.run.coverage
    assert cov is not None
    assert cov.source == "measured"
    files = {f.path: f for f in cov.files}
    assert sorted(files) == [
        "src/calc/__init__.py",
        "src/calc/ops.py",
        "src/calc/untested/__init__.py",
        "src/calc/untested/big.py",
    ]
    ops = files["src/calc/ops.py"]
    assert ops.missing == (43,)  # mul's `return 0`
    assert ops.partial_branches == 1
    assert 43 not in ops.executed
    assert 44 in ops.executed
    assert files["src/calc/untested/big.py"].percent == 0.0
    assert round(ops.percent, 2) == 95.45
    assert round(cov.percent, 2) == 73.68


def test_policy_checks_report_every_floor(basic: Ran) -> None:
    checks = {c.target: c for c in basic.audit.policy_checks}
    assert set(checks) == {"<total>", "src/calc/ops.py", "src/calc/untested/**"}
    assert checks["<total>"].passed
    assert checks["<total>"].files == 4
    assert checks["src/calc/ops.py"].passed
    assert checks["src/calc/ops.py"].actual == 95.45
    assert not checks["src/calc/untested/**"].passed
    assert checks["src/calc/untested/**"].actual == 0.0
    assert checks["src/calc/untested/**"].files == 2


def test_failing_floor_is_a_finding_naming_the_largest_gaps(basic: Ran) -> None:
    found = [f for f in basic.audit.findings if f.code == "TV301"]
    assert len(found) == 1
    finding = found[0]
    assert finding.category is Category.COVERAGE_BELOW_POLICY
    assert finding.severity is Severity.HIGH
    assert finding.path == "src/calc/untested/**"
    assert "0.0%" in finding.message
    assert "90%" in finding.message
    assert finding.message.index("never_called") < finding.message.index("also_never")


def test_rotten_green_tests_are_found_with_their_lines(basic: Ran) -> None:
    rotten = {f.test: f for f in basic.audit.findings if f.code == "TV310"}
    assert set(rotten) == {
        T + "test_rotten_if",
        T + "test_rotten_loop",
        T + "test_partly_rotten",
    }
    assert rotten[T + "test_rotten_if"].line == 37
    assert rotten[T + "test_rotten_if"].severity is Severity.HIGH
    assert rotten[T + "test_rotten_loop"].snippet == "assert item"
    partly = rotten[T + "test_partly_rotten"]
    assert partly.severity is Severity.MEDIUM
    assert list(partly.detail["lines"]) == [50]
    assert list(partly.detail["checks"]) == [47, 50]


def test_inventory_gains_module_coverage_and_reach(basic: Ran) -> None:
    modules = {m.name: m for m in basic.audit.inventory.modules}
    ops = modules["calc.ops"]
    assert ops.path == "src/calc/ops.py"
    assert ops.tests == 12
    assert ops.coverage is not None
    assert round(ops.coverage, 2) == 95.45
    assert "calc.untested.big" not in modules  # reached by no test, not listed by discovery
