"""Pure parts of the run stage: globs, floors, rotten-green lines, events, names, mapping."""

from __future__ import annotations

import ast
import importlib.util
import sys
import textwrap
from pathlib import Path
from types import CodeType, MappingProxyType

import pytest

from testvet import globs, subproc
from testvet.config import CoverageConfig
from testvet.model import (
    Category,
    CoverageData,
    Finding,
    FunctionInfo,
    Inventory,
    ModuleInfo,
    Outcome,
    Severity,
    TestFile,
    TestKind,
    TestResult,
)
from testvet.run import floors, functions, mapping, rotten
from testvet.run.covdata import Analysis, FunctionGap
from testvet.run.events import ChildLog, EventReader
from testvet.run.scope import Scope


@pytest.mark.parametrize(
    ("pattern", "path", "expected"),
    [
        ("src/pkg/auth/**", "src/pkg/auth/tokens.py", True),
        ("src/pkg/auth/**", "src/pkg/auth/deep/er/x.py", True),
        ("src/pkg/auth/**", "src/pkg/authz.py", False),
        ("src/*.py", "src/a.py", True),
        ("src/*.py", "src/pkg/a.py", False),
        ("**/lease.py", "lease.py", True),
        ("**/lease.py", "src/pkg/lease.py", True),
        ("src/pkg/lease.py", "src/pkg/lease.py", True),
        ("src/pkg/lease.py", "src/pkg/lease_py", False),
        ("./src/pkg", "src/pkg/a.py", True),
        ("src/pkg", "src/pkgx/a.py", False),
    ],
)
def test_globs(pattern: str, path: str, expected: bool) -> None:
    assert globs.matches(pattern, path) is expected


def _analysis() -> Analysis:
    return Analysis(
        data=CoverageData(files=(), percent=0.0),
        numbers={"src/a/x.py": (45, 50), "src/a/y.py": (5, 50), "src/b.py": (10, 10)},
        gaps={
            "src/a/y.py": (
                FunctionGap("small", 3, 2, 4),
                FunctionGap("big", 10, 30, 30),
            ),
        },
    )


def test_floors_global_and_per_path() -> None:
    policy = CoverageConfig(
        fail_under=60.0,
        paths=MappingProxyType({"src/a/**": 90.0, "src/b.py": 100.0, "nope/**": 50.0}),
    )
    checks, findings = floors.check(policy, _analysis(), "src")
    got = {c.target: (c.actual, c.files, c.passed) for c in checks}
    assert got == {
        "<total>": (54.55, 3, False),
        "src/a/**": (50.0, 2, False),
        "src/b.py": (100.0, 1, True),
        "nope/**": (None, 0, False),
    }
    by_path = {f.path: f for f in findings}
    assert set(by_path) == {"src", "src/a/**", "nope/**"}
    assert by_path["src"].severity is Severity.MEDIUM
    assert by_path["src/a/**"].severity is Severity.HIGH
    message = by_path["src/a/**"].message
    assert "50.0%, below its floor of 90%" in message
    assert message.index("big (src/a/y.py:10") < message.index("small (src/a/y.py:3")
    assert "matches no measured project file" in by_path["nope/**"].message


def test_floor_met_exactly_passes() -> None:
    checks, findings = floors.check(
        CoverageConfig(paths=MappingProxyType({"src/a/x.py": 90.0})), _analysis()
    )
    assert [c.passed for c in checks] == [True]
    assert findings == ()


CHECKS_SOURCE = """
import pytest

def test_many(self, mock):
    if mock:
        assert mock.value == 1
    self.assertEqual(1, 1)
    with pytest.raises(ValueError):
        int("x")
    mock.method.assert_called_once_with(2)
    verify_all(mock)
    value = compute()

    def helper():
        assert False
    for item in []:
        check_that(item)
"""


