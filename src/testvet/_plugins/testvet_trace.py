"""What testvet's instrumented run records in the project's interpreter: standard library
and coverage.py only, never pytest, so it can start before pytest is imported.

``python -m testvet_boot PYTEST-ARGS`` starts it first (:func:`start`), then runs pytest;
the ``testvet_run`` plugin finds it running and records each test with it. Started from
the plugin instead, it comes after everything pytest imports itself (pluggy, iniconfig,
packaging, ``-p`` plugins named earlier): coverage.py would miss those modules' import-time
lines and the import hook would never see them.

Inert unless the environment variable ``TESTVET_RUN_CONFIG`` names a JSON settings file
written by ``testvet.run``. It writes one JSON line per event to the events file
(unbuffered ``os.write``, so a line survives ``os._exit`` and segfaults).

The per-test map of reached functions comes from one of these mechanisms:

* ``monitoring`` (Python >= 3.12): ``sys.monitoring`` PY_START events; each code object
  is disabled after its first event and re-armed between tests with ``restart_events``.
* ``hook`` (the default below 3.12): an import hook compiles project modules with one
  statement ``__testvet_hits__[N] = 1`` at the start of each function body (after the
  docstring, on the first statement's own line, so line numbers, coverage's lines and
  arcs and tracebacks do not change). A dict store costs a few nanoseconds per call.
* ``profile``: ``sys.setprofile`` with a callback filtered by code object (every call and
  C call of the whole process pays a Python callback). Below 3.12 ``auto`` falls back to
  it when project modules were imported before the recording started (a
  ``sitecustomize``, or the plugin loaded without ``testvet_boot``): the hook would
  never see them.
* ``lsprof``: the C profiler behind cProfile, enabled per test, its per-code stats read
  afterwards (kept for measurement: C-level but times every call).

Measured numbers and the choice are documented in the ``testvet.run`` package docstring.
"""

from __future__ import annotations

import ast
import builtins
import contextlib
import importlib.machinery
import json
import os
import sys
import threading
import time
import warnings
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # the same module, as mypy finds it
    from testvet._plugins import testvet_clock as clock
else:
    import testvet_clock as clock

TIMEOUT_EXIT = 86
HITS_NAME = "__testvet_hits__"
#: coverage.py context of the lines that run while pytest imports and collects the suite,
#: and while a test imports a project module (when the run records per-test contexts):
#: the mutation stage tells from it which lines ran at import time
#: (``testvet.mutate.reach`` spells it the same way).
IMPORT_CONTEXT = "testvet:import"
#: Called with True before and False after a project module is executed (its import).
_AROUND_IMPORT: list[Any] = []
_CO_OPTIMIZED = 0x1


class _Events:
    """Append-only JSON lines, written with one unbuffered ``os.write`` each."""

    def __init__(self, path: str) -> None:
        self.fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)

    def write(self, **event: Any) -> None:
        os.write(self.fd, (json.dumps(event, separators=(",", ":")) + "\n").encode())


#: The files of the recording itself (this module, the plugin, the launcher that is
#: ``__main__``): never the project's code, even when the project is testvet.
_RECORDING_FILES = frozenset(
    os.path.normcase(os.path.join(os.path.dirname(os.path.abspath(__file__)), name))
    for name in (
        "testvet_boot.py",
        "testvet_trace.py",
        "testvet_run.py",
        "testvet_keepout.py",
        "testvet_clock.py",
    )
)


class _Scope:
    """Which files are project code, and their module names."""

    def __init__(self, settings: dict[str, Any]) -> None:
        self.include = tuple(os.path.normcase(p) for p in settings["project_paths"])
        self.exclude = tuple(os.path.normcase(p) for p in settings["exclude_paths"])
        self.import_roots = tuple(settings["import_roots"])
        self._cache: dict[str, bool] = {}

    def __call__(self, filename: str) -> bool:
        known = self._cache.get(filename)
        if known is None:
            known = self._cache[filename] = self._check(filename)
        return known

    def _check(self, filename: str) -> bool:
        if not filename.endswith(".py"):
            return False
        path = os.path.normcase(os.path.abspath(filename))
        if not any(_under(path, p) for p in self.include) or path in _RECORDING_FILES:
            return False
        if any(_under(path, p) for p in self.exclude):
            return False
        parts = path.split(os.sep)
        if "site-packages" in parts or "dist-packages" in parts:
            return False
        name = parts[-1]
        return not (name.startswith("test_") or name.endswith("_test.py") or name == "conftest.py")

    def module_of(self, filename: str) -> str:
        path = os.path.abspath(filename)
        best = ""
        for root in self.import_roots:
            if _under(path, root) and len(root) > len(best):
                best = root
        rel = os.path.relpath(path, best or os.path.dirname(path))
        mod = rel[:-3].replace(os.sep, ".")
        return mod[: -len(".__init__")] if mod.endswith(".__init__") else mod


