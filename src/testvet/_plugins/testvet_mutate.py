"""testvet's mutation worker plugin, loaded with ``-p testvet_mutate`` in the project's interpreter.

It imports the project and collects the tests once (a normal pytest session), then
replaces pytest's test loop: for every mutant it forks a warm worker that swaps the
target function's ``__code__`` in memory, runs the already-collected covering items
(fastest first, stopping at the first failure) and reports over a pipe. Nothing is
written anywhere but the result pipe. Standalone: stdlib and pytest only. This module
holds the hooks and the engine that schedules and judges the workers; its parts are
``testvet_swap`` (finding a function, swapping its code), ``testvet_worker`` (the
forked process), ``testvet_procs`` (killing, reaping, orphans) and ``testvet_warmup``.

Input: the JSON job file named by ``TESTVET_MUTATE_JOBS``, read once a ``go`` line
arrives on the file descriptor ``TESTVET_MUTATE_GO`` (the process may be started while
the jobs are still being planned; end of file there means "not needed", and it exits).
Output: JSON lines on the file descriptor ``TESTVET_MUTATE_FD`` (``ready``, ``skip``,
``result``, ``done``).
"""

from __future__ import annotations

import contextlib
import json
import mmap
import os
import resource  # the engine forks: POSIX only
import select
import signal
import sys
import time
import types
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:  # the same modules, as mypy finds them
    from testvet._plugins import testvet_clock as clock
    from testvet._plugins import testvet_procs as procs
    from testvet._plugins import testvet_swap as swap
    from testvet._plugins import testvet_warmup as warmup
    from testvet._plugins import testvet_worker as worker
else:
    import testvet_clock as clock
    import testvet_procs as procs
    import testvet_swap as swap
    import testvet_warmup as warmup
    import testvet_worker as worker

#: CPU seconds one test may use beyond its budget. A worker's first test also pays for
#: the fixtures of wider scope and for copying the pages pytest touches: its slack starts
#: at ``FIRST_TEST_SLACK`` and then follows what first tests were seen to need (twice the
#: 90th percentile of their CPU beyond their budget, at least ``MIN_FIRST_TEST_SLACK``;
#: a percentile, so one mutant that slows its first test down does not raise it for all).
#: A budget still too small for the first test is detected and corrected (``_controls``);
#: so is one too small for a later test, which can be the first in its worker to pay a
#: one-time cost (a regular expression compiled on first use) that an earlier test paid
#: in the baseline run.
FIRST_TEST_SLACK = 0.025
MIN_FIRST_TEST_SLACK = 0.01
MAX_FIRST_TEST_SLACK = 2.0
#: First tests seen completing before their slack follows them.
FIRST_TEST_SAMPLES = 3
#: A worker whose test body has run past its CPU budget plus ``STALL_GRACE`` seconds of
#: wall time, asleep and without using any CPU for ``STALL_WINDOW`` seconds, is hung (a
#: deadlock, a wait that never ends or ends only at the test's own long timeout): a
#: timeout, found in about a second instead of at the wall-clock cap. (The budget is
#: already ``timeout_factor`` times what the test took; sleeping does not stretch under
#: load, and a process starved of CPU is runnable, not asleep. Setup and teardown are
#: not watched: a fixture of wider scope may sleep there, and its time was another test's
#: in the baseline.)
STALL_GRACE = 0.25
STALL_WINDOW = 0.25
#: Why a worker timed out (the first two get a control run: ``_suspect``).
ONE_TEST_CPU = "CPU time limit of one test"
STALLED = f"asleep, no CPU time used for {STALL_WINDOW} s, past the test's budget (hung)"
#: A control run whose last test needs more than this share of its CPU limit shows a
#: budget too small to tell a loop from the time the test takes (``_tight``).
TIGHT = 0.5
#: A mutant retried because a test's budget proved too small gets this much more.
GENEROUS_SCALE = 4.0
GENEROUS_SLACK = 2.0


# --------------------------------------------------------------------------- pytest hooks


@pytest.hookimpl(tryfirst=True)
def pytest_cmdline_main(config: pytest.Config) -> None:
    """Keep everything in this one process: no xdist, no coverage plugin side effects."""
    if not os.environ.get("TESTVET_MUTATE_JOBS"):
        return
    if hasattr(config.option, "numprocesses"):
        config.option.numprocesses = None
        config.option.dist = "no"
        if hasattr(config.option, "tx"):
            config.option.tx = []
    if hasattr(config.option, "no_cov"):
        config.option.no_cov = True


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_call(item: pytest.Item) -> None:
    """A worker's test body begins: from now on a hang is the test's, not a fixture's."""
    worker.mark_phase(call=True)


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_teardown(item: pytest.Item) -> None:
    worker.mark_phase(call=False)


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    # A worker runs each test with ``log=False``: only subtests' reports get here.
    if worker.WORKER_SLOT and report.failed:
        worker.LOGGED_FAILURES.append(report)