FAILURE_PATHS_SOURCE = """
import pytest

def test_failure_paths(self):
    try:
        parse("70000")
        pytest.fail("expected ValueError")
    except ValueError:
        pass
    try:
        parse("0")
    except ValueError:
        assert str(error)
    else:
        assert False, "no exception"
    try:
        parse("x")
        self.fail("expected ValueError")
    except ValueError:
        pass
    assert not 0
    ok = parse("1") == 1
    if not ok:
        assert ok, "parse is wrong"
    if parse("2") != 2:
        assert parse("2") == 2
    if ok:
        assert ok
"""


def test_a_failure_path_is_no_check_that_should_run() -> None:
    """``pytest.fail()``, ``self.fail()``, ``assert False`` fail the test when reached, as
    does an ``assert`` under an ``if`` on its negation (``if not ok: assert ok``): a
    passing test never runs them, and that is what it checks."""
    tree = ast.parse(FAILURE_PATHS_SOURCE)
    func = tree.body[1]
    assert isinstance(func, ast.FunctionDef)
    assert rotten.assertion_lines(func) == [13, 21, 28]


def test_assertion_lines_cover_asserts_unittest_raises_mocks_and_helpers() -> None:
    tree = ast.parse(CHECKS_SOURCE)
    func = tree.body[1]
    assert isinstance(func, ast.FunctionDef)
    assert rotten.assertion_lines(func) == [6, 7, 8, 10]
    assert rotten.assertion_lines(func, ("verify_*", "check_that")) == [6, 7, 8, 10, 11, 17]


def test_rotten_needs_a_passing_test_and_a_never_run_check(tmp_path: Path) -> None:
    (tmp_path / "tests").mkdir()
    (tmp_path / "tests" / "test_x.py").write_text(
        textwrap.dedent(
            """\
            class TestBox:
                def test_a(self, x):
                    if x:
                        assert x

                def test_b(self):
                    assert True
            """
        )
    )
    results = [
        TestResult("tests/test_x.py::TestBox::test_a[1]", Outcome.PASSED, 0.1),
        TestResult("tests/test_x.py::TestBox::test_a[2]", Outcome.PASSED, 0.1),
        TestResult("tests/test_x.py::TestBox::test_b", Outcome.FAILED, 0.1),
    ]
    executed = {"tests/test_x.py": frozenset({1, 2, 3, 6})}
    checked = rotten.evidence(results, tmp_path, executed)
    assert set(checked) == {"tests/test_x.py::TestBox::test_a"}  # once per function
    (finding,) = rotten.find(checked)
    assert finding.test == "tests/test_x.py::TestBox::test_a"
    assert (finding.line, finding.snippet) == (4, "assert x")
    assert rotten.evidence(results[2:], tmp_path, executed) == {}


def test_a_check_for_another_python_or_platform_is_not_rotten(tmp_path: Path) -> None:
    """Deprecated, furl, soupsieve: the branch for another interpreter cannot run here,
    by design; its sibling checked. Other branches still count."""
    (tmp_path / "tests").mkdir()
    (tmp_path / "tests" / "test_v.py").write_text(
        textwrap.dedent(
            """\
            import platform
            import sys

            def test_v(x):
                if sys.version_info < (3, 9):
                    assert x == "old"
                else:
                    assert x == "new"
                if platform.system() == "Windows":
                    assert x.endswith("\\r")
                if PY2:
                    assert isinstance(x, unicode)
                if x:
                    assert x == "never"
            """
        )
    )
    results = [TestResult("tests/test_v.py::test_v", Outcome.PASSED, 0.1)]
    executed = {"tests/test_v.py": frozenset({1, 2, 4, 5, 7, 8, 9, 11, 13})}
    checked = rotten.evidence(results, tmp_path, executed)
    assert checked["tests/test_v.py::test_v"].never == (14,)