def _under(path: str, prefix: str) -> bool:
    return path == prefix or path.startswith(prefix.rstrip(os.sep) + os.sep)


class _Registry:
    """Project functions by index; new entries are announced on the events stream."""

    def __init__(self, events: _Events) -> None:
        self.events = events
        self.entries: list[tuple[str, str, str, int, int]] = []
        self.announced = 0
        self.lock = threading.Lock()

    def add(self, module: str, qualname: str, path: str, line: int, end: int = 0) -> int:
        """A new index for a function (``end`` 0 when unknown)."""
        with self.lock:
            self.entries.append((module, qualname, path, line, end))
            return len(self.entries) - 1

    def announce(self) -> None:
        with self.lock:
            new = self.entries[self.announced :]
            start = self.announced
            self.announced = len(self.entries)
        for offset, (module, qualname, path, line, end) in enumerate(new):
            self.events.write(
                ev="fn", i=start + offset, m=module, q=qualname, p=path, l=line, e=end
            )


# ------------------------------------------------------------------ map: import hook


_BODIES = ("body", "orelse", "finalbody")


class _Injector:
    """Puts ``__testvet_hits__[N] = 1`` first in every function body, on its own line.

    Walks statement lists only (a ``def`` is always a statement), not expressions.
    """

    def __init__(self, module: str, path: str, registry: _Registry) -> None:
        self.module = module
        self.path = path
        self.registry = registry

    def visit(self, tree: ast.Module) -> None:
        self._body(tree.body, "")

    def _body(self, stmts: list[ast.stmt], prefix: str) -> None:
        for node in stmts:
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                self._function(node, prefix)
            elif isinstance(node, ast.ClassDef):
                self._body(node.body, f"{prefix}{node.name}.")
            else:
                for name in _BODIES:
                    inner = getattr(node, name, None)
                    if inner:
                        self._body(inner, prefix)
                for handler in getattr(node, "handlers", ()) or ():
                    self._body(handler.body, prefix)
                for case in getattr(node, "cases", ()) or ():
                    self._body(case.body, prefix)

    def _function(self, node: ast.FunctionDef | ast.AsyncFunctionDef, prefix: str) -> None:
        qualname = prefix + node.name
        end = node.end_lineno or node.lineno
        index = self.registry.add(self.module, qualname, self.path, node.lineno, end)
        self._body(node.body, f"{qualname}.<locals>.")
        body = node.body
        first = 0
        if (
            isinstance(body[0], ast.Expr)
            and isinstance(body[0].value, ast.Constant)
            and isinstance(body[0].value.value, str)
        ):
            first = 1
        # The first real statement's line; a docstring-only body runs on the def line.
        anchor: ast.AST = body[first] if first < len(body) else node
        line, col = anchor.lineno, anchor.col_offset  # type: ignore[attr-defined]
        target = ast.Subscript(
            value=ast.Name(id=HITS_NAME, ctx=ast.Load()),
            slice=ast.Constant(value=index),
            ctx=ast.Store(),
        )
        stmt = ast.Assign(targets=[target], value=ast.Constant(value=1))
        for sub in (stmt, target, target.value, target.slice, stmt.value):
            sub.lineno = sub.end_lineno = line
            sub.col_offset = sub.end_col_offset = col
        body.insert(first, stmt)


#: The file name given to the code of testvet's own frames in an import: ``warnings``
#: skips frames whose file name holds "importlib" and "_bootstrap" when it counts a
#: ``stacklevel`` (importlib's own frames), so a module's import-time
#: ``warn(..., stacklevel=2)`` still points at the module that imports it.
IMPORT_FRAME = "<testvet: an importlib._bootstrap frame>"


