"""Named kill points: a program SIGKILLs itself where a test asks it to.

The program calls ``kill_point("after-write")`` at interesting places. Nothing happens
unless the environment variable ``TESTVET_KILL_POINT`` names that point:
``TESTVET_KILL_POINT=after-write`` kills at the first pass, ``after-write:3`` at the
third; several points may be given separated by commas. Stdlib only, so any program can
call it at no cost.
"""

from __future__ import annotations

import os
import signal
import threading

#: The environment variable that enables kill points.
KILL_POINT_ENV = "TESTVET_KILL_POINT"

_lock = threading.Lock()
_passes: dict[str, int] = {}
_cache: tuple[str, dict[str, int]] | None = None


def _parse(spec: str) -> dict[str, int]:
    points: dict[str, int] = {}
    for item in spec.split(","):
        item = item.strip()
        if not item:
            continue
        name, sep, count = item.partition(":")
        if sep and not count.strip().isdigit():
            raise ValueError(f"{KILL_POINT_ENV}: bad pass count in {item!r} (want NAME:N)")
        points[name.strip()] = int(count) if sep else 1
    return points


def kill_point(name: str) -> None:
    """SIGKILL this process if ``TESTVET_KILL_POINT`` selects this pass of ``name``."""
    global _cache
    spec = os.environ.get(KILL_POINT_ENV, "")
    if not spec:
        return
    with _lock:
        if _cache is None or _cache[0] != spec:
            _cache = (spec, _parse(spec))
        wanted = _cache[1].get(name)
        if wanted is None:
            return
        _passes[name] = _passes.get(name, 0) + 1
        if _passes[name] != wanted:
            return
    os.kill(os.getpid(), signal.SIGKILL)