@pytest.hookimpl(tryfirst=True)
def pytest_runtestloop(session: pytest.Session) -> bool | None:
    """Run the mutants instead of the suite."""
    jobs_path = os.environ.get("TESTVET_MUTATE_JOBS")
    if not jobs_path:
        return None
    procs.set_parent_death_signal()
    go = os.environ.get("TESTVET_MUTATE_GO")
    if go and not _await_go(int(go)):
        return True  # started early, and the audit turned out not to need it
    with open(jobs_path, encoding="utf-8") as handle:
        jobs = json.load(handle)
    out = os.fdopen(int(os.environ["TESTVET_MUTATE_FD"]), "w", buffering=1, encoding="utf-8")
    try:
        _Engine(session, jobs, out).run()
    except Exception as exc:  # the engine's own error: the audit must not take it for done
        _send(out, {"t": "error", "reason": f"{type(exc).__name__}: {exc}"[:300]})
        raise
    else:
        _send(out, {"t": "done"})
    finally:
        out.close()
    return True


# --------------------------------------------------------------------------- plumbing


def _send(out: Any, message: dict[str, Any]) -> None:
    try:
        out.write(json.dumps(message) + "\n")
        out.flush()
    except (BrokenPipeError, OSError):  # the auditing process is gone: stop quietly
        os._exit(0)


def _await_go(fd: int) -> bool:
    """Block until the auditing process says ``go`` (the jobs file is written) or goes
    away (end of file: there is nothing to do)."""
    data = b""
    try:
        while not data.endswith(b"\n"):
            try:
                chunk = os.read(fd, 64)
            except InterruptedError:
                continue
            if not chunk:
                break
            data += chunk
    except OSError:
        return False
    finally:
        with contextlib.suppress(OSError):
            os.close(fd)
    return data.startswith(b"go")


#: When the plugin was loaded (``TESTVET_MUTATE_TRACE`` times workers from here).
_T0 = clock.monotonic()


# --------------------------------------------------------------------------- engine


class _Running:
    def __init__(
        self, job: dict[str, Any], pid: int, fd: int, timeout: float, slot: mmap.mmap
    ) -> None:
        self.job = job
        self.pid = pid
        self.fd = fd
        #: Shared page where the worker records the index of the test it is running.
        self.slot = slot
        self.started = clock.monotonic()
        self.deadline = self.started + timeout
        self.buffer = b""
        self.current: str | None = None
        self.final: dict[str, Any] | None = None
        #: Its verdict was acted on (it may still be tearing down and exiting).
        self.concluded = False
        self.status = ""
        self.duration = 0.0
        #: (job, target, code, items) as queued, for a retry
        self.spec: Any = None
        #: the CPU budgets of its tests in the order it runs them, and its first test's slack
        self.budgets: list[float | None] = []
        self.first_slack = 0.0
        #: last look at a slow worker: ((test index, CPU ticks), when); found hung
        self.sample: tuple[tuple[int, int], float] | None = None
        self.hung = False
        #: the 1-based index of the test it was running when it ended (0: none)
        self.ran = 0


