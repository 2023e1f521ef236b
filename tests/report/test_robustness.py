"""Every reporter survives hostile finding text: control characters, pipes, backticks, markup."""

from __future__ import annotations

import io
import json
import re
import xml.etree.ElementTree as ET
from dataclasses import replace
from pathlib import Path

import jsonschema
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rich.console import Console

from testvet.model import Category, Finding, Severity
from testvet.report import json_report, junit, markdown, sarif, summary, terminal

SCHEMA = json.loads(
    (Path(__file__).parent.parent / "data" / "sarif-schema-2.1.0.json").read_text("utf-8")
)
NASTY = st.text(
    alphabet=st.one_of(
        st.sampled_from(list("|`<>&\\*_[]\n\r\t\x00\x1b\x7f\ufffe\u2028 ")),
        st.characters(codec="utf-8"),
    ),
    max_size=60,
)

findings = st.builds(
    Finding,
    code=st.sampled_from(["TV101", "TV301", "TV501", "TV999"]),
    category=st.sampled_from(list(Category)),
    severity=st.sampled_from(list(Severity)),
    path=st.sampled_from(["tests/test_a.py", "src/p k/m.py", "tests/x|y.py"]),
    line=st.one_of(st.none(), st.integers(min_value=1, max_value=10_000)),
    message=NASTY,
    test=st.one_of(st.none(), NASTY),
    hint=st.one_of(st.none(), NASTY),
    scenario=st.one_of(st.none(), st.sampled_from(["hard-kill", "clock-skew"])),
    detail=st.one_of(st.just({}), st.builds(lambda t: {"recommended_test": t}, NASTY)),
)


def _tables_are_rectangular(doc: str) -> None:
    in_fence = False
    width = None
    for line in doc.splitlines():
        if line.lstrip().startswith("```"):
            in_fence = not in_fence
        if in_fence or not line.startswith("|"):
            width = None
            continue
        cells = len(line.replace("\\|", "").split("|"))
        assert width is None or cells == width, line
        width = cells


@settings(
    max_examples=40,
    derandomize=True,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(found=st.lists(findings, min_size=1, max_size=6))
def test_every_format_renders_valid_output(full_audit, found):
    audit = replace(full_audit, findings=tuple(found))
    for render in (markdown.render, summary.render):
        doc = render(audit)
        _tables_are_rectangular(doc)
        assert not re.search("[\x00-\x08\x0b-\x1f\x7f]", doc)
    jsonschema.Draft7Validator(SCHEMA).validate(json.loads(sarif.render(audit)))
    root = ET.fromstring(junit.render(audit).encode("utf-8"))
    assert len(root.findall(".//failure")) == len(found)
    assert len(json.loads(json_report.render(audit))["findings"]) == len(found)
    console = Console(file=io.StringIO(), width=80, record=True)
    terminal.render(audit, console, [])
    out = console.export_text()
    assert f"findings  {len(found)}" in out
    assert "\x1b" not in out
    assert "\x00" not in out
