"""testvet's instrumented-run plugin, loaded with ``-p testvet_run`` in the project's interpreter.

Standalone: imports only the standard library, pytest and ``testvet_trace`` (which
imports coverage). Inert unless the environment variable ``TESTVET_RUN_CONFIG`` names a
JSON settings file written by ``testvet.run``. It records, through the run's
:class:`testvet_trace.Recorder` (started by ``testvet_boot`` before pytest was imported,
or here), one JSON line per event:

``collected`` (node ids after deselection), ``fn`` (a project function got an index),
``start`` (a test begins), ``result`` (outcome, duration, indices of the functions it
reached), ``ports`` (fixed ports a test bound, first seen), ``timeout`` (the watchdog
stopped a test), ``finish`` (exit status, after the coverage data was saved).
"""

from __future__ import annotations

import functools
import json
import os
import socket
import sys
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:  # the same modules, as mypy finds them
    from testvet._plugins import testvet_clock as clock
    from testvet._plugins import testvet_trace
else:
    import testvet_clock as clock
    import testvet_trace

# -------------------------------------------------------------------------- plugin


def _one_line(text: str, limit: int = 300) -> str:
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    line = lines[0] if lines else ""
    return line if len(line) <= limit else line[: limit - 1] + "…"


def _message(report: Any) -> str | None:
    longrepr = report.longrepr
    if longrepr is None:
        return None
    if isinstance(longrepr, tuple) and len(longrepr) == 3:  # skip: (path, line, reason)
        return _one_line(str(longrepr[2]))
    crash = getattr(longrepr, "reprcrash", None)
    if crash is not None and getattr(crash, "message", None):
        return _one_line(crash.message)
    text = str(longrepr).strip().splitlines()
    return _one_line(text[-1]) if text else None


def _outcome(reports: list[Any]) -> tuple[str, str | None]:
    for phase in ("call", "setup", "teardown"):
        # a failed subtest is a failed "call" report of its own before the test's own
        for report in reports:
            if report.when == phase and report.failed:
                return ("failed" if phase == "call" else "error"), _message(report)
    by_phase = {r.when: r for r in reports}
    for phase in ("setup", "call"):
        report = by_phase.get(phase)
        if report is not None and report.skipped:
            if hasattr(report, "wasxfail"):
                return "xfailed", _one_line(str(report.wasxfail)) or None
            return "skipped", _message(report)
    call = by_phase.get("call")
    if call is not None and hasattr(call, "wasxfail"):
        return "xpassed", None
    if call is None:
        return "error", "the test did not run its call phase"
    return "passed", None


def _strict_xfail(item: Any) -> bool:
    """Whether an item that xfailed would fail the suite by passing: a strict ``xfail``
    mark (or ``xfail_strict``), or unittest's ``expectedFailure``. A mutant that makes
    it pass is caught. (``pytest.xfail()`` called in the body never is.)"""
    try:
        from _pytest.skipping import xfailed_key
    except ImportError:
        xfailed = None
    else:
        xfailed = item.stash.get(xfailed_key, None)
    if xfailed is not None and getattr(xfailed, "strict", False):
        return True
    method = getattr(item, "obj", None)
    return bool(
        getattr(method, "__unittest_expecting_failure__", False)
        or getattr(getattr(item, "cls", None), "__unittest_expecting_failure__", False)
    )


def _nodeid(item: Any, root: str) -> str:
    """The node id with its file part relative to the project root (pytest's rootdir may differ)."""
    path = getattr(item, "path", None)
    if path is None:
        return str(item.nodeid)
    _head, sep, tail = str(item.nodeid).partition("::")
    try:
        rel = os.path.relpath(str(path), root)
    except ValueError:
        return str(item.nodeid)
    if rel.startswith(".."):
        return str(item.nodeid)
    return rel.replace(os.sep, "/") + (sep + tail if sep else "")


#: The type of ``functools.lru_cache`` and ``functools.cache`` wrappers.
_CACHE_WRAPPER = type(functools.lru_cache(maxsize=None)(lambda: None))


