"""The reporter registry: every format is registered, written atomically, and selectable."""

from __future__ import annotations

import io
import json
import xml.etree.ElementTree as ET

import pytest
from rich.console import Console

from testvet import report
from testvet.errors import UsageError

MINE = {"terminal", "markdown", "summary", "json", "sarif", "junit"}


def test_every_format_is_registered_and_default():
    assert set(report.FORMATS) >= MINE
    assert set(report.DEFAULT_FORMATS) == set(report.FORMATS)
    files = {name for name in report.FORMATS if name != "terminal"}
    assert set(report._registry()) == files


def test_unknown_format_is_a_usage_error_naming_it():
    with pytest.raises(UsageError, match="--format 'pdf': unknown format"):
        report.check_formats(("json", "pdf"))


def test_write_reports_writes_each_file_and_prints_the_terminal(full_audit, tmp_path):
    console = Console(file=io.StringIO(), width=100, record=True)
    formats = tuple(f for f in report.FORMATS if f in MINE)
    written = report.write_reports(full_audit, formats, tmp_path, console)
    names = sorted(p.name for p in written)
    assert names == sorted(
        ["report.md", "summary.md", "report.json", "report.sarif", "report.junit.xml"]
    )
    assert json.loads((tmp_path / "report.json").read_text())["summary"]["verdict"] == "fail"
    assert json.loads((tmp_path / "report.sarif").read_text())["version"] == "2.1.0"
    ET.parse(tmp_path / "report.junit.xml")
    assert (tmp_path / "report.md").read_text().startswith("# Test audit of shopcart: FAIL")
    # No temporary files are left behind by the atomic writes.
    assert sorted(p.name for p in tmp_path.iterdir()) == names
    out = console.export_text()
    assert "Reports written" in out
    assert str(tmp_path / "report.sarif") in out


def test_terminal_only_writes_nothing(full_audit, tmp_path):
    console = Console(file=io.StringIO(), width=100, record=True)
    assert report.write_reports(full_audit, ("terminal",), tmp_path, console) == []
    assert list(tmp_path.iterdir()) == []
    assert "cannot-fail (3)" in console.export_text()