def test_a_caught_failure_reported_in_an_if_is_a_failure_path(tmp_path: Path) -> None:
    """portion: the doctest runner is the check; the ``if failure:`` branch only runs when
    the test fails anyway. A check under ``if`` on anything else still counts."""
    (tmp_path / "tests").mkdir()
    (tmp_path / "tests" / "test_d.py").write_text(
        textwrap.dedent(
            """\
            import doctest

            def test_readme(x):
                failure = None
                try:
                    doctest.testfile("README.md", raise_on_error=True)
                except doctest.DocTestFailure as e:
                    failure = e.example.want, e.got
                if failure:
                    want, got = failure
                    assert want == got
                if x:
                    assert x == "never"
                try:
                    found = x.find("y")
                except AttributeError:
                    found = -1
                if found:
                    assert found == 99
            """
        )
    )
    results = [TestResult("tests/test_d.py::test_readme", Outcome.PASSED, 0.1)]
    executed = {"tests/test_d.py": frozenset({1, 3, 4, 5, 6, 9, 12, 14, 15, 18})}
    checked = rotten.evidence(results, tmp_path, executed)
    assert checked["tests/test_d.py::test_readme"].checks == (6, 11, 13, 19)
    # ``found`` is also set outside the handler: its branch is an ordinary check
    assert checked["tests/test_d.py::test_readme"].never == (13, 19)


def test_a_test_timed_by_pytest_benchmark_is_not_judged(tmp_path: Path) -> None:
    """base58: pytest-benchmark switches tracing off while it times the code, and the
    test's own frame is not traced again: coverage.py misses the check after it."""
    (tmp_path / "tests").mkdir()
    (tmp_path / "tests" / "test_b.py").write_text(
        "def test_b(benchmark):\n    result = benchmark(len, 'ab')\n    assert result == 2\n"
    )
    results = [TestResult("tests/test_b.py::test_b", Outcome.PASSED, 0.1)]
    executed = {"tests/test_b.py": frozenset({1, 2})}
    assert rotten.evidence(results, tmp_path, executed) == {}


def test_static_guesses_are_confirmed_or_overruled_by_the_run() -> None:
    checked = {
        "t.py::test_rotten": rotten.Checked("t.py", (4,), (4,), ()),
        "t.py::test_fine": rotten.Checked("t.py", (7,), (), ()),
    }
    static = [
        Finding(
            "TV102", Category.CANNOT_FAIL, Severity.MEDIUM, "t.py", 3, "m", "t.py::test_rotten"
        ),
        Finding(
            "TV102", Category.CANNOT_FAIL, Severity.MEDIUM, "t.py", 6, "m", "t.py::test_fine[1]"
        ),
        Finding("TV102", Category.CANNOT_FAIL, Severity.MEDIUM, "t.py", 9, "m", "t.py::test_other"),
    ]
    notes = [f.detail.get("run") for f in rotten.annotate(static, checked)]
    assert notes == [
        "confirmed: check line(s) 4 never ran",
        "overruled: every check ran in a passing run of this test",
        None,
    ]


def test_event_reader_waits_for_a_torn_line(tmp_path: Path) -> None:
    path = tmp_path / "events.jsonl"
    reader = EventReader(path)
    assert reader.poll() == []
    path.write_bytes(b'{"ev":"start","nodeid":"t::a"}\n{"ev":"res')
    log = ChildLog()
    log.feed(reader.poll())
    assert log.running == "t::a"
    with path.open("ab") as handle:
        handle.write(b'ult","nodeid":"t::a","outcome":"passed"}\n')
    log.feed(reader.poll())
    assert log.running is None
    assert log.results["t::a"]["outcome"] == "passed"


def test_qualnames_follow_python_rules() -> None:
    tree = ast.parse(
        textwrap.dedent(
            """\
            def f():
                class K:
                    def m(self):
                        def g():
                            pass
                h = lambda: None
            async def a():
                pass
            """
        )
    )
    assert functions.qualnames(tree) == {
        "f": [(1, 6)],
        "f.<locals>.K.m": [(3, 5)],
        "f.<locals>.K.m.<locals>.g": [(4, 5)],
        "a": [(7, 8)],
    }


