"""An environment that imports another checkout of the project is refused, not reported on."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from testvet.cli import main
from testvet.errors import ExitCode

BASIC = Path(__file__).parents[1] / "projects" / "run_basic"
PYPROJECT = '[project]\nname = "pkg"\nversion = "0"\n'


INC = "def inc(x):\n    return x + 1\n"
TEST_INC = "from pkg import inc\n\n\ndef test_inc():\n    assert inc(1) == 2\n"


def _project(root: Path, code: str, tests: dict[str, str], pyproject: str = "") -> Path:
    """A project at ``root``: ``pkg/__init__.py`` holding ``code``, the ``tests/``
    files, and a pyproject.toml (``pyproject``: what follows its ``[project]`` table)."""
    files = {
        "pkg/__init__.py": code,
        **{f"tests/{name}": text for name, text in tests.items()},
        "pyproject.toml": PYPROJECT + pyproject,
    }
    for rel, text in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text)
    return root


def test_suite_running_another_checkout_is_a_suite_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    here = shutil.copytree(BASIC, tmp_path / "here")
    elsewhere = shutil.copytree(BASIC, tmp_path / "elsewhere")
    pyproject = here / "pyproject.toml"
    pyproject.write_text(pyproject.read_text().replace('pythonpath = ["src"]', ""))
    monkeypatch.setenv("PYTHONPATH", str(elsewhere / "src"))

    code = main(["audit", str(here), "--mutation", "off", "-f", "json", "-o", str(tmp_path / "o")])

    err = capsys.readouterr().err
    assert code == ExitCode.SUITE_ERROR
    assert f"imported package 'calc' from {elsewhere / 'src' / 'calc'}" in err
    assert err.count("\n") == 1


@pytest.mark.parametrize(
    ("addopts", "hint"),
    [
        ("--cov=calc", "the project's pytest options need pytest-cov: install it in its "),
        ("--no-such-plugin-option", "the project's pytest options name a plugin its "),
    ],
)
def test_pytest_options_of_a_missing_plugin_are_a_suite_error_with_a_hint(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    addopts: str,
    hint: str,
) -> None:
    # pytest-cov is installed here: its plugin is not loaded without autoloading
    monkeypatch.setenv("PYTEST_DISABLE_PLUGIN_AUTOLOAD", "1")
    root = shutil.copytree(BASIC, tmp_path / "p")
    pyproject = root / "pyproject.toml"
    text = pyproject.read_text()
    pyproject.write_text(
        text.replace('pythonpath = ["src"]', f'pythonpath = ["src"]\naddopts = "{addopts}"')
    )

    code = main(["audit", str(root), "--mutation", "off", "-f", "json", "-o", str(tmp_path / "o")])

    err = capsys.readouterr().err
    assert code == ExitCode.SUITE_ERROR
    assert f"unrecognized arguments: {addopts}; {hint}" in err
    assert err.count("\n") == 1


def test_pytest_stopping_before_any_test_ran_is_a_suite_error_naming_the_cause(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # An option of a plugin the environment lacks, and warnings as errors: pytest collects,
    # then stops with an internal error (exit status 3) before running any test.
    root = shutil.copytree(BASIC, tmp_path / "p")
    pyproject = root / "pyproject.toml"
    text = pyproject.read_text()
    pyproject.write_text(
        text.replace(
            'pythonpath = ["src"]',
            'pythonpath = ["src"]\nfilterwarnings = ["error"]\nno_such_plugin_mode = "auto"',
        )
    )

    code = main(["audit", str(root), "--mutation", "off", "-f", "json", "-o", str(tmp_path / "o")])

    err = capsys.readouterr().err
    assert code == ExitCode.SUITE_ERROR
    assert "pytest stopped before running any test (exit status 3): " in err
    assert "Unknown config option: no_such_plugin_mode" in err
    assert "INTERNALERROR>" not in err
    assert err.count("\n") == 1


@pytest.mark.parametrize(
    ("conftest", "test_2", "why"),
    [
        (  # a plugin's hook breaks after the second test: pytest's internal error
            "def pytest_runtest_logreport(report):\n"
            "    if report.when == 'call' and report.nodeid.endswith('test_2'):\n"
            "        raise RuntimeError('a reporting plugin broke')\n",
            "def test_2():\n    assert neg(0) == 0\n",
            "exit status 3): RuntimeError: a reporting plugin broke",
        ),
        (  # a test ends the session
            "",
            "def test_2():\n    import pytest\n    pytest.exit('environment not ready')\n",
            "exit status 2): Exit: environment not ready",
        ),
    ],
)
def test_tests_pytest_never_ran_are_listed_and_fail_the_audit(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], conftest: str, test_2: str, why: str
) -> None:
    test_a = (
        "from pkg import neg\n\n\ndef test_1():\n    assert neg(1) == -1\n\n\n"
        + test_2
        + "\n\ndef test_3():\n    assert neg(2) == -2\n"
    )
    source = "def neg(x):\n    return -x\n"
    root = _project(tmp_path / "p", source, {"conftest.py": conftest, "test_a.py": test_a})
    out = tmp_path / "o"

    code = main(["audit", str(root), "--mutation", "off", "-f", "json", "-o", str(out)])

    assert code == ExitCode.FAILED
    report = json.loads((out / "report.json").read_text())
    outcomes = {t["nodeid"].rsplit("::", 1)[1]: t for t in report["run"]["tests"]}
    assert outcomes["test_1"]["outcome"] == "passed"
    assert outcomes["test_3"]["outcome"] == "error"
    assert outcomes["test_3"]["message"].startswith("not run: pytest stopped before it (")
    (reason,) = report["summary"]["reasons"]
    assert reason.startswith("the instrumented run stopped after 2 of 3 tests (")
    assert why in reason
    assert report["run"]["stopped"] == reason


#: A coverage.py plugin like covdefaults: it excludes lines marked for another platform.
COVPLUG = (
    "class _Exclude:\n"
    "    def configure(self, config):\n"
    '        lines = list(config.get_option("report:exclude_lines") or [])\n'
    '        config.set_option("report:exclude_lines", [*lines, "# pragma: win32 cover"])\n'
    "\n\n"
    "def coverage_init(reg, options):\n"
    "    reg.add_configurer(_Exclude())\n"
)
WIN32 = (
    "import sys\n\n\ndef inc(x):\n"
    '    if sys.platform == "win32":  # pragma: win32 cover\n'
    "        return x + 2\n"
    "    return x + 1\n"
)


def test_a_coverage_plugin_only_the_project_can_import_makes_the_report_there(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """covdefaults, installed in the project's environment (pycodestyle, filelock): the
    child measures with it; testvet's own interpreter cannot load it, so the project's
    interpreter makes the report, with the lines the plugin excludes left out (without
    them pycodestyle's coverage was lower than coverage.py's, and failed a 100% floor)."""
    root = _project(
        tmp_path / "p",
        WIN32,
        {"test_inc.py": TEST_INC},
        '\n[tool.pytest.ini_options]\ntestpaths = ["tests"]\n\n'
        '[tool.coverage.run]\nplugins = ["covplug"]\n\n'
        "[tool.testvet.coverage]\nfail_under = 100\n",
    )
    site = tmp_path / "site"  # the project's environment, not testvet's
    site.mkdir()
    (site / "covplug.py").write_text(COVPLUG)
    monkeypatch.setenv("PYTHONPATH", str(site))
    out = tmp_path / "o"

    code = main(["audit", str(root), "--mutation", "off", "-f", "json", "-o", str(out)])

    assert code == ExitCode.OK
    run = json.loads((out / "report.json").read_text())["run"]
    assert [t["outcome"] for t in run["tests"]] == ["passed"]
    assert run["coverage"]["percent"] == 100.0  # the win32 branch excluded
    assert run["notes"] == []


def test_a_coverage_plugin_no_interpreter_of_the_analysis_loads_is_left_out(
    tmp_path: Path,
) -> None:
    """When the project's interpreter cannot make the report either, the analysis goes
    on without the plugin and says so."""
    import coverage

    from testvet.run import covdata

    root = _project(tmp_path / "p", WIN32, {}, '\n[tool.coverage.run]\nplugins = ["covplug"]\n')
    source = str(root / "pkg" / "__init__.py")
    data = tmp_path / ".coverage"
    # written, not measured: a tracer started here would stop the run's own
    recorded = coverage.CoverageData(basename=str(data))
    recorded.add_lines({source: [1, 4, 5, 7]})  # the win32 branch (line 6) never ran
    recorded.write()
    files = [source]
    report, notes = covdata._report(data, tmp_path / "r.json", root, files, "/nowhere/python")
    (entry,) = report["files"].values()
    assert entry["summary"]["excluded_lines"] == 0  # the plugin's exclusion is missing
    assert entry["missing_lines"] == [6]
    (note,) = notes
    assert note.startswith("coverage plugin covplug: cannot be loaded by testvet's interpreter")


def test_a_coverage_plugin_nobody_can_import_is_named_with_its_setting(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """``coverage run`` fails there too: the error names the plugin and where it is set,
    not "pytest did not start"."""
    root = _project(
        tmp_path / "p",
        INC,
        {"test_inc.py": TEST_INC},
        '\n[tool.coverage.run]\nplugins = ["covplug_nowhere"]\n',
    )

    code = main(["audit", str(root), "--mutation", "off", "-o", str(tmp_path / "o")])

    assert code == ExitCode.SUITE_ERROR
    err = capsys.readouterr().err.strip()
    assert "\n" not in err  # one line, no traceback
    assert err.startswith(
        "testvet: error: coverage.py cannot load the plugin covplug_nowhere that "
        f"{root / 'pyproject.toml'} names ([tool.coverage.run] plugins): "
        "ModuleNotFoundError: No module named 'covplug_nowhere'"
    )


def test_tests_using_pytests_cache_run_and_the_cache_stays_out_of_the_tree(
    tmp_path: Path,
) -> None:
    """pytest's ``cache`` fixture (``config.cache``, used by plugins such as
    pytest-xprocess) works in the run and in the mutation workers; what it writes goes
    to the output directory, never to ``.pytest_cache`` in the project."""
    test = (
        "from pkg import triple\n\n\n"
        "def test_triple(cache):\n"
        "    cache.set('pkg/seen', 1)\n"
        "    assert cache.get('pkg/seen', 0) == 1\n"
        "    assert triple(2) == 6\n"
    )
    source = "def triple(x):\n    return 3 * x\n"
    root = _project(tmp_path / "p", source, {"test_triple.py": test})
    out = tmp_path / "o"

    code = main(["audit", str(root), "--mutation", "extreme", "-f", "json", "-o", str(out)])

    assert code == ExitCode.OK
    report = json.loads((out / "report.json").read_text())
    assert [t["outcome"] for t in report["run"]["tests"]] == ["passed"]
    statuses = {m["id"]: (m["status"], m["killed_by"]) for m in report["mutation"]["mutants"]}
    assert statuses["pkg:triple#return-none"] == ("killed", "tests/test_triple.py::test_triple")
    assert sorted(p.name for p in root.iterdir()) == ["pkg", "pyproject.toml", "tests"]


def test_a_test_module_skipped_while_importing_is_listed_as_skipped(tmp_path: Path) -> None:
    """``pytest.importorskip`` at the top of a test module (a backend that is not
    installed) skips the whole module while pytest collects it: its tests are not
    run, and the audit says so instead of leaving the file out."""
    tests = {
        "test_a.py": "from pkg import double\n\n\ndef test_ok():\n    assert double(2) == 4\n",
        "test_b.py": "import pytest\n\nfrom pkg import double\n\n"
        "pytest.importorskip('no_such_backend_module')\n\n\n"
        "def test_backend():\n    assert double(3) == 6\n",
    }
    root = _project(tmp_path / "p", "def double(x):\n    return 2 * x\n", tests)
    out = tmp_path / "o"

    code = main(["audit", str(root), "--mutation", "off", "-f", "json", "-o", str(out)])

    assert code == ExitCode.OK
    tests = {t["nodeid"]: t for t in json.loads((out / "report.json").read_text())["run"]["tests"]}
    assert tests["tests/test_a.py::test_ok"]["outcome"] == "passed"
    skipped = tests["tests/test_b.py"]
    assert skipped["outcome"] == "skipped"
    assert "no_such_backend_module" in skipped["message"]


#: Objects that raise from any attribute look-up: pyasn1's ``noValue`` sentinel (a class
#: attribute), werkzeug's LocalProxy (``__class__`` too), and a cached function.
FOREIGN = """import functools