class _Memoized:
    """The project's ``lru_cache``/``cache`` wrappers (module and class attributes), with
    their functions' registry indices. A test that gets a cached result runs no line of
    the function (the hit is answered in C), yet depends on it: a mutant's result, cached
    in a worker by the test, fails it (asttokens' ``fstring_positions_work``). A test
    during which a wrapper was called reaches its function."""

    def __init__(self, scope: Any, registry: Any) -> None:
        index = {(e[0], e[1]): i for i, e in enumerate(registry.entries)}
        self.wrappers: list[tuple[Any, int]] = []
        for module in list(sys.modules.values()):
            try:  # a lazy module or a proxy in sys.modules may raise anything
                name = getattr(module, "__name__", None)
                file = getattr(module, "__file__", None)
                if not isinstance(file, str) or not scope(file):
                    continue
                members = _members(module, name)
            except Exception:
                continue
            for value in members:
                # ``type()``, not ``isinstance``: that reads ``__class__``, which a proxy
                # (werkzeug's LocalProxy) or a sentinel (pyasn1's noValue) may raise from
                if issubclass(type(value), _CACHE_WRAPPER):
                    wrapped = value.__wrapped__
                    key = (
                        getattr(wrapped, "__module__", None),
                        getattr(wrapped, "__qualname__", None),
                    )
                    if key in index:
                        self.wrappers.append((value, index[key]))

    def calls(self) -> list[int]:
        """Hits and misses so far, per wrapper."""
        found = []
        for wrapper, _ in self.wrappers:
            try:
                info = wrapper.cache_info()
                found.append(info.hits + info.misses)
            except Exception:
                found.append(-1)
        return found

    def called(self, before: list[int]) -> set[int]:
        """Indices of the functions whose wrapper was called since ``before``."""
        after = self.calls()
        return {i for k, (_, i) in enumerate(self.wrappers) if after[k] != before[k]}


class _FixedPorts:
    """The fixed (non-zero) ports the tests bind.

    Workers run tests of different mutants at the same time: two of them binding the
    same port fail each other with "address already in use", and a mutant is called
    killed by a test that passes alone. A suite that binds fixed ports gets its mutants
    run one at a time. Binds while pytest imports and collects are left out: a worker
    inherits what the warm process bound then. So is a port the system chose for a
    bind to port 0 (a test's "free port" found that way, then bound again): each
    worker gets its own.

    ``socket.socket.bind`` is wrapped for the run (an audit hook would see binds made
    through ``_socket`` too, but it is called for every audited event: ``id()``,
    ``open``, ``compile``; ``copy.deepcopy`` took 1.6 times as long with one)."""

    def __init__(self) -> None:
        self.active = False
        self.seen: set[str] = set()
        self.new: list[str] = []
        #: ports the system chose for a bind to port 0
        self.chosen: set[int] = set()
        original = socket.socket.bind
        watch = self.watch

        def bind(sock: Any, address: Any, /) -> None:
            __tracebackhide__ = True  # pytest shows the test's own call
            original(sock, address)
            watch(sock, address)

        bind.__wrapped__ = original  # type: ignore[attr-defined]
        socket.socket.bind = bind  # type: ignore[method-assign]

    def watch(self, sock: Any, address: Any) -> None:
        """After ``sock`` was bound to ``address``."""
        try:
            if not isinstance(address, tuple) or len(address) < 2:
                return  # a Unix socket's path, a Bluetooth or CAN address
            port = address[1]
            if port == 0:
                self.chosen.add(int(sock.getsockname()[1]))
            elif self.active and isinstance(port, int) and port not in self.chosen:
                where = f"{address[0] or '*'}:{port}"
                if where not in self.seen:
                    self.seen.add(where)
                    self.new.append(where)
        except Exception:  # never disturb the suite
            return

    def taken(self) -> list[str]:
        """The ports first bound since the last call."""
        new, self.new = self.new, []
        return new


def _members(module: Any, name: Any) -> list[Any]:
    """A module's attributes, and those of the classes it defines (looked at without
    calling any of their code: the objects may be anything)."""
    try:
        values = list(vars(module).values())
    except TypeError:
        return []
    for value in list(values):
        if not issubclass(type(value), type) or vars(value).get("__module__") != name:
            continue
        for member in vars(value).values():
            if issubclass(type(member), (staticmethod, classmethod)):
                member = member.__func__  # a staticmethod holds the wrapper
            values.append(member)
    return values


