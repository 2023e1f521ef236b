"""testvet's mutation worker plugin, loaded with ``-p testvet_mutate`` in the project's interpreter.

It imports the project and collects the tests once (a normal pytest session), then
replaces pytest's test loop: for every mutant it forks a warm worker that swaps the
target function's ``__code__`` in memory, runs the already-collected covering items
(fastest first, stopping at the first failure) and reports over a pipe. Nothing is
written anywhere but the result pipe. Standalone: stdlib and pytest only.

Input: the JSON job file named by ``TESTVET_MUTATE_JOBS``, read once a ``go`` line
arrives on the file descriptor ``TESTVET_MUTATE_GO`` (the process may be started while
the jobs are still being planned; end of file there means "not needed", and it exits).
Output: JSON lines on the file descriptor ``TESTVET_MUTATE_FD`` (``ready``, ``skip``,
``result``, ``done``).
"""

from __future__ import annotations
import __future__

import ast
import contextlib
import errno
import functools
import importlib
import importlib.abc
import importlib.util
import inspect
import json
import mmap
import operator
import os
import resource  # the engine forks: POSIX only
import select
import signal
import struct
import sys
import time
import types
from typing import Any

import pytest

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
TEST_SLACK = 0.02
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

#: ``TESTVET_MUTATE_TRACE=1``: one line per mutant in the worker log (for debugging).
_TRACE = bool(os.environ.get("TESTVET_MUTATE_TRACE"))

#: Every ``from __future__`` compiler flag.
_FUTURE_FLAGS: int = functools.reduce(
    operator.or_, (getattr(__future__, name).compiler_flag for name in __future__.all_feature_names)
)

_FLAGS = (
    inspect.CO_GENERATOR
    | inspect.CO_COROUTINE
    | inspect.CO_ASYNC_GENERATOR
    | inspect.CO_ITERABLE_COROUTINE
)


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


#: In a worker: its shared slot (see ``_SLOT``); empty in the warm process.
_WORKER_SLOT: list[mmap.mmap] = []


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_call(item: pytest.Item) -> None:
    """A worker's test body begins: from now on a hang is the test's, not a fixture's."""
    _mark_phase(call=True)


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_teardown(item: pytest.Item) -> None:
    _mark_phase(call=False)


#: In a worker: failed reports pytest logged while a test ran (subtests: ``subTest`` and
#: the ``subtests`` fixture report each failure this way; the test's own call may pass).
_LOGGED_FAILURES: list[Any] = []


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    # A worker runs each test with ``log=False``: only subtests' reports get here.
    if _WORKER_SLOT and report.failed:
        _LOGGED_FAILURES.append(report)


def _mark_phase(call: bool) -> None:
    if _WORKER_SLOT:
        slot = _WORKER_SLOT[0]
        index, _began = _SLOT.unpack_from(slot)
        _SLOT.pack_into(slot, 0, index, time.monotonic() if call else 0.0)


@pytest.hookimpl(tryfirst=True)
def pytest_runtestloop(session: pytest.Session) -> bool | None:
    """Run the mutants instead of the suite."""
    jobs_path = os.environ.get("TESTVET_MUTATE_JOBS")
    if not jobs_path:
        return None
    _set_parent_death_signal()
    go = os.environ.get("TESTVET_MUTATE_GO")
    if go and not _await_go(int(go)):
        return True  # started early, and the audit turned out not to need it
    with open(jobs_path, encoding="utf-8") as handle:
        jobs = json.load(handle)
    out = os.fdopen(int(os.environ["TESTVET_MUTATE_FD"]), "w", buffering=1, encoding="utf-8")
    try:
        _Engine(session, jobs, out).run()
    finally:
        _send(out, {"t": "done"})
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


_PRCTL: list[Any] = []
_T0 = time.monotonic()


def _set_parent_death_signal() -> None:
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


def _subreaper() -> bool:
    """Linux: become the process that orphaned descendants are re-parented to."""
    if not sys.platform.startswith("linux") or not _PRCTL:
        return False
    try:
        return bool(_PRCTL[0](36, 1) == 0)  # PR_SET_CHILD_SUBREAPER
    except (OSError, AttributeError):
        return False


