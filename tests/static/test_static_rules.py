"""Every rule against its case files: each `# expect: CODE[:severity]` comment is a finding.

A case is a file ``cases/test_*.py`` (copied into a fresh project as ``tests/``) or a
directory ``cases/<name>/`` holding a whole project. The findings must match the expect
comments exactly: same codes, same lines, nothing more (true negatives sit beside the
true positives in the same files).
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from testvet import config as config_mod
from testvet.static.engine import analyze
from testvet.static.files import find_test_files, xfail_strict

CASES = Path(__file__).parent / "cases"
_EXPECT = re.compile(r"#\s*expect:\s*([A-Z0-9:,a-z ]+)")


def _cases() -> list[Path]:
    return sorted(p for p in CASES.iterdir() if p.name.startswith("test_") or p.is_dir())


def _project(case: Path, tmp_path: Path) -> Path:
    root = tmp_path / "project"
    if case.is_dir():
        shutil.copytree(case, root)
    else:
        (root / "tests").mkdir(parents=True)
        shutil.copy(case, root / "tests" / case.name)
    return root


def _expected(root: Path) -> set[tuple[str, str, int, str | None]]:
    out: set[tuple[str, str, int, str | None]] = set()
    for path in find_test_files(root, [], []):
        rel = path.relative_to(root).as_posix()
        for number, line in enumerate(path.read_text().splitlines(), start=1):
            match = _EXPECT.search(line)
            if not match:
                continue
            for item in match.group(1).split(","):
                code, _, severity = item.strip().partition(":")
                out.add((rel, code, number, severity or None))
    return out


def _found(root: Path) -> set[tuple[str, str, int, str]]:
    cfg = config_mod.load(root)
    files = find_test_files(root, [], [])
    findings = analyze(
        root, files, assert_helpers=cfg.assert_helpers, xfail_strict=xfail_strict(root)
    )
    return {(f.path, f.code, f.line or 0, f.severity.value) for f in findings}


@pytest.mark.parametrize("case", _cases(), ids=lambda p: p.name)
def test_rule_case(case: Path, tmp_path: Path) -> None:
    root = _project(case, tmp_path)
    expected = _expected(root)
    found = _found(root)
    assert {f[:3] for f in found} == {e[:3] for e in expected}
    # Severities named in expect comments (``# expect: TV101:low``) must match too.
    named = {e for e in expected if e[3] is not None}
    assert {f for f in found if f[:3] in {e[:3] for e in named}} == named
