"""testvet.harness: pytest fixtures and helpers to write reliability tests.

Importing this package is cheap and never fails: every helper lives in its own module and
is loaded on first use, so a program under test can ``from testvet.harness import
kill_point`` without pulling in pytest, hypothesis or asyncio.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from testvet.harness.fsync import FsyncShim, fsync_discipline
    from testvet.harness.fuzzing import FuzzResult, fuzz
    from testvet.harness.history import (
        History,
        Op,
        QueueResult,
        SetResult,
        check_queue,
        check_set,
    )
    from testvet.harness.killpoint import KILL_POINT_ENV, kill_point
    from testvet.harness.waiting import EventuallyTimeout, eventually

#: Public name -> the module that defines it.
_EXPORTS: dict[str, str] = {
    "eventually": "waiting",
    "EventuallyTimeout": "waiting",
    "fsync_discipline": "fsync",
    "FsyncShim": "fsync",
    "fuzz": "fuzzing",
    "FuzzResult": "fuzzing",
    "History": "history",
    "Op": "history",
    "SetResult": "history",
    "QueueResult": "history",
    "check_set": "history",
    "check_queue": "history",
    "kill_point": "killpoint",
    "KILL_POINT_ENV": "killpoint",
}

__all__ = [
    "KILL_POINT_ENV",
    "EventuallyTimeout",
    "FsyncShim",
    "FuzzResult",
    "History",
    "Op",
    "QueueResult",
    "SetResult",
    "check_queue",
    "check_set",
    "eventually",
    "fsync_discipline",
    "fuzz",
    "kill_point",
]


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'testvet.harness' has no attribute {name!r}")
    value = getattr(importlib.import_module(f"testvet.harness.{module}"), name)
    globals()[name] = value
    return value