class _Orphans:
    """Linux: what a worker's tests started and left behind ends with it.

    Workers and the warm process are child subreapers. While a worker runs, a process
    its tests started whose parent goes away (a daemon a script forked) becomes the
    worker's child, and lives on for the tests that use it. When the worker ends, what
    is left (a service a mutant of the code that stops it left running in a session of
    its own, or one of a worker killed mid-test) becomes the warm process's child instead
    of init's, and is killed: after each worker ends, and when the mutants are done.
    Children the warm process had before are left alone."""

    def __init__(self) -> None:
        self.enabled = _subreaper()
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
            _kill(pid)
            with contextlib.suppress(ChildProcessError, InterruptedError):
                os.waitpid(pid, os.WNOHANG)  # reaped here if already dead, else next time
        return found

    def finish(self, limit: float = 3.0) -> None:
        """Sweep until no orphan is left (their own children come up one level each
        time) or ``limit`` seconds pass."""
        deadline = time.monotonic() + limit
        while self.sweep() and time.monotonic() < deadline:
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


def _data_bytes() -> int:
    """Linux: the size of this process's data (writable private memory: what
    ``RLIMIT_DATA`` limits); 0 elsewhere."""
    try:
        with open("/proc/self/statm", encoding="ascii") as handle:
            pages = int(handle.read().split()[5])
        return pages * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return 0


# --------------------------------------------------------------------------- locating


class SwapError(Exception):
    """The function cannot be swapped in memory; the message says why."""


def _code_matches(code: types.CodeType, filename: str, lines: set[int], name: str) -> bool:
    return (
        code.co_name == name
        and code.co_firstlineno in lines
        and os.path.realpath(code.co_filename) == filename
    )


def _candidates(obj: Any, depth: int = 0) -> list[Any]:
    """``obj`` and what decorators keep inside it (wrapped function, accessors, cells)."""
    found = [obj]
    if depth > 4:
        return found
    inner: list[Any] = []
    for attr in ("__func__", "fget", "fset", "fdel", "func", "__wrapped__"):
        try:
            value = getattr(obj, attr, None)
        except Exception:
            continue
        if value is not None and value is not obj:
            inner.append(value)
    closure = getattr(obj, "__closure__", None) if isinstance(obj, types.FunctionType) else None
    for cell in closure or ():
        with contextlib.suppress(ValueError):
            if callable(cell.cell_contents):
                inner.append(cell.cell_contents)
    if not isinstance(obj, (type, types.ModuleType, types.FunctionType)):
        # A decorator's object that keeps the function as an attribute of its own
        # (click's ``Command.callback``).
        with contextlib.suppress(Exception):
            attrs = object.__getattribute__(obj, "__dict__")
            inner += [v for v in attrs.values() if isinstance(v, types.FunctionType)]
    for value in inner:
        found += _candidates(value, depth + 1)
    return found


def _find_nested(code: types.CodeType, filename: str, lines: set[int], name: str) -> bool:
    for const in code.co_consts:
        if isinstance(const, types.CodeType) and (
            _code_matches(const, filename, lines, name)
            or _find_nested(const, filename, lines, name)
        ):
            return True
    return False


def _code_named(code: types.CodeType, name: str, depth: int) -> types.CodeType | None:
    """The code object called ``name`` among ``code``'s constants, ``depth`` levels deep."""
    for const in code.co_consts:
        if isinstance(const, types.CodeType):
            if const.co_name == name and const.co_name != "__testvet_outer__":
                return const
            if depth > 0:
                inner = _code_named(const, name, depth - 1)
                if inner is not None:
                    return inner
    return None


def _replace_nested(code: types.CodeType, target: types.CodeType, new: types.CodeType) -> Any:
    consts = []
    changed = False
    for const in code.co_consts:
        if const is target:
            consts.append(new)
            changed = True
        elif isinstance(const, types.CodeType):
            replaced = _replace_nested(const, target, new)
            changed = changed or replaced is not const
            consts.append(replaced)
        else:
            consts.append(const)
    return code.replace(co_consts=tuple(consts)) if changed else code


class _NotFound(SwapError):
    """A name on the way to the target is not there."""


