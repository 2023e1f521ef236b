"""Running the suite in child processes until every collected test has an outcome.

One child normally runs the whole suite. When a test ends the child (``os._exit``, a
segfault, the watchdog stopping a hanging test), the test that had started and not
finished is recorded as crashed or timed out, and a new child runs the tests that did
not run yet (the plugin deselects the rest through a skip file).
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import signal
import subprocess
import time
from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from testvet.errors import SuiteError
from testvet.model import NAMESAKE, Outcome, TestResult
from testvet.run.events import ChildLog, EventReader
from testvet.subproc import plain

#: Exit status of a child whose watchdog stopped a test (keep in sync with the plugin).
TIMEOUT_EXIT = 86
#: Seconds the parent waits past the per-test timeout before killing a stuck child.
BACKSTOP_GRACE = 5.0
_POLL = 0.2
#: Least seconds of silence outside a test before a child counts as hung.
IDLE_FLOOR = 60.0


@dataclass(frozen=True)
class ChildSpec:
    """How to start one child: the command and the settings the plugin reads."""

    command: tuple[str, ...]
    cwd: Path
    env: dict[str, str]
    settings: dict[str, Any]
    timeout: float
    #: Seconds past ``timeout`` before the parent kills a child whose watchdog is stuck.
    grace: float = BACKSTOP_GRACE
    #: Seconds without any event outside a test (start-up, collection, session end) before
    #: the child is killed as hung; None means ``max(timeout + grace, IDLE_FLOOR)``.
    idle: float | None = None

    @property
    def idle_limit(self) -> float:
        return self.idle if self.idle is not None else max(self.timeout + self.grace, IDLE_FLOOR)


@dataclass
class SuiteRun:
    """The outcome of all children together."""

    results: list[TestResult] = field(default_factory=list)
    #: Function id -> (absolute path, line, end line or 0) as reported by the child.
    functions: dict[str, tuple[str, int, int]] = field(default_factory=dict)
    exit_status: int = 0
    duration: float = 0.0
    children: int = 0
    #: Why pytest ended before running every collected test (None: it ran them all).
    stopped: str | None = None
    #: Function ids that ran while a module was imported (collection, or in a test).
    imported: set[str] = field(default_factory=set)
    #: Fixed ports the tests bound (``host:port``) -> the first test that bound each.
    ports: dict[str, str] = field(default_factory=dict)
    coverage_files: list[Path] = field(default_factory=list)
    mechanism: str | None = None
    logs: list[Path] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def _kill_group(proc: subprocess.Popen[bytes]) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(proc.pid, signal.SIGKILL)


def _exit_words(returncode: int) -> str:
    if returncode < 0:
        try:
            name = signal.Signals(-returncode).name
        except ValueError:
            name = f"signal {-returncode}"
        return f"killed by {name}"
    return f"exit status {returncode}"


#: The module path of an exception's name (``_pytest.outcomes.Exit`` -> ``Exit``).
_QUALIFIED = re.compile(r"^(?:\w+\.)+(?=\w+:)")


def _log_tail(path: Path) -> str:
    try:
        lines = plain(path.read_text(encoding="utf-8", errors="replace")).splitlines()
    except OSError:
        return ""
    marker = "INTERNALERROR>"
    internal = [ln.removeprefix(marker).strip() for ln in lines if ln.startswith(marker)]
    internal = [t for t in internal if t]
    if internal:  # the traceback's last line: the exception
        return internal[-1][:300]
    banners = [ln.strip("! ") for ln in lines if ln.startswith("!!!") and ln.strip("! ")]
    if banners:  # "!!!! _pytest.outcomes.Exit: why !!!!": what interrupted the session
        return _QUALIFIED.sub("", banners[-1])[:300]
    texts = [t for t in (line.strip().strip("=").strip() for line in lines) if t]
    for text in reversed(texts):  # pytest's usage errors end in "error: ..."
        if "error" in text.lower():
            # testvet's own answer to a --cov of the project's (``overrides``) is no news
            return text.replace(" --no-cov", "")[:300]
    return texts[-1][:300] if texts else ""


def _hint(tail: str) -> str:
    """What to do about a usage error pytest stopped with, if it is a common one."""
    if "unrecognized arguments" not in tail:
        return ""
    if "--cov" in tail:
        return "; the project's pytest options need pytest-cov: install it in its environment"
    return "; the project's pytest options name a plugin its environment lacks"


def _run_child(
    spec: ChildSpec,
    run_dir: Path,
    n: int,
    skip: Sequence[str],
    on_poll: Callable[[ChildLog], None],
) -> tuple[ChildLog, int, bool, Path]:
    events = run_dir / f"events-{n}.jsonl"
    events.unlink(missing_ok=True)
    settings = dict(spec.settings, events=str(events))
    if settings.get("coverage"):
        settings["coverage"] = dict(settings["coverage"], suffix=f"child{n}")
    if skip:
        skip_file = run_dir / f"skip-{n}.json"
        skip_file.write_text(json.dumps(sorted(skip)), encoding="utf-8")
        settings["skip_file"] = str(skip_file)
    settings_file = run_dir / f"settings-{n}.json"
    settings_file.write_text(json.dumps(settings, indent=1), encoding="utf-8")
    env = dict(spec.env, TESTVET_RUN_CONFIG=str(settings_file))
    log_path = run_dir / f"pytest-{n}.log"
    log = ChildLog()
    reader = EventReader(events)
    killed = False
    with log_path.open("wb") as out:
        proc = subprocess.Popen(
            spec.command,
            cwd=spec.cwd,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        running: str | None = None
        since = last_seen = time.monotonic()
        seen = 0
        try:
            while True:
                try:
                    proc.wait(timeout=_POLL)
                    break
                except subprocess.TimeoutExpired:
                    pass
                log.feed(reader.poll())
                on_poll(log)
                if log.running != running:
                    running, since = log.running, time.monotonic()
                now = time.monotonic()
                if log.seen != seen:
                    seen, last_seen = log.seen, now
                if running and now - since > spec.timeout + spec.grace:
                    log.timeout = running
                    killed = True
                    _kill_group(proc)
                elif not running and now - last_seen > spec.idle_limit:
                    killed = True  # stuck outside any test: collection or session teardown
                    _kill_group(proc)
        except BaseException:
            _kill_group(proc)
            proc.wait()
            raise
        finally:
            _kill_group(proc)  # whatever the tests left running in the child's group
    log.feed(reader.poll())
    return log, proc.returncode, killed, log_path


def run_suite(spec: ChildSpec, run_dir: Path, progress: Callable[[int, int], None]) -> SuiteRun:
    """Run children until every collected test has an outcome or no progress is made."""
    suite = SuiteRun()
    done: dict[str, TestResult] = {}
    expected: list[str] | None = None
    began = time.perf_counter()
    n = 0
    last_status: int | None = None
    while True:
        n += 1

        def on_poll(
            log: ChildLog,
            before: int = len(done),
            known: int | None = len(expected) if expected is not None else None,
        ) -> None:
            total = known if known is not None else len(log.collected or ())
            progress(before + len(log.results), total)

        log, returncode, killed, log_path = _run_child(spec, run_dir, n, list(done), on_poll)
        suite.children = n
        suite.logs.append(log_path)
        suite.warnings.extend(log.warnings)
        for port, nodeid in log.ports.items():
            suite.ports.setdefault(port, nodeid)
        suite.mechanism = suite.mechanism or log.mechanism
        if log.setup_error is not None:
            raise SuiteError(f"{log.setup_error} (log: {log_path})")
        if log.mechanism is None and n == 1:
            raise SuiteError(
                f"pytest did not start in the project's interpreter ({_exit_words(returncode)}): "
                f"{_log_tail(log_path) or 'no output'} (log: {log_path})"
            )
        if log.collected is None and killed:
            raise SuiteError(
                f"pytest hung while collecting {log.collecting or 'the suite'} "
                f"(nothing happened for {spec.idle_limit:g} s; log: {log_path})"
            )
        if n == 1 and returncode in (2, 3, 4) and not log.started:
            # An internal or usage error: pytest's own exit says the suite did not run.
            tail = _log_tail(log_path)
            what = (
                "could not collect the suite"
                if log.collected is None
                else ("stopped before running any test")
            )
            raise SuiteError(
                f"pytest {what} ({_exit_words(returncode)}): "
                f"{tail or 'no output'}{_hint(tail)} (log: {log_path})"
            )
        if expected is None and log.collected is not None:
            expected = list(log.collected)
        for nodeid in log.started:
            event = log.results.get(nodeid)
            if event is not None:
                done[nodeid] = _result(event, log)
        for nodeid, event in log.results.items():
            if "::" not in nodeid:  # a module that skipped itself while being collected
                done[nodeid] = _result(event, log)
        running = log.running
        # (in ``done`` already when an earlier item of its node id had its result)
        if running is not None:
            if log.timeout == running or returncode == TIMEOUT_EXIT:
                done[running] = TestResult(
                    nodeid=running,
                    outcome=Outcome.TIMEOUT,
                    duration=float(spec.timeout),
                    message=f"stopped after the {spec.timeout:g} s per-test timeout"
                    + (" (the child had to be killed)" if killed else ""),
                )
            else:
                done[running] = TestResult(
                    nodeid=running,
                    outcome=Outcome.CRASHED,
                    duration=0.0,
                    message=f"the test ended the test process ({_exit_words(returncode)})",
                )
        progress(len(done), len(expected) if expected is not None else 0)
        for fid, where in _functions(log).items():
            suite.functions.setdefault(fid, where)
        suite.imported.update(log.ids[i] for i in log.imported if i in log.ids)
        if log.finished:
            last_status = log.exitstatus
            remaining = [x for x in (expected or []) if x not in done]
            if remaining:  # an internal error, a test calling pytest.exit, -x
                words = _exit_words(last_status if last_status is not None else returncode)
                suite.stopped = (
                    f"the instrumented run stopped after {len(done)} of {len(expected or ())} "
                    f"tests ({words}): {_log_tail(log_path) or 'no output'} (log: {log_path})"
                )
                for nodeid in remaining:
                    done[nodeid] = TestResult(
                        nodeid=nodeid,
                        outcome=Outcome.ERROR,
                        duration=0.0,
                        message=f"not run: pytest stopped before it ({words})",
                    )
            break
        remaining = [x for x in (expected or []) if x not in done]
        if not remaining or not log.started:
            last_status = returncode if returncode >= 0 else 1
            for nodeid in remaining:  # the child died again before any of them started
                done[nodeid] = TestResult(
                    nodeid=nodeid,
                    outcome=Outcome.ERROR,
                    duration=0.0,
                    message="not run: the test process ended before reaching this test "
                    f"({_exit_words(returncode)}; log: {log_path.name})",
                )
            break
    suite.duration = time.perf_counter() - began
    names = name_functions(suite.functions, {f for r in done.values() for f in r.reached})
    suite.functions = {names[raw]: where for raw, where in suite.functions.items()}
    suite.imported = {names.get(raw, raw) for raw in suite.imported}
    done = {
        nodeid: replace(r, reached=frozenset(names.get(f, f) for f in r.reached))
        for nodeid, r in done.items()
    }
    order = {nodeid: i for i, nodeid in enumerate(expected or [])}
    suite.results = sorted(done.values(), key=lambda r: order.get(r.nodeid, len(order)))
    troubled = any(
        r.outcome in (Outcome.FAILED, Outcome.ERROR, Outcome.TIMEOUT, Outcome.CRASHED)
        for r in suite.results
    )
    status = last_status if last_status is not None else 1
    suite.exit_status = 1 if troubled and status in (0, 5) else status
    suite.coverage_files = sorted(run_dir.glob(".coverage.*"))  # children and subprocesses
    return suite


def name_functions(defs: Iterable[str], reached: Collection[str]) -> dict[str, str]:
    """Raw def id (``pkg.mod:Qual.name@LINE``) -> function id.

    A def is ``pkg.mod:Qual.name`` unless its module has other defs of that name (a
    property's getter and setter, overloads and their implementation, ``if PY3: def f``
    / ``else: def f``): then the one the name is bound to keeps the plain id — the last
    that tests reached (a branch that never ran defines nothing), or the last of all when
    none was — and the others keep their def line."""
    groups: dict[str, list[tuple[int, str]]] = {}
    for raw in defs:
        base, _, line = raw.rpartition(NAMESAKE)
        groups.setdefault(base, []).append((int(line), raw))
    names: dict[str, str] = {}
    for base, group in groups.items():
        ran = [entry for entry in group if entry[1] in reached]
        bound = max(ran or group)[1]
        for _line, raw in group:
            names[raw] = base if raw == bound else raw
    return names


def _functions(log: ChildLog) -> dict[str, tuple[str, int, int]]:
    """Raw def id -> (path, def line, end line), one per def."""
    return {log.ids[i]: (p, line, end) for i, (_m, _q, p, line, end) in log.functions.items()}


def _result(event: dict[str, Any], log: ChildLog) -> TestResult:
    ids = log.ids
    indices = {int(i) for i in event.get("fns") or ()}
    indices |= log.child_hits.get(str(event["nodeid"]), set())  # in processes it forked
    reached = frozenset(ids[i] for i in indices if i in ids)
    try:
        outcome = Outcome(str(event.get("outcome")))
    except ValueError:
        outcome = Outcome.ERROR
    message = event.get("msg")
    return TestResult(
        nodeid=str(event["nodeid"]),
        outcome=outcome,
        duration=float(event.get("duration") or 0.0),
        reached=reached,
        message=str(message) if message else None,
        shared_setup=float(event.get("shared") or 0.0),
        strict=bool(event.get("strict")),
    )
