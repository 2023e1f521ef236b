"""--coverage-file: which of its files count as project code, and when the tests it
measured are taken from it instead of being measured again."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from pathlib import Path

import coverage

from testvet.core import AuditOptions, StageContext, start
from testvet.run import stage
from testvet.run.covdata import Analysis

PYPROJECT = """\
[tool.pytest.ini_options]
pythonpath = ["src"]
testpaths = ["tests"]
"""

CART = """\
def add(a, b):
    return a + b


def unused():
    return 0
"""

TEST_CART = """\
from shop.cart import add


def test_add():
    total = add(1, 2)
    assert total == 3
"""


def _project(root: Path, extra: Sequence[str] = ()) -> Path:
    files = {
        "pyproject.toml": PYPROJECT,
        "src/shop/__init__.py": "",
        "src/shop/cart.py": CART,
        "tests/test_cart.py": TEST_CART,
        **{rel: "VALUE = 1\n" for rel in extra},
    }
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


def _coverage_file(path: Path, lines: Mapping[Path, list[int]]) -> Path:
    data = coverage.CoverageData(basename=str(path))
    data.add_lines({str(p): n for p, n in lines.items()})
    data.write()
    return path


def _execute(root: Path, out: Path, user: Path) -> Analysis:
    options = AuditOptions(path=root, output_dir=out, coverage_file=user)
    audit = start(options)
    project = replace(
        audit.project, source_roots=("src",), packages=("shop",), test_paths=("tests",)
    )
    _result, analysis, _scope = stage.execute(
        replace(audit, project=project), StageContext(options=options)
    )
    assert analysis is not None
    return analysis


def test_only_project_sources_of_a_coverage_file_count_toward_coverage(tmp_path: Path) -> None:
    # A file measured for the whole environment also holds scripts outside the source
    # roots, the virtualenv's packages, the docs and code outside the project.
    outside = [
        "scripts/release.py",
        ".venv/lib/python3.11/site-packages/dep/mod.py",
        "docs/conf.py",
    ]
    root = _project(tmp_path / "proj", outside)
    elsewhere = tmp_path / "elsewhere" / "tool.py"
    elsewhere.parent.mkdir()
    elsewhere.write_text("VALUE = 1\n", encoding="utf-8")
    user = _coverage_file(
        tmp_path / "user.coverage",
        {
            root / "src/shop/cart.py": [1, 2, 5],
            **{root / rel: [1] for rel in outside},
            elsewhere: [1],
        },
    )
    analysis = _execute(root, tmp_path / "out", user)
    assert [f.path for f in analysis.data.files] == ["src/shop/cart.py"]
    assert analysis.data.percent == 75.0  # 3 of cart.py's 4 statements, nothing else


def test_tests_measured_in_the_coverage_file_are_not_measured_again(tmp_path: Path) -> None:
    root = _project(tmp_path / "proj")
    # The file says only the import and the def line of the test file ran.
    user = _coverage_file(
        tmp_path / "user.coverage",
        {root / "src/shop/cart.py": [1, 2, 5], root / "tests/test_cart.py": [1, 4]},
    )
    analysis = _execute(root, tmp_path / "out", user)
    assert analysis.test_executed == {"tests/test_cart.py": frozenset({1, 4})}
