"""A real run of a fixture project's suite (pytest + coverage.py in a child process).

Produces the :class:`~testvet.model.RunResult` the run stage would, so requirement
linking and "not even executed" can be tested on real outcomes and real coverage data.
Nothing is written into the project: caches are off and every output goes to ``out``.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from dataclasses import replace
from pathlib import Path
from typing import Any

from testvet.core import AuditOptions, StageContext, start
from testvet.model import Audit, CoverageData, FileCoverage, Outcome, RunResult, TestResult
from testvet.scenarios import stage


def audit_project(root: Path, out: Path, **fields: Any) -> Audit:
    """Start an audit of ``root`` (with ``fields`` replaced) and run the scenarios stage."""
    options = AuditOptions(path=root, output_dir=out)
    audit = replace(start(options), **fields)
    return stage.run(audit, StageContext(options=options))


def write_project(root: Path, files: dict[str, str]) -> Path:
    """Write a throwaway project from ``{relative path: source}`` and return its root."""
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")
    return root


_PLUGIN = """
import json, os

def pytest_runtest_logreport(report):
    if report.when == "call" or report.outcome != "passed":
        with open(os.environ["TV_OUTCOMES"], "a") as fh:
            fh.write(json.dumps([report.nodeid, report.when, report.outcome]) + "\\n")
"""


def run_suite(root: Path, out: Path) -> RunResult:
    """Run ``root``'s tests under coverage; return outcomes and coverage as a RunResult."""
    out.mkdir(parents=True, exist_ok=True)
    (out / "tv_outcomes.py").write_text(_PLUGIN)
    outcomes = out / "outcomes.jsonl"
    data = out / ".coverage"
    env = {
        **os.environ,
        "PYTHONPATH": str(out),
        "PYTHONDONTWRITEBYTECODE": "1",
        "TV_OUTCOMES": str(outcomes),
        # The fixture needs no third-party plugin; skipping autoload saves seconds.
        "PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1",
    }
    env.pop("PYTEST_ADDOPTS", None)
    cmd = [sys.executable, "-m", "coverage", "run", f"--data-file={data}", "--source=src"]
    cmd += ["-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "tv_outcomes"]
    subprocess.run(cmd, cwd=root, env=env, capture_output=True, check=False, timeout=120)
    report = out / "coverage.json"
    subprocess.run(
        [sys.executable, "-m", "coverage", "json", f"--data-file={data}", "-o", str(report)],
        cwd=root,
        env=env,
        capture_output=True,
        check=True,
        timeout=60,
    )
    results: dict[str, Outcome] = {}
    for line in outcomes.read_text().splitlines():
        nodeid, when, outcome = json.loads(line)
        if when == "call" or outcome != "passed":
            bad = outcome == "failed" and when != "call"
            results[nodeid] = Outcome.ERROR if bad else Outcome(outcome)
    files = []
    for path, info in json.loads(report.read_text())["files"].items():
        summary = info["summary"]
        files.append(
            FileCoverage(
                path=Path(path).as_posix(),
                statements=summary["num_statements"],
                missing=tuple(info["missing_lines"]),
                percent=summary["percent_covered"],
                executed=tuple(info["executed_lines"]),
            )
        )
    coverage = CoverageData(files=tuple(files), percent=0.0, data_file=str(data))
    return RunResult(
        python=sys.executable,
        duration=0.0,
        results=tuple(TestResult(n, o, 0.0) for n, o in sorted(results.items())),
        coverage=coverage,
    )