class TestvetRunPlugin:
    """Records outcomes, durations and the per-test map; arms the watchdog."""

    __test__ = False

    def __init__(self, recorder: testvet_trace.Recorder) -> None:
        self.recorder = recorder
        self.settings = recorder.settings
        self.events = recorder.events
        self.registry = recorder.registry
        self.cov = recorder.cov
        self.map = recorder.map
        self.watchdog = recorder.watchdog
        #: coverage.py context per test call (the node id), empty elsewhere
        self.contexts = bool((self.settings.get("coverage") or {}).get("contexts"))
        self.nodeid = ""
        self.reports: list[Any] = []
        #: seconds of the current test's phases, on testvet's own clock (``_timed``)
        self.took = 0.0
        #: fixtures of wider scope: the seconds their last set-up took and the project
        #: functions it reached; those set up in the current test's time
        self.fixture_costs: dict[Any, float] = {}
        self.fixture_hits: dict[Any, set[int]] = {}
        self.set_up_now: set[Any] = set()
        self.exitstatus: int | None = None
        #: the functions that ran while pytest imported and collected were reported
        self.imported_sent = False
        #: the project's cached functions, found once the suite is collected
        self.memoized: _Memoized | None = None
        self.ports = _FixedPorts()
        recorder.to_front()
        self.events.write(
            ev="hello",
            pid=os.getpid(),
            mechanism=self.map.name if self.map else "off",
            python=sys.version.split()[0],
            coverage=self.cov is not None,
        )
        early = getattr(self.map, "instead_of_hook", None)
        if early:
            self.events.write(
                ev="warning",
                message=f"{len(early)} project module(s) were imported before testvet's "
                f"import hook ({', '.join(early[:5])}): the per-test map watches calls with "
                "sys.setprofile instead, which slows the run",
            )
        missed = getattr(self.map, "missed", None)
        if missed:
            self.events.write(
                ev="warning",
                message=f"{len(missed)} project module(s) were imported before testvet's "
                f"import hook and are left out of the per-test map: {', '.join(missed[:5])}",
            )

    def pytest_collectstart(self, collector: Any) -> None:
        if isinstance(collector, pytest.File):  # lets the parent tell a hang from progress
            self.events.write(ev="collecting", path=str(collector.path))

    @pytest.hookimpl(hookwrapper=True)
    def pytest_make_collect_report(self, collector: Any) -> Any:
        """A test module that skips itself while it is imported (``importorskip``,
        ``skip(allow_module_level=True)``): no test of it runs, and pytest counts one
        skip. It is one skipped result, named by its file."""
        outcome = yield
        report = outcome.get_result()
        if not report.skipped or isinstance(collector, pytest.Session):
            return
        if getattr(collector, "path", None) is None:
            return
        self.events.write(
            ev="result",
            nodeid=_nodeid(collector, self.settings["root"]),
            outcome="skipped",
            duration=0.0,
            fns=[],
            msg=_message(report),
            shared=0.0,
        )

    @pytest.hookimpl(trylast=True)
    def pytest_collection_modifyitems(self, config: Any, items: list[Any]) -> None:
        skip_file = self.settings.get("skip_file")
        if skip_file:
            with open(skip_file, encoding="utf-8") as handle:
                skip = set(json.load(handle))
            root = self.settings["root"]
            kept = [item for item in items if _nodeid(item, root) not in skip]
            dropped = [item for item in items if _nodeid(item, root) in skip]
            if dropped:
                config.hook.pytest_deselected(items=dropped)
                items[:] = kept
        self.events.write(
            ev="collected", nodeids=[_nodeid(item, self.settings["root"]) for item in items]
        )

    @pytest.hookimpl(hookwrapper=True)
    def pytest_fixture_setup(self, fixturedef: Any, request: Any) -> Any:
        """A fixture of wider scope is set up once, in the first user's time, and serves
        every test using it: what its set-up reaches, each of them reaches (a mutant there
        is seen by all), and what it costs, a worker that runs any of them first pays."""
        if getattr(fixturedef, "scope", "function") == "function":
            yield
            return
        hits = getattr(self.map, "hits", None)
        before = set(hits) if hits is not None else set()
        began = clock.monotonic()
        yield
        self.fixture_costs[fixturedef] = clock.monotonic() - began
        self.set_up_now.add(fixturedef)
        if hits is not None:
            self.fixture_hits.setdefault(fixturedef, set()).update(set(hits) - before)

    def _shared(self, item: Any, reached: list[int]) -> tuple[list[int], float]:
        """``reached`` with what the set-up of the wider-scoped fixtures the test uses
        reached; and the seconds of those set-ups that ran in an earlier test's time."""
        if not self.fixture_costs:
            return reached, 0.0
        defs = getattr(getattr(item, "_fixtureinfo", None), "name2fixturedefs", None) or {}
        extra: set[int] = set()
        cost = 0.0
        for name in getattr(item, "fixturenames", ()):
            chain = defs.get(name)
            fixturedef = chain[-1] if chain else None
            if fixturedef not in self.fixture_costs:
                continue
            extra.update(self.fixture_hits.get(fixturedef, ()))
            if fixturedef not in self.set_up_now:
                cost += self.fixture_costs[fixturedef]
        return (sorted(extra.union(reached)) if extra else reached), cost

    @pytest.hookimpl(hookwrapper=True)
    def pytest_runtest_protocol(self, item: Any, nextitem: Any) -> Any:
        self.reports = []
        nodeid = self.nodeid = _nodeid(item, self.settings["root"])
        self.registry.announce()
        self.events.write(ev="start", nodeid=nodeid)
        self.watchdog.arm(nodeid)
        self.set_up_now = set()
        if self.contexts:
            self.recorder.tests_begin()
        self.recorder.test = nodeid
        if self.map is not None:
            if not self.imported_sent:
                # What ran before the first test: the suite's imports (decorators,
                # module-level objects), built before any mutant can be swapped in.
                self.imported_sent = True
                self.events.write(ev="imported", fns=sorted(getattr(self.map, "hits", ())))
                self.memoized = _Memoized(self.recorder.scope, self.registry)
            self.map.begin()
        calls = self.memoized.calls() if self.memoized is not None else []
        self.ports.active = True
        self.took = 0.0
        yield
        self.ports.active = False
        self.recorder.test = None
        reached = self.map.end() if self.map is not None else []
        if self.memoized is not None and self.memoized.wrappers:
            reached = sorted(self.memoized.called(calls).union(reached))
        reached, shared = self._shared(item, reached)
        self.watchdog.disarm()
        outcome, message = _outcome(self.reports)
        self.registry.announce()
        imported = getattr(self.map, "imported", None)
        if imported:  # what a module the test imported ran while it was imported
            self.events.write(ev="imported", fns=sorted(imported))
            imported.clear()
        ports = self.ports.taken()
        if ports:
            self.events.write(ev="ports", nodeid=nodeid, ports=ports)
        strict = outcome == "xfailed" and _strict_xfail(item)
        self.events.write(
            ev="result",
            nodeid=nodeid,
            outcome=outcome,
            duration=round(self.took, 6),
            fns=sorted(reached),
            msg=message,
            shared=round(shared, 6),
            **({"strict": True} if strict else {}),
        )
        self.recorder.save_if_due()

    # A test's duration is its three phases, timed here rather than taken from pytest's
    # reports: pytest times them with ``time.perf_counter``, which a freeze spanning tests
    # (freezegun in a fixture of module scope) patches. A phase that began on the real
    # clock and ended on the frozen one lasted billions of seconds, or less than none, and
    # a frozen one none at all, however long the test slept.

    @pytest.hookimpl(hookwrapper=True, tryfirst=True)
    def pytest_runtest_setup(self, item: Any) -> Any:
        yield from self._timed()

    @pytest.hookimpl(hookwrapper=True, tryfirst=True)
    def pytest_runtest_call(self, item: Any) -> Any:
        yield from self._timed()

    @pytest.hookimpl(hookwrapper=True, tryfirst=True)
    def pytest_runtest_teardown(self, item: Any, nextitem: Any) -> Any:
        yield from self._timed()

    def _timed(self) -> Any:
        began = clock.monotonic()
        try:
            yield
        finally:
            self.took += clock.monotonic() - began

    def pytest_runtest_logreport(self, report: Any) -> None:
        self.reports.append(report)
        if self.contexts and self.cov is not None and report.when != "teardown":
            # The test's own lines (its call) under its node id; fixtures and imports stay
            # in "". Switched here, between the phases, so no test's duration includes it.
            called = report.when == "setup" and report.passed
            self.recorder.switch_context(self.nodeid if called else "")

    def pytest_sessionfinish(self, session: Any, exitstatus: int) -> None:
        self.exitstatus = int(exitstatus)

    @pytest.hookimpl(trylast=True)
    def pytest_unconfigure(self, config: Any) -> None:
        self.watchdog.disarm()
        if self.cov is not None:
            try:
                self.cov.stop()
            finally:
                self.recorder.save_coverage()
        self.registry.announce()
        self.events.write(ev="finish", exitstatus=self.exitstatus)


def _load() -> TestvetRunPlugin | None:
    if __name__ != "testvet_run":  # only as the `-p testvet_run` plugin
        return None
    recorder = testvet_trace.start()  # already running under testvet_boot
    return TestvetRunPlugin(recorder) if recorder is not None else None


_PLUGIN = _load()


def pytest_configure(config: Any) -> None:
    if _PLUGIN is not None and not config.pluginmanager.is_registered(_PLUGIN):
        config.pluginmanager.register(_PLUGIN, "testvet-run-recorder")
