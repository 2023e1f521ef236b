"""The mutate stage on the mut_basic fixture project, with a hand-made test map."""

from __future__ import annotations

from pathlib import Path

import pytest
from mutate_helpers import (
    BASIC_MODULES,
    BASIC_REACHED,
    PROJECTS,
    Recorder,
    by_id,
    context,
    make_audit,
    tree_digest,
)

from testvet.model import Audit, MutantStatus, MutationResult, Severity
from testvet.mutate import stage
from testvet.mutate.plan import LATER_TESTS

ROOT = PROJECTS / "mut_basic"
DURATIONS = {
    "tests/test_core.py::test_add": 0.01,
    "tests/test_core.py::test_is_even_true": 0.02,
    "tests/test_core.py::test_total_runs": 0.03,
    "tests/test_core.py::test_counter": 0.05,
}


@pytest.fixture(scope="module")
def extreme(tmp_path_factory: pytest.TempPathFactory) -> tuple[Audit, Recorder, str, str]:
    """One extreme-mode stage run on the real fixture tree, with its digests around it."""
    before = tree_digest(ROOT)
    recorder = Recorder()
    audit = make_audit(ROOT, BASIC_MODULES, BASIC_REACHED, {"mode": "extreme"}, DURATIONS)
    out = stage.run(audit, context(tmp_path_factory.mktemp("out"), ROOT, recorder))
    return out, recorder, before, tree_digest(ROOT)


def _findings(audit: Audit, status: str) -> dict[str, object]:
    return {
        f.function: f for f in audit.findings if f.code == "TV401" and f.detail["status"] == status
    }


def test_pseudo_tested_functions_are_found(extreme: tuple[Audit, Recorder, str, str]) -> None:
    audit = extreme[0]
    found = _findings(audit, "pseudo-tested")
    assert sorted(found) == ["calc.core.Counter.touch", "calc.core.total"]
    total = found["calc.core.total"]
    assert total.path == "src/calc/core.py"  # type: ignore[attr-defined]
    assert total.line == 18  # type: ignore[attr-defined]
    assert total.severity is Severity.MEDIUM  # type: ignore[attr-defined]
    assert "src/calc/core.py:20: - result = 0 …  + return None" in total.detail["survivors"]  # type: ignore[attr-defined]


def test_partially_tested_function_is_low_severity(
    extreme: tuple[Audit, Recorder, str, str],
) -> None:
    found = _findings(extreme[0], "partially-tested")
    assert list(found) == ["calc.core.is_even"]
    finding = found["calc.core.is_even"]
    assert finding.severity is Severity.LOW  # type: ignore[attr-defined]
    assert finding.detail["survivors"] == [  # type: ignore[attr-defined]
        "src/calc/core.py:15: - return n % 2 == 0  + return True"
    ]


@pytest.mark.parametrize(
    "function",
    [
        "calc.core:add",
        "calc.core:double",  # behind functools.wraps
        "calc.core:_logged.<locals>.wrapper",  # live closures of a nested def
        "calc.core:make_scaler.<locals>.scale",  # nested def with a free variable
        "calc.core:countdown",  # generator
        "calc.core:Counter.increment",
        "calc.core:Counter.parse",  # staticmethod
        "calc.core:Counter.doubled",  # property
    ],
)
def test_well_tested_functions_are_swapped_and_killed(
    extreme: tuple[Audit, Recorder, str, str], function: str
) -> None:
    audit = extreme[0]
    assert audit.mutation is not None
    mine = [m for m in audit.mutation.mutants if m.function == function]
    assert mine, f"no mutant of {function}"
    assert {m.status for m in mine} == {MutantStatus.KILLED}
    assert all(m.killed_by and m.killed_by.startswith("tests/test_core.py::") for m in mine)
    assert function.replace(":", ".") not in {f.function for f in audit.findings}


def test_extreme_mutants_follow_return_types(extreme: tuple[Audit, Recorder, str, str]) -> None:
    mutants = by_id(extreme[0])
    assert {i.split("#")[1] for i in mutants if i.startswith("calc.core:is_even#")} == {
        "return-none",
        "return-False",
        "return-True",
    }
    assert {i.split("#")[1] for i in mutants if i.startswith("calc.core:Counter.increment#")} == {
        "empty-body",
        "raise",
    }
    assert (
        mutants["calc.core:countdown#empty-generator"].diff == "- while n > 0: …\n+ return; yield"
    )


