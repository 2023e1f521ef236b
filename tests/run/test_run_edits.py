"""A test file written to while the suite runs gives no rotten-green evidence."""

from __future__ import annotations

from pathlib import Path

import pytest
from run_helpers import discovered_run

from testvet.model import Audit

TEST = """import os

from edpkg import double


def test_double():
    {touch}
    values = []
    for value in values:  # never runs: this check never ran
        assert double(value) == 2 * value
    assert double(2) == 4
"""


def _audit(root: Path, touch: bool) -> Audit:
    (root / "edpkg").mkdir(parents=True)
    (root / "edpkg" / "__init__.py").write_text("def double(x):\n    return 2 * x\n")
    (root / "tests").mkdir()
    line = "os.utime(__file__)  # written to while the suite runs" if touch else "pass"
    (root / "tests" / "test_edit.py").write_text(TEST.format(touch=line))
    (root / "pyproject.toml").write_text('[project]\nname = "edpkg"\n')
    return discovered_run(root, root.parent / f"out-{root.name}")


@pytest.mark.parametrize("touch", [False, True], ids=["untouched", "written-during-run"])
def test_rotten_green_evidence_only_from_files_unchanged_since_the_run_began(
    tmp_path: Path, touch: bool
) -> None:
    audit = _audit(tmp_path / "p", touch)
    assert audit.run is not None
    rotten = [f for f in audit.findings if f.code == "TV310"]
    notes = [n for n in audit.run.notes if "changed while the suite ran" in n]
    if touch:
        assert rotten == []
        assert notes == [
            "tests/test_edit.py changed while the suite ran: no rotten-green evidence from "
            "them (their lines may have moved)"
        ]
    else:
        assert [f.test for f in rotten] == ["tests/test_edit.py::test_double"]
        assert notes == []