def _import_frame(function: Any) -> Any:
    """``function``, its frames counted as importlib's by ``warnings`` (``IMPORT_FRAME``)."""
    function.__code__ = function.__code__.replace(co_filename=IMPORT_FRAME)
    return function


class _Loader(importlib.machinery.SourceFileLoader):
    """Compiles a project module from source with hit statements; never reads or writes pyc.

    A module pytest would rewrite the asserts of (a plugin of the project: an entry point,
    ``pytest_plugins``, ``register_assert_rewrite``) gets both: the hits, then pytest's
    assert rewriting, with the configuration its hook holds (``rewrite_config``).
    """

    registry: _Registry
    rewrite_config: Any = None
    #: Indices of the functions that ran while a project module was executed (its
    #: import: decorators, module-level objects), also when a test imports it.
    imported: set[int]

    @_import_frame
    def exec_module(self, module: Any) -> None:
        hits = getattr(builtins, HITS_NAME, None)
        if not isinstance(hits, dict):
            super().exec_module(module)
            return
        during: dict[int, int] = {}
        setattr(builtins, HITS_NAME, during)
        for around in _AROUND_IMPORT:
            around(True)
        try:
            super().exec_module(module)
        finally:
            for around in _AROUND_IMPORT:
                around(False)
            setattr(builtins, HITS_NAME, hits)
            hits.update(during)
            self.imported.update(during)

    def get_code(self, fullname: str) -> Any:
        source = self.get_data(self.path)
        try:
            tree = ast.parse(source, self.path)
        except SyntaxError:
            return super().get_code(fullname)
        _Injector(fullname, self.path, self.registry).visit(tree)
        if self.rewrite_config is not None:
            try:
                from _pytest.assertion.rewrite import rewrite_asserts

                rewrite_asserts(tree, source, self.path, self.rewrite_config)
            except Exception:  # another pytest: the hits matter more than the messages
                pass
        return compile(tree, self.path, "exec", dont_inherit=True)

    def set_data(self, path: str, data: Any, *, _mode: int = 0o666) -> None:
        """Never write bytecode."""


class _Finder:
    """A meta path finder in front of all others that swaps in :class:`_Loader`."""

    def __init__(self, scope: _Scope, registry: _Registry, imported: set[int]) -> None:
        self.scope = scope
        attributes = {"registry": registry, "imported": imported}
        self.loader_class = type("_BoundLoader", (_Loader,), attributes)

    def find_spec(self, fullname: str, path: Any = None, target: Any = None) -> Any:
        for finder in list(sys.meta_path):
            if finder is self:
                continue
            find = getattr(finder, "find_spec", None)
            if find is None:
                continue
            spec = find(fullname, path, target)
            if spec is None:
                continue
            plain = type(spec.loader) is importlib.machinery.SourceFileLoader
            # pytest's assertion rewriting hook claims the project's plugin modules
            rewriting = type(spec.loader).__name__ == "AssertionRewritingHook"
            if (plain or rewriting) and spec.origin and self.scope(spec.origin):
                loader = self.loader_class(fullname, spec.origin)
                if rewriting:
                    loader.rewrite_config = getattr(spec.loader, "config", None)
                spec.loader = loader
            return spec
        return None

    def invalidate_caches(self) -> None:
        """Nothing cached here."""


class _HitMap:
    """A map whose ``hits`` collection is filled between ``begin()`` and ``end()``."""

    hits: Any

    def begin(self) -> None:
        self.hits.clear()

    def end(self) -> list[int]:
        found = list(self.hits)
        self.hits.clear()
        return found


class _ChildHits(dict):
    """The hits of a process a test forked (``multiprocessing``'s default on Linux): each
    function it runs first is told on the events stream (``child-hit``), for the test
    that forked it, since the child's own memory dies with it. Only functions the test
    process knew at the fork: the child's own registry indices mean nothing outside."""

    def __init__(self, events: _Events, nodeid: str, known: int) -> None:
        super().__init__()
        self.events, self.nodeid, self.known = events, nodeid, known

    def __setitem__(self, key: int, value: int) -> None:
        if key not in self:
            dict.__setitem__(self, key, value)
            if key < self.known:
                with contextlib.suppress(OSError):
                    self.events.write(ev="child-hit", nodeid=self.nodeid, fn=key)


