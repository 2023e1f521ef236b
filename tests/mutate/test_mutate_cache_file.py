"""The cache file: what one engine wrote, another engine does not read."""

from __future__ import annotations

import json
from pathlib import Path

from testvet.mutate import cache as cache_mod


def test_verdicts_of_another_engine_version_are_not_used(tmp_path: Path) -> None:
    key = cache_mod.key("m:f#return-none", "def f(): return None", "def f(): return 1", ["t"], "d")
    first = cache_mod.Cache(tmp_path)
    first.put(key, "survived", None, 0.01)
    first.save()
    assert cache_mod.Cache(tmp_path).get(key) == {
        "status": "survived",
        "killed_by": None,
        "duration": 0.01,
    }
    data = json.loads((tmp_path / cache_mod.FILE).read_text(encoding="utf-8"))
    data["engine"] = "1"  # written before the engine's verdicts changed
    (tmp_path / cache_mod.FILE).write_text(json.dumps(data), encoding="utf-8")
    assert cache_mod.Cache(tmp_path).get(key) is None


def test_a_test_seen_failing_alone_is_remembered_while_its_sources_stay(tmp_path: Path) -> None:
    first = cache_mod.Cache(tmp_path)
    first.put_alone("tests/test_a.py::test_b", "digest-1", "fails", "KeyError")
    first.save()
    again = cache_mod.Cache(tmp_path)
    assert again.seen_alone("tests/test_a.py::test_b", "digest-1") == ("fails", "KeyError")
    # its file, a conftest or the code it reaches changed: seen no longer
    assert again.seen_alone("tests/test_a.py::test_b", "digest-2") is None
    assert again.seen_alone("tests/test_a.py::test_c", "digest-1") is None
