"""The processes around the mutation engine (Linux where noted; harmless elsewhere).

Part of the ``testvet_mutate`` plugin: dying with the parent, adopting orphans
(:class:`Orphans`), killing and reaping a worker, reading its CPU time and the warm
process's data size. Standalone: stdlib only.
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys
import time
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # the same module, as mypy finds it
    from testvet._plugins import testvet_clock as clock
else:
    import testvet_clock as clock

#: ``TESTVET_MUTATE_TRACE=1``: one line per mutant in the worker log (for debugging).
TRACE = bool(os.environ.get("TESTVET_MUTATE_TRACE"))

_PRCTL: list[Any] = []


def set_parent_death_signal() -> None:
    """Linux: die with the parent, so a killed audit leaves no worker behind."""
    if not sys.platform.startswith("linux"):
        return
    try:
        if not _PRCTL:  # loaded once in the warm process, inherited by every worker
            import ctypes

            _PRCTL.append(ctypes.CDLL(None, use_errno=True).prctl)
        _PRCTL[0](1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        return


def subreaper() -> bool:
    """Linux: become the process that orphaned descendants are re-parented to."""
    if not sys.platform.startswith("linux") or not _PRCTL:
        return False
    try:
        return bool(_PRCTL[0](36, 1) == 0)  # PR_SET_CHILD_SUBREAPER
    except (OSError, AttributeError):
        return False


class Orphans:
    """Linux: what a worker's tests started and left behind ends with it.

    Workers and the warm process are child subreapers. While a worker runs, a process
    its tests started whose parent goes away (a daemon a script forked) becomes the
    worker's child, and lives on for the tests that use it. When the worker ends, what
    is left (a service a mutant of the code that stops it left running in a session of
    its own, or one of a worker killed mid-test) becomes the warm process's child instead
    of init's, and is killed: after each worker ends, and when the mutants are done.
    Children the warm process had before are left alone."""

    def __init__(self) -> None:
        self.enabled = subreaper()
        self.own: set[int] = set(_children()) if self.enabled else set()

    def sweep(self, workers: Any = ()) -> bool:
        """Kill and reap the orphans; whether any were found."""
        if not self.enabled:
            return False
        keep = self.own | set(workers)
        found = False
        for pid in _children():
            if pid in keep:
                continue
            found = True
            kill(pid)
            with contextlib.suppress(ChildProcessError, InterruptedError):
                os.waitpid(pid, os.WNOHANG)  # reaped here if already dead, else next time
        return found

    def finish(self, limit: float = 3.0) -> None:
        """Sweep until no orphan is left (their own children come up one level each
        time) or ``limit`` seconds pass."""
        deadline = clock.monotonic() + limit
        while self.sweep() and clock.monotonic() < deadline:
            time.sleep(0.02)


def _children() -> list[int]:
    """Pids of this process's children (all its threads')."""
    pids: list[int] = []
    try:
        tasks = os.listdir("/proc/self/task")
    except OSError:
        return pids
    for task in tasks:
        try:
            with open(f"/proc/self/task/{task}/children", encoding="ascii") as handle:
                pids += [int(p) for p in handle.read().split()]
        except (OSError, ValueError):
            continue
    return pids


def data_bytes() -> int:
    """Linux: the size of this process's data (writable private memory: what
    ``RLIMIT_DATA`` limits); 0 elsewhere."""
    try:
        with open("/proc/self/statm", encoding="ascii") as handle:
            pages = int(handle.read().split()[5])
        return pages * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return 0


#: ``TESTVET_MUTATE_TRACE``: CPU seconds and minor page faults of the last reaped worker.
USAGE: list[Any] = []


def cpu_ticks(pid: int) -> tuple[str, int]:
    """A process's state letter and the CPU clock ticks it has used (all its threads)."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii", errors="replace") as handle:
            fields = handle.read().rsplit(")", 1)[1].split()
        return fields[0], int(fields[11]) + int(fields[12])
    except (OSError, IndexError, ValueError):
        return "?", -1  # not Linux, or gone: never called hung


def kill(pid: int) -> None:
    for kill in (os.killpg, os.kill):
        with contextlib.suppress(ProcessLookupError, PermissionError):
            kill(pid, signal.SIGKILL)


def reap(pid: int) -> str:
    while True:
        try:
            _, status, usage = os.wait4(pid, 0)
            if TRACE:
                USAGE[:] = [usage.ru_utime + usage.ru_stime, usage.ru_minflt]
        except InterruptedError:
            continue
        except ChildProcessError:
            return "worker vanished"
        break
    if os.WIFSIGNALED(status):
        signum = os.WTERMSIG(status)
        with contextlib.suppress(ValueError):
            return f"killed by {signal.Signals(signum).name}"
        return f"killed by signal {signum}"
    return f"exited with status {os.WEXITSTATUS(status)} before reporting"