class _HookMap(_HitMap):
    name = "hook"

    def __init__(self, scope: _Scope, registry: _Registry, missed: list[str] | None = None) -> None:
        self.hits: dict[int, int] = {}
        setattr(builtins, HITS_NAME, self.hits)
        #: functions that ran while a project module was imported (see ``_Loader``)
        self.imported: set[int] = set()
        self.finder = _Finder(scope, registry, self.imported)
        sys.meta_path.insert(0, self.finder)
        #: Project modules imported before the hook (by earlier ``-p`` plugins): unmapped.
        self.missed = _imported_already(scope) if missed is None else missed


def _imported_already(scope: _Scope) -> list[str]:
    """Project modules imported before the recording started, sorted."""
    found = []
    for name, module in list(sys.modules.items()):
        filename = getattr(module, "__file__", None)
        if isinstance(filename, str) and scope(filename) and module is not sys.modules[__name__]:
            found.append(name)
    return sorted(found)


# ------------------------------------------------------------ map: sys.monitoring


class _CodeIndex:
    """Project code object -> registry index (-1 for code that is not project code)."""

    def __init__(self, scope: _Scope, registry: _Registry) -> None:
        self.scope = scope
        self.registry = registry
        self.known: dict[Any, int] = {}

    def __call__(self, code: Any) -> int:
        index = self.known.get(code)
        if index is None:
            index = -1
            if (
                self.scope(code.co_filename)
                and code.co_flags & _CO_OPTIMIZED
                and not code.co_name.startswith("<")
            ):
                index = self.registry.add(
                    self.scope.module_of(code.co_filename),
                    getattr(code, "co_qualname", code.co_name),
                    code.co_filename,
                    code.co_firstlineno,
                )
            self.known[code] = index
        return index


class _MonitoringMap(_HitMap):
    name = "monitoring"

    def __init__(self, scope: _Scope, registry: _Registry) -> None:
        mon = sys.monitoring  # type: ignore[attr-defined]
        self.mon = mon
        self.index = _CodeIndex(scope, registry)
        self.hits: set[int] = set()
        self.tool = next(t for t in (4, 5, 3, 2) if mon.get_tool(t) is None)
        mon.use_tool_id(self.tool, "testvet")
        disable = mon.DISABLE
        index, hits, is_project = self.index, self.hits, scope

        def on_start(code: Any, offset: int) -> Any:
            if is_project(code.co_filename):
                found = index(code)
                if found >= 0:
                    hits.add(found)
            return disable

        mon.register_callback(self.tool, mon.events.PY_START, on_start)
        mon.set_events(self.tool, mon.events.PY_START)

    def begin(self) -> None:
        super().begin()
        self.mon.restart_events()


class _ProfileMap(_HitMap):
    name = "profile"

    def __init__(self, scope: _Scope, registry: _Registry) -> None:
        #: Modules imported before the plugin that made "auto" choose this map.
        self.instead_of_hook: list[str] = []
        self.index = _CodeIndex(scope, registry)
        self.hits: set[int] = set()
        index, hits = self.index, self.hits
        seen: dict[Any, int] = {}

        def profile(frame: Any, event: str, arg: Any) -> None:
            if event == "call":
                code = frame.f_code
                found = seen.get(code)
                if found is None:
                    found = seen[code] = index(code)
                if found >= 0:
                    hits.add(found)

        self.profile = profile
        sys.setprofile(profile)
        threading.setprofile(profile)


class _LsprofMap:
    name = "lsprof"

    def __init__(self, scope: _Scope, registry: _Registry) -> None:
        import _lsprof

        self.factory: Any = _lsprof.Profiler
        self.index = _CodeIndex(scope, registry)
        self.profiler: Any = None

    def begin(self) -> None:
        self.profiler = self.factory(time.perf_counter_ns, 1e-9, False, False)
        self.profiler.enable()

    def end(self) -> list[int]:
        self.profiler.disable()
        found = {
            self.index(e.code) for e in self.profiler.getstats() if not isinstance(e.code, str)
        }
        found.discard(-1)
        return list(found)


