"""The command line, called in-process: options, exit codes, one-line errors."""

from __future__ import annotations

import io
import json
import re
import sys
from pathlib import Path

import pytest

from testvet import __version__, core
from testvet.cli import main
from testvet.errors import ExitCode

BAD_TEST = """
def test_always_green():
    result = 1 + 1
    return True  # don't fail CI
"""

GOOD_TEST = """
def test_adds():
    assert 1 + 1 == 2
"""


def make_project(root: Path, test_source: str, pyproject: str = "") -> Path:
    (root / "tests").mkdir(parents=True)
    (root / "tests" / "test_it.py").write_text(test_source)
    if pyproject:
        (root / "pyproject.toml").write_text(pyproject)
    return root


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--version"]) == ExitCode.OK
    assert capsys.readouterr().out.strip() == f"testvet {__version__}"


def test_help_has_examples(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["audit", "--help"]) == ExitCode.OK
    out = capsys.readouterr().out
    assert "testvet audit path/to/project --static-only" in out
    assert "1 verdict fail" in out


def test_no_command_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([]) == ExitCode.USAGE_ERROR
    assert "usage: testvet" in capsys.readouterr().out


def test_missing_path_is_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    missing = tmp_path / "nope"
    code = main(["audit", str(missing), "-o", str(tmp_path / "out")])
    err = capsys.readouterr().err
    assert code == ExitCode.USAGE_ERROR
    assert err == f"testvet: error: {missing}: no such file or directory\n"


def test_unknown_format(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["audit", str(tmp_path), "-f", "pdf", "-o", str(tmp_path / "out")])
    assert code == ExitCode.USAGE_ERROR
    assert "--format 'pdf': unknown format" in capsys.readouterr().err


