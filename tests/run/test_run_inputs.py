"""The run stage's inputs: --coverage-file, the project's interpreter, the map mechanism."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import coverage
import pytest
from run_helpers import PROJECTS, by_id, prepared, run_stage

from testvet.errors import SuiteError
from testvet.run import stage
from testvet.run.stage import MECHANISM_ENV

T = "tests/test_ops.py::"


def test_coverage_file_is_read_instead_of_measured(tmp_path: Path) -> None:
    user = tmp_path / "user.coverage"
    data = coverage.CoverageData(basename=str(user))
    data.add_lines({"src/calc/ops.py": [6, 8, 11, 12]})  # relative to the project root
    data.write()
    audit = run_stage("run_basic", tmp_path / "out", packages=("calc",), coverage_file=user)
    assert audit.run is not None
    assert audit.run.coverage is not None
    cov = audit.run.coverage
    assert (cov.source, cov.data_file) == ("file", str(user))
    (ops,) = cov.files
    assert ops.path == "src/calc/ops.py"
    assert ops.executed == (6, 8, 11, 12)
    assert 19 in ops.missing
    assert ops.percent < 30
    # the map is still measured, and the test files are measured for rotten-green evidence
    assert by_id(audit)[T + "test_add"].reached == {"calc.ops:add"}
    rotten = {f.test for f in audit.findings if f.code == "TV310"}
    assert T + "test_rotten_if" in rotten
    # the user's file is read, never written
    assert coverage.CoverageData(basename=str(user)).measured_files() == set()


def test_interpreter_without_pytest_is_a_one_line_suite_error(tmp_path: Path) -> None:
    venv = tmp_path / "bare"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    python = venv / "bin" / "python"
    with pytest.raises(SuiteError, match=r"has no pytest: install pytest") as caught:
        run_stage("run_basic", tmp_path / "out", python=str(python))
    assert "\n" not in str(caught.value)
    assert str(python) in str(caught.value)


def test_unknown_pytest_option_is_a_suite_error(tmp_path: Path) -> None:
    from dataclasses import replace

    audit, ctx = prepared("run_basic", tmp_path / "out", packages=("calc",))
    audit = replace(audit, config=replace(audit.config, pytest_args=("--no-such-option",)))
    with pytest.raises(SuiteError, match="no-such-option"):
        stage.run(audit, ctx)


@pytest.mark.slow
def test_map_does_not_change_coverage_lines_or_branches(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The import hook's injected statements leave coverage.py's numbers untouched."""
    monkeypatch.setenv(stage.MECHANISM_ENV, "off")
    plain = run_stage("run_basic", tmp_path / "off", packages=("calc",))
    monkeypatch.setenv(stage.MECHANISM_ENV, "hook")
    hooked = run_stage("run_basic", tmp_path / "hook", packages=("calc",))
    assert plain.run is not None
    assert hooked.run is not None
    assert plain.run.coverage is not None
    assert hooked.run.coverage is not None
    assert plain.run.coverage.files == hooked.run.coverage.files
    assert all(not r.reached for r in plain.run.results)
    assert by_id(hooked)[T + "test_add"].reached == {"calc.ops:add"}


@pytest.mark.slow
@pytest.mark.parametrize("mechanism", ["profile", "lsprof"])
def test_alternative_mechanisms_build_the_same_map(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, mechanism: str
) -> None:
    monkeypatch.setenv(stage.MECHANISM_ENV, mechanism)
    audit, ctx = prepared("run_basic", tmp_path / "out", packages=("calc",))
    result, _analysis, _scope = stage.execute(audit, ctx, measure_coverage=False)
    results = {r.nodeid: r.reached for r in result.results}
    assert results[T + "test_add"] == {"calc.ops:add"}
    assert results[T + "test_outer_inner"] == {"calc.ops:outer", "calc.ops:outer.<locals>.inner"}
    assert results[T + "test_account"] >= {"calc.ops:Account.deposit", "calc.ops:Account.empty"}
    assert result.coverage is None