def test_lines_of_a_later_namesake_come_from_its_own_def(tmp_path: Path) -> None:
    # sys.monitoring reports a def's first line only; the source gives the end line.
    source = tmp_path / "pkg" / "mod.py"
    source.parent.mkdir()
    source.write_text(
        "if X:\n    def f():\n        pass\nelse:\n    def f():\n        a = 1\n        return a\n"
    )
    scope = Scope(
        root=tmp_path,
        project_paths=(tmp_path / "pkg",),
        exclude_paths=(),
        import_roots=(tmp_path,),
        test_args=(),
        test_paths=(),
    )
    reached = {"pkg.mod:f@2": (str(source), 2, 0), "pkg.mod:f": (str(source), 5, 0)}
    assert [(i.id, i.line, i.end_line) for i in functions.infos(reached, scope)] == [
        ("pkg.mod:f", 5, 7),
        ("pkg.mod:f@2", 2, 3),
    ]


def test_mapping_counts_tests_per_module_and_modules_per_file() -> None:
    inventory = Inventory(
        files=(TestFile("tests/test_a.py", TestKind.UNIT, 2),),
        modules=(ModuleInfo("pkg.a", "src/pkg/a.py"), ModuleInfo("pkg.c", "src/pkg/c.py")),
    )
    results = [
        TestResult("tests/test_a.py::t1", Outcome.PASSED, 0.1, frozenset({"pkg.a:f", "pkg.a:g"})),
        TestResult("tests/test_a.py::t2", Outcome.PASSED, 0.1, frozenset({"pkg.b:h"})),
    ]
    infos = [FunctionInfo("pkg.b:h", "src/pkg/b.py", 1, 2)]
    cov = CoverageData(files=(), percent=0.0)
    updated = mapping.update(inventory, results, infos, cov)
    assert [(m.name, m.path, m.tests) for m in updated.modules] == [
        ("pkg.a", "src/pkg/a.py", 1),
        ("pkg.c", "src/pkg/c.py", 0),
        ("pkg.b", "src/pkg/b.py", 1),
    ]
    assert updated.files[0].reaches == ("pkg.a", "pkg.b")


def _plugin() -> object:
    path = subproc.PLUGIN_DIR / "testvet_trace.py"
    spec = importlib.util.spec_from_file_location("testvet_trace_under_test", path)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    sys.path.insert(0, str(subproc.PLUGIN_DIR))  # for ``import testvet_clock``
    try:
        spec.loader.exec_module(module)
    finally:
        sys.path.remove(str(subproc.PLUGIN_DIR))
    return module


INJECT_SOURCE = '''\
def documented(a):
    """Doc."""
    return (a +
            1)


def only_doc():
    """Nothing else."""


class C:
    def m(self):
        while True:
            break
'''


def _lines(code: CodeType) -> dict[str, set[int]]:
    found: dict[str, set[int]] = {}
    for const in code.co_consts:
        if isinstance(const, CodeType):
            found[const.co_qualname] = {line for *_, line in const.co_lines() if line}
            found.update(_lines(const))
    return found


def test_injected_hits_keep_docstrings_and_line_numbers() -> None:
    plugin = _plugin()
    registry = plugin._Registry(events=None)  # type: ignore[attr-defined]
    tree = ast.parse(INJECT_SOURCE)
    plugin._Injector("mod", "mod.py", registry).visit(tree)  # type: ignore[attr-defined]
    instrumented = compile(tree, "mod.py", "exec", dont_inherit=True)
    original = compile(INJECT_SOURCE, "mod.py", "exec", dont_inherit=True)
    assert _lines(instrumented) == _lines(original)
    assert [e[1] for e in registry.entries] == ["documented", "only_doc", "C.m"]
    hits: dict[int, int] = {}
    namespace: dict[str, object] = {"__testvet_hits__": hits}
    exec(instrumented, namespace)
    assert namespace["documented"].__doc__ == "Doc."  # type: ignore[attr-defined]
    assert namespace["documented"](1) == 2  # type: ignore[operator]
    assert hits == {0: 1}


