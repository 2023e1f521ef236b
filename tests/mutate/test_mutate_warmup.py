"""What the warm process does once so that its workers need not: here, filling the
per-process cache of freezegun, whose first ``freeze_time`` looks at every attribute of
every loaded module."""

from __future__ import annotations

import datetime
import sys
import time
import types

import freezegun.api
import pytest


def test_a_suite_that_freezes_time_gets_freezeguns_cache_filled_and_time_thawed(
    plugin: types.ModuleType, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(freezegun.api, "_GLOBAL_MODULES_CACHE", {})
    plugin.warmup.warm_freezegun()
    assert __name__ in freezegun.api._GLOBAL_MODULES_CACHE  # this module was looked at
    # thawed: the real clock and classes again
    assert datetime.datetime.now().year >= 2026
    assert time.time() > 1.7e9
    assert type(datetime.datetime.now()) is datetime.datetime


def test_a_suite_that_does_not_use_freezegun_does_not_import_it(
    plugin: types.ModuleType, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in [n for n in sys.modules if n == "freezegun" or n.startswith("freezegun.")]:
        monkeypatch.delitem(sys.modules, name)
    plugin.warmup.warm_freezegun()
    assert "freezegun" not in sys.modules


def test_freezegun_audited_itself_gets_no_warm_up(
    plugin: types.ModuleType, monkeypatch: pytest.MonkeyPatch
) -> None:
    # its unmutated code would fill the cache that its mutants must build
    monkeypatch.setattr(freezegun.api, "_GLOBAL_MODULES_CACHE", {})
    plugin.warmup.warm_freezegun([freezegun.api.__file__])
    assert freezegun.api._GLOBAL_MODULES_CACHE == {}
    plugin.warmup.warm_freezegun(["/elsewhere/project/clock.py"])
    assert __name__ in freezegun.api._GLOBAL_MODULES_CACHE