class _Index:
    """Every live Python function by (file, first line, name) of its code, built once."""

    def __init__(self) -> None:
        import gc

        self.functions: dict[tuple[str, int, str], list[types.FunctionType]] = {}
        #: id of a nested code object -> the live functions whose code holds it (built
        #: here, before any fork: looking it up later touches no function)
        self.holders: dict[int, list[types.FunctionType]] = {}
        paths: dict[str, str] = {}
        for obj in gc.get_objects():
            if isinstance(obj, types.FunctionType):
                code = obj.__code__
                name = code.co_filename
                if name not in paths:
                    paths[name] = os.path.realpath(name)
                key = (paths[name], code.co_firstlineno, code.co_name)
                self.functions.setdefault(key, []).append(obj)
                for nested in _nested_codes(code):
                    self.holders.setdefault(id(nested), []).append(obj)

    def find(self, filename: str, lines: set[int], name: str) -> list[types.FunctionType]:
        found: list[types.FunctionType] = []
        for line in sorted(lines):
            found += self.functions.get((filename, line, name), [])
        return found

    def holding(self, code: types.CodeType) -> list[types.FunctionType]:
        """Live functions whose code holds ``code`` among its nested code objects."""
        return self.holders.get(id(code), [])


def _nested_codes(code: types.CodeType) -> list[types.CodeType]:
    """The code objects nested in ``code``, at any depth."""
    found = []
    for const in code.co_consts:
        if isinstance(const, types.CodeType):
            found.append(const)
            found += _nested_codes(const)
    return found


