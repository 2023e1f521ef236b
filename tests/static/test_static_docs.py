"""Every rule has a doc page whose bad example triggers it and whose good example is clean."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from testvet.model import Category
from testvet.static.engine import analyze
from testvet.static.registry import all_rules, rule

REPO = Path(__file__).resolve().parents[2]
_BLOCK = re.compile(r"## (Bad|Good)\n\n```python\n(.*?)```", re.S)


def _examples(code: str) -> dict[str, str]:
    text = (REPO / rule(code).doc).read_text(encoding="utf-8")
    return {kind: body for kind, body in _BLOCK.findall(text)}


def _codes(tmp_path: Path, source: str) -> list[str]:
    tests = tmp_path / "tests"
    tests.mkdir()
    (tests / "test_example.py").write_text(source)
    return [f.code for f in analyze(tmp_path, [tests / "test_example.py"])]


def test_codes_are_unique_static_and_ordered() -> None:
    codes = [r.code for r in all_rules()]
    assert codes == sorted(set(codes))
    assert all(re.fullmatch(r"TV1\d\d", c) for c in codes)
    assert {r.category for r in all_rules()} == {Category.CANNOT_FAIL, Category.NONDETERMINISTIC}


@pytest.mark.parametrize("code", [r.code for r in all_rules()])
def test_bad_example_is_found(code: str, tmp_path: Path) -> None:
    assert code in _codes(tmp_path, _examples(code)["Bad"])


@pytest.mark.parametrize("code", [r.code for r in all_rules()])
def test_good_example_is_clean(code: str, tmp_path: Path) -> None:
    assert _codes(tmp_path, _examples(code)["Good"]) == []


def test_index_lists_every_rule() -> None:
    index = (REPO / "docs" / "rules" / "README.md").read_text(encoding="utf-8")
    missing = [r.code for r in all_rules() if f"[{r.code}]({Path(r.doc).name})" not in index]
    assert missing == []
