"""What the warm process does once so that no worker redoes it for each mutant.

Part of the ``testvet_mutate`` plugin. Standalone: stdlib and pytest only.
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Collection
from typing import Any


def warm_freezegun(mutated: Collection[str] = ()) -> None:
    """Fill freezegun's per-process cache once, if the tests imported it.

    Its first ``freeze_time`` in a process looks at every attribute of every loaded
    module for datetime references and caches what it found (later ones only check the
    modules' attribute names): tens of milliseconds, which every worker whose tests
    freeze time would pay again. One freeze and thaw here fills the cache, through the
    public API, the same way. Not when freezegun is the audited code (a file of
    ``mutated``): its unmutated functions would fill the cache its mutants must build."""
    freezegun = sys.modules.get("freezegun")
    freeze_time = getattr(freezegun, "freeze_time", None)
    if freeze_time is None:
        return
    home = os.path.dirname(os.path.realpath(getattr(freezegun, "__file__", None) or ""))
    if home and any(os.path.realpath(path).startswith(home + os.sep) for path in mutated):
        return
    with contextlib.suppress(Exception):
        freezer = freeze_time("2000-01-01")
        try:
            freezer.start()
        finally:
            freezer.stop()  # whatever start did is undone


_XUNIT_MODULE_FUNCTIONS = ("setUpModule", "setup_module", "tearDownModule", "teardown_module")


def skip_empty_package_setup(package: Any) -> None:
    """A test package's setup imports its ``__init__.py`` again and calls its xunit
    module functions; without those it has nothing to do, but costs every worker a few
    hundred copied pages. Checked once here, and then skipped in the workers."""
    try:
        from _pytest.python import importtestmodule

        module = importtestmodule(package.path / "__init__.py", package.config)
    except Exception:
        return  # another pytest, or it does not import: leave its setup alone
    if any(getattr(module, name, None) is not None for name in _XUNIT_MODULE_FUNCTIONS):
        return
    package.setup = _no_setup


def _no_setup() -> None:
    """The setup of a package whose ``__init__.py`` defines no xunit module functions."""


def cheap_failure_reports(item: Any) -> None:
    """Only "it failed, with what" matters here: skip pytest's costly traceback formatting."""

    def short(excinfo: Any, *args: Any, **kwargs: Any) -> str:
        # Not even the message: formatting it costs a worker dozens of copied pages, and
        # only a MemoryError (the memory limit) is told apart from other failures.
        try:
            return "MemoryError" if isinstance(excinfo.value, MemoryError) else excinfo.typename
        except Exception:
            return "failed"

    with contextlib.suppress(AttributeError, TypeError):
        item.repr_failure = short
        item._repr_failure_py = short