_MECHANISMS = {"hook": _HookMap, "profile": _ProfileMap, "lsprof": _LsprofMap}


def _make_map(mechanism: str, scope: _Scope, registry: _Registry) -> Any:
    if mechanism == "off":
        return None
    if mechanism == "monitoring" or (mechanism == "auto" and sys.version_info >= (3, 12)):
        return _MonitoringMap(scope, registry)
    if mechanism == "auto":
        early = _imported_already(scope)
        if early:  # the import hook would not see them: watch calls instead
            found = _ProfileMap(scope, registry)
            found.instead_of_hook = early
            return found
        return _HookMap(scope, registry, missed=early)
    return _MECHANISMS.get(mechanism, _HookMap)(scope, registry)


# ------------------------------------------------------------------------ watchdog


class _Watchdog(threading.Thread):
    """Stops the process when one test runs longer than the timeout."""

    def __init__(self, timeout: float, fire: Any) -> None:
        super().__init__(name="testvet-watchdog", daemon=True)
        self.timeout = timeout
        self.fire = fire
        self.lock = threading.Lock()
        self.wake = threading.Event()
        self.nodeid: str | None = None
        self.deadline: float | None = None

    def arm(self, nodeid: str) -> None:
        with self.lock:
            self.nodeid = nodeid
            self.deadline = clock.monotonic() + self.timeout
        self.wake.set()

    def disarm(self) -> None:
        with self.lock:
            self.deadline = None

    def run(self) -> None:
        while True:
            with self.lock:
                deadline, nodeid = self.deadline, self.nodeid
            if deadline is None:
                self.wake.wait()
                self.wake.clear()
                continue
            remaining = deadline - clock.monotonic()
            if remaining <= 0:
                self.fire(nodeid)
                return
            self.wake.wait(remaining)
            self.wake.clear()


# ------------------------------------------------------------------------ recorder


def _plugins_key(config_file: str) -> str:
    """How a coverage.py configuration file spells the setting that names plugins."""
    name = os.path.basename(config_file)
    if name == "pyproject.toml":
        return "[tool.coverage.run] plugins"
    if name in ("setup.cfg", "tox.ini"):
        return "[coverage:run] plugins"
    return "[run] plugins"