def test_skipped_functions_carry_their_reason(extreme: tuple[Audit, Recorder, str, str]) -> None:
    audit = extreme[0]
    assert audit.mutation is not None
    reasons = {s.function: s.reason for s in audit.mutation.skipped}
    assert list(reasons) == ["calc.core.Counter.__repr__"]
    assert reasons["calc.core.Counter.__repr__"].startswith("display:")


def test_progress_counts_every_mutant(extreme: tuple[Audit, Recorder, str, str]) -> None:
    audit, recorder = extreme[0], extreme[1]
    assert audit.mutation is not None
    total = len(audit.mutation.mutants)
    assert recorder.calls[0] == ("mutation", 0, total)
    assert recorder.calls[-1] == ("mutation", total, total)
    done = [d for _, d, _ in recorder.calls]
    assert done == sorted(done)


def test_cost_floor_uses_baseline_durations(extreme: tuple[Audit, Recorder, str, str]) -> None:
    audit = extreme[0]
    assert audit.mutation is not None
    reach = {q: n for n, qs in BASIC_REACHED.items() for q in qs}
    order = list(BASIC_REACHED)
    expected = 0.0
    for m in audit.mutation.mutants:
        if m.status is MutantStatus.KILLED:
            expected += DURATIONS.get(m.killed_by or "", 0.01)
        else:
            # a survivor ran its one covering test and the later tests of its module
            first = order.index(reach[m.function.split(":", 1)[1]])
            ran = order[first : first + 1 + LATER_TESTS]
            expected += sum(DURATIONS.get(t, 0.01) for t in ran)
    assert audit.mutation.cost_floor == pytest.approx(expected)


def test_the_project_tree_is_untouched(extreme: tuple[Audit, Recorder, str, str]) -> None:
    _, _, before, after = extreme
    assert before == after


SMALL_MAP = {
    k: v
    for k, v in BASIC_REACHED.items()
    if k.rsplit("::", 1)[1] in ("test_add", "test_total_runs")
}