def test_testvets_own_run_time_modules_are_never_project_code() -> None:
    """Auditing testvet itself: the launcher (``__main__``), the recorder and the plugin
    live under the project's source, but in the run they are the audit's machinery."""
    plugin = _plugin()
    src = str(subproc.PLUGIN_DIR.parent.parent)
    scope = plugin._Scope(  # type: ignore[attr-defined]
        {"project_paths": [src], "exclude_paths": [], "import_roots": [src]}
    )
    assert scope(str(subproc.PLUGIN_DIR.parent / "cli.py"))
    for name in ("testvet_mutate.py", "testvet_swap.py", "testvet_worker.py", "testvet_procs.py"):
        assert scope(str(subproc.PLUGIN_DIR / name))  # their tests import them
    recording = ("testvet_boot.py", "testvet_trace.py", "testvet_run.py", "testvet_keepout.py")
    for name in (*recording, "testvet_clock.py"):
        assert not scope(str(subproc.PLUGIN_DIR / name))


def test_multiline_check_counts_as_run_when_any_of_its_lines_ran(tmp_path: Path) -> None:
    (tmp_path / "test_m.py").write_text(
        textwrap.dedent(
            """\
            import pytest

            def test_m(x):
                assert (
                    x
                )
                with pytest.raises(
                    ValueError
                ):
                    int("x")
            """
        )
    )
    result = TestResult("test_m.py::test_m", Outcome.PASSED, 0.1)
    # Python reported line 5 for the assert and line 8 for the raises header.
    checked = rotten.evidence([result], tmp_path, {"test_m.py": frozenset({5, 8, 10})})
    assert checked["test_m.py::test_m"].checks == (4, 7)
    assert checked["test_m.py::test_m"].never == ()
    checked = rotten.evidence([result], tmp_path, {"test_m.py": frozenset({5, 10})})
    assert checked["test_m.py::test_m"].never == (7,)


def test_checks_of_a_test_inherited_from_a_base_class_are_found(tmp_path: Path) -> None:
    # cachetools' pattern: test methods live on a mixin, the collected class inherits them.
    (tmp_path / "test_m.py").write_text(
        textwrap.dedent(
            """\
            class Mixin:
                def test_get(self):
                    value = 1
                    assert value == 1
                    if value == 2:
                        assert value


            class TestLRU(Mixin):
                pass


            class TestFIFO(Mixin):
                pass
            """
        )
    )
    results = [
        TestResult("test_m.py::TestLRU::test_get", Outcome.PASSED, 0.1),
        TestResult("test_m.py::TestFIFO::test_get", Outcome.PASSED, 0.1),
    ]
    checked = rotten.evidence(results, tmp_path, {"test_m.py": frozenset({3, 4, 5})})
    assert sorted(checked) == ["test_m.py::TestFIFO::test_get", "test_m.py::TestLRU::test_get"]
    assert checked["test_m.py::TestLRU::test_get"].checks == (4, 6)
    assert checked["test_m.py::TestLRU::test_get"].never == (6,)


def test_floors_without_any_coverage_data_fail_with_the_reason() -> None:
    policy = CoverageConfig(fail_under=80.0, paths=MappingProxyType({"src/**": 90.0}))
    empty = Analysis(data=CoverageData(files=(), percent=0.0))
    checks, findings = floors.check(policy, empty, unmeasured="no data was saved")
    assert [(c.target, c.actual, c.passed) for c in checks] == [
        ("<total>", None, False),
        ("src/**", None, False),
    ]
    assert [f.message for f in findings] == [
        "coverage floor 80% for all project code cannot be checked: no data was saved",
        "coverage floor 90% for 'src/**' cannot be checked: no data was saved",
    ]