class Recorder:
    """The events stream, the function registry, coverage.py, the per-test map and the
    watchdog of one run: what the ``testvet_run`` plugin records each test with."""

    def __init__(self, settings: dict[str, Any]) -> None:
        self.settings = settings
        self.events = _Events(settings["events"])
        self.scope = _Scope(settings)
        self.registry = _Registry(self.events)
        self.cov: Any = None
        self.last_save = clock.monotonic()
        self.save_every = float(settings.get("save_every", 2.0))
        #: the coverage.py context of the test phase under way, and how many project
        #: modules are being imported (their lines go to ``IMPORT_CONTEXT`` meanwhile)
        self.context = ""
        self.importing = 0
        self._start_coverage()
        self.map = _make_map(settings.get("mechanism", "auto"), self.scope, self.registry)
        #: the test under way (``testvet_run``): what a process it forks runs is its reach
        self.test: str | None = None
        if isinstance(self.map, _HookMap) and hasattr(os, "register_at_fork"):
            os.register_at_fork(after_in_child=self._forked)
        self.watchdog = _Watchdog(float(settings["timeout"]), self._timed_out)
        self.watchdog.start()

    def _start_coverage(self) -> None:
        options = self.settings.get("coverage")
        if not options:
            return
        import coverage

        cov = coverage.Coverage(
            data_file=options["data_file"],
            data_suffix=options["suffix"],
            branch=options["branch"],
            source=options["source"] or None,
            source_pkgs=options.get("source_pkgs") or None,
            omit=[],
            config_file=options.get("config_file", True),
            messages=False,
        )
        cov.set_option("run:relative_files", False)
        if cov.get_option("run:debug_file"):  # relative to the current directory: the project
            folder = os.path.dirname(os.path.abspath(options["data_file"]))
            cov.set_option("run:debug_file", os.path.join(folder, "coverage-debug.txt"))
        cov.set_option("run:dynamic_context", None)  # per-test contexts cost 3-6x: never
        if options.get("contexts"):
            cov.set_option("run:context", None)  # contexts are exactly the node ids
        if options["source"] or options.get("source_pkgs"):
            # testvet's source wins over the project's include (coverage.py would ignore
            # that include anyway, with a warning).
            cov.set_option("run:include", None)
        cov.set_option(
            "run:disable_warnings",
            ["no-data-collected", "module-not-imported", "module-not-measured", "couldnt-parse"],
        )
        # The project's filterwarnings may turn any warning into an error (pytest applies
        # them while it loads plugins): coverage.py's warnings become notes.
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            try:
                cov.start()
            except ImportError as exc:
                plugins = list(getattr(cov.config, "plugins", None) or ())
                if not plugins:
                    raise
                where = str(getattr(cov.config, "config_file", None) or "")
                one = len(plugins) == 1
                self.events.write(
                    ev="setup-error",
                    message=f"coverage.py cannot load the plugin{'' if one else 's'} "
                    f"{', '.join(plugins)} that {where or 'its configuration'} names "
                    f"({_plugins_key(where)}): {type(exc).__name__}: {exc}",
                )
                raise
        for warning in caught:
            self.events.write(ev="warning", message=f"coverage.py: {warning.message}")
        self.cov = cov
        if options.get("contexts"):
            # Until the first test starts, pytest imports and collects the suite: what
            # runs then (test modules' module-level code too) ran "at import".
            self.switch_context(IMPORT_CONTEXT)
            _AROUND_IMPORT[:] = [self._around_import]

    def _forked(self) -> None:
        """In a process a test forked: its hits go to the test's reach."""
        self.registry.lock = threading.Lock()  # another thread may have held it
        if self.test is None or not isinstance(self.map, _HookMap):
            return
        hits = _ChildHits(self.events, self.test, len(self.registry.entries))
        self.map.hits = hits
        setattr(builtins, HITS_NAME, hits)

    def switch_context(self, name: str) -> None:
        """The coverage.py context of the test phase that starts (its node id, or "")."""
        self.context = name
        if self.cov is not None and not self.importing:
            self.cov.switch_context(name)

    def tests_begin(self) -> None:
        """A test starts: the suite's import and collection are over."""
        if self.context == IMPORT_CONTEXT:
            self.switch_context("")

    def _around_import(self, entering: bool) -> None:
        self.importing += 1 if entering else -1
        if entering and self.importing == 1:
            self.cov.switch_context(IMPORT_CONTEXT)
        elif not entering and self.importing == 0:
            self.cov.switch_context(self.context)

    def save_coverage(self) -> None:
        if self.cov is not None:
            try:
                self.cov.save()
            except Exception as exc:  # never let a coverage problem break the suite
                self.events.write(ev="warning", message=f"coverage save failed: {exc}")
            self.last_save = clock.monotonic()

    def save_if_due(self) -> None:
        """Coverage data on disk every ``save_every`` seconds, so a crash loses little."""
        if self.cov is not None and clock.monotonic() - self.last_save > self.save_every:
            self.save_coverage()

    def _timed_out(self, nodeid: str | None) -> None:
        self.events.write(ev="timeout", nodeid=nodeid, timeout=self.watchdog.timeout)
        self.save_coverage()
        os._exit(TIMEOUT_EXIT)

    def to_front(self) -> None:
        """Put the import hook back in front of ``sys.meta_path``: pytest inserts its
        assertion rewriting hook there after a recording started by ``testvet_boot``,
        and the project's plugin modules that hook claims must still get their hits."""
        finder = getattr(self.map, "finder", None)
        if finder is not None and sys.meta_path and sys.meta_path[0] is not finder:
            sys.meta_path.remove(finder)
            sys.meta_path.insert(0, finder)


_RECORDER: list[Recorder] = []


def start() -> Recorder | None:
    """The run's recorder, started on first use; None without ``TESTVET_RUN_CONFIG``."""
    if not _RECORDER:
        path = os.environ.get("TESTVET_RUN_CONFIG")
        if not path:
            return None
        with open(path, encoding="utf-8") as handle:
            _RECORDER.append(Recorder(json.load(handle)))
    return _RECORDER[0]
