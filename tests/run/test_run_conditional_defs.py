"""A name defined twice under a condition (six's ``if PY3: def f ... else: def f``): the
function the run reports is the def that ran, not the last one in the file."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from run_helpers import discovered_run

COMPAT = """import sys

if sys.version_info >= (3,):

    def text(value):
        return str(value)

else:  # never runs

    def text(value):
        return unicode(value)  # noqa: F821


try:
    from json import loads as parse
except ImportError:  # never runs

    def parse(text):
        return None
"""

TEST = """from compat import parse, text


def test_text():
    assert text(3) == "3"
    assert parse("[1]") == [1]
"""


def test_the_def_that_ran_is_the_reported_function(
    tmp_path: Path, tree_writer: Callable[[Path, dict[str, str]], Path]
) -> None:
    files = {
        "compat/__init__.py": COMPAT,
        "tests/test_compat.py": TEST,
        "pyproject.toml": '[project]\nname = "compat"\n',
    }
    audit = discovered_run(tree_writer(tmp_path / "p", files), tmp_path / "out")

    assert audit.run is not None
    functions = {f.id: (f.line, f.end_line) for f in audit.run.functions}
    assert functions == {"compat:text": (5, 6)}
    (result,) = audit.run.results
    assert result.reached == frozenset({"compat:text"})
