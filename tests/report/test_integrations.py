"""The GitHub action and the pre-commit hook: structure, and their shell steps run for real."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from testvet.report import md, sarif

REPO = Path(__file__).resolve().parents[2]
ACTION = yaml.safe_load((REPO / "action.yml").read_text(encoding="utf-8"))
HOOKS = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
BIN = Path(sys.executable).parent


def _step(name: str) -> dict:
    return next(s for s in ACTION["runs"]["steps"] if s.get("name") == name)


def _run_step(name: str, env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    """Run one ``run:`` step of the action with bash, the way a runner would."""
    script = _step(name)["run"]
    full_env = {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ['PATH']}", **env}
    return subprocess.run(
        ["bash", "-e", "-o", "pipefail", "-c", script],
        env=full_env,
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def _outputs(path: Path) -> dict[str, str]:
    return dict(line.split("=", 1) for line in path.read_text().splitlines() if "=" in line)


# --------------------------------------------------------------------------- structure


def test_action_is_a_composite_with_the_documented_inputs():
    assert ACTION["runs"]["using"] == "composite"
    inputs = ACTION["inputs"]
    assert inputs["path"]["default"] == "."
    assert inputs["args"]["default"] == ""
    assert inputs["fail"]["default"] == "true"
    assert set(ACTION["outputs"]) == {"verdict", "exit-code", "report-dir"}
    uses = [s["uses"] for s in ACTION["runs"]["steps"] if "uses" in s]
    assert uses == ["actions/setup-python@v5", "github/codeql-action/upload-sarif@v3"]
    upload = _step("Upload SARIF to code scanning")
    assert upload["with"]["sarif_file"] == "${{ steps.audit.outputs.sarif }}"
    assert "always()" in upload["if"]


def test_action_scripts_take_inputs_through_env_only():
    # `${{ inputs.x }}` pasted into a script is a shell injection; env vars are not.
    scripts = [step for step in ACTION["runs"]["steps"] if "run" in step]
    assert len(scripts) == 4
    for step in scripts:
        assert step["shell"] == "bash"
        assert "${{" not in step["run"], step["name"]


def test_pre_commit_hook_runs_the_static_audit():
    assert isinstance(HOOKS, list)
    hook = next(h for h in HOOKS if h["id"] == "testvet")
    assert hook["entry"] == "testvet audit --static-only --format terminal"
    assert hook["language"] == "python"
    assert hook["pass_filenames"] is False


# --------------------------------------------------------------------------- the steps, run


def test_summary_step_appends_small_summaries_whole(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / "summary.md").write_text("## testvet audit of x: **PASS**\n")
    step_summary = tmp_path / "step-summary.md"
    step_summary.write_text("earlier step\n")
    proc = _run_step(
        "Write the job summary",
        {"TESTVET_OUT": str(out), "GITHUB_STEP_SUMMARY": str(step_summary), "TESTVET_CODE": "0"},
        tmp_path,
    )
    assert proc.returncode == 0, proc.stderr
    assert step_summary.read_text() == "earlier step\n## testvet audit of x: **PASS**\n"


def test_summary_step_cuts_oversized_summaries_under_the_limit(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / "summary.md").write_text("| row |\n" * 300_000)  # 2.4 MB
    step_summary = tmp_path / "step-summary.md"
    proc = _run_step(
        "Write the job summary",
        {"TESTVET_OUT": str(out), "GITHUB_STEP_SUMMARY": str(step_summary), "TESTVET_CODE": "1"},
        tmp_path,
    )
    assert proc.returncode == 0, proc.stderr
    written = step_summary.read_bytes()
    assert len(written) <= md.SIZE_LIMIT
    assert b"summary cut at the 1 MiB job summary limit (2400000 bytes)" in written


def test_summary_step_says_when_there_is_no_summary(tmp_path):
    step_summary = tmp_path / "step-summary.md"
    proc = _run_step(
        "Write the job summary",
        {
            "TESTVET_OUT": str(tmp_path / "missing"),
            "GITHUB_STEP_SUMMARY": str(step_summary),
            "TESTVET_CODE": "2",
        },
        tmp_path,
    )
    assert proc.returncode == 0, proc.stderr
    assert "testvet wrote no summary (exit code 2)" in step_summary.read_text()


@pytest.mark.parametrize(
    ("code", "fail", "expected"),
    [("0", "true", 0), ("1", "true", 1), ("1", "false", 0), ("2", "false", 2), ("3", "true", 3)],
)
def test_verdict_step_fails_on_fail_only_when_asked(tmp_path, code, fail, expected):
    proc = _run_step("Apply the verdict", {"TESTVET_CODE": code, "TESTVET_FAIL": fail}, tmp_path)
    assert proc.returncode == expected
    if code == "1" and fail == "false":
        assert "::warning::testvet verdict is fail" in proc.stdout


def test_sarif_rebase_prefixes_project_uris(full_audit, tmp_path):
    path = tmp_path / "report.sarif"
    path.write_text(sarif.render(full_audit))
    assert sarif.main(["--prefix", "services/shop", str(path)]) == 0
    doc = json.loads(path.read_text())
    uris = [
        r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
        for r in doc["runs"][0]["results"]
    ]
    assert uris
    assert all(u.startswith("services/shop/") for u in uris)
    assert sarif.rebase(doc, ".") is doc


@pytest.mark.slow
def test_audit_step_runs_real_testvet_on_a_subdirectory_project(tmp_path, projects_dir):
    workspace = tmp_path / "repo"
    project = workspace / "svc"
    shutil.copytree(projects_dir / "e2e_basic", project)
    outputs = tmp_path / "github-output"
    outputs.touch()
    out_dir = tmp_path / "reports"
    proc = _run_step(
        "Run testvet audit",
        {
            "TESTVET_PATH": str(project),
            "TESTVET_ARGS": "--static-only --format summary --format sarif",
            "TESTVET_OUT": str(out_dir),
            "GITHUB_OUTPUT": str(outputs),
            "GITHUB_WORKSPACE": str(workspace),
        },
        tmp_path,
    )
    assert proc.returncode == 0, proc.stderr
    got = _outputs(outputs)
    assert got["exit-code"] in ("0", "1")
    assert got["verdict"] == {"0": "pass", "1": "fail"}[got["exit-code"]]
    assert got["sarif"] == f"{out_dir}/report.sarif"
    assert (out_dir / "summary.md").read_text().startswith("## testvet audit of shop: ")
    doc = json.loads((out_dir / "report.sarif").read_text())
    for result in doc["runs"][0]["results"]:
        uri = result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
        assert re.match(r"^svc/tests/", uri), uri
