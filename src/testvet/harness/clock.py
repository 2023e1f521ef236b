"""Clock control: time-machine in-process, libfaketime (LD_PRELOAD) for subprocesses.

``time.monotonic`` and ``time.perf_counter`` are never changed, so timeouts, deadlines
and :func:`testvet.harness.eventually` keep working while the wall clock travels.
"""

from __future__ import annotations

import datetime as dt
import glob
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

#: Where libfaketime is looked for (Debian/Ubuntu package ``faketime``/``libfaketime``).
FAKETIME_GLOBS = (
    "/usr/lib/*/faketime/libfaketime.so.1",
    "/usr/lib/faketime/libfaketime.so.1",
    "/usr/local/lib/faketime/libfaketime.so.1",
)

MISSING = (
    "libfaketime is not installed (Debian/Ubuntu: apt-get install faketime); "
    "clock skew in a subprocess needs its LD_PRELOAD library"
)


def find_libfaketime() -> Path | None:
    """Path of ``libfaketime.so.1``, or None."""
    for pattern in FAKETIME_GLOBS:
        for match in sorted(glob.glob(pattern)):
            return Path(match)
    return None


def _seconds(value: float | dt.timedelta) -> float:
    return value.total_seconds() if isinstance(value, dt.timedelta) else float(value)


@dataclass
class Clock:
    """The ``clock`` fixture. One wall-clock shift at a time; ``close`` undoes it."""

    _traveller: Any = field(default=None, repr=False)
    _coordinates: Any = field(default=None, repr=False)
    #: Whether the clock is frozen (``tick=False``).
    frozen: bool = False

    def _go(self, destination: float | dt.datetime, tick: bool) -> None:
        import time_machine

        self.reset()
        self._traveller = time_machine.travel(destination, tick=tick)
        self._coordinates = self._traveller.start()
        self.frozen = not tick

    def travel(
        self, destination: float | dt.timedelta | dt.datetime | dt.date | str, *, tick: bool = True
    ) -> None:
        """Move the wall clock of this process.

        A number of seconds (or a ``timedelta``) moves relative to the current — maybe
        already shifted — time: ``travel(3600)`` is one hour later. A ``datetime``,
        ``date`` or ISO 8601 string is an absolute moment (naive means UTC). With
        ``tick=False`` the clock stands still until the next call.
        """
        if isinstance(destination, (int, float, dt.timedelta)):
            target: float | dt.datetime = time.time() + _seconds(destination)
        elif isinstance(destination, str):
            target = dt.datetime.fromisoformat(destination)
        elif isinstance(destination, dt.datetime):
            target = destination
        elif isinstance(destination, dt.date):
            target = dt.datetime.combine(destination, dt.time())
        else:
            raise TypeError(f"clock.travel: cannot travel to {destination!r}")
        if isinstance(target, dt.datetime) and target.tzinfo is None:
            target = target.replace(tzinfo=dt.timezone.utc)
        self._go(target, tick)

    def skew(self, seconds: float | dt.timedelta) -> None:
        """Run this process's clock ``seconds`` ahead of real time (negative: behind).

        Not cumulative: ``skew(5)`` twice is still 5 s ahead.
        """
        self.reset()
        self._go(time.time() + _seconds(seconds), tick=True)

    def advance(self, seconds: float | dt.timedelta) -> None:
        """Shift the current wall-clock time by ``seconds`` (handy with a frozen clock)."""
        if self._coordinates is None:
            self.travel(seconds)
        else:
            self._coordinates.shift(_seconds(seconds))

    def now(self) -> dt.datetime:
        """The (possibly shifted) current time as an aware UTC datetime."""
        return dt.datetime.now(dt.timezone.utc)

    def reset(self) -> None:
        """Back to real time."""
        if self._traveller is not None:
            self._traveller.stop()
        self._traveller = self._coordinates = None
        self.frozen = False

    @property
    def faketime_available(self) -> bool:
        """Whether :meth:`skewed_env` can work on this machine."""
        return find_libfaketime() is not None

    def skewed_env(
        self, seconds: float | dt.timedelta, base: dict[str, str] | None = None
    ) -> dict[str, str]:
        """Environment variables that make a subprocess's clock ``seconds`` ahead
        (negative: behind) of real time, through libfaketime; merge them into the
        subprocess's environment. Skips the test when libfaketime is not installed.
        Monotonic clocks stay real, as in-process.
        """
        library = find_libfaketime()
        if library is None:
            import pytest

            pytest.skip(MISSING)
        env = {} if base is None else dict(base)
        offset = _seconds(seconds)
        preload = env.get("LD_PRELOAD", "")
        env["LD_PRELOAD"] = f"{library} {preload}".strip()
        env["FAKETIME"] = f"{offset:+.0f}" if offset == int(offset) else f"{offset:+.3f}"
        env["FAKETIME_DONT_FAKE_MONOTONIC"] = "1"
        env["FAKETIME_DONT_RESET"] = "1"
        return env

    def close(self) -> None:
        """Undo any shift (fixture teardown)."""
        self.reset()