def test_second_run_uses_the_cache_and_runs_no_mutant(basic_copy: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    first = stage.run(make_audit(basic_copy, BASIC_MODULES, SMALL_MAP), context(out, basic_copy))
    recorder = Recorder()
    second = stage.run(
        make_audit(basic_copy, BASIC_MODULES, SMALL_MAP), context(out, basic_copy, recorder)
    )
    assert first.mutation is not None
    assert second.mutation is not None
    assert not any(m.cached for m in first.mutation.mutants)
    assert all(m.cached for m in second.mutation.mutants)
    assert recorder.calls == []
    assert second.mutation.duration == 0.0
    assert {m.id: m.status for m in second.mutation.mutants} == {
        m.id: m.status for m in first.mutation.mutants
    }
    assert {f.fingerprint for f in second.findings} == {f.fingerprint for f in first.findings}

    # Editing one function reruns exactly its mutants.
    core = basic_copy / "src/calc/core.py"
    core.write_text(core.read_text().replace("return a + b", "return b + a"))
    third = stage.run(make_audit(basic_copy, BASIC_MODULES, SMALL_MAP), context(out, basic_copy))
    assert third.mutation is not None
    rerun = {m.id for m in third.mutation.mutants if not m.cached}
    assert rerun == {f"calc.core:add#{op}" for op in ("return-none", "return-0", "return-1")}
    assert all(m.cached for m in third.mutation.mutants if m.function == "calc.core:total")


def test_a_change_to_a_helper_the_tests_reach_reruns_the_mutants_they_judged(
    basic_copy: Path, tmp_path: Path
) -> None:
    """``total``'s test also runs ``add`` (as if ``total`` called it): a fixed ``add``
    might now let that test notice a mutant of ``total``, so its cached verdicts go."""
    reached = {
        **SMALL_MAP,
        "tests/test_core.py::test_total_runs": ["total", "add"],
        "tests/test_core.py::test_is_even_true": ["is_even"],
    }
    again = _audited_again_after(basic_copy, tmp_path, reached, "return a + b", "return b + a")
    rerun = {m.function for m in again.mutants if not m.cached}
    assert rerun == {"calc.core:add", "calc.core:total"}
    assert all(m.cached for m in again.mutants if m.function == "calc.core:is_even")


def test_a_change_to_a_decorator_alone_reruns_the_functions_mutants(
    basic_copy: Path, tmp_path: Path
) -> None:
    """The function's text in the key starts at its first decorator: the run's map knows
    the ``def`` onwards only."""
    reached = {"tests/test_core.py::test_double": ["_logged.<locals>.wrapper", "double"]}
    again = _audited_again_after(basic_copy, tmp_path, reached, "@_logged\n", "@(_logged)\n")
    assert {m.function for m in again.mutants if not m.cached} == {"calc.core:double"}


def test_a_change_to_module_level_code_reruns_the_mutants_whose_tests_reach_the_module(
    basic_copy: Path, tmp_path: Path
) -> None:
    """A constant, a class attribute, a default value: what a function reads besides its
    body. Comments are not code."""
    old = "import functools\n"
    again = _audited_again_after(basic_copy, tmp_path, SMALL_MAP, old, old + "\nSCALE = 2\n")
    assert again.mutants
    assert not any(m.cached for m in again.mutants)
    unchanged = _audited_again_after(
        basic_copy, tmp_path, SMALL_MAP, old, "import functools  # wraps\n"
    )
    assert unchanged.mutants
    assert all(m.cached for m in unchanged.mutants)


def _audited_again_after(
    root: Path, tmp_path: Path, reached: dict[str, list[str]], old: str, new: str
) -> MutationResult:
    """The mutation result of a second audit, after ``old`` became ``new`` in core.py."""
    out = tmp_path / "out"
    stage.run(make_audit(root, BASIC_MODULES, reached), context(out, root))
    core = root / "src/calc/core.py"
    core.write_text(core.read_text().replace(old, new))
    again = stage.run(make_audit(root, BASIC_MODULES, reached), context(out, root))
    assert again.mutation is not None
    return again.mutation


def test_a_change_to_the_tests_data_reruns_the_mutants(basic_copy: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    data = basic_copy / "tests" / "expected.txt"
    data.write_text("3\n")
    stage.run(make_audit(basic_copy, BASIC_MODULES, SMALL_MAP), context(out, basic_copy))
    again = stage.run(make_audit(basic_copy, BASIC_MODULES, SMALL_MAP), context(out, basic_copy))
    assert again.mutation is not None
    assert all(m.cached for m in again.mutation.mutants)
    # Tests may read what sits beside them: after it changes, nothing is taken from the
    # cache.
    data.write_text("4\n")
    edited = stage.run(make_audit(basic_copy, BASIC_MODULES, SMALL_MAP), context(out, basic_copy))
    assert edited.mutation is not None
    assert edited.mutation.mutants
    assert not any(m.cached for m in edited.mutation.mutants)


def test_config_skip_patterns(basic_copy: Path, tmp_path: Path) -> None:
    reached = {k: v for k, v in BASIC_REACHED.items() if k.endswith("test_counter")}
    audit = make_audit(
        basic_copy, BASIC_MODULES, reached, {"mode": "extreme", "skip": ["Counter.t*", "*.parse"]}
    )
    out = stage.run(audit, context(tmp_path, basic_copy))
    assert out.mutation is not None
    reasons = {s.function: s.reason for s in out.mutation.skipped}
    assert reasons["calc.core.Counter.touch"] == "config: matches skip pattern 'Counter.t*'"
    assert reasons["calc.core.Counter.parse"] == "config: matches skip pattern '*.parse'"
    assert {m.function for m in out.mutation.mutants} == {
        "calc.core:Counter.__init__",
        "calc.core:Counter.increment",
        "calc.core:Counter.doubled",
    }


def test_mode_off_leaves_the_audit_alone(tmp_path: Path) -> None:
    audit = make_audit(ROOT, BASIC_MODULES, BASIC_REACHED, {"mode": "off"})
    assert stage.run(audit, context(tmp_path, ROOT)) is audit


def test_a_worker_that_cannot_start_turns_into_skips_with_its_error(tmp_path: Path) -> None:
    reached = {"tests/test_gone.py::test_add": ["add"]}
    out = stage.run(make_audit(ROOT, BASIC_MODULES, reached), context(tmp_path, ROOT))
    assert out.mutation is not None
    assert out.mutation.mutants == ()
    [skip] = out.mutation.skipped
    assert skip.function == "calc.core.add"
    assert skip.reason.startswith("mutation worker exited with status 4 before finishing")
    assert "tests/test_gone.py" in skip.reason


def test_weakly_tested_critical_path_lists_every_survivor(tmp_path: Path) -> None:
    reached = {
        k: v
        for k, v in BASIC_REACHED.items()
        if k.rsplit("::", 1)[1] in ("test_add", "test_clamp_low", "test_total_runs")
    }
    mutation = {"mode": "full", "paths": {"src/calc/**": 90}}
    out = stage.run(make_audit(ROOT, BASIC_MODULES, reached, mutation), context(tmp_path, ROOT))
    assert out.mutation is not None
    [weak] = [f for f in out.findings if f.code == "TV402"]
    assert weak.path == "src/calc/**"
    assert weak.severity is Severity.HIGH
    survivors = weak.detail["survivors"]
    assert "src/calc/core.py:28: - if x < lo:  + if x <= lo:" in survivors
    assert "src/calc/core.py:30: - if x > hi:  + if x >= hi:" in survivors
    assert "src/calc/core.py:31: - return hi  + return None" in survivors
    assert "src/calc/core.py:22: - result += item  + result -= item" in survivors
    operator = [m for m in out.mutation.mutants if m.kind == "operator"]
    survived = [m for m in operator if m.status is MutantStatus.SURVIVED]
    assert len(survivors) == len(survived)
    killed = len(operator) - len(survived)
    [check] = out.policy_checks
    assert check.kind == "mutation"
    assert check.target == "src/calc/**"
    assert check.actual == pytest.approx(round(100 * killed / len(operator), 2))
    assert not check.passed
    assert f"{len(survived)} of {len(operator)} operator mutants survive" in weak.message
    # The same verdicts against a floor they meet: a passing check and no finding.
    from testvet.mutate.findings import weakly_tested

    findings, checks = weakly_tested({"src/calc/**": 10.0}, out.mutation.mutants)
    assert findings == []
    assert checks[0].passed


def test_mutants_on_lines_no_test_executes_survive_without_running(tmp_path: Path) -> None:
    from dataclasses import replace

    from testvet.model import CoverageData, FileCoverage

    reached = {k: v for k, v in BASIC_REACHED.items() if k.endswith("::test_clamp_low")}
    audit = make_audit(ROOT, BASIC_MODULES, reached, {"mode": "full", "paths": {"src/**": 0}})
    assert audit.run is not None
    executed = tuple(line for line in range(1, 41) if line != 31)
    files = (FileCoverage("src/calc/core.py", statements=40, missing=(31,), executed=executed),)
    audit = replace(audit, run=replace(audit.run, coverage=CoverageData(files, 90.0)))
    out = stage.run(audit, context(tmp_path, ROOT))
    mutants = by_id(out)
    skipped_run = mutants["calc.core:clamp#return-value-none@31:15"]
    assert skipped_run.status is MutantStatus.SURVIVED
    assert skipped_run.duration == 0.0
    executed = mutants["calc.core:clamp#cmp-gt-gte@30:7"]
    assert executed.status is MutantStatus.SURVIVED
    assert executed.duration > 0.0


def test_a_mutant_with_the_same_bytecode_as_another_runs_once(tmp_path: Path) -> None:
    reached = {k: v for k, v in BASIC_REACHED.items() if k.endswith("::test_add")}
    audit = make_audit(ROOT, BASIC_MODULES, reached, {"mode": "full", "paths": {"src/**": 0}})
    mutants = by_id(stage.run(audit, context(tmp_path, ROOT)))
    extreme = mutants["calc.core:add#return-none"]
    operator = mutants["calc.core:add#return-value-none@10:11"]
    assert extreme.kind == "extreme"
    assert operator.kind == "operator"
    assert extreme.status is MutantStatus.KILLED
    # One worker judged both: the twin carries its verdict, killer and measured time.
    assert (operator.status, operator.killed_by, operator.duration) == (
        extreme.status,
        extreme.killed_by,
        extreme.duration,
    )
    assert extreme.duration > 0.0
    other = mutants["calc.core:add#arith-add-sub@10:11"]
    assert other.status is MutantStatus.KILLED
    assert other.duration != extreme.duration


def test_workers_apply_the_suites_warning_filters(tmp_path: Path) -> None:
    # mut_warn's suite turns every warning into an error (`filterwarnings = ["error"]`),
    # except where a test's mark allows it: a mutant that only makes the code warn is
    # killed, as it would be by the suite itself.
    root = PROJECTS / "mut_warn"
    reached = {
        "tests/test_warny.py::test_scale_by_zero": ["scale"],
        "tests/test_warny.py::test_rate_of_nothing_is_zero_with_a_warning_allowed": ["rate"],
        "tests/test_warny.py::test_rate": ["rate"],
    }
    durations = {"tests/test_warny.py::test_rate": 0.02}
    mutation = {"mode": "full", "paths": {"src/warny/core.py": 0}}
    audit = make_audit(root, {"warny.core": "src/warny/core.py"}, reached, mutation, durations)
    mutants = by_id(stage.run(audit, context(tmp_path, root)))
    boundary = mutants["warny.core:scale#cmp-lt-lte@7:7"]
    assert boundary.status is MutantStatus.KILLED
    assert boundary.killed_by == "tests/test_warny.py::test_scale_by_zero"
    # The mark lets the zero-requests test pass on the unmodified code, so it is the
    # one that runs first and kills this mutant (0 / 0).
    flipped = mutants["warny.core:rate#cmp-eq-noteq@13:7"]
    assert flipped.status is MutantStatus.KILLED
    assert flipped.killed_by == (
        "tests/test_warny.py::test_rate_of_nothing_is_zero_with_a_warning_allowed"
    )


@pytest.mark.parametrize(
    "test",
    [
        "tests/test_halves.py::TestHalf::test_half",
        pytest.param(
            "tests/test_halves.py::test_half_in_subtests",
            marks=pytest.mark.skipif(
                int(pytest.__version__.split(".")[0]) < 9, reason="subtests: pytest >= 9"
            ),
        ),
    ],
)
def test_a_mutant_that_fails_only_subtests_is_killed(tmp_path: Path, test: str) -> None:
    """Each failed subtest is a report of its own, logged while the test runs; the
    test's own call report still passes."""
    root = PROJECTS / "mut_subtests"
    audit = make_audit(root, {"halves.core": "src/halves/core.py"}, {test: ["half"]})
    mutants = list(by_id(stage.run(audit, context(tmp_path, root))).values())
    assert {m.operator for m in mutants} >= {"return-none", "return-default"}
    assert {(m.status, m.killed_by) for m in mutants} == {(MutantStatus.KILLED, test)}


def test_a_later_test_paying_a_one_time_cost_is_not_a_timeout(tmp_path: Path) -> None:
    """In the run, test_a paid for compiling the pattern; in a worker that runs test_c
    then test_b, test_b pays it, far beyond its budget. A control run of those two tests
    on the unmodified code runs out of time the same way, so the mutants run again with
    generous budgets: they survive (nothing checks ``describe``), not "timeout"."""
    root = PROJECTS / "mut_lazy"
    reached = {
        "tests/test_lazy.py::test_a_warms_the_pattern": ["is_word"],
        "tests/test_lazy.py::test_b_uses_the_pattern": ["describe", "is_word"],
        "tests/test_lazy.py::test_c_fast": ["describe"],
    }
    durations = {
        "tests/test_lazy.py::test_a_warms_the_pattern": 0.12,
        "tests/test_lazy.py::test_b_uses_the_pattern": 0.001,
        "tests/test_lazy.py::test_c_fast": 0.0005,
    }
    audit = make_audit(root, {"lazy": "src/lazy/__init__.py"}, reached, None, durations)
    mutants = [m for m in by_id(stage.run(audit, context(tmp_path, root))).values()]
    described = [m for m in mutants if m.function == "lazy:describe"]
    assert described
    assert {m.status for m in described} == {MutantStatus.SURVIVED}


def test_tests_that_swap_places_in_the_fastest_first_order_keep_the_cache(
    basic_copy: Path, tmp_path: Path
) -> None:
    """Durations vary from run to run, and with them the order a function's covering
    tests run in: the cache key holds which tests, not their order."""
    reached = {
        "tests/test_core.py::test_add": ["add"],
        "tests/test_core.py::test_total_runs": ["total", "add"],
    }
    out = tmp_path / "out"
    quick_add = {"tests/test_core.py::test_add": 0.01, "tests/test_core.py::test_total_runs": 0.03}
    slow_add = {"tests/test_core.py::test_add": 0.05, "tests/test_core.py::test_total_runs": 0.03}
    first = stage.run(
        make_audit(basic_copy, BASIC_MODULES, reached, durations=quick_add),
        context(out, basic_copy),
    )
    second = stage.run(
        make_audit(basic_copy, BASIC_MODULES, reached, durations=slow_add),
        context(out, basic_copy),
    )
    assert first.mutation is not None
    assert second.mutation is not None
    assert not any(m.cached for m in first.mutation.mutants)
    assert all(m.cached for m in second.mutation.mutants)
