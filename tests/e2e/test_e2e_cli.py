"""The real ``testvet`` command in a subprocess, on fixture projects and the demo project."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from contract import check_report

REPO = Path(__file__).resolve().parents[2]
PROJECTS = REPO / "tests" / "projects"
TESTVET = Path(sys.executable).parent / "testvet"

Digest = Callable[[Path], str]


def run_testvet(*args: str | Path, cwd: Path = REPO) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(TESTVET), *map(str, args)],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )


def audit_json(
    project: Path, out: Path, digest_tree: Digest, *extra: str
) -> tuple[int, dict[str, object]]:
    """Audit ``project`` into ``out``; the project's tree must not change."""
    before = digest_tree(project)
    done = run_testvet("audit", project, "--format", "json", "-o", out, *extra)
    assert done.returncode in (0, 1), done.stderr
    assert "Traceback" not in done.stderr
    assert digest_tree(project) == before, "the audit changed the project's tree"
    return done.returncode, json.loads((out / "report.json").read_text(encoding="utf-8"))


def test_static_only_report_follows_the_contract(tmp_path: Path, digest_tree: Digest) -> None:
    project = PROJECTS / "e2e_basic"
    code, doc = audit_json(project, tmp_path, digest_tree, "--static-only")
    check_report(doc, project, code)
    assert code == 1
    assert doc["project"]["name"] == "shop"
    assert doc["summary"]["tests"] == 5
    flagged = {(f["code"], f["test"]) for f in doc["findings"]}
    assert ("TV106", "tests/test_cart.py::test_is_free_is_checked") in flagged
    assert ("TV104", "tests/test_cart.py::test_empty_cart_is_free") in flagged
    # The good tests are not flagged.
    assert not any("test_total_applies" in (f["test"] or "") for f in doc["findings"])
    assert doc["skipped_stages"]["run"] == "--static-only"
    assert (tmp_path / ".gitignore").read_text(encoding="utf-8").splitlines()[-1] == "*"


@pytest.mark.slow
def test_full_audit_report_follows_the_contract(tmp_path: Path, digest_tree: Digest) -> None:
    project = PROJECTS / "e2e_basic"
    code, doc = audit_json(project, tmp_path, digest_tree)
    check_report(doc, project, code)
    assert code == 1
    assert "run" not in doc["skipped_stages"]
    assert [f["path"] for f in doc["inventory"]["files"]] == ["tests/test_cart.py"]
    assert doc["inventory"]["files"][0]["imports"] == ["shop.cart"]


def test_a_clean_project_passes_with_exit_code_zero(tmp_path: Path, digest_tree: Digest) -> None:
    project = PROJECTS / "e2e_clean"
    code, doc = audit_json(project, tmp_path, digest_tree, "--static-only")
    check_report(doc, project, code)
    assert (code, doc["summary"]["verdict"], doc["findings"]) == (0, "pass", [])
    assert doc["summary"]["tests"] == 2


@pytest.mark.slow
def test_the_make_demo_command_audits_the_example(tmp_path: Path, digest_tree: Digest) -> None:
    example = REPO / "examples" / "taskq"
    before = digest_tree(example)
    # The command of `make demo`, with the output directory moved to tmp_path.
    done = run_testvet("audit", "examples/taskq", "--output-dir", tmp_path)
    assert done.returncode == 1, done.stderr  # the example's suite has known flaws
    assert digest_tree(example) == before
    assert (tmp_path / "report.md").is_file()
    doc = json.loads((tmp_path / "report.json").read_text(encoding="utf-8"))
    check_report(doc, example, done.returncode)
    assert doc["summary"]["tests"] == 36
    assert "cannot-fail" in doc["summary"]["by_category"]
    order = {f["test"] for f in doc["findings"] if f["category"] == "order-dependent"}
    assert order == {"tests/test_ratelimit.py::test_the_shared_limiter_has_one_request_left"}
    assert "tests/test_auth.py::test_issue_round_trip" in {f["test"] for f in doc["findings"]}
    assert "taskq" in done.stdout  # the terminal report was printed


def test_a_missing_path_is_one_line_and_exit_two(tmp_path: Path) -> None:
    missing = tmp_path / "no-such-project"
    done = run_testvet("audit", missing, "-o", tmp_path / "out")
    assert done.returncode == 2
    assert done.stderr.splitlines() == [f"testvet: error: {missing}: no such file or directory"]


def test_an_unknown_config_key_names_the_key_and_the_nearest(tmp_path: Path) -> None:
    done = run_testvet("audit", PROJECTS / "e2e_badconfig", "--static-only", "-o", tmp_path)
    assert done.returncode == 2
    (line,) = done.stderr.splitlines()
    assert "unknown key 'exlude'" in line
    assert "did you mean 'exclude'?" in line


def test_collection_errors_reach_the_report_and_fail_the_build(
    tmp_path: Path, digest_tree: Digest
) -> None:
    project = PROJECTS / "disc_broken"
    code, doc = audit_json(project, tmp_path, digest_tree, "--static-only")
    check_report(doc, project, code)
    assert code == 1
    errors = {
        (f["code"], f["path"]) for f in doc["findings"] if f["category"] == "collection-error"
    }
    assert errors == {
        ("TV201", "tests/test_missing_dep.py"),
        ("TV201", "tests/test_pkg_import.py"),
        ("TV201", "tests/test_src_import.py"),
        ("TV202", "tests/sub/conftest.py"),
    }
    assert all(f["hint"] for f in doc["findings"] if f["category"] == "collection-error")


@pytest.mark.slow
def test_the_example_suite_is_green_under_plain_pytest(digest_tree: Digest) -> None:
    example = REPO / "examples" / "taskq"
    before = digest_tree(example)
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "no:randomly"],
        cwd=example,
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"},
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stdout[-2000:]
    assert "35 passed, 1 xfailed" in done.stdout.splitlines()[-1]
    assert digest_tree(example) == before


def test_an_audit_that_collects_no_test_fails_and_says_why(
    tmp_path: Path, tree_writer: Callable[[Path, dict[str, str]], Path], digest_tree: Digest
) -> None:
    """pytest fails a run that collects nothing (exit 5); so does the audit, naming the
    file that holds the tests under a name pytest does not collect (jsonpointer 3.0)."""
    project = tree_writer(
        tmp_path / "proj",
        {
            "pyproject.toml": '[project]\nname = "calc"\n',
            "calc.py": "def double(x):\n    return 2 * x\n",
            "tests.py": (
                "from calc import double\n\n\ndef test_double():\n    assert double(2) == 4\n"
            ),
        },
    )
    code, doc = audit_json(project, tmp_path / "out", digest_tree, "--static-only")
    check_report(doc, project, code)
    assert code == 1
    summary = doc["summary"]
    assert isinstance(summary, dict)
    assert summary["verdict"] == "fail"
    assert summary["reasons"] == [
        "no test was collected from .: tests.py looks like tests but matches no "
        "python_files pattern of pytest (set python_files in its configuration)"
    ]
