"""Files a mutant makes a test write into the project are reported, never removed."""

from __future__ import annotations

from pathlib import Path

from mutate_helpers import context, make_audit, write_tree

from testvet.model import MutantStatus
from testvet.mutate import stage, treewatch

SOURCE = """\
def spool_dir(base: str) -> str:
    return base
"""

TESTS = """\
import os

from spool.core import spool_dir


def test_spool_file_lands_in_the_given_directory(tmp_path):
    with open(os.path.join(spool_dir(str(tmp_path)), "spool.txt"), "w") as handle:
        handle.write("queued")
    assert (tmp_path / "spool.txt").read_text() == "queued"
"""


def test_a_file_a_mutant_made_a_test_write_into_the_project_is_named_in_a_note(
    tmp_path: Path,
) -> None:
    # `return ''` turns the path into "spool.txt", relative to the working directory:
    # the project root. The mutant is killed, and the stray file is reported, not deleted.
    root = write_tree(
        tmp_path / "proj",
        {
            "pyproject.toml": '[tool.pytest.ini_options]\npythonpath = ["src"]\n',
            "src/spool/__init__.py": "",
            "src/spool/core.py": SOURCE,
            "tests/test_spool.py": TESTS,
        },
    )
    reached = {"tests/test_spool.py::test_spool_file_lands_in_the_given_directory": ["spool_dir"]}
    audit = make_audit(root, {"spool.core": "src/spool/core.py"}, reached)
    out = stage.run(audit, context(tmp_path / "out", root))
    assert out.mutation is not None
    statuses = {m.id: m.status for m in out.mutation.mutants}
    assert statuses["spool.core:spool_dir#return-''"] is MutantStatus.KILLED
    assert (root / "spool.txt").read_text() == "queued"
    assert len(out.mutation.notes) == 1
    assert out.mutation.notes[0].endswith("testvet leaves them as they are): created spool.txt")


def test_tree_changes_are_listed_by_kind_outside_hidden_build_and_output_directories(
    tmp_path: Path,
) -> None:
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "a.py").write_text("a = 1\n")
    (tmp_path / "pkg" / "b.py").write_text("b = 1\n")
    for ignored in (".git", "__pycache__", "build", "out"):
        (tmp_path / ignored).mkdir()
    before = treewatch.snapshot(tmp_path, skip=[tmp_path / "out"])
    (tmp_path / "pkg" / "a.py").write_text("a = 22\n")
    (tmp_path / "pkg" / "b.py").unlink()
    (tmp_path / "stray.log").write_text("x")
    for ignored in (".git", "__pycache__", "build", "out"):
        (tmp_path / ignored / "new").write_text("x")
    changed = treewatch.changes(before, treewatch.snapshot(tmp_path, skip=[tmp_path / "out"]))
    assert changed == ["modified pkg/a.py", "deleted pkg/b.py", "created stray.log"]
    assert treewatch.note([]) is None
    many = treewatch.note([f"created f{i}" for i in range(12)])
    assert many is not None
    assert many.endswith("created f8; created f9; and 2 more")
