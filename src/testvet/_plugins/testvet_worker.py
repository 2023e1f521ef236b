"""A mutation worker: the process forked from the warm one for a single mutant.

Part of the ``testvet_mutate`` plugin. It installs the mutant, runs the covering items
it was given (stopping at the first failure), writes one JSON line on its pipe and
leaves with ``os._exit``. Its hooks' state lives here too: the shared slot that tells
the warm process which test runs, and the failures subtests logged. Standalone: stdlib
and pytest only.
"""

from __future__ import annotations

import contextlib
import errno
import json
import mmap
import os
import resource
import signal
import struct
import sys
import time
import types
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:  # the same modules, as mypy finds them
    from testvet._plugins import testvet_clock as clock
    from testvet._plugins import testvet_procs as procs
    from testvet._plugins import testvet_swap as swap
else:
    import testvet_clock as clock
    import testvet_procs as procs
    import testvet_swap as swap

#: CPU seconds a test after a worker's first may use beyond its budget (the first
#: test's slack is the warm process's to set: ``testvet_mutate.FIRST_TEST_SLACK``).
TEST_SLACK = 0.02

#: Seconds: the longest per-test CPU limit set (``setitimer`` refuses what a ``time_t``
#: cannot hold; a budget this long means the test's measured duration was no
#: measurement, and RLIMIT_CPU, the whole mutant's limit, still holds).
LONGEST_TIMER = 1e6

#: The shared slot's layout: the 1-based index of the test the worker is running, and
#: when its body began (``time.monotonic``; 0 during setup and teardown).
SLOT = struct.Struct("<id")


#: In a worker: its shared slot (see ``SLOT``); empty in the warm process.
WORKER_SLOT: list[mmap.mmap] = []


#: In a worker: failed reports pytest logged while a test ran (subtests: ``subTest`` and
#: the ``subtests`` fixture report each failure this way; the test's own call may pass).
LOGGED_FAILURES: list[Any] = []


def mark_phase(call: bool) -> None:
    if WORKER_SLOT:
        slot = WORKER_SLOT[0]
        index, _began = SLOT.unpack_from(slot)
        SLOT.pack_into(slot, 0, index, clock.monotonic() if call else 0.0)


def run_worker(
    fd: int,
    slot: mmap.mmap,
    target: swap.Target | None,
    code: types.CodeType | None,
    items: list[Any],
    budgets: list[float | None],
    session: pytest.Session,
    data_limit: int,
    cpu_seconds: float,
    run_all: bool,
    first_slack: float,
    source: str | None,
) -> None:
    """Forked child: install the mutant, run the covering items, report, ``_exit``.

    It stops at the first failure, or with ``run_all`` (control runs) runs every item
    and reports which failed."""
    status = 0
    try:
        with contextlib.suppress(OSError):
            os.setpgid(0, 0)
        procs.set_parent_death_signal()
        procs.subreaper()  # its tests' daemons stay its own while it runs (``Orphans``)
        with contextlib.suppress(KeyError, ValueError, OSError):
            os.close(int(os.environ["TESTVET_MUTATE_FD"]))
        _quiet_stdio()
        _limit_memory(data_limit)
        _limit_cpu(cpu_seconds)
        WORKER_SLOT.append(slot)
        if target is not None and code is not None:
            target.install(code)
            if source is not None and target.end_line:
                sys.meta_path.insert(0, swap.MutatedModule(target, source))
        killed_by = None
        reason = None
        verdict = "survived"
        from _pytest.runner import runtestprotocol

        ran = 0
        first_cpu = last_cpu = None
        failures: list[str] = []
        error = None
        for index, item in enumerate(items):
            ran = index + 1
            # Which test is running, without a syscall (the call phase notes when its
            # body began: ``mark_phase``).
            SLOT.pack_into(slot, 0, ran, 0.0)
            nextitem = items[index + 1] if index + 1 < len(items) else None
            budget = budgets[index]
            if budget is not None:
                # CPU time of this one test (SIGPROF ends the worker): a mutant that loops
                # in the first test costs that test's budget, not the whole list's.
                slack = first_slack if index == 0 else TEST_SLACK
                signal.setitimer(signal.ITIMER_PROF, min(budget + slack, LONGEST_TIMER))
            began = time.process_time()
            with _item_warnings(item) if id(item) in OWN_WARNING_FILTERS else _NO_CONTEXT:
                reports = runtestprotocol(item, nextitem=nextitem, log=False)
            signal.setitimer(signal.ITIMER_PROF, 0)
            last_cpu = time.process_time() - began
            if index == 0:
                first_cpu = last_cpu
            failed = [r for r in reports if r.failed] + LOGGED_FAILURES
            LOGGED_FAILURES.clear()
            if failed and run_all:
                failures.append(item.nodeid)
            elif failed:
                killed_by = item.nodeid
                text = str(failed[0].longrepr or "")
                if "MemoryError" in text:
                    verdict, reason = "crashed", "memory limit reached (MemoryError)"
                else:
                    verdict = "killed"
                    when = getattr(failed[0], "when", "call")
                    error = text[:200] if when == "call" else f"{text[:200]} in {when}"
                break
        torn_down = False
        if verdict == "survived" and not run_all and ran:
            # Python's exit waits for non-daemon threads and processes: a mutant that
            # leaves one running makes plain pytest hang after its last test.
            with contextlib.suppress(BaseException):
                session._setupstate.teardown_exact(None)
            torn_down = True
            left = _left_running()
            if left:
                verdict, killed_by = "timeout", items[ran - 1].nodeid
                reason = f"{left} still running after the tests: the interpreter would not exit"
        _write_line(
            fd,
            {
                "status": verdict,
                "killed_by": killed_by,
                "reason": reason,
                "error": error,
                "ran": ran,
                "failed": failures,
                "first_cpu": first_cpu,
                "last_cpu": last_cpu,
            },
        )
        if not torn_down:
            with contextlib.suppress(BaseException):
                session._setupstate.teardown_exact(None)
    except BaseException:
        status = 70
    finally:
        os._exit(status)