def test_bad_config_key_names_it(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    project = make_project(tmp_path / "p", GOOD_TEST, "[tool.testvet]\nfial_on = []\n")
    code = main(["audit", str(project), "--static-only", "-o", str(tmp_path / "out")])
    err = capsys.readouterr().err
    assert code == ExitCode.USAGE_ERROR
    assert "unknown key 'fial_on' (did you mean 'fail_on'?)" in err
    assert err.count("\n") == 1
    assert "Traceback" not in err


def test_internal_error_hides_traceback_unless_debug(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(audit: object, ctx: object) -> object:
        raise RuntimeError("stage exploded")

    monkeypatch.setattr(core, "_stages", lambda: [("broken", broken)])
    args = ["audit", str(tmp_path), "--static-only", "-o", str(tmp_path / "out")]
    assert main(args) == ExitCode.INTERNAL_ERROR
    err = capsys.readouterr().err
    assert "internal error: RuntimeError: stage exploded (rerun with --debug" in err
    assert "Traceback" not in err
    assert main([*args, "--debug"]) == ExitCode.INTERNAL_ERROR
    assert "Traceback (most recent call last)" in capsys.readouterr().err


def test_static_audit_writes_json_and_gitignore(tmp_path: Path) -> None:
    project = make_project(tmp_path / "p", GOOD_TEST)
    out = tmp_path / "out"
    code = main(["audit", str(project), "--static-only", "-f", "json", "-o", str(out)])
    assert code == ExitCode.OK
    report = json.loads((out / "report.json").read_text())
    assert report["schema"] == "testvet-report/1"
    assert report["summary"]["verdict"] == "pass"
    assert report["project"]["root"] == str(project.resolve())
    assert (out / ".gitignore").read_text().splitlines()[-1] == "*"
    names = {p.name for p in out.iterdir()}
    assert {".gitignore", "report.json"} <= names
    assert not {"report.md", "report.html", "report.sarif"} & names  # only the asked format


def test_formats_may_be_comma_separated(tmp_path: Path) -> None:
    project = make_project(tmp_path / "p", GOOD_TEST)
    out = tmp_path / "out"
    args = ["audit", str(project), "--static-only", "-f", "json,sarif", "-f", "junit"]
    assert main([*args, "-o", str(out)]) == ExitCode.OK
    reports = {p.name for p in out.glob("report*")}
    assert reports == {"report.json", "report.sarif", "report.junit.xml"}


def test_verdict_fail_then_baseline_makes_it_pass(tmp_path: Path) -> None:
    project = make_project(tmp_path / "p", BAD_TEST)
    out = tmp_path / "out"
    common = [str(project), "--static-only", "-f", "json", "-o", str(out)]
    assert main(["audit", *common]) == ExitCode.FAILED
    report = json.loads((out / "report.json").read_text())
    assert report["summary"]["verdict"] == "fail"
    assert "cannot-fail" in report["summary"]["by_category"]

    baseline = tmp_path / "baseline.json"
    assert main(["baseline", "write", *common, "-O", str(baseline)]) == ExitCode.OK
    assert json.loads(baseline.read_text())["schema"] == "testvet-baseline/1"
    assert main(["audit", *common, "--baseline", str(baseline)]) == ExitCode.OK

    # A new defect is not covered by the baseline.
    (project / "tests" / "test_new.py").write_text(BAD_TEST.replace("always_green", "also"))
    assert main(["audit", *common, "--baseline", str(baseline)]) == ExitCode.FAILED


def test_rules_lists_every_code_with_a_doc_page(capsys: pytest.CaptureFixture[str]) -> None:
    from testvet.codes import all_codes

    assert main(["rules"]) == ExitCode.OK
    lines = capsys.readouterr().out.splitlines()
    codes = [line.split()[0] for line in lines]
    assert codes == sorted(codes)
    for expected in ("TV101", "TV150", "TV201", "TV301", "TV310", "TV401", "TV501", "TV611"):
        assert expected in codes
    assert len(codes) == len(set(codes))
    docs = Path(__file__).parents[1] / "docs"
    missing = [c.code for c in all_codes() if not (docs / c.doc).is_file()]
    assert missing == []


class _Terminal(io.StringIO):
    """A stderr that says it is a terminal."""

    def isatty(self) -> bool:
        return True


def _terminal_stderr(monkeypatch: pytest.MonkeyPatch, stream: io.StringIO) -> None:
    """Make ``stream`` the process's stderr, in an ordinary terminal environment."""
    for name in ("TTY_COMPATIBLE", "TTY_INTERACTIVE", "FORCE_COLOR", "NO_COLOR"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("TERM", "xterm")
    monkeypatch.setattr(sys, "stderr", stream)


def test_on_a_terminal_each_stage_draws_a_transient_progress_bar_on_stderr(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    terminal = _Terminal()
    _terminal_stderr(monkeypatch, terminal)
    project = make_project(tmp_path / "p", GOOD_TEST)
    args = ["audit", str(project), "--static-only", "-f", "json", "-o", str(tmp_path / "out")]
    assert main(args) == ExitCode.OK
    err = terminal.getvalue()
    text = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", err)  # without colours and cursor moves
    assert re.search(r"collecting tests .*0/\?", text)  # the total is not known yet
    assert re.search(r"static rules ━+ 0/1", text)  # one test file
    assert re.search(r"scenarios ━+ 0/2", text)
    # Each bar hides the cursor while it draws and gives it back when its stage is done.
    hidden, shown = err.count("\x1b[?25l"), err.count("\x1b[?25h")
    assert hidden == shown == 3
    assert err.rindex("\x1b[?25h") > err.rindex("scenarios")


def test_a_redirected_stderr_gets_no_progress_bar(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    redirected = io.StringIO()  # not a terminal: a log file or a pipe
    _terminal_stderr(monkeypatch, redirected)
    project = make_project(tmp_path / "p", GOOD_TEST)
    args = ["audit", str(project), "--static-only", "-f", "json", "-o", str(tmp_path / "out")]
    assert main(args) == ExitCode.OK
    assert redirected.getvalue() == ""


def test_an_audit_of_a_suite_without_tests_leaves_no_bar_drawn(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The run stage reports 0 of 0: its bar, drawn while the total was unknown, must go.
    terminal = _Terminal()
    _terminal_stderr(monkeypatch, terminal)
    project = make_project(tmp_path / "p", "import os\n")
    args = ["audit", str(project), "--mutation", "off", "-f", "json", "-o", str(tmp_path / "o")]
    main(args)
    err = terminal.getvalue()
    assert "run" in re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", err)
    assert err.count("\x1b[?25l") == err.count("\x1b[?25h") >= 1
    assert err.endswith("\x1b[?25h") or err.rindex("\x1b[?25h") > err.rindex("\x1b[?25l")