class _Engine:
    def __init__(self, session: pytest.Session, jobs: dict[str, Any], out: Any) -> None:
        self.session = session
        self.jobs = jobs
        self.out = out
        #: node id -> its items: pytest runs every item of a node id that several share
        #: (a plugin's items named alike), and so does a worker given that node id
        self.items: dict[str, list[Any]] = {}
        for item in session.items:
            self.items.setdefault(item.nodeid, []).append(item)
        self.workers = max(1, int(jobs.get("workers", 1)))
        self.mem_limit = int(jobs.get("memory_mb", 1024)) * 1024 * 1024
        #: the jobs' test table: functions and mutants list positions in it
        names: list[str] = jobs.get("tests", [])
        budgets = jobs.get("budgets", [])
        self.budgets: dict[str, float] = {n: float(budgets[i]) for i, n in enumerate(names)}
        self.listed: list[list[Any]] = [self.items.get(name, []) for name in names]
        #: killing test -> the mutants it killed (as queued), and the largest timeout
        self.kills: dict[str, list[Any]] = {}
        self.killers: dict[str, float] = {}
        #: tests whose budget held them as the first test of a worker, on the unmodified
        #: code, with room to spare (``_tight``): a run with a mutant proves nothing here,
        #: a mutant may skip the costly part of a test (``return True``)
        self.passed_first: set[str] = set()
        #: tests seen passing on the unmodified code in a control run (a test that passed
        #: first in a worker with a mutant in place may have passed thanks to the mutant:
        #: one needing what an earlier test leaves behind, given it by a mutant's value)
        self.passes_alone: set[str] = set()
        #: the suite's run order
        self.position = {nodeid: index for index, nodeid in enumerate(self.items)}
        #: the tests a worker ran, the last one out of CPU time -> the mutants it happened
        #: to (checked by a control run of those tests on the unmodified code)
        self.timeouts: dict[tuple[str, ...], list[Any]] = {}
        self.retry: list[Any] = []
        #: mutant -> mutants with the same bytecode, which get its verdict without running
        self.twins: dict[str, list[str]] = {}
        #: function -> the tests that killed its mutants, first seen first: siblings run
        #: those tests first
        self.learned: dict[str, list[str]] = {}
        #: (id of a test list, function) -> (killers known, that list in order, budgets)
        self.orders: dict[tuple[int, str], tuple[Any, ...]] = {}
        #: tests that fail on the unmodified code when run alone (never run again)
        self.bad_tests: dict[str, str] = {}
        #: killing tests with a control run under way or done; runs of tests whose last
        #: budget was checked the same way
        self.checked: set[str] = set()
        self.timeout_checked: set[tuple[str, ...]] = set()
        #: runs of tests whose control showed the last one's budget too small unmodified
        #: (or barely enough: ``TIGHT``), and those whose control showed it enough
        self.budget_too_small: set[tuple[str, ...]] = set()
        self.budget_ok: set[tuple[str, ...]] = set()
        #: function id -> its compiled mutants by id (compiled when first needed)
        self.prepared: dict[str, dict[str, tuple[Any, ...]]] = {}
        #: work that finishing workers add (controls to repeat one by one)
        self.extra: list[Any] = []
        #: CPU beyond their budget that first tests were seen to need, and the slack
        self.first_excess: list[float] = []
        self.first_slack = FIRST_TEST_SLACK
        #: what workers leave running is ended (Linux)
        self.orphans = procs.Orphans()
        #: RLIMIT_DATA of a worker: the warm process's data + ``memory_mb`` (set in ``run``).
        self.data_limit = 0
        #: whether any worker has reported; canary runs (``_canaries``) asked for, still
        #: out, whether one reported, how one ended without reporting; why no worker can
        #: run the suite (then nothing more runs); runs to start before any other
        self.reported = False
        self.canaries_asked = False
        self.canaries = 0
        self.canary_reported = False
        self.canary_crash = ""
        self.unrunnable = ""
        self.urgent: list[Any] = []

    def run(self) -> None:
        marks = [("go", time.process_time(), clock.monotonic())]
        self._warm_tmp()
        _send(self.out, {"t": "ready", "items": len(self.items)})
        self.index = swap.Index()
        scouts: list[Any] = []
        later: list[Any] = []
        for function in self.jobs["functions"]:
            lazy = [_Lazy(job, function) for job in function["mutants"]]
            scouts += lazy[:1]
            later += lazy[1:]
        # One scout per function first, so its siblings can start with the test that
        # killed it (most mutants die in the first test that looks at the function).
        # Within each wave the longest first (the budget grows with the covering tests'
        # time), so a long survivor does not start last and leave workers idle at the end.
        # A function's mutants are compiled when its first one is about to start, so the
        # first workers start at once and compiling overlaps with their work.
        scouts.sort(key=lambda lazy: -float(lazy.job["timeout"]))
        later.sort(key=lambda lazy: -float(lazy.job["timeout"]))
        running: dict[int, _Running] = {}
        self._warm_items()
        base = procs.data_bytes()
        self.data_limit = base + self.mem_limit if base and self.mem_limit > 0 else 0
        _freeze(collect=True)
        marks.append(("prepared", time.process_time(), clock.monotonic()))
        self._drain([*scouts, *later], running, controls=True)
        marks.append(("mutants", time.process_time(), clock.monotonic()))
        self._controls(running)
        self.orphans.finish()
        marks.append(("controls", time.process_time(), clock.monotonic()))
        if procs.TRACE:
            excess = sorted(self.first_excess) or [0.0]
            print(
                f"first-test slack {self.first_slack:.4f}s (CPU beyond budget: median "
                f"{excess[len(excess) // 2]:.4f}s, p90 {excess[(9 * len(excess)) // 10]:.4f}s, "
                f"max {excess[-1]:.4f}s)",
                file=sys.stderr,
            )
            print(
                "engine phases (cpu, wall): "
                + ", ".join(
                    f"{name} {cpu - marks[0][1]:.2f}s {wall - marks[0][2]:.2f}s"
                    for name, cpu, wall in marks[1:]
                ),
                file=sys.stderr,
            )
            times = os.times()
            print(
                f"engine: workers cpu {times.children_user + times.children_system:.2f}s "
                f"(system {times.children_system:.2f}s), warm process cpu "
                f"{times.user + times.system:.2f}s (system {times.system:.2f}s, "
                f"{resource.getrusage(resource.RUSAGE_SELF).ru_minflt} page faults)",
                file=sys.stderr,
            )

    def _drain(
        self, queue: list[Any], running: dict[int, _Running], controls: bool = False
    ) -> None:
        """Run ``queue`` (and what finishing workers add to ``self.extra``) to the end.
        ``controls``: once the queue is empty, idle workers check the killing tests
        found so far, so the controls overlap with the last, longest mutants."""
        while queue or running or self.extra or self.urgent:
            queue[:0] = self.urgent
            queue += self.extra
            self.urgent, self.extra = [], []
            if controls and not queue and _busy(running) < self.workers:
                queue += self._control_jobs()
            if self.unrunnable:
                queue.clear()
            while queue and _busy(running) < self.workers:
                spec = self._resolve(queue.pop(0))
                if spec is not None:
                    job, target, code, items = spec
                    self._spawn(job, target, code, items, running)
            if running:
                self._wait(running)

    def _resolve(self, entry: Any) -> tuple[Any, ...] | None:
        """A queued mutant as (job, target, code, items); None if it cannot run (its
        result was already sent: skipped, invalid, a twin of another)."""
        if not isinstance(entry, _Lazy):
            return tuple(entry)
        fid = entry.function["id"]
        prepared = self.prepared.get(fid)
        if prepared is None:
            prepared = self.prepared[fid] = {
                spec[0]["id"]: spec for spec in self._prepare(entry.function)
            }
            _freeze()  # the new code objects: never traversed by a worker's collector
        return prepared.get(entry.job["id"])

    def _canaries(self) -> list[Any]:
        """Control runs of the two fastest tests, asked for when a worker ends without
        reporting before any has reported: a suite whose tests cannot run in a forked
        worker at all (filelock's conftest ends any fork child that reaches pytest's
        reports) would have every mutant ``crashed``, counted as detected; when both end
        without reporting too, no mutant is judged (``_canary``)."""
        fastest = sorted(
            (item for items in self.listed for item in items),
            key=lambda item: (self.budgets.get(item.nodeid, 0.0), item.nodeid),
        )[:2]
        self.canaries = len(fastest)
        return [
            (
                {
                    "id": f"control:canary:{item.nodeid}",
                    "timeout": self.budgets.get(item.nodeid, 0.0) + 1.0,
                    "canary": item.nodeid,
                },
                None,
                None,
                [item],
            )
            for item in fastest
        ]

    def _canary(self, run: _Running, status: str, status_word: str) -> None:
        self.canaries -= 1
        if run.final is not None:
            self.canary_reported = True  # workers can run this suite
            if status == "survived":
                self.passes_alone.add(run.job["canary"])
        elif status == "crashed":
            self.canary_crash = status_word
        if self.canaries or self.canary_reported or not self.canary_crash:
            return
        self.unrunnable = (
            f"the suite's tests cannot run in a forked mutation worker: on the unmodified "
            f"code, the worker running {run.job['canary']} {self.canary_crash} (a conftest "
            "that refuses forked processes?)"
        )
        _send(self.out, {"t": "unrunnable", "reason": self.unrunnable})
        for function in self.jobs["functions"]:
            self._skip(function["id"], self.unrunnable)

    def _controls(self, running: dict[int, _Running]) -> None:
        """Run each killing test alone on the unmodified code: a test that fails anyway
        (order-dependent, leaking state) did not kill anything; its mutants are run again
        without it (and the tests that kill them then are checked the same way)."""
        for _round in range(8):
            self._drain(self._control_jobs(), running)
            rerun = self._without_bad_tests()
            if not rerun:
                break
            self._drain(rerun, running)
        queue = [({**job, "generous": True}, *rest) for job, *rest in self.retry]
        self.retry = []
        self._drain(queue, running)

    def _control_jobs(self) -> list[Any]:
        """Control runs for the killing tests not known to pass on their own.

        Several are checked in one worker, in the reverse of the suite's order (a test
        that only passes after an earlier one then fails); those that fail there are
        checked alone.
        """
        batch = sorted(
            (n for n in self.killers if n not in self.passes_alone and n not in self.checked),
            key=lambda nodeid: -self.position.get(nodeid, 0),
        )
        self.checked.update(batch)
        queue: list[Any] = []
        if len(batch) == 1:
            queue.append(self._control_job(batch[0]))
        elif batch:
            timeout = sum(self.killers[n] for n in batch)
            job = {"id": "control:batch", "timeout": timeout, "controls": batch}
            queue.append((job, None, None, [i for n in batch for i in self.items[n]]))
        for ran, retry in list(self.timeouts.items()):
            if ran in self.timeout_checked:
                continue  # its control is under way
            if len(ran) == 1 and ran[0] in self.passed_first:
                # a control of another run showed its budget holds it: confirm them
                del self.timeouts[ran]
                queue += [_confirming(spec, ran[-1]) for spec in retry]
                continue
            self.timeout_checked.add(ran)
            control = {"id": f"control:{ran[-1]}", "timeout": retry[0][0]["timeout"]}
            control["control_timeout"] = ran
            queue.append((control, None, None, [i for n in ran for i in self.items[n]]))
        return queue

    def _control_job(self, nodeid: str) -> tuple[Any, ...]:
        job = {"id": f"control:{nodeid}", "timeout": self.killers[nodeid], "control": nodeid}
        return (job, None, None, self.items[nodeid])

    def _without_bad_tests(self) -> list[Any]:
        """Mutants "killed" by a test that fails on its own, to run again without it."""
        queue = []
        for nodeid in list(self.bad_tests):
            for job, target, code, items in self.kills.pop(nodeid, []):
                kept = [item for item in items if item.nodeid not in self.bad_tests]
                later = job.get("later", ())
                if any(item.nodeid not in later for item in kept):
                    queue.append((job, target, code, kept))
                    continue
                for mutant in (job["id"], *self.twins.get(job["id"], ())):
                    self._result(mutant, "no-tests", None, 0.0, self.bad_tests[nodeid])
        return queue

    def _warm_items(self) -> None:
        """Do once here what every worker would otherwise redo for each item it runs:
        pytest's cached ``location`` (paths, stat calls) and the cheap failure reports."""
        packages: dict[int, Any] = {}
        for item in (item for items in self.items.values() for item in items):
            with contextlib.suppress(Exception):
                _ = item.location
            warmup.cheap_failure_reports(item)
            if worker.needs_own_warning_filters(item):
                worker.OWN_WARNING_FILTERS.add(id(item))
            for node in item.listchain():
                if isinstance(node, pytest.Package):
                    packages[id(node)] = node
        for package in packages.values():
            warmup.skip_empty_package_setup(package)
        warmup.warm_freezegun([function["path"] for function in self.jobs["functions"]])
        # Every worker would set these the same way.
        for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGPROF):
            with contextlib.suppress(ValueError, OSError):
                signal.signal(signum, signal.SIG_DFL)

    def _warm_tmp(self) -> None:
        """Create pytest's base temp dir once, so parallel workers share it."""
        factory = getattr(self.session.config, "_tmp_path_factory", None)
        if factory is not None:
            with contextlib.suppress(Exception):
                factory.getbasetemp()

    def _prepare(
        self, function: dict[str, Any]
    ) -> list[tuple[dict[str, Any], swap.Target, types.CodeType, list[Any]]]:
        try:
            target = swap.Target(function, self.index)
        except swap.SwapError as exc:
            self._skip(function["id"], f"cannot swap in memory: {exc}")
            return []
        except Exception as exc:  # importing the module failed
            self._skip(function["id"], f"cannot import: {type(exc).__name__}: {exc}"[:300])
            return []
        covering = self._listed(function["tests"])
        # Tests that never reached it but may use what it built (a singleton, a cached
        # result): after the covering tests, and only with them (``_without_bad_tests``).
        later = self._listed(function.get("later", []))
        marks = {"function": function["id"]}
        if later:
            marks["later"] = frozenset(item.nodeid for item in later)
        items = covering + later
        prepared = []
        first: dict[tuple[Any, ...], str] = {}
        for job in function["mutants"]:
            mine = items if covering else []  # one list for all: ``_ordered`` caches by it
            if "tests" in job:  # only the covering tests that execute its lines
                own = self._listed(job["tests"])
                mine = own + later if own else []
            if not mine:
                self._result(job["id"], "no-tests", None, 0.0, "covering tests not collected")
                continue
            try:
                code = target.compile(job["source"], int(function["def_line"]))
            except (swap.SwapError, SyntaxError, ValueError) as exc:
                self._result(job["id"], "invalid", None, 0.0, str(exc)[:300])
                continue
            key = swap.behaviour_key(code)
            if key in first:
                # The same bytecode as an earlier mutant of this function (e.g. ``return
                # None`` both as the extreme and as the return-value mutant): run once.
                self.twins.setdefault(first[key], []).append(job["id"])
                continue
            first[key] = job["id"]
            prepared.append(({**job, **marks}, target, code, mine))
        return prepared

    def _listed(self, positions: list[int]) -> list[Any]:
        """The collected items at ``positions`` of the jobs' test table."""
        listed = self.listed
        return [item for i in positions for item in listed[i]]

    def _skip(self, function_id: str, reason: str) -> None:
        _send(self.out, {"t": "skip", "function": function_id, "reason": reason})

    def _result(
        self,
        mutant: str,
        status: str,
        killed_by: str | None,
        duration: float,
        reason: str | None = None,
    ) -> None:
        _send(
            self.out,
            {
                "t": "result",
                "id": mutant,
                "status": status,
                "killed_by": killed_by,
                "duration": round(duration, 6),
                "reason": reason,
            },
        )

    def _spawn(
        self,
        job: dict[str, Any],
        target: swap.Target | None,
        code: types.CodeType | None,
        items: list[Any],
        running: dict[int, _Running],
    ) -> None:
        cpu = float(job["timeout"])
        if job.get("confirm"):  # the same tests in the same order as the first time
            budgets = [self.budgets.get(item.nodeid) for item in items]
        else:
            items, budgets = self._ordered(job, items)
        if job.get("generous"):
            budgets = [GENEROUS_SCALE * (b or 0.0) + GENEROUS_SLACK for b in budgets]
            cpu = GENEROUS_SCALE * cpu + GENEROUS_SLACK
        first_slack = self._first_slack()
        read_fd, write_fd = os.pipe()
        slot = mmap.mmap(-1, mmap.PAGESIZE)  # shared with the child (MAP_SHARED)
        pid = os.fork()
        if pid == 0:  # the worker: never returns
            os.close(read_fd)
            run_all = "controls" in job
            worker.run_worker(
                write_fd, slot, target, code, items, budgets, self.session, self.data_limit, cpu,
                run_all, first_slack, job.get("source"),
            )  # fmt: skip
        os.close(write_fd)
        os.set_blocking(read_fd, False)
        spec = (job, target, code, items)
        if items:
            job = {**job, "first": items[0].nodeid}
        run = running[pid] = _Running(job, pid, read_fd, _wall_limit(cpu), slot)
        run.spec = spec
        run.budgets, run.first_slack = budgets, first_slack

    def _first_slack(self) -> float:
        """CPU seconds a worker's first test may use beyond its budget (see the top)."""
        return self.first_slack

    def _observe_first(self, run: _Running, final: dict[str, Any]) -> None:
        """How much CPU beyond its budget a worker's first test needed."""
        first = run.job.get("first")
        cpu = final.get("first_cpu")
        if first is None or cpu is None or run.job.get("generous"):
            return
        self._observe_excess(float(cpu) - (self.budgets.get(first) or 0.0))

    def _observe_excess(self, excess: float) -> None:
        self.first_excess.append(excess)
        seen = len(self.first_excess)
        if seen >= FIRST_TEST_SAMPLES and (seen < 64 or seen % 16 == 0):
            ordered = sorted(self.first_excess)
            wanted = 2.0 * ordered[min(seen - 1, (9 * seen) // 10)]
            self.first_slack = min(MAX_FIRST_TEST_SLACK, max(MIN_FIRST_TEST_SLACK, wanted))

    def _ordered(self, job: dict[str, Any], items: list[Any]) -> tuple[list[Any], list[Any]]:
        """``items`` with the tests that killed this function's other mutants first (in
        the order they were first seen killing), the rest in their order (fastest first);
        and their CPU budgets. Worked out again only when a new killer is seen: every
        object the warm process touches after a fork costs it a copied page."""
        function = job.get("function", "")
        learned = self.learned.get(function, ())
        key = (id(items), function)
        cached = self.orders.get(key)
        if cached is not None and cached[0] == len(learned):
            return cached[1], cached[2]
        ordered = items
        if learned and len(items) > 1:
            rank = {nodeid: position for position, nodeid in enumerate(learned)}
            last = len(rank)
            ordered = sorted(items, key=lambda item: rank.get(item.nodeid, last))
        budgets = [self.budgets.get(item.nodeid) for item in ordered]
        self.orders[key] = (len(learned), ordered, budgets, items)  # items: keeps id() valid
        return ordered, budgets

    def _wait(self, running: dict[int, _Running]) -> None:
        now = clock.monotonic()
        wait = max(0.0, min(r.deadline for r in running.values()) - now)
        # Workers running longer than the grace are looked at a few times a second, from
        # the moment the first of them gets there.
        judging = [r for r in running.values() if not r.concluded]
        slow = [r for r in judging if now - r.started > STALL_GRACE]
        limit = min(wait, 1.0)
        if slow:
            limit = min(limit, STALL_WINDOW / 2)
        elif judging:
            limit = min(limit, min(r.started for r in judging) + STALL_GRACE - now + 0.001)
        by_fd = {r.fd: r for r in running.values()}
        try:
            ready, _, _ = select.select(list(by_fd), [], [], max(0.0, limit))
        except InterruptedError:
            ready = []
        for fd in ready:
            self._read(by_fd[fd], running)
        now = clock.monotonic()
        for run in list(running.values()):
            if run.deadline <= now:
                procs.kill(run.pid)
                self._finish(run, running, timed_out=True)
            elif run in slow and not run.concluded and self._hung(run, now):
                run.hung = True
                procs.kill(run.pid)
                self._finish(run, running, timed_out=False)

    @staticmethod
    def _hung(run: _Running, now: float) -> bool:
        """Whether a worker sleeps past its test's budget without using the CPU
        (``STALL_GRACE``): waiting for something that does not come."""
        index, began = worker.SLOT.unpack_from(run.slot)
        if began <= 0.0 or not 0 < index <= len(run.budgets):
            return False  # not in a test's body: fixtures of wider scope may sleep
        budget = run.budgets[index - 1]
        if budget is None:
            return False
        slack = run.first_slack if index == 1 else worker.TEST_SLACK
        if now < began + budget + slack + STALL_GRACE:
            return False
        state, ticks = procs.cpu_ticks(run.pid)
        sample = (index, ticks)
        if state != "S" or run.sample is None or run.sample[0] != sample:
            run.sample = (sample, now)  # running, or used CPU since the last look
            return False
        return now - run.sample[1] >= STALL_WINDOW

    def _read(self, run: _Running, running: dict[int, _Running]) -> None:
        try:
            chunk = os.read(run.fd, 65536)
        except BlockingIOError:
            return
        except OSError:
            chunk = b""
        if chunk:
            run.buffer += chunk
            *lines, run.buffer = run.buffer.split(b"\n")
            for line in lines:
                with contextlib.suppress(ValueError):
                    run.final = json.loads(line)
                    # The verdict is in: give fixture teardown a short grace period, and
                    # let the next worker start while this one tears down and exits.
                    run.deadline = min(run.deadline, clock.monotonic() + 5.0)
                    self._conclude(run, "", timed_out=False)
            return
        self._finish(run, running, timed_out=False)

    def _finish(self, run: _Running, running: dict[int, _Running], timed_out: bool) -> None:
        del running[run.pid]
        os.close(run.fd)
        status_word = procs.reap(run.pid)
        self.orphans.sweep(running)
        ran, _began = worker.SLOT.unpack_from(run.slot)
        run.slot.close()
        items = run.spec[3] if run.spec is not None else []
        if 0 < ran <= len(items):
            run.current = items[ran - 1].nodeid
        run.ran = ran
        if not run.concluded:
            self._conclude(run, status_word, timed_out)
        if procs.TRACE:
            cpu, faults = procs.USAGE or [0.0, 0]
            print(
                f"mutant {run.job['id']} {run.status} ran={(run.final or {}).get('ran')} "
                f"{run.duration:.4f}s cpu={cpu:.4f}s faults={faults} "
                f"started={run.started - _T0:.3f} ended={clock.monotonic() - _T0:.3f}",
                file=sys.stderr,
            )

    def _conclude(self, run: _Running, status_word: str, timed_out: bool) -> None:
        """Act on a worker's verdict (reported, or told by how it ended)."""
        run.concluded = True
        run.duration = duration = clock.monotonic() - run.started
        final = run.final
        killed_by = run.current
        if final is not None:
            status, killed_by, reason = final["status"], final.get("killed_by"), final.get("reason")
            self._observe_first(run, final)
        elif timed_out:
            status, reason = "timeout", "wall-clock limit"
        elif run.hung:
            status, reason = "timeout", STALLED
        elif "SIGXCPU" in status_word:
            status, reason = "timeout", "CPU time limit"
        elif "SIGPROF" in status_word:
            status, reason = "timeout", ONE_TEST_CPU
            if run.ran == 1 and _is_control(run.job) and not run.job.get("generous"):
                # The unmodified code ran out in its first test: it needed the slack and
                # more. Counted as needing the slack (a lower bound), or the slack would
                # follow only the first tests that fit in it.
                self._observe_excess(run.first_slack)
        else:
            status, reason = "crashed", status_word
        run.status = status
        if final is not None:
            self.reported = True
        elif status == "crashed" and not self.reported and not self.canaries_asked:
            self.canaries_asked = True
            self.urgent += self._canaries()
        control_timeout = run.job.get("control_timeout")
        if control_timeout is not None:
            if status == "survived" and not self._tight(run, final):
                # The unmodified tests run within their budgets: the mutants run again
                # with the same budgets, and time out again if they loop.
                if len(control_timeout) == 1:
                    self.passed_first.add(control_timeout[0])
                    self.passes_alone.add(control_timeout[0])
                self.budget_ok.add(control_timeout)
                pending = self.timeouts.pop(control_timeout, [])
                self.extra += [_confirming(s, control_timeout[-1]) for s in pending]
            else:  # they cannot, barely can, or a test fails alone: run again, generous
                self.budget_too_small.add(control_timeout)
                self.retry += self.timeouts.pop(control_timeout, [])
            return
        if "canary" in run.job:
            self._canary(run, status, status_word)
            return
        batch = run.job.get("controls")
        if batch is not None:
            failed = set((final or {}).get("failed") or ()) if final is not None else set(batch)
            for nodeid in batch:
                if nodeid in failed:  # perhaps disturbed by another: check it alone
                    self.extra.append(self._control_job(nodeid))
                else:
                    self.passes_alone.add(nodeid)
            if final is not None and batch[0] not in failed and self._roomy_first(run, final):
                self.passed_first.add(batch[0])  # only the first ran first
            return
        control = run.job.get("control")
        if control is not None:
            self._judge_control(run, control, status, final)
            return
        for mutant in (run.job["id"], *self.twins.get(run.job["id"], ())):
            self._result(mutant, status, killed_by, duration, reason)
        if reason in (ONE_TEST_CPU, STALLED) and not run.job.get("generous"):
            self._suspect(run, killed_by, reason)
        if status in ("killed", "crashed") and killed_by in self.items:
            # checked alone on the unmodified code (``_controls``): a test that fails, or
            # crashes, there too killed nothing
            timeout = max(self.killers.get(killed_by, 0.0), float(run.job["timeout"]))
            self.killers[killed_by] = timeout
            self.kills.setdefault(killed_by, []).append(run.spec)
            if status == "killed" and killed_by not in self.bad_tests:
                learned = self.learned.setdefault(run.job.get("function", ""), [])
                if killed_by not in learned:
                    learned.append(killed_by)

    def _judge_control(
        self, run: _Running, control: str, status: str, final: dict[str, Any] | None
    ) -> None:
        """A test run alone on the unmodified code. A test that fails there runs alone
        once more: failing again, it depends on what tests before it leave behind
        (order-dependent); passing, it is flaky. Either way its kills do not count, and
        the auditing process is told (``alone``)."""
        first_error = run.job.get("failed_before")
        if status == "survived":
            if first_error is None:  # it passes on its own: never checked again
                self.passes_alone.add(control)
                if not run.job.get("generous") and self._roomy_first(run, final):
                    self.passed_first.add(control)
                return
            self.bad_tests[control] = (
                f"{control} is flaky: run alone on the unmodified code, it failed once "
                "and then passed"
            )
            _send(
                self.out, {"t": "alone", "test": control, "outcome": "flaky", "error": first_error}
            )
            return
        if status == "timeout" and not run.job.get("generous"):
            # Out of its budget is not a failure: alone in a fresh worker a test can
            # pay for what an earlier test built in the baseline (a cache, a table).
            self.extra.append(({**run.job, "generous": True}, None, None, run.spec[3]))
            return
        error = (final or {}).get("error")
        if status == "killed" and first_error is None:
            again = {**run.job, "failed_before": error or "failed"}
            self.extra.append((again, None, None, run.spec[3]))
            return
        how = {"timeout": "runs out of time", "crashed": "crashes"}.get(status, "fails")
        self.bad_tests[control] = f"{control} {how} on the unmodified code when run alone"
        if status == "killed":
            _send(
                self.out,
                {"t": "alone", "test": control, "outcome": "fails", "error": error or first_error},
            )

    def _suspect(self, run: _Running, killed_by: str | None, reason: str) -> None:
        """A test ran out of its budget: a control run of the same tests on the
        unmodified code says whether the budget holds them (``_conclude``). If it does
        not, or barely, the mutant runs again with generous budgets; if it does, a CPU
        timeout must happen again (the CPU time a test takes varies from run to run) —
        being asleep past the budget, with no CPU used, does not vary so."""
        confirming = run.job.get("confirm")
        if confirming is not None:
            if killed_by != confirming:  # out of time in another test: what varies is
                job, *rest = run.spec  # the tests' time, not the mutant's loop
                self.retry.append(({**job, "confirm": None}, *rest))
            return  # out of its budget a second time, in the same test: a timeout
        names = [item.nodeid for item in (run.spec[3] if run.spec is not None else ())]
        if killed_by not in names:
            return
        ran = tuple(names[: names.index(killed_by) + 1])
        known = ran in self.budget_ok or (len(ran) == 1 and ran[0] in self.passed_first)
        if ran in self.budget_too_small:  # its control already said so
            self.retry.append(run.spec)
        elif known and reason == ONE_TEST_CPU:
            self.extra.append(_confirming(run.spec, ran[-1]))
        elif not known:
            self.timeouts.setdefault(ran, []).append(run.spec)

    @staticmethod
    def _roomy_first(run: _Running, final: dict[str, Any] | None) -> bool:
        """Whether a control run's first test stayed within ``TIGHT`` of its CPU limit."""
        cpu = (final or {}).get("first_cpu")
        if cpu is None or not run.budgets or run.budgets[0] is None or run.job.get("generous"):
            return False
        return float(cpu) <= TIGHT * (run.budgets[0] + run.first_slack)

    @staticmethod
    def _tight(run: _Running, final: dict[str, Any] | None) -> bool:
        """Whether a control run's last test needed more than ``TIGHT`` of its CPU limit."""
        cpu = (final or {}).get("last_cpu")
        if cpu is None or not run.budgets or run.budgets[-1] is None:
            return False
        slack = run.first_slack if len(run.budgets) == 1 else worker.TEST_SLACK
        return float(cpu) > TIGHT * (run.budgets[-1] + slack)


def _is_control(job: dict[str, Any]) -> bool:
    """A run of tests on the unmodified code."""
    return any(key in job for key in ("control", "controls", "control_timeout", "canary"))


def _confirming(spec: tuple[Any, ...], test: str) -> tuple[Any, ...]:
    """A mutant that ran out of a budget its tests hold (in ``test``), to run again with
    the same budgets."""
    job, *rest = spec
    return ({**job, "confirm": test}, *rest)


def _busy(running: dict[int, _Running]) -> int:
    """Workers still judging their mutant (not the ones only tearing down)."""
    return sum(1 for run in running.values() if not run.concluded)


class _Lazy:
    """A mutant in the queue whose function is not compiled yet."""

    __slots__ = ("function", "job")

    def __init__(self, job: dict[str, Any], function: dict[str, Any]) -> None:
        self.job = job
        self.function = function


def _freeze(collect: bool = False) -> None:
    """Objects that exist now are never collected in a worker: no copy-on-write storm."""
    import gc

    if collect:
        gc.collect()
    if hasattr(gc, "freeze"):
        gc.freeze()


def _wall_limit(cpu_seconds: float) -> float:
    """Wall-clock cap of a worker: generous, since a loaded machine stretches wall time.

    The real timeout is the CPU-time limit (RLIMIT_CPU) set in the worker; this cap only
    catches mutants that hang without using the CPU (waiting on a lock, a socket, a sleep).
    """
    return 4.0 * cpu_seconds + 20.0


#: ids of the items that need pytest's per-test warning filters set up (``_warm_items``).
