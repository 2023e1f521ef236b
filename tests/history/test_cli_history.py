"""The CLI side: `testvet audit` appends to the history, `testvet trend` reads it."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from datetime import datetime, timezone
from pathlib import Path

import pytest

from testvet.cli import main
from testvet.history import HISTORY_FILE, RunSummary, load, record


def _summary(findings: int) -> RunSummary:
    return RunSummary(
        started=datetime(2026, 11, 24 - findings, tzinfo=timezone.utc),
        project="shop",
        root="/srv/shop",
        tool_version="0.4.0",
        verdict="fail",
        tests=10,
        findings=findings,
        by_category={"cannot-fail": findings},
        coverage=50.0 + findings,
    )


def test_trend_without_history_is_a_one_line_usage_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["trend", "--output-dir", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert err == (
        f"testvet: error: no audit history in {tmp_path / HISTORY_FILE} "
        "(run `testvet audit` first, or give --output-dir)\n"
    )


def test_trend_rejects_bad_last_and_html_paths(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    record(_summary(3), tmp_path)
    assert main(["trend", "-o", str(tmp_path), "--last", "0"]) == 2
    assert "--last must be 1 or more, not 0" in capsys.readouterr().err
    missing = tmp_path / "nope" / "trend.html"
    assert main(["trend", "-o", str(tmp_path), "--html", str(missing)]) == 2
    assert f"directory {missing.parent} does not exist" in capsys.readouterr().err


def test_trend_prints_the_table_and_writes_the_chart(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for findings in (3, 2, 1):
        record(_summary(findings), tmp_path)
    chart = tmp_path / "trend.html"
    assert main(["trend", "-o", str(tmp_path), "--last", "2", "--html", str(chart)]) == 0
    out = capsys.readouterr().out
    assert "2 runs of shop from 2026-11-22 00:00 to 2026-11-23 00:00 UTC" in out
    assert "\u25bc -1" in out
    assert f"testvet: wrote the trend chart to {chart}" in out
    assert "<title>testvet trend of shop</title>" in chart.read_text(encoding="utf-8")


@pytest.mark.slow
def test_an_audit_appends_one_run_and_a_broken_history_only_warns(
    tmp_path: Path,
    projects_dir: Path,
    digest_tree: Callable[[Path], str],
    capsys: pytest.CaptureFixture[str],
) -> None:
    project = tmp_path / "calc"
    shutil.copytree(projects_dir / "e2e_clean", project)
    before = digest_tree(project)
    out = tmp_path / "out"
    out.mkdir()
    earlier = record(_summary(1), out)  # a previous audit's run
    args = ["audit", str(project), "--static-only", "-o", str(out), "-f", "json"]
    code = main(args)
    assert code in (0, 1)
    runs = load(out)
    assert runs[0].id == earlier
    assert len(runs) == 2
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    latest = runs[1].summary
    assert latest.root == str(project.resolve())
    assert latest.tests == report["summary"]["tests"]
    assert latest.findings == report["summary"]["findings"]
    assert dict(latest.by_category) == report["summary"]["by_category"]
    assert latest.verdict == report["summary"]["verdict"]
    assert latest.suite_duration is None  # --static-only: no run
    assert digest_tree(project) == before  # the history lives in the output dir only
    capsys.readouterr()
    # A history that cannot be written warns and keeps the verdict's exit code.
    for suffix in ("", "-wal", "-shm"):
        (out / (HISTORY_FILE + suffix)).unlink(missing_ok=True)
    (out / HISTORY_FILE).write_bytes(b"garbage" * 1000)
    assert main(args) == code
    assert "testvet: warning: audit not added to the history: history " in capsys.readouterr().err
