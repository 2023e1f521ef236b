"""Evidence for the nondeterministic rules: sleeps, randomness, the wall clock, the network."""

from __future__ import annotations

import ast
import ipaddress
from collections.abc import Sequence
from typing import TYPE_CHECKING, Protocol
from urllib.parse import urlsplit

from testvet.static.astutil import dotted, keyword, last_name, root_name, walk
from testvet.static.checks import Kind
from testvet.static.context import ModuleContext

if TYPE_CHECKING:
    from testvet.static.collect import TestFunction
    from testvet.static.scan import State

_SLEEPS = frozenset({"time.sleep", "asyncio.sleep", "trio.sleep", "anyio.sleep", "gevent.sleep"})
_RANDOM = frozenset(
    {
        "random",
        "randint",
        "randrange",
        "choice",
        "choices",
        "sample",
        "shuffle",
        "uniform",
        "getrandbits",
        "gauss",
        "randbytes",
        "rand",
        "randn",
        "normal",
        "permutation",
        "integers",
    }
)
_CLOCK = frozenset(
    {
        "time.time",
        "time.time_ns",
        "time.monotonic",
        "time.monotonic_ns",
        "time.perf_counter",
        "time.perf_counter_ns",
        "datetime.datetime.now",
        "datetime.datetime.utcnow",
        "datetime.datetime.today",
        "datetime.date.today",
        "time.localtime",
        "time.gmtime",
        "time.ctime",
    }
)
_FREEZERS = ("freeze", "travel", "time_machine", "frozen", "clock", "fake_time", "mock_time")
_FREEZE_CALLS = frozenset({"travel", "freeze_time", "move_to", "shift", "tick", "time_machine"})
_THREADISH = frozenset(
    {
        "Thread",
        "Process",
        "Popen",
        "Timer",
        "start_new_thread",
        "run_in_executor",
        "create_task",
        "submit",
        "ensure_future",
        "serve_forever",
        "start",
        "Pool",
        "ThreadPoolExecutor",
        "ProcessPoolExecutor",
        "spawn",
        "fork",
    }
)
#: Words in names or fixtures that stand for something running beside the test.
_PEER_WORDS = (
    *("server", "thread", "process", "worker", "daemon", "broker", "proxy", "service"),
    *("socket", "popen", "subprocess", "executor", "event_loop"),
)
_NET_FUNCS = frozenset(
    {
        "urlopen",
        "create_connection",
        "getaddrinfo",
        "gethostbyname",
    }
)
_NET_METHODS = frozenset(
    {"get", "post", "put", "patch", "delete", "head", "options", "request", "stream", "connect"}
)
_NET_ROOTS = frozenset({"requests", "httpx", "urllib", "urllib3", "aiohttp", "socket", "http"})
_NET_RECEIVER_WORDS = ("session", "http", "sock", "conn", "pool")
_LOCAL_HOSTS = frozenset({"localhost", "testserver", "0.0.0.0", "::1", "ip6-localhost"})
_LOCAL_SUFFIXES = (
    ".localhost",
    ".test",
    ".example",
    ".invalid",
    ".local",
    ".internal",
    ".lan",
    ".home.arpa",
    "example.com",
    "example.org",
    "example.net",
)


class Reporter(Protocol):
    """The part of the scan the tracker reports through."""

    def report(self, code: str, node: ast.AST, message: str, **kw: object) -> None: ...

    @property
    def aliases(self) -> dict[str, str]: ...

    @property
    def test(self) -> TestFunction: ...