#: Wall seconds a thread or process a worker's tests left running gets to end by itself.
LEFT_RUNNING_GRACE = 1.0


def _left_running() -> str | None:
    """What the tests left running that Python's exit would wait for forever: non-daemon
    threads, and non-daemon ``multiprocessing`` children (given ``LEFT_RUNNING_GRACE``
    to end); None when nothing."""
    import threading

    deadline = clock.monotonic() + LEFT_RUNNING_GRACE
    _exit_hooks_of_threading(deadline)
    main = threading.main_thread()
    threads = [t for t in threading.enumerate() if t is not main and not t.daemon]
    for thread in threads:
        thread.join(max(0.0, deadline - clock.monotonic()))
    names = [f"thread {t.name}" for t in threads if t.is_alive()]
    multiprocessing = sys.modules.get("multiprocessing")
    if multiprocessing is not None:
        with contextlib.suppress(Exception):
            children = [p for p in multiprocessing.active_children() if not p.daemon]
            for child in children:
                child.join(max(0.0, deadline - clock.monotonic()))
            names += [f"process {p.name}" for p in children if p.is_alive()]
    return ", ".join(names) if names else None


def _exit_hooks_of_threading(deadline: float) -> None:
    """Run what Python's exit runs before it waits for non-daemon threads (the hooks of
    ``threading._register_atexit``: ``concurrent.futures`` stops its executors' idle
    threads there), in a daemon thread, until ``deadline`` at most."""
    import threading

    hooks = list(getattr(threading, "_threading_atexits", ()))
    if not hooks:
        return

    def run() -> None:
        for hook in reversed(hooks):
            with contextlib.suppress(Exception):
                hook()

    helper = threading.Thread(target=run, name="testvet-exit-hooks", daemon=True)
    helper.start()
    helper.join(max(0.0, deadline - clock.monotonic()))


OWN_WARNING_FILTERS: set[int] = set()
_NO_CONTEXT = contextlib.nullcontext()


def needs_own_warning_filters(item: Any) -> bool:
    """Whether a worker must set up the warning filters pytest applies around ``item``.

    pytest's warnings plugin applies them in its ``pytest_runtest_protocol`` wrapper,
    which workers do not go through: the configuration's and ``-W``'s filters
    (``filterwarnings = error`` makes a warning fail a test) and the test's own
    ``filterwarnings`` marks. pytest 9 also keeps the configuration's filters
    active for the whole session, so there only a test with marks needs them."""
    config = item.config
    if not config.pluginmanager.has_plugin("warnings"):  # -p no:warnings
        return False
    if any(True for _ in item.iter_markers("filterwarnings")):
        return True
    return not hasattr(config, "_catch_configured_warnings")  # per session since 9


def _item_warnings(item: Any) -> contextlib.AbstractContextManager[Any]:
    try:
        from _pytest.warnings import catch_warnings_for_item
    except ImportError:
        return _NO_CONTEXT
    return catch_warnings_for_item(item.config, item.ihook, "runtest", item)


def _write_line(fd: int, message: dict[str, Any]) -> None:
    data = (json.dumps(message) + "\n").encode()
    while data:
        try:
            written = os.write(fd, data)
        except InterruptedError:
            continue
        except OSError as exc:
            if exc.errno == errno.EPIPE:
                os._exit(0)
            raise
        data = data[written:]


def _quiet_stdio() -> None:
    """stdin on ``/dev/null``; stdout and stderr on an unlinked file in the work
    directory, as pytest's default capture has them on a temporary file: code that looks
    at descriptor 1 (``os.path.isfile(1)``, pycodestyle's ``read_config`` given ``True``)
    sees a regular file, as under plain pytest. What is written there is never read."""
    devnull = os.open(os.devnull, os.O_RDWR)
    os.dup2(devnull, 0)
    output = devnull
    work = os.environ.get("TESTVET_WORK_DIR")
    if work and hasattr(os, "O_TMPFILE"):
        # No size limit (RLIMIT_FSIZE would fail a test that makes a big sparse file, as
        # sqlite's do): a mutant that floods it writes only as long as its CPU budget.
        with contextlib.suppress(OSError):
            output = os.open(work, os.O_TMPFILE | os.O_WRONLY, 0o600)
    for std in (1, 2):
        os.dup2(output, std)


def _limit_cpu(seconds: float) -> None:
    """The per-mutant timeout, in CPU seconds: SIGXCPU ends a worker that spins."""
    limit = max(1, int(seconds + 0.999))
    with contextlib.suppress(ValueError, OSError, OverflowError):
        _soft, hard = resource.getrlimit(resource.RLIMIT_CPU)
        if hard != resource.RLIM_INFINITY:
            limit = min(limit, hard)
        resource.setrlimit(resource.RLIMIT_CPU, (limit, hard))


def _limit_memory(limit: int) -> None:
    """``RLIMIT_DATA`` = ``limit`` (computed once in the warm process; 0: no limit).

    Not ``RLIMIT_AS``: address space a test maps without writing (sqlite's memory maps
    of a database file, a sparse file) is no memory eaten, and a mutant that leaks such
    maps was "crashed" by a limit its suite passes without."""
    if limit <= 0:
        return
    with contextlib.suppress(ValueError, OSError):
        _soft, hard = resource.getrlimit(resource.RLIMIT_DATA)
        if hard != resource.RLIM_INFINITY:
            limit = min(limit, hard)
        resource.setrlimit(resource.RLIMIT_DATA, (limit, hard))