class Schema:
    def __getattr__(self, attr):
        raise ValueError(f"attempted {attr!r} on a schema object")


class Record:
    spec = Schema()


class _Proxy:
    def __getattribute__(self, name):
        raise RuntimeError("working outside of the context")


current = _Proxy()


@functools.lru_cache(maxsize=None)
def double(x):
    return 2 * x
"""
TEST_DOUBLE = "from pkg import double\n\n\ndef test_1():\n    assert double(1) == 2\n\n\n"


def test_project_objects_that_raise_from_any_attribute_do_not_stop_the_run(
    tmp_path: Path,
) -> None:
    """pyasn1: looking for the project's cached functions read ``__func__`` of a class
    attribute, whose ``__getattr__`` raised a project error: pytest's INTERNALERROR
    ended the run at its first test, which was called crashed."""
    tests = TEST_DOUBLE + "def test_2():\n    assert double(1) == 2  # a cache hit\n"
    root = _project(tmp_path / "p", FOREIGN, {"test_double.py": tests})
    out = tmp_path / "o"

    code = main(["audit", str(root), "--mutation", "off", "-f", "json", "-o", str(out)])

    assert code == ExitCode.OK
    run = json.loads((out / "report.json").read_text())["run"]
    assert [(t["outcome"], t["reached"]) for t in run["tests"]] == [
        ("passed", ["pkg:double"]),
        ("passed", ["pkg:double"]),  # the cached function is still found
    ]
    assert run["stopped"] is None