class _Target:
    """A function found in memory and how to put a new code object in place."""

    def __init__(self, spec: dict[str, Any], index: _Index) -> None:
        self.filename = os.path.realpath(spec["path"])
        self.lines = {int(spec["line"]), int(spec["def_line"])}
        self.qualname: str = spec["qualname"]
        self.mangle: str | None = spec.get("mangle")
        self.module_name: str = spec["module"]
        self.def_line = int(spec["def_line"])
        self.end_line = int(spec.get("end_line") or 0)
        self.name = self.qualname.rsplit(".", 1)[-1]
        module = importlib.import_module(spec["module"])
        module_file = getattr(module, "__file__", None)
        if module_file and os.path.realpath(module_file) != self.filename:
            raise SwapError(
                f"the interpreter imports {spec['module']} from {module_file}, not from the "
                "project's source (an installed copy?)"
            )
        #: Outer function whose code holds the target's code (nested targets).
        self.holder: types.FunctionType | None = None
        #: Live function objects running the target's code.
        self.live: list[types.FunctionType] = []
        self.original: types.CodeType
        parts = self.qualname.split(".")
        try:
            if "<locals>" in parts:
                self._locate_nested(module, parts)
            else:
                self._locate(module, parts)
        except _NotFound:
            # Deleted where it was defined but alive under other names
            # (``__setitem__ = _refuse; del _refuse`` in a class body), or defined in a
            # function deleted after it ran (a class a factory built, as dateutil's gettz).
            if not self._adopt(index.find(self.filename, self.lines, self.name)):
                raise
        originals = {id(self.original)}
        self.live = [
            f
            for f in index.find(self.filename, self.lines, self.name)
            if id(f.__code__) in originals
        ] or self.live
        #: Nested targets: the live functions of the levels between the holder and the
        #: target (a closure built at import, ``plus_one = make_adder(1)``, holds the
        #: target's code it was made with).
        self.holders = self._closures(index)

    def _closures(self, index: _Index) -> list[types.FunctionType]:
        if self.holder is None:
            return []
        return [f for f in index.holding(self.original) if f is not self.holder]

    def _walk(self, module: Any, parts: list[str]) -> Any:
        obj: Any = module
        for part in parts:
            names = [part]
            if isinstance(obj, type) and part.startswith("__") and not part.endswith("__"):
                names.insert(0, f"_{obj.__name__.lstrip('_')}{part}")  # a private method
            for name in names:
                try:
                    obj = inspect.getattr_static(obj, name)
                    break
                except AttributeError:
                    continue
            else:
                raise _NotFound(f"{part!r} not found when importing the module")
        return obj

    def _adopt(self, found: list[types.FunctionType]) -> bool:
        """Take ``found`` (the live functions with the target's code) as the target,
        when they all run one code object."""
        codes = {id(f.__code__) for f in found}
        if len(codes) != 1:
            return False
        self.live = found
        self.original = found[0].__code__
        return True

    def _locate(self, module: Any, parts: list[str]) -> None:
        obj = self._walk(module, parts)
        candidates = _candidates(obj)
        for candidate in candidates:
            if isinstance(candidate, types.FunctionType) and _code_matches(
                candidate.__code__, self.filename, self.lines, self.name
            ):
                self.live = [candidate]
                self.original = candidate.__code__
                return
        if not any(isinstance(c, types.FunctionType) for c in candidates):
            owner = getattr(obj, "__module__", None)
            if isinstance(obj, types.BuiltinFunctionType) and owner != self.module_name:
                # ``from os import getuid`` in the other branch of ``if sys.platform ==``:
                # the run reached the def in a module a test imported again.
                raise SwapError(
                    f"the name is bound to {owner}.{obj.__name__} in memory, not to this "
                    "def: it did not run when the module was imported (a branch not "
                    "taken, or the name bound again later)"
                )
            raise SwapError(
                f"not a Python function in memory ({type(obj).__name__}: C extension, "
                "builtin or a decorator that hides it)"
            )
        raise SwapError(
            "a decorator replaced it and does not expose the original (no __wrapped__, "
            "not in the wrapper's closure)"
        )

    def _locate_nested(self, module: Any, parts: list[str]) -> None:
        cut = parts.index("<locals>")
        outer = self._walk(module, parts[:cut])
        for candidate in _candidates(outer):
            if isinstance(candidate, types.FunctionType) and _find_nested(
                candidate.__code__, self.filename, self.lines, self.name
            ):
                self.holder = candidate
                self.original = self._nested_code(candidate.__code__)
                return
        raise SwapError("nested function whose enclosing function cannot be found in memory")

    def _nested_code(self, code: types.CodeType) -> types.CodeType:
        for const in code.co_consts:
            if isinstance(const, types.CodeType):
                if _code_matches(const, self.filename, self.lines, self.name):
                    return const
                with contextlib.suppress(SwapError):
                    return self._nested_code(const)
        raise SwapError("nested code object not found")

    def compile(self, source: str, def_line: int) -> types.CodeType:
        """Compile the mutated ``def`` (original indentation) into a compatible code object."""
        code = self._compile_text(source, def_line) or self._compile_ast(source, def_line)
        kind, wanted = code.co_flags & _FLAGS, self.original.co_flags & _FLAGS
        if kind | inspect.CO_ITERABLE_COROUTINE == wanted:
            # ``@types.coroutine`` marked the generator's code in memory; the source
            # does not say so: the mutant gets the same mark.
            code = code.replace(co_flags=code.co_flags | inspect.CO_ITERABLE_COROUTINE)
        elif kind != wanted:
            raise SwapError("the mutant changes the generator/coroutine kind")
        return code

    def _compile_text(self, source: str, def_line: int) -> types.CodeType | None:
        """The fast way: the source as it is, behind a few header lines (the wrapper of
        ``_compile_ast``) and blank lines so the ``def`` keeps its line. None when it does
        not apply (tabs, too little indentation or room, the closure differs)."""
        freevars = self.original.co_freevars
        indent = len(source) - len(source.lstrip(" "))
        if source[indent : indent + 1] == "\t":
            return None
        header: list[str] = []
        if freevars or self.mangle:
            if indent < 2:
                return None
            header.append("def __testvet_outer__():")
            if self.mangle and self.mangle not in freevars:
                header.append(f" global {self.mangle}")
            if freevars:
                header.append(" " + " = ".join(freevars) + " = None")
            if self.mangle:
                header.append(f" class {self.mangle}:")
        elif indent:
            header.append("if 1:")
        pad = def_line - 1 - len(header)
        if pad < 0:
            return None
        text = "".join(line + "\n" for line in header) + "\n" * pad + source
        try:
            module = compile(text, self.original.co_filename, "exec", self._future, True)
        except (SyntaxError, ValueError):
            return None  # the slow way reports it
        found = _code_named(module, self.original.co_name, depth=3)
        if found is None or found.co_freevars != freevars or found.co_firstlineno != def_line:
            return None
        return found

    @property
    def _future(self) -> int:
        """The original module's ``from __future__`` flags (not this plugin's)."""
        return int(self.original.co_flags) & _FUTURE_FLAGS

    def _compile_ast(self, source: str, def_line: int) -> types.CodeType:
        tree = ast.parse("if 1:\n" + source if source[:1] in " \t" else source)
        node = tree.body[0]
        if isinstance(node, ast.If):
            node = node.body[0]
        if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            raise SwapError("mutated source is not a function definition")
        node.decorator_list = []
        ast.increment_lineno(node, def_line - node.lineno)
        freevars = self.original.co_freevars
        code = self._compile_wrapped(node, freevars)
        if set(code.co_freevars) - set(freevars):
            raise SwapError("the mutant needs variables the closure does not have")
        if code.co_freevars != freevars:
            ref = ast.parse(f"if 0:\n    ({', '.join(freevars)},)").body[0]
            ast.increment_lineno(ref, node.end_lineno or def_line)
            node.body.append(ref)
            code = self._compile_wrapped(node, freevars)
        if code.co_freevars != freevars:
            raise SwapError(f"closure cells differ: {code.co_freevars} != {freevars}")
        return code

    def _compile_wrapped(self, node: ast.stmt, freevars: tuple[str, ...]) -> types.CodeType:
        body: list[ast.stmt] = []
        if self.mangle and self.mangle not in freevars:
            # The class statement below must not turn the class's name into a closure
            # variable of the method: in the original it is a global (``Cache.attr``).
            body.append(ast.Global(names=[self.mangle]))
        for name in freevars:
            assign = ast.Assign(targets=[ast.Name(name, ast.Store())], value=ast.Constant(None))
            body.append(assign)
        if self.mangle:
            # Compiled inside a class of the same name, so private names mangle as before.
            node = ast.ClassDef(
                name=self.mangle, bases=[], keywords=[], body=[node], decorator_list=[]
            )
        body.append(node)
        outer = ast.FunctionDef(
            name="__testvet_outer__",
            args=ast.arguments(posonlyargs=[], args=[], kwonlyargs=[], kw_defaults=[], defaults=[]),
            body=body,
            decorator_list=[],
            returns=None,
        )
        module = ast.Module(body=[outer], type_ignores=[])
        for item in ast.walk(module):
            if "lineno" in item._attributes and not hasattr(item, "lineno"):
                item.lineno = 1  # type: ignore[attr-defined]
        ast.fix_missing_locations(module)
        code = compile(module, self.original.co_filename, "exec", self._future, True)
        found = _code_named(code, self.original.co_name, depth=3)
        if found is None:
            raise SwapError("the compiled mutant holds no function code")
        return found

    def install(self, code: types.CodeType) -> None:
        for holder in (self.holder, *self.holders):
            if holder is not None:
                holder.__code__ = _replace_nested(holder.__code__, self.original, code)
        for function in self.live:
            function.__code__ = code


