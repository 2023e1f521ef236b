"""The engine's process plumbing (``testvet_procs``): checked in a fork of the test
process, as the engine's own processes use it, so the test's process stays as it is."""

from __future__ import annotations

import ctypes
import os
import signal
import subprocess
import sys
import types
from collections.abc import Callable

import pytest

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="prctl: Linux")

PR_GET_PDEATHSIG = 2
PR_GET_CHILD_SUBREAPER = 37


def _in_a_child(check: Callable[[], bool]) -> int:
    """The exit code of a fork that runs ``check``: 0 when it holds."""
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the fork's own coverage is not kept
        code = 1
        try:
            code = 0 if check() else 1
        finally:
            os._exit(code)
    _, status = os.waitpid(pid, 0)
    return os.waitstatus_to_exitcode(status)


def test_the_warm_process_and_its_workers_die_with_their_parent(
    plugin: types.ModuleType,
) -> None:
    procs = plugin.procs

    def check() -> bool:
        procs._PRCTL.clear()  # as in a new warm process (this one may hold it already)
        procs.set_parent_death_signal()
        signum = ctypes.c_int(-1)
        procs._PRCTL[0](PR_GET_PDEATHSIG, ctypes.byref(signum))
        return signum.value == signal.SIGKILL

    assert _in_a_child(check) == 0


def test_a_worker_becomes_the_subreaper_of_what_its_tests_start(
    plugin: types.ModuleType,
) -> None:
    procs = plugin.procs

    def check() -> bool:
        procs._PRCTL.clear()
        procs.set_parent_death_signal()  # loads prctl, as the warm process does
        became = procs.subreaper()
        flag = ctypes.c_int(-1)
        procs._PRCTL[0](PR_GET_CHILD_SUBREAPER, ctypes.byref(flag))
        return bool(became is True and flag.value == 1)

    assert _in_a_child(check) == 0


def test_orphans_know_the_children_there_were_before(plugin: types.ModuleType) -> None:
    procs = plugin.procs

    def check() -> bool:
        procs._PRCTL.clear()
        procs.set_parent_death_signal()
        sleeper = subprocess.Popen(["sleep", "30"])
        try:
            orphans = procs.Orphans()
            return bool(orphans.enabled is True and orphans.own == {sleeper.pid})
        finally:
            sleeper.kill()
            sleeper.wait()

    assert _in_a_child(check) == 0