class Tracker:
    """Follows random and clock values through a test into its assertions."""

    def __init__(
        self,
        ctx: ModuleContext,
        scan: Reporter,
        decorators: Sequence[str],
        fixtures: Sequence[str],
    ) -> None:
        self.ctx = ctx
        self.scan = scan
        self.random_names: set[str] = set()
        self.clock_names: set[str] = set()
        self.reading_names: set[str] = set()
        self.decorators = tuple(decorators)
        self.words = [d.lower() for d in decorators] + [f.lower() for f in fixtures]
        self._names: tuple[set[str], set[str]] | None = None

    def _used(self) -> tuple[set[str], set[str]]:
        """Names and attribute names used in the test (computed on first need)."""
        if self._names is None:
            names: set[str] = set()
            attrs: set[str] = set()
            for node in walk(self.scan.test.node):
                if isinstance(node, ast.Name):
                    names.add(node.id)
                elif isinstance(node, ast.Attribute):
                    attrs.add(node.attr)
            self._names = (names, attrs)
        return self._names

    @property
    def seeded(self) -> bool:
        names, attrs = self._used()
        return (
            self.ctx.seeded
            or "seed" in attrs
            or "seed" in names
            or any("seed" in f or f in ("rng", "random") for f in self.words)
            or any(d.rsplit(".", 1)[-1] == "given" for d in self.decorators)
        )

    @property
    def frozen(self) -> bool:
        names, attrs = self._used()
        if "setattr" in attrs and "time" in names:
            return True  # monkeypatch.setattr(time, "time", ...)
        return any(any(w in f for w in _FREEZERS) for f in self.words) or (
            self.ctx.clock_tools
            and bool(
                (names | attrs)
                & {"travel", "freeze_time", "move_to", "shift", "tick", "time_machine"}
            )
        )

    @property
    def concurrent(self) -> bool:
        """The test itself starts or talks to something that runs beside it."""
        names, attrs = self._used()
        if (names | attrs) & _THREADISH:
            return True
        used = [n.lower() for n in (*names, *attrs)] + self.words
        return any(any(w in f for w in _PEER_WORDS) for f in used)

    # ------------------------------------------------------------------ sources

    def _source(self, call: ast.Call) -> str | None:
        name = dotted(call.func, self.scan.aliases) or ""
        if name in _CLOCK:
            if name in ("time.localtime", "time.gmtime", "time.ctime") and call.args:
                return None
            return "clock"
        parts = name.split(".")
        if len(parts) >= 2 and parts[0] in ("random", "numpy") and parts[-1] in _RANDOM:
            if parts[0] == "numpy" and "random" not in parts:
                return None
            return "random"
        return None

    def _taint(self, expr: ast.expr | None) -> tuple[bool, bool, bool]:
        """(random, clock, clock-derived) for an expression.

        Randomness taints through anything; the clock only through names and arithmetic
        (``time.time() - start``), not through the arguments of other calls.
        """
        if expr is None:
            return False, False, False
        rnd = any(
            (isinstance(s, ast.Call) and self._source(s) == "random")
            or (isinstance(s, ast.Name) and s.id in self.random_names)
            for s in walk(expr)
        )
        clk, derived = self._clock(expr)
        return rnd, clk, derived

    def _clock(self, expr: ast.expr) -> tuple[bool, bool]:
        """(depends on a clock reading, is arithmetic over readings)."""
        if isinstance(expr, ast.Call):
            return self._source(expr) == "clock", False
        if isinstance(expr, ast.Name):
            tainted = expr.id in self.clock_names
            return tainted, tainted and expr.id not in self.reading_names
        if isinstance(expr, ast.BinOp):
            left, right = self._clock(expr.left), self._clock(expr.right)
            clk = left[0] or right[0]
            return clk, clk
        if isinstance(expr, ast.UnaryOp):
            return self._clock(expr.operand)
        if isinstance(expr, ast.Compare | ast.BoolOp):
            parts = [self._clock(e) for e in ast.iter_child_nodes(expr) if isinstance(e, ast.expr)]
            return any(p[0] for p in parts), any(p[1] for p in parts)
        if isinstance(expr, ast.Attribute):
            return self._clock(expr.value)
        return False, False

    def assign(self, targets: Sequence[ast.expr], value: ast.expr | None) -> None:
        """Propagate taint from ``value`` to the names of ``targets``."""
        rnd, clk, derived = self._taint(value)
        plain_reading = isinstance(value, ast.Call) and self._source(value) == "clock"
        for target in targets:
            for sub in walk(target):
                if not isinstance(sub, ast.Name):
                    continue
                _set(self.random_names, sub.id, rnd)
                _set(self.clock_names, sub.id, clk)
                _set(self.reading_names, sub.id, clk and plain_reading and not derived)

    # ------------------------------------------------------------------ assertions

    def assertion(self, node: ast.AST, test: ast.expr) -> None:
        """Report randomness or clock readings flowing into an assertion."""
        if isinstance(test, ast.Compare) and len(test.ops) >= 2:
            return  # bracketing: before <= value <= after
        rnd, clk, derived = self._taint(test)
        if rnd and not self.seeded:
            self.scan.report(
                "TV151",
                node,
                f"{self.scan.test.node.name}: an unseeded random value feeds this "
                "check, so a failure cannot be reproduced.",
            )
        if clk and not _uses_approx(test) and self._fragile(test, derived) and not self.frozen:
            self.scan.report(
                "TV152",
                node,
                f"{self.scan.test.node.name}: this check depends on the wall "
                "clock (a reading or an elapsed time), so it can pass or fail by timing.",
            )

    def _fragile(self, test: ast.expr, derived: bool) -> bool:
        """Does the check break when the machine is slow or the moment differs?

        Equality with a fresh reading or an elapsed time, and upper bounds on an elapsed
        time (``elapsed < 0.1``), are fragile; lower bounds (``elapsed >= delay``) are not
        (a slow machine only makes them truer), nor are orderings against a fresh reading
        (``expires_at > time.time()``).
        """
        if not (isinstance(test, ast.Compare) and len(test.ops) == 1):
            return derived or _direct_reading(test, self)
        op, left, right = test.ops[0], test.left, test.comparators[0]
        if isinstance(op, ast.Lt | ast.LtE):
            bounded = [left]
        elif isinstance(op, ast.Gt | ast.GtE):
            bounded = [right]
        elif isinstance(op, ast.Eq | ast.NotEq):
            bounded = [left, right]
        else:
            return False
        for side in bounded:
            if isinstance(op, ast.Eq | ast.NotEq) and _direct_reading(side, self):
                return True
            clk, side_derived = self._clock(side)
            if clk and side_derived:
                return True
        return False

    # ------------------------------------------------------------------ calls

    def call(self, call: ast.Call, st: State) -> None:
        """Sleeps, network calls and shuffles; check calls are treated as assertions."""
        name = dotted(call.func, self.scan.aliases) or ""
        if name in _SLEEPS:
            self._sleep(call, st)
        elif name in ("random.shuffle",) and call.args:
            self.assign([call.args[0]], call)
        self._network(call, name)
        last = last_name(call.func) or ""
        if last.startswith("assert") and last not in ("assert_called", "assert_not_called"):
            kind = self.ctx.index.call_kind(call, self.scan.aliases)
            if kind in (Kind.ASSERT, Kind.MOCK):
                for arg in call.args:
                    self.assertion(call, arg)

    def _via_proxy(self) -> bool:
        """Through a (test) proxy the URL's host is only what the proxy is asked for."""
        names, attrs = self._used()
        return any("proxy" in n.lower() for n in (*names, *attrs, *self.words))

    def _sleep(self, call: ast.Call, st: State) -> None:
        if st.loop or not self.concurrent or not call.args:
            return
        arg = call.args[0]
        if isinstance(arg, ast.Constant) and not arg.value:
            return
        self.scan.report(
            "TV150",
            call,
            f"{self.scan.test.node.name}: `{ast.unparse(call)[:40]}` waits a fixed "
            "time for another thread, process or server; on a slow machine it is too short.",
        )

    def _network(self, call: ast.Call, name: str) -> None:
        last = last_name(call.func) or ""
        root = root_name(call.func) or ""
        origin = name.split(".")[0]
        host_tuple = (
            last == "connect"
            and len(call.args) == 1
            and isinstance(call.args[0], ast.Tuple)
            and len(call.args[0].elts) == 2
        )
        networked = (
            last in _NET_FUNCS
            or host_tuple
            or (
                last in _NET_METHODS
                and (origin in _NET_ROOTS or any(w in root.lower() for w in _NET_RECEIVER_WORDS))
            )
        )
        if not networked or self._via_proxy():
            return
        candidates: list[ast.expr] = list(call.args[:2])
        url = keyword(call, "url") or keyword(call, "host")
        if url is not None:
            candidates.append(url)
        for arg in candidates:
            if isinstance(arg, ast.Tuple) and arg.elts:
                arg = arg.elts[0]
            if not (isinstance(arg, ast.Constant) and isinstance(arg.value, str)):
                continue
            host = _host(arg.value)
            if host and not _local(host):
                self.scan.report(
                    "TV153",
                    call,
                    f"{self.scan.test.node.name}: talks to the real host "
                    f"{host!r}; the test fails when the network or that host is down.",
                )
                return


def _set(names: set[str], name: str, on: bool) -> None:
    if on:
        names.add(name)
    else:
        names.discard(name)


def _direct_reading(test: ast.expr, tracker: Tracker) -> bool:
    """A clock call compared directly (``x.created == datetime.now()``)."""
    if isinstance(test, ast.Call):
        return tracker._source(test) == "clock"
    if not isinstance(test, ast.Compare):
        return False
    return any(
        isinstance(side, ast.Call) and tracker._source(side) == "clock"
        for side in (test.left, *test.comparators)
    )


def _uses_approx(expr: ast.expr) -> bool:
    return any(
        isinstance(s, ast.Call) and last_name(s.func) in ("approx", "isclose") for s in walk(expr)
    )


def _host(text: str) -> str | None:
    if "://" in text:
        try:
            return urlsplit(text).hostname
        except ValueError:
            return None
    if " " in text or "/" in text or "." not in text:
        return None
    return text.lower()


def _local(host: str) -> bool:
    host = host.lower().rstrip(".")
    if host in _LOCAL_HOSTS or "." not in host:
        return True
    if host.endswith(_LOCAL_SUFFIXES) or host.startswith("127."):
        return True
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False
    return address.is_private or address.is_loopback or address.is_reserved or address.is_link_local