# --------------------------------------------------------------------------- engine


#: ``TESTVET_MUTATE_TRACE``: CPU seconds and minor page faults of the last reaped worker.
_USAGE: list[Any] = []

#: The shared slot's layout: the 1-based index of the test the worker is running, and
#: when its body began (``time.monotonic``; 0 during setup and teardown).
_SLOT = struct.Struct("<id")


class _Running:
    def __init__(
        self, job: dict[str, Any], pid: int, fd: int, timeout: float, slot: mmap.mmap
    ) -> None:
        self.job = job
        self.pid = pid
        self.fd = fd
        #: Shared page where the worker records the index of the test it is running.
        self.slot = slot
        self.started = time.monotonic()
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
        self.items = {item.nodeid: item for item in session.items}
        self.workers = max(1, int(jobs.get("workers", 1)))
        self.mem_limit = int(jobs.get("memory_mb", 1024)) * 1024 * 1024
        #: the jobs' test table: functions and mutants list positions in it
        names: list[str] = jobs.get("tests", [])
        budgets = jobs.get("budgets", [])
        self.budgets: dict[str, float] = {n: float(budgets[i]) for i, n in enumerate(names)}
        self.listed: list[Any] = [self.items.get(name) for name in names]
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
        self.orphans = _Orphans()
        #: RLIMIT_DATA of a worker: the warm process's data + ``memory_mb`` (set in ``run``).
        self.data_limit = 0

    def run(self) -> None:
        marks = [("go", time.process_time(), time.monotonic())]
        self._warm_tmp()
        _send(self.out, {"t": "ready", "items": len(self.items)})
        self.index = _Index()
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
        base = _data_bytes()
        self.data_limit = base + self.mem_limit if base and self.mem_limit > 0 else 0
        _freeze(collect=True)
        marks.append(("prepared", time.process_time(), time.monotonic()))
        self._drain([*scouts, *later], running, controls=True)
        marks.append(("mutants", time.process_time(), time.monotonic()))
        self._controls(running)
        self.orphans.finish()
        marks.append(("controls", time.process_time(), time.monotonic()))
        if _TRACE:
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
        while queue or running or self.extra:
            queue += self.extra
            self.extra = []
            if controls and not queue and _busy(running) < self.workers:
                queue += self._control_jobs()
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
            queue.append((job, None, None, [self.items[n] for n in batch]))
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
            queue.append((control, None, None, [self.items[nodeid] for nodeid in ran]))
        return queue

    def _control_job(self, nodeid: str) -> tuple[Any, ...]:
        job = {"id": f"control:{nodeid}", "timeout": self.killers[nodeid], "control": nodeid}
        return (job, None, None, [self.items[nodeid]])

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
        for item in self.items.values():
            with contextlib.suppress(Exception):
                _ = item.location
            _cheap_failure_reports(item)
            if _needs_own_warning_filters(item):
                _OWN_WARNING_FILTERS.add(id(item))
            for node in item.listchain():
                if isinstance(node, pytest.Package):
                    packages[id(node)] = node
        for package in packages.values():
            _skip_empty_package_setup(package)
        _warm_freezegun()
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
    ) -> list[tuple[dict[str, Any], _Target, types.CodeType, list[Any]]]:
        try:
            target = _Target(function, self.index)
        except SwapError as exc:
            self._skip(function["id"], str(exc))
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
            except (SwapError, SyntaxError, ValueError) as exc:
                self._result(job["id"], "invalid", None, 0.0, str(exc)[:300])
                continue
            key = _behaviour_key(code)
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
        return [listed[i] for i in positions if listed[i] is not None]

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
        target: _Target | None,
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
            _worker(
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
        now = time.monotonic()
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
        now = time.monotonic()
        for run in list(running.values()):
            if run.deadline <= now:
                _kill(run.pid)
                self._finish(run, running, timed_out=True)
            elif run in slow and not run.concluded and self._hung(run, now):
                run.hung = True
                _kill(run.pid)
                self._finish(run, running, timed_out=False)

    @staticmethod
    def _hung(run: _Running, now: float) -> bool:
        """Whether a worker sleeps past its test's budget without using the CPU
        (``STALL_GRACE``): waiting for something that does not come."""
        index, began = _SLOT.unpack_from(run.slot)
        if began <= 0.0 or not 0 < index <= len(run.budgets):
            return False  # not in a test's body: fixtures of wider scope may sleep
        budget = run.budgets[index - 1]
        if budget is None:
            return False
        slack = run.first_slack if index == 1 else TEST_SLACK
        if now < began + budget + slack + STALL_GRACE:
            return False
        state, ticks = _cpu_ticks(run.pid)
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
                    run.deadline = min(run.deadline, time.monotonic() + 5.0)
                    self._conclude(run, "", timed_out=False)
            return
        self._finish(run, running, timed_out=False)

    def _finish(self, run: _Running, running: dict[int, _Running], timed_out: bool) -> None:
        del running[run.pid]
        os.close(run.fd)
        status_word = _reap(run.pid)
        self.orphans.sweep(running)
        ran, _began = _SLOT.unpack_from(run.slot)
        run.slot.close()
        items = run.spec[3] if run.spec is not None else []
        if 0 < ran <= len(items):
            run.current = items[ran - 1].nodeid
        run.ran = ran
        if not run.concluded:
            self._conclude(run, status_word, timed_out)
        if _TRACE:
            cpu, faults = _USAGE or [0.0, 0]
            print(
                f"mutant {run.job['id']} {run.status} ran={(run.final or {}).get('ran')} "
                f"{run.duration:.4f}s cpu={cpu:.4f}s faults={faults} "
                f"started={run.started - _T0:.3f} ended={time.monotonic() - _T0:.3f}",
                file=sys.stderr,
            )

    def _conclude(self, run: _Running, status_word: str, timed_out: bool) -> None:
        """Act on a worker's verdict (reported, or told by how it ended)."""
        run.concluded = True
        run.duration = duration = time.monotonic() - run.started
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
        if status == "killed" and killed_by in self.items:
            timeout = max(self.killers.get(killed_by, 0.0), float(run.job["timeout"]))
            self.killers[killed_by] = timeout
            self.kills.setdefault(killed_by, []).append(run.spec)
            if killed_by not in self.bad_tests:
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
        self.bad_tests[control] = (
            f"{control} fails on the unmodified code when run alone ({status})"
        )
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
        slack = run.first_slack if len(run.budgets) == 1 else TEST_SLACK
        return float(cpu) > TIGHT * (run.budgets[-1] + slack)


def _is_control(job: dict[str, Any]) -> bool:
    """A run of tests on the unmodified code."""
    return any(key in job for key in ("control", "controls", "control_timeout"))


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


def _behaviour_key(code: types.CodeType) -> tuple[Any, ...]:
    """What decides a code object's behaviour, line numbers aside (nested code objects
    compare by identity through ``repr``, so functions holding them never match)."""
    return (
        code.co_code,
        repr(code.co_consts),
        code.co_names,
        code.co_varnames,
        code.co_freevars,
        code.co_cellvars,
        code.co_flags,
        code.co_argcount,
        code.co_posonlyargcount,
        code.co_kwonlyargcount,
        code.co_exceptiontable if hasattr(code, "co_exceptiontable") else b"",
    )


def _wall_limit(cpu_seconds: float) -> float:
    """Wall-clock cap of a worker: generous, since a loaded machine stretches wall time.

    The real timeout is the CPU-time limit (RLIMIT_CPU) set in the worker; this cap only
    catches mutants that hang without using the CPU (waiting on a lock, a socket, a sleep).
    """
    return 4.0 * cpu_seconds + 20.0


def _cpu_ticks(pid: int) -> tuple[str, int]:
    """A process's state letter and the CPU clock ticks it has used (all its threads)."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii", errors="replace") as handle:
            fields = handle.read().rsplit(")", 1)[1].split()
        return fields[0], int(fields[11]) + int(fields[12])
    except (OSError, IndexError, ValueError):
        return "?", -1  # not Linux, or gone: never called hung


def _kill(pid: int) -> None:
    for kill in (os.killpg, os.kill):
        with contextlib.suppress(ProcessLookupError, PermissionError):
            kill(pid, signal.SIGKILL)


def _reap(pid: int) -> str:
    while True:
        try:
            _, status, usage = os.wait4(pid, 0)
            if _TRACE:
                _USAGE[:] = [usage.ru_utime + usage.ru_stime, usage.ru_minflt]
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


# --------------------------------------------------------------------------- worker


def _worker(
    fd: int,
    slot: mmap.mmap,
    target: _Target | None,
    code: types.CodeType | None,
    items: list[Any],
    budgets: list[float | None],
    session: pytest.Session,
    data_limit: int,
    cpu_seconds: float,
    run_all: bool = False,
    first_slack: float = FIRST_TEST_SLACK,
    source: str | None = None,
) -> None:
    """Forked child: install the mutant, run the covering items, report, ``_exit``.

    It stops at the first failure, or with ``run_all`` (control runs) runs every item
    and reports which failed."""
    status = 0
    try:
        with contextlib.suppress(OSError):
            os.setpgid(0, 0)
        _set_parent_death_signal()
        _subreaper()  # its tests' daemons stay its own while it runs (``_Orphans``)
        with contextlib.suppress(KeyError, ValueError, OSError):
            os.close(int(os.environ["TESTVET_MUTATE_FD"]))
        devnull = os.open(os.devnull, os.O_RDWR)
        for std in (0, 1, 2):
            os.dup2(devnull, std)
        _limit_memory(data_limit)
        _limit_cpu(cpu_seconds)
        _WORKER_SLOT.append(slot)
        if target is not None and code is not None:
            target.install(code)
            if source is not None and target.end_line:
                sys.meta_path.insert(0, _MutatedModule(target, source))
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
            # body began: ``_mark_phase``).
            _SLOT.pack_into(slot, 0, ran, 0.0)
            nextitem = items[index + 1] if index + 1 < len(items) else None
            budget = budgets[index]
            if budget is not None:
                # CPU time of this one test (SIGPROF ends the worker): a mutant that loops
                # in the first test costs that test's budget, not the whole list's.
                slack = first_slack if index == 0 else TEST_SLACK
                signal.setitimer(signal.ITIMER_PROF, budget + slack)
            began = time.process_time()
            with _item_warnings(item) if id(item) in _OWN_WARNING_FILTERS else _NO_CONTEXT:
                reports = runtestprotocol(item, nextitem=nextitem, log=False)
            signal.setitimer(signal.ITIMER_PROF, 0)
            last_cpu = time.process_time() - began
            if index == 0:
                first_cpu = last_cpu
            failed = [r for r in reports if r.failed] + _LOGGED_FAILURES
            _LOGGED_FAILURES.clear()
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

    deadline = time.monotonic() + LEFT_RUNNING_GRACE
    _exit_hooks_of_threading(deadline)
    main = threading.main_thread()
    threads = [t for t in threading.enumerate() if t is not main and not t.daemon]
    for thread in threads:
        thread.join(max(0.0, deadline - time.monotonic()))
    names = [f"thread {t.name}" for t in threads if t.is_alive()]
    multiprocessing = sys.modules.get("multiprocessing")
    if multiprocessing is not None:
        with contextlib.suppress(Exception):
            children = [p for p in multiprocessing.active_children() if not p.daemon]
            for child in children:
                child.join(max(0.0, deadline - time.monotonic()))
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
    helper.join(max(0.0, deadline - time.monotonic()))


def _warm_freezegun() -> None:
    """Fill freezegun's per-process cache once, if the tests imported it.

    Its first ``freeze_time`` in a process looks at every attribute of every loaded
    module for datetime references and caches what it found (later ones only check the
    modules' attribute names): tens of milliseconds, which every worker whose tests
    freeze time would pay again. One freeze and thaw here fills the cache, through the
    public API, the same way."""
    freezegun = sys.modules.get("freezegun")
    freeze_time = getattr(freezegun, "freeze_time", None)
    if freeze_time is None:
        return
    with contextlib.suppress(Exception):
        freezer = freeze_time("2000-01-01")
        try:
            freezer.start()
        finally:
            freezer.stop()  # whatever start did is undone


class _MutatedModule(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    """A worker's import hook for the mutated function's module: a test that reloads it
    (``importlib.reload``) or imports it afresh (after removing it from ``sys.modules``)
    gets new functions from the file, and here they are the mutant too — the module's
    source with the mutated def in place of the original."""

    def __init__(self, target: _Target, source: str) -> None:
        self.name = target.module_name
        self.path = target.filename
        self.target = target
        self.source = source

    def find_spec(self, fullname: str, path: Any = None, target: Any = None) -> Any:
        if fullname != self.name:
            return None
        package = os.path.basename(self.path) == "__init__.py"
        locations = [os.path.dirname(self.path)] if package else None
        return importlib.util.spec_from_file_location(
            fullname, self.path, loader=self, submodule_search_locations=locations
        )

    def create_module(self, spec: Any) -> None:
        return None

    def exec_module(self, module: Any) -> None:
        with open(self.path, encoding="utf-8") as handle:
            lines = handle.read().splitlines(keepends=True)
        first, last = self.target.def_line, self.target.end_line
        text = "".join([*lines[: first - 1], self.source.rstrip("\n") + "\n", *lines[last:]])
        exec(compile(text, self.path, "exec", dont_inherit=True), module.__dict__)

    # Counted as importlib's frame by ``warnings`` (as the run's import hook is:
    # ``testvet_trace.IMPORT_FRAME``): an import-time ``warn(..., stacklevel=2)`` of the
    # module points at its importer.
    exec_module.__code__ = exec_module.__code__.replace(
        co_filename="<testvet: an importlib._bootstrap frame>"
    )


#: ids of the items that need pytest's per-test warning filters set up (``_warm_items``).
_OWN_WARNING_FILTERS: set[int] = set()
_NO_CONTEXT = contextlib.nullcontext()


def _needs_own_warning_filters(item: Any) -> bool:
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


_XUNIT_MODULE_FUNCTIONS = ("setUpModule", "setup_module", "tearDownModule", "teardown_module")


def _skip_empty_package_setup(package: Any) -> None:
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


def _cheap_failure_reports(item: Any) -> None:
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


def _limit_cpu(seconds: float) -> None:
    """The per-mutant timeout, in CPU seconds: SIGXCPU ends a worker that spins."""
    limit = max(1, int(seconds + 0.999))
    with contextlib.suppress(ValueError, OSError):
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
