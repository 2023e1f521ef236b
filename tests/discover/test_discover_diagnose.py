"""Fix hints and messages for collection failures, from recorded child results."""

from __future__ import annotations

from pathlib import Path

from testvet._plugins.testvet_collect import _last_error_line
from testvet.discover import diagnose
from testvet.discover.collect import CollectResult
from testvet.discover.imports import FileFacts

FACTS = {"tests/test_src.py": FileFacts(imports=("src.pkg.api.handler",))}
CTX = diagnose.Context("/env/bin/python", ("pkg",), ("src",), FACTS.get)


def test_src_prefixed_imports_get_the_pythonpath_hint() -> None:
    error = {"path": "tests/test_src.py", "missing_module": "pkg", "exception": "X"}
    hint = diagnose.hint_for(error, CTX)
    assert "`src.pkg.api.handler`" in hint
    assert 'pythonpath = ["src"]' in hint


def test_unimportable_project_package_and_missing_dependency() -> None:
    own = diagnose.hint_for({"path": "tests/t.py", "missing_module": "pkg.sub"}, CTX)
    assert own.startswith("the project's package `pkg` is not importable")
    dep = diagnose.hint_for({"path": "tests/t.py", "missing_module": "yaml.loader"}, CTX)
    assert dep.startswith("`yaml` is not installed in /env/bin/python")


def test_a_submodule_missing_from_the_tree_is_named(tmp_path: Path) -> None:
    """Cerberus 1.3.4's sdist lacks ``cerberus/benchmarks/schemas``: the package imports,
    one of its submodules is not there."""
    (tmp_path / "src" / "pkg" / "bench").mkdir(parents=True)
    (tmp_path / "src" / "pkg" / "__init__.py").write_text("")
    (tmp_path / "src" / "pkg" / "bench" / "__init__.py").write_text("")
    ctx = diagnose.Context("/env/bin/python", ("pkg",), ("src",), FACTS.get, tmp_path)
    error = {"path": "tests/t.py", "missing_module": "pkg.bench.schemas.one"}
    assert diagnose.hint_for(error, ctx) == (
        "`pkg.bench.schemas` does not exist in the project: there is no "
        "src/pkg/bench/schemas.py nor a src/pkg/bench/schemas/ package (a file left out of "
        "the tree or of the sdist)"
    )
    # a module right under the package
    gone = {"path": "tests/t.py", "missing_module": "pkg.sub"}
    assert diagnose.hint_for(gone, ctx).startswith("`pkg.sub` does not exist")
    # the package not in a source root on disk: the importability hint, as before
    elsewhere = diagnose.Context("/env/bin/python", ("pkg",), ("lib",), FACTS.get, tmp_path)
    assert diagnose.hint_for(gone, elsewhere).startswith("the project's package `pkg` is not")


def test_syntax_errors_warnings_and_mismatches() -> None:
    syntax = {"path": "tests/t.py", "exception": "SyntaxError", "file": "tests/t.py", "line": 4}
    assert diagnose.hint_for(syntax, CTX) == "fix the syntax error at tests/t.py:4"
    warning = {"path": "tests/t.py", "exception": "PytestRemovedIn10Warning"}
    assert "`filterwarnings = error`" in diagnose.hint_for(warning, CTX)
    mismatch = {"path": "tests/t.py", "cause": "import file mismatch: ..."}
    assert "--import-mode=importlib" in diagnose.hint_for(mismatch, CTX)
    other = {"path": "tests/t.py", "exception": "KeyError"}
    assert diagnose.hint_for(other, CTX) == (
        "run `pytest --collect-only tests/t.py` in the project to see the full traceback"
    )


def test_the_line_of_the_failing_file_itself_is_used() -> None:
    result = CollectResult(
        "ok",
        errors=(
            {
                "path": "tests/test_a.py",
                "cause": "ModuleNotFoundError: No module named 'pkg'",
                "missing_module": "pkg",
                "file": "src/pkg/api.py",
                "line": 9,
                "own_line": 2,
            },
        ),
    )
    (finding,) = diagnose.for_errors(result, CTX)
    assert (finding.code, finding.path, finding.line) == ("TV201", "tests/test_a.py", 2)
    assert finding.message == (
        "tests/test_a.py cannot be collected: ModuleNotFoundError: No module named 'pkg'"
    )


def test_a_crash_names_the_file_being_collected() -> None:
    result = CollectResult("crashed", returncode=-11, stderr="", last_file="tests/test_c.py")
    finding = diagnose.for_failure(result, CTX, ("tests",))
    assert (finding.code, finding.path) == ("TV205", "tests/test_c.py")
    assert "killed by SIGSEGV while importing tests/test_c.py" in finding.message
    assert "--collect-only tests/test_c.py" in (finding.hint or "")
    stopped = CollectResult("crashed", returncode=4, stderr="ERROR: usage\nbad -x option\n")
    finding = diagnose.for_failure(stopped, CTX, ("tests",))
    assert finding.path == "tests"
    assert finding.message.endswith("(exit status 4): bad -x option")


def test_pytest_error_lines_give_the_first_line_of_the_last_block() -> None:
    text = "x\nE   A: b\nE   more\ntrace\nE   Warning: real cause\nE   See https://docs\n"
    assert _last_error_line(text) == "Warning: real cause"
    assert _last_error_line("no marks\nlast line") == "last line"
    assert _last_error_line("") == "unknown collection error"
