"""Mutant generation and skip rules, on source text (no process is started)."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from testvet.model import Outcome, RunResult, TestResult
from testvet.mutate.operators import extreme_mutants, operator_mutants
from testvet.mutate.plan import covering_tests, path_matches
from testvet.mutate.skips import skip_reason
from testvet.mutate.source import FunctionSource, ModuleSource


def fn(code: str, qualname: str) -> FunctionSource:
    module = ModuleSource(Path("m.py"), textwrap.dedent(code))
    found = [f for f in module.functions if f.qualname == qualname]
    assert len(found) == 1
    return found[0]


def extreme(code: str, qualname: str = "f") -> dict[str, str]:
    return {
        m.operator + ":" + m.diff.split("\n+ ")[1]: m.source
        for m in extreme_mutants(fn(code, qualname), f"m:{qualname}", "m.py")
    }


def test_return_annotation_picks_typed_defaults() -> None:
    found = extreme("def f(x) -> list[int]:\n    return [x]\n")
    assert sorted(found) == ["return-default:return []", "return-none:return None"]


def test_optional_annotation_uses_the_inner_type() -> None:
    found = extreme("def f(x) -> 'Optional[bool]':\n    return x > 1\n")
    assert sorted(found) == [
        "return-default:return False",
        "return-default:return True",
        "return-none:return None",
    ]


def test_unannotated_returns_infer_the_default() -> None:
    found = extreme("def f(x):\n    if x:\n        return 'a'\n    return f'{x}'\n")
    assert sorted(found) == ["return-default:return ''", "return-none:return None"]


def test_method_returning_self_gets_a_self_mutant() -> None:
    code = "class A:\n    def f(self, x):\n        self.x = x\n        return self\n"
    assert "return-self:return self" in extreme(code, "A.f")


def test_no_extreme_mutant_is_the_body_it_replaces() -> None:
    # `__enter__` returning self: a `return self` mutant would be the original code,
    # survive every test, and make the function look partially tested
    code = 'class A:\n    def __enter__(self):\n        """Doc."""\n        return (self)\n'
    assert sorted(extreme(code, "A.__enter__")) == ["return-none:return None"]
    assert list(extreme("def f(n):\n    return\n    yield\n")) == []


def test_procedure_gets_empty_body_and_raise_keeping_the_docstring() -> None:
    found = extreme('def f(x):\n    """Doc."""\n    x.append(1)\n')
    assert sorted(found) == ["empty-body:pass", "raise:raise RuntimeError('testvet mutant')"]
    assert found["empty-body:pass"] == 'def f(x):\n    """Doc."""\n    pass'


def test_generator_stays_a_generator() -> None:
    found = extreme("def f(n):\n    yield from range(n)\n")
    assert list(found) == ["empty-generator:return; yield"]


def test_indented_method_text_keeps_indentation_and_drops_decorators() -> None:
    code = "class A:\n    @staticmethod\n    def f(x):\n        return x + 1\n"
    found = extreme(code, "A.f")
    assert found["return-none:return None"] == "    def f(x):\n        return None"


def test_a_body_that_starts_with_a_decorated_def_is_replaced_from_its_decorator() -> None:
    code = (
        "def wrap(func):\n"
        "    @functools.wraps(func)\n"
        "    def wrapper(*args):\n"
        "        return func(*args)\n"
        "    return wrapper\n"
    )
    found = extreme(code, "wrap")
    assert found["return-none:return None"] == "def wrap(func):\n    return None"
    compile(found["return-none:return None"], "m.py", "exec")


def test_string_statements_in_a_body_are_not_mutated() -> None:
    # An attribute docstring (as Sphinx reads them) or a string used as a comment does
    # nothing at run time: emptying it would be an equivalent mutant that always survives.
    code = """
    def __init__(self):
        self.count = 0
        \"\"\"How many times bump() was called.\"\"\"
        "a note"
        ...
        self.name = "box"
    """
    mutants = operator_mutants(fn(code, "__init__"), "m:f", "m.py")
    assert [(m.operator, m.diff) for m in mutants if m.operator.startswith("const-")] == [
        ("const-int", "- self.count = 0\n+ self.count = 1"),
        ("const-str-empty", "- self.name = \"box\"\n+ self.name = ''"),
    ]


def test_operator_mutants_cover_each_family() -> None:
    code = """
    def f(a, b, items):
        '''Docstring is never mutated.'''
        log.debug("quiet %s", a)
        items.append(a)
        if a < b and not items:
            return a + 1
        return f"{a}" == "x"
    """
    mutants = operator_mutants(fn(code, "f"), "m:f", "m.py")
    diffs = {m.operator: m.diff for m in mutants}
    assert diffs["cmp-lt-lte"] == "- if a < b and not items:\n+ if a <= b and not items:"
    assert diffs["bool-and-or"] == "- if a < b and not items:\n+ if a < b or not items:"
    assert diffs["not-removed"] == "- if a < b and not items:\n+ if a < b and items:"
    assert diffs["arith-add-sub"] == "- return a + 1\n+ return a - 1"
    assert diffs["const-int"] == "- return a + 1\n+ return a + 0"
    assert diffs["call-removed"] == "- items.append(a)\n+ None"
    assert diffs["const-str-empty"] == '- return f"{a}" == "x"\n+ return f"{a}" == \'\''
    ops = [m.operator for m in mutants]
    assert ops.count("const-str-empty") == 1  # not the docstring, not the f-string, not the log
    assert "return-value-none" in ops
    assert all(m.id.startswith("m:f#") for m in mutants)
    assert len({m.id for m in mutants}) == len(mutants)


def test_the_type_argument_of_cast_is_not_mutated() -> None:
    code = """
    def f(x):
        y = t.cast("Iterator[int]", x)
        typing.assert_type(y, "Iterator[int]")
        return cast(int, "n")
    """
    mutants = operator_mutants(fn(code, "f"), "m:f", "m.py")
    strings = [m.diff for m in mutants if m.operator == "const-str-empty"]
    # Only the value cast, never the type: a mutant nobody could kill.
    assert strings == ["- return cast(int, \"n\")\n+ return cast(int, '')"]


def test_operator_mutant_source_compiles_with_parentheses() -> None:
    code = "def f(a, b):\n    return -(a - b) * 2\n"
    for mutant in operator_mutants(fn(code, "f"), "m:f", "m.py"):
        compile(mutant.source, "m.py", "exec")
    sub = [
        m for m in operator_mutants(fn(code, "f"), "m:f", "m.py") if m.operator == "arith-sub-add"
    ]
    assert "(a + b)" in sub[0].source


def test_utf8_columns_are_respected() -> None:
    code = "def f(x):\n    s = 'héllo wörld'; return x < 3\n"
    mutants = operator_mutants(fn(code, "f"), "m:f", "m.py")
    lt = [m for m in mutants if m.operator == "cmp-lt-lte"]
    assert lt[0].source == "def f(x):\n    s = 'héllo wörld'; return (x <= 3)"


def test_nested_defs_are_not_mutated_with_their_parent() -> None:
    code = "def f(x):\n    def g(y):\n        return y + 1\n    return g(x) * 2\n"
    ops = {m.diff for m in operator_mutants(fn(code, "f"), "m:f", "m.py")}
    assert not any("y + 1" in d for d in ops)
    assert "- return g(x) * 2\n+ return g(x) / 2" in ops


@pytest.mark.parametrize(
    ("code", "qualname", "reason"),
    [
        ("class A:\n    def __repr__(self):\n        return f'A{self}'\n", "A.__repr__", "display"),
        (  # a helper that only serves the display
            "class A:\n    def __repr__(self):\n"
            "        def fmt(v):\n            return f'{v:.1f}'\n"
            "        return fmt(self.x)\n",
            "A.__repr__.<locals>.fmt",
            "display",
        ),
        ("def f():\n    '''Doc.'''\n    return (1, 'a', None)\n", "f", "constant-return"),
        ("def f():\n    raise NotImplementedError\n", "f", "abstract"),
        ("class A:\n    @abc.abstractmethod\n    def f(self):\n        x = 1\n", "A.f", "abstract"),
        (
            "class A:\n    @property\n    def f(self):\n        return self._f\n",
            "A.f",
            "trivial-property",
        ),
        ("def helper_x(a):\n    return a * 2\n", "helper_x", "config"),
    ],
)
def test_skip_reasons(code: str, qualname: str, reason: str) -> None:
    got = skip_reason(fn(code, qualname), "m", ("helper_*",))
    assert got is not None
    assert got.startswith(reason + ":")


def test_real_functions_are_not_skipped() -> None:
    code = "class A:\n    @property\n    def f(self):\n        return self._f * 2\n"
    assert skip_reason(fn(code, "A.f"), "m", ("g*",)) is None


@pytest.mark.parametrize(
    ("path", "glob", "expected"),
    [
        ("src/pkg/auth/tokens.py", "src/pkg/auth/**", True),
        ("src/pkg/auth/tokens.py", "src/pkg/auth", True),
        ("src/pkg/lease.py", "src/pkg/lease.py", True),
        ("src/pkg/leases.py", "src/pkg/lease.py", False),
        ("src/pkg/sub/x.py", "src/pkg/*.py", False),
        ("src/pkg/sub/x.py", "**/x.py", True),
    ],
)
def test_critical_path_globs(path: str, glob: str, expected: bool) -> None:
    assert path_matches(path, glob) is expected


def _run(*results: TestResult) -> RunResult:
    return RunResult(python="python", duration=1.0, results=results)


def test_only_passing_tests_cover_and_fastest_come_first() -> None:
    run = _run(
        TestResult("t::slow", Outcome.PASSED, 0.5, frozenset({"m:f"})),
        TestResult("t::fast", Outcome.PASSED, 0.1, frozenset({"m:f", "m:g"})),
        TestResult("t::broken", Outcome.FAILED, 0.01, frozenset({"m:f", "m:h"})),
    )
    tests, durations, skipping = covering_tests(run)
    assert tests == {"m:f": ("t::fast", "t::slow"), "m:g": ("t::fast",)}
    assert durations == {"t::slow": 0.5, "t::fast": 0.1}
    assert skipping == frozenset()


def test_a_test_that_skipped_after_reaching_a_function_also_covers_it() -> None:
    """defusedxml: checks, then ``self.skipTest(...)`` in the body. Under a mutant plain
    pytest fails it; alone, skipping tests judge nothing."""
    run = _run(
        TestResult("t::passes", Outcome.PASSED, 0.5, frozenset({"m:f"})),
        TestResult("t::checks_then_skips", Outcome.SKIPPED, 0.1, frozenset({"m:f", "m:g"})),
        TestResult("t::marked_skip", Outcome.SKIPPED, 0.0, frozenset()),
    )
    tests, durations, skipping = covering_tests(run)
    assert tests == {"m:f": ("t::checks_then_skips", "t::passes")}
    assert durations == {"t::passes": 0.5, "t::checks_then_skips": 0.1}
    assert skipping == frozenset({"t::checks_then_skips"})


def test_a_tests_cost_includes_the_shared_set_up_a_worker_pays_when_it_runs_first() -> None:
    run = _run(
        TestResult("t.py::first", Outcome.PASSED, 0.5, frozenset({"m:f"})),
        TestResult("t.py::second", Outcome.PASSED, 0.01, frozenset({"m:f"}), shared_setup=0.49),
        TestResult("t.py::third", Outcome.PASSED, 0.02, frozenset({"m:f"})),
    )
    tests, durations, _ = covering_tests(run)
    assert durations == {"t.py::first": 0.5, "t.py::second": 0.5, "t.py::third": 0.02}
    assert tests["m:f"] == ("t.py::third", "t.py::first", "t.py::second")


def test_defaults_decorators_and_annotations_are_not_mutated() -> None:
    code = "@deco(1)\ndef f(a: int = 0, b=True) -> 'int':\n    return a\n"
    mutants = operator_mutants(fn(code, "f"), "m:f", "m.py")
    assert [m.operator for m in mutants] == ["return-value-none"]