def test_monitoring_mechanism_on_python_312(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """sys.monitoring (Python >= 3.12) gives the same map; needs a 3.12 with pytest and coverage."""
    python = _python312()
    if python is None:
        pytest.skip("no Python >= 3.12 with pytest and coverage on this machine")
    monkeypatch.delenv(stage.MECHANISM_ENV, raising=False)
    audit = run_stage("run_basic", tmp_path / "out", packages=("calc",), python=python)
    results = by_id(audit)
    assert results[T + "test_add"].reached == {"calc.ops:add"}
    assert results[T + "test_mul_wrapped"].reached == {
        "calc.ops:mul",
        "calc.ops:logged.<locals>.wrapper",
    }
    assert audit.run is not None
    assert audit.run.coverage is not None
    assert (PROJECTS / "run_basic").is_dir()


def _python312() -> str | None:
    import os

    candidate = os.environ.get("TESTVET_TEST_PYTHON312")
    if not candidate or not Path(candidate).exists():
        return None
    return candidate


def test_modules_imported_before_pytest_loads_plugins_are_mapped_and_covered(
    tmp_path: Path,
) -> None:
    """The recording starts before pytest is imported (``testvet_boot``), so a module
    pytest imports before testvet's plugin (here one named by an earlier ``-p``; pluggy,
    iniconfig, packaging in real life) gets its import-time lines and its hits."""
    audit = run_stage("run_early", tmp_path / "out", packages=("early",))
    assert audit.run is not None
    assert audit.run.notes == ()
    assert by_id(audit)["tests/test_early.py::test_both"].reached == {
        "early.plugin:helper",
        "early.late:later",
    }
    assert audit.run.coverage is not None
    files = {f.path: f for f in audit.run.coverage.files}
    # before: the ``def`` line ran before coverage.py started, so 50%
    assert files["src/early/plugin.py"].missing == ()
    assert files["src/early/plugin.py"].percent == 100.0
    # and the launcher starts pytest through its supported entry point (no deprecation)
    log = (tmp_path / "out" / "run" / "pytest-1.log").read_text()
    assert "test session starts" in log
    assert "deprecated" not in log


def _imported_at_startup(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A ``sitecustomize`` that imports the project before anything of testvet runs."""
    site = tmp_path / "site"
    site.mkdir()
    src = PROJECTS / "run_early" / "src"
    (site / "sitecustomize.py").write_text(
        f"import sys\nsys.path.insert(0, {str(src)!r})\nimport early.plugin\n"
    )
    monkeypatch.setenv("PYTHONPATH", str(site))


@pytest.mark.skipif(sys.version_info >= (3, 12), reason="sys.monitoring sees every module")
def test_modules_imported_before_the_recording_are_mapped_by_watching_calls(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _imported_at_startup(tmp_path, monkeypatch)
    audit = run_stage("run_early", tmp_path / "out", packages=("early",))
    assert audit.run is not None
    (note,) = audit.run.notes
    assert note == (
        "2 project module(s) were imported before testvet's import hook (early, "
        "early.plugin): the per-test map watches calls with sys.setprofile instead, "
        "which slows the run"
    )
    # both the module imported at start-up and the one imported later are mapped
    assert by_id(audit)["tests/test_early.py::test_both"].reached == {
        "early.plugin:helper",
        "early.late:later",
    }


@pytest.mark.skipif(sys.version_info >= (3, 12), reason="sys.monitoring sees every module")
def test_the_import_hook_asked_for_leaves_modules_imported_before_it_out(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _imported_at_startup(tmp_path, monkeypatch)
    monkeypatch.setenv(MECHANISM_ENV, "hook")
    audit = run_stage("run_early", tmp_path / "out", packages=("early",))
    assert audit.run is not None
    (note,) = audit.run.notes
    assert note == (
        "2 project module(s) were imported before testvet's import hook and are left "
        "out of the per-test map: early, early.plugin"
    )
    assert by_id(audit)["tests/test_early.py::test_both"].reached == {"early.late:later"}
