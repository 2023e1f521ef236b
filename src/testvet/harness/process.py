"""Start a program in its own process group, wait until it is ready, SIGKILL it, restart it."""

from __future__ import annotations

import base64
import contextlib
import inspect
import json
import os
import pickle
import random
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import zlib
from collections import deque
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from testvet.harness import realtime
from testvet.harness._child import TARGET_ENV
from testvet.harness.killpoint import KILL_POINT_ENV

#: Set this environment variable to replay one seed: ``TESTVET_SEED=1234 pytest …``.
SEED_ENV = "TESTVET_SEED"

_POLL = 0.005
_OUTPUT_LINES = 2000


@dataclass(frozen=True)
class Ready:
    """How to know a started program is ready (see ``ready_line/port/file``)."""

    #: ``line``, ``port`` or ``file``.
    kind: str
    #: A regular expression (line), a port number (port) or a path (file).
    target: str | int
    #: Host to connect to for ``port``.
    host: str = "127.0.0.1"

    def describe(self) -> str:
        """Human-readable form for error messages."""
        if self.kind == "port":
            return f"port {self.host}:{self.target} accepting connections"
        if self.kind == "file":
            return f"file {self.target} to exist"
        return f"an output line matching {self.target!r}"


def ready_line(pattern: str) -> Ready:
    """Ready once a line of stdout/stderr matches ``pattern`` (a regular expression)."""
    re.compile(pattern)
    return Ready("line", pattern)


def ready_port(port: int, host: str = "127.0.0.1") -> Ready:
    """Ready once ``host:port`` accepts a TCP connection."""
    return Ready("port", int(port), host)


def ready_file(path: str | os.PathLike[str]) -> Ready:
    """Ready once ``path`` exists (the program should create it atomically: write + rename)."""
    return Ready("file", os.fspath(path))


class HarnessProcessError(AssertionError):
    """A started program did not become ready, or could not be cleaned up."""


class ProcessExited(OSError):
    """The program died while :meth:`Proc.send` or :meth:`Proc.expect_line` talked to it.

    An ``OSError``, so ``History.record`` classifies the operation as ``info``.
    """


def group_members(pgid: int) -> list[int]:
    """Pids of live (non-zombie) processes in process group ``pgid`` (Linux /proc)."""
    members: list[int] = []
    proc = Path("/proc")
    if not proc.is_dir():
        return members
    for entry in proc.iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        fields = stat[stat.rfind(")") + 2 :].split()
        if len(fields) > 2 and fields[0] != "Z" and int(fields[2]) == pgid:
            members.append(int(entry.name))
    return members


def target_reference(func: Callable[..., Any]) -> dict[str, Any]:
    """How a child process finds ``func``: module, source file, qualname, sys.path."""
    module = getattr(func, "__module__", None)
    qualname = getattr(func, "__qualname__", "")
    if not module or module == "__main__" or "<locals>" in qualname or "<lambda>" in qualname:
        raise ValueError(
            f"{func!r} must be a module-level function (the child process imports it by name)"
        )
    try:
        file = inspect.getsourcefile(func)
    except TypeError:
        file = None
    return {
        "module": module,
        "file": file,
        "qualname": qualname,
        "path": [p for p in sys.path if p],
    }


def _callable_argv(
    func: Callable[..., Any], args: Sequence[Any], kwargs: Mapping[str, Any]
) -> tuple[list[str], dict[str, str]]:
    payload = target_reference(func)
    payload["args"] = base64.b64encode(pickle.dumps((tuple(args), dict(kwargs)))).decode()
    return [sys.executable, "-u", "-m", "testvet.harness._child"], {TARGET_ENV: json.dumps(payload)}


def _kill_group(popen: subprocess.Popen[str]) -> None:
    """SIGKILL the process group led by ``popen`` — only while it is certainly still ours.

    Before the leader is reaped its pid cannot be reused; after, the group id stays
    reserved only while a member lives, so an empty group is left alone.
    """
    if popen.poll() is None or group_members(popen.pid):
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(popen.pid, signal.SIGKILL)


def _await_empty_group(pgid: int, timeout: float = 5.0) -> None:
    """Until every member of the group has died: the leader is reaped first, and a
    grandchild killed in the same instant may still be exiting (tests then saw it alive)."""
    deadline = realtime.monotonic() + timeout
    while group_members(pgid) and realtime.monotonic() < deadline:
        time.sleep(0.001)


class Proc:
    """A program started by :meth:`HardKill.start`; survives kills through ``restart``."""

    def __init__(
        self,
        owner: HardKill,
        argv: list[str],
        ready: Ready | None,
        env: dict[str, str],
        cwd: str | None,
        ready_timeout: float,
        stdin: bool = False,
    ) -> None:
        self._owner = owner
        self._stdin = stdin
        self._total = 0
        self._cursor = 0
        self.argv = argv
        self.ready = ready
        self._env = env
        self._cwd = cwd
        self.ready_timeout = ready_timeout
        #: The match of the ready line (``ready_line`` only), for values like a port.
        self.ready_match: re.Match[str] | None = None
        #: How many times the program was started.
        self.starts = 0
        self._lines: deque[str] = deque(maxlen=_OUTPUT_LINES)
        self._cond = threading.Condition()
        self._eof = False
        self._popen: subprocess.Popen[str] | None = None
        self._reader: threading.Thread | None = None
        self._timer: threading.Timer | None = None
        self._lock = threading.RLock()

    # -- lifecycle ---------------------------------------------------------------------

    def _spawn(self) -> None:
        with self._lock:
            popen = subprocess.Popen(
                self.argv,
                stdin=subprocess.PIPE if self._stdin else subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                env=self._env,
                cwd=self._cwd,
                text=True,
                errors="replace",
                bufsize=1,
                start_new_session=True,
            )
            with self._cond:  # switch incarnation atomically for the reader threads
                self._lines.clear()
                self._total = self._cursor = 0
                self._eof = False
                self.ready_match = None
                self._popen = popen
            self.starts += 1
            self._owner._groups.add(popen.pid)
            self._reader = threading.Thread(
                target=self._read, args=(popen,), name="testvet-harness-reader", daemon=True
            )
            self._reader.start()
        self._wait_ready()

    def _read(self, popen: subprocess.Popen[str]) -> None:
        assert popen.stdout is not None
        try:
            for line in popen.stdout:
                with self._cond:
                    if popen is not self._popen:  # an old incarnation's orphan still writes
                        continue
                    self._lines.append(line.rstrip("\n"))
                    self._total += 1
                    self._cond.notify_all()
        finally:
            with contextlib.suppress(OSError):
                popen.stdout.close()
            with self._cond:
                if popen is self._popen:
                    self._eof = True
                self._cond.notify_all()

    def _not_ready(self, why: str) -> HarnessProcessError:
        tail = "\n".join(list(self._lines)[-20:])
        return HarnessProcessError(
            f"{self.argv[0]} (pid {self.pid}) {why} while waiting for "
            f"{self.ready.describe() if self.ready else 'start'}; last output:\n{tail}"
        )

    def _wait_ready(self) -> None:
        ready = self.ready
        if ready is None:
            return
        deadline = realtime.monotonic() + self.ready_timeout
        if ready.kind == "line":
            pattern = re.compile(str(ready.target))
            seen = 0
            with self._cond:
                while True:
                    lines = list(self._lines)
                    for offset, line in enumerate(lines[seen:], seen):
                        match = pattern.search(line)
                        if match:
                            self.ready_match = match
                            self._cursor = self._total - len(lines) + offset + 1
                            return
                    seen = len(lines)
                    if self._eof:
                        raise self._not_ready(f"exited with {self.wait(1.0)}")
                    left = deadline - realtime.monotonic()
                    if left <= 0:
                        raise self._not_ready(f"not ready after {self.ready_timeout:g}s")
                    self._cond.wait(min(left, 0.1))
        while True:
            if ready.kind == "port":
                with contextlib.suppress(OSError):
                    socket.create_connection((ready.host, int(ready.target)), timeout=0.5).close()
                    return
            elif Path(str(ready.target)).exists():
                return
            if self.returncode is not None:
                raise self._not_ready(f"exited with {self.returncode}")
            if realtime.monotonic() >= deadline:
                raise self._not_ready(f"not ready after {self.ready_timeout:g}s")
            time.sleep(_POLL)

    @property
    def pid(self) -> int:
        """Pid (and process group id) of the current incarnation."""
        assert self._popen is not None
        return self._popen.pid

    @property
    def returncode(self) -> int | None:
        """None while running; ``-9`` after a SIGKILL."""
        return None if self._popen is None else self._popen.poll()

    @property
    def alive(self) -> bool:
        """True while the current incarnation runs."""
        return self.returncode is None

    @property
    def output(self) -> str:
        """Stdout and stderr of the current incarnation so far (last 2000 lines)."""
        with self._cond:
            return "\n".join(self._lines)

    def send(self, text: str) -> None:
        """Write ``text`` to the program's stdin (needs ``start(..., stdin=True)``)."""
        assert self._popen is not None
        if self._popen.stdin is None:
            raise ValueError("send(): start the program with stdin=True")
        try:
            self._popen.stdin.write(text)
            self._popen.stdin.flush()
        except (BrokenPipeError, ValueError) as exc:
            raise ProcessExited(f"{self.argv[0]} (pid {self.pid}) is gone: {exc}") from exc

    def expect_line(self, pattern: str, timeout: float = 5.0) -> re.Match[str]:
        """Wait for the next output line matching ``pattern``; lines before it are skipped.

        Raises :class:`ProcessExited` when the program's output ends first and
        ``TimeoutError`` after ``timeout`` seconds.
        """
        regex = re.compile(pattern)
        deadline = realtime.monotonic() + timeout
        with self._cond:
            while True:
                first = self._total - len(self._lines)
                for index in range(max(self._cursor, first), self._total):
                    self._cursor = index + 1
                    match = regex.search(self._lines[index - first])
                    if match:
                        return match
                if self._eof:
                    raise ProcessExited(
                        f"{self.argv[0]} (pid {self.pid}) exited before printing {pattern!r}"
                    )
                left = deadline - realtime.monotonic()
                if left <= 0:
                    raise TimeoutError(f"no output line matching {pattern!r} within {timeout:g}s")
                self._cond.wait(min(left, 0.1))

    def wait(self, timeout: float = 10.0) -> int:
        """Wait for the program to exit (e.g. at a kill point); return its exit code."""
        assert self._popen is not None
        try:
            code = self._popen.wait(timeout)
        except subprocess.TimeoutExpired:
            raise HarnessProcessError(
                f"{self.argv[0]} (pid {self.pid}) still running after {timeout:g}s"
            ) from None
        if self._reader is not None:
            # Collect the last output; an orphaned child holding the pipe keeps it open,
            # so do not wait for EOF long (the reader closes stdout itself at EOF).
            self._reader.join(min(timeout, 1.0))
        if self._popen.stdin is not None:
            with contextlib.suppress(OSError, ValueError):
                self._popen.stdin.close()
        return code

    def kill(self) -> int:
        """SIGKILL the whole process group now and wait for it; return the exit code."""
        with self._lock:
            self._cancel_timer()
            if self._popen is None:
                raise HarnessProcessError("kill(): the program was never started")
            _kill_group(self._popen)
            code = self.wait()
            _await_empty_group(self._popen.pid)
            return code

    def kill_at_random(
        self, seed: int | None = None, within: float | tuple[float, float] = (0.0, 1.0)
    ) -> float:
        """SIGKILL the process group after a seeded random delay drawn from ``within``
        (``(low, high)`` seconds, or ``high`` alone for ``(0, high)``).

        Returns at once with the delay; the kill happens in a background timer (use
        :meth:`wait` to wait for it). ``seed`` defaults to the current run's seed.
        """
        low, high = (0.0, float(within)) if isinstance(within, (int, float)) else within
        if not 0 <= low <= high:
            raise ValueError(f"kill_at_random: bad window {within!r}")
        used = self._owner.seed if seed is None else seed
        delay = random.Random(used).uniform(low, high)
        self._owner._note(f"kill_at_random: seed={used} delay={delay:.4f}s pid={self.pid}")
        with self._lock:
            self._cancel_timer()
            self._timer = threading.Timer(delay, self._timed_kill)
            self._timer.daemon = True
            self._timer.start()
        return delay

    def _timed_kill(self) -> None:
        with self._lock:
            if self._popen is not None:
                _kill_group(self._popen)

    def _cancel_timer(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None

    def restart(
        self, *, kill_point: str | None = None, env: Mapping[str, str] | None = None
    ) -> Proc:
        """Kill what is left of the program, start it again and wait until ready.

        The kill point of the previous start is dropped unless given again.
        """
        if self._popen is not None:
            self.kill()
        self._env.pop(KILL_POINT_ENV, None)
        if kill_point:
            self._env[KILL_POINT_ENV] = kill_point
        if env:
            self._env.update(env)
        self._spawn()
        return self

    def stop(self, timeout: float = 5.0) -> int:
        """SIGTERM the process group, then SIGKILL it if still alive after ``timeout``."""
        assert self._popen is not None
        self._cancel_timer()
        if self.alive:  # not reaped yet: the pid is still ours
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(self._popen.pid, signal.SIGTERM)
            try:
                self._popen.wait(timeout)
            except subprocess.TimeoutExpired:
                return self.kill()
        return self.wait()


class HardKill:
    """The ``hard_kill`` fixture: start programs, kill them hard, replay with a seed."""

    ready_line = staticmethod(ready_line)
    ready_port = staticmethod(ready_port)
    ready_file = staticmethod(ready_file)

    def __init__(self, base_seed: int = 0, note: Callable[[str], None] = print) -> None:
        #: The seed of the current run (see :meth:`seeds`).
        self.seed = base_seed
        self._base_seed = base_seed
        self._note = note
        self._procs: list[Proc] = []
        self._groups: set[int] = set()

    @classmethod
    def for_test(cls, nodeid: str, note: Callable[[str], None] = print) -> HardKill:
        """A HardKill seeded from ``TESTVET_SEED`` or, by default, from the test id."""
        env = os.environ.get(SEED_ENV, "").strip()
        base = int(env) if env else zlib.crc32(nodeid.encode())
        return cls(base, note)

    def seeds(self, runs: int) -> Iterator[int]:
        """Yield ``runs`` seeds (one only when ``TESTVET_SEED`` replays a run), printing each.

        Each seed also becomes :attr:`seed`, the default of ``kill_at_random``.
        """
        replay = os.environ.get(SEED_ENV, "").strip()
        chosen = [int(replay)] if replay else [self._base_seed + i for i in range(runs)]
        for i, seed in enumerate(chosen, 1):
            self.seed = seed
            self._note(
                f"testvet.harness: run {i}/{len(chosen)} seed={seed} "
                f"(replay with {SEED_ENV}={seed})"
            )
            yield seed

    def rng(self, seed: int | None = None) -> random.Random:
        """A ``random.Random`` seeded with ``seed`` (default: the current run's seed)."""
        return random.Random(self.seed if seed is None else seed)

    def start(
        self,
        target: Sequence[str | os.PathLike[str]] | Callable[..., Any],
        *,
        ready: Ready | None = None,
        env: Mapping[str, str] | None = None,
        cwd: str | os.PathLike[str] | None = None,
        kill_point: str | None = None,
        args: Sequence[Any] = (),
        kwargs: Mapping[str, Any] | None = None,
        ready_timeout: float = 10.0,
        inherit_env: bool = True,
        stdin: bool = False,
    ) -> Proc:
        """Start ``target`` (an argv list, or a module-level callable run in a child
        Python) in a new process group and wait until ``ready``.

        ``env`` is added to the current environment (or replaces it with
        ``inherit_env=False``); ``kill_point`` sets ``TESTVET_KILL_POINT`` for this start;
        ``stdin=True`` opens a pipe for :meth:`Proc.send` (otherwise stdin is /dev/null).
        """
        if callable(target):
            argv, extra = _callable_argv(target, args, kwargs or {})
        else:
            argv, extra = [os.fspath(a) for a in target], {}
            if not argv:
                raise ValueError("hard_kill.start: empty command")
        full_env = dict(os.environ) if inherit_env else {}
        full_env.pop(KILL_POINT_ENV, None)
        full_env.update(extra)
        if env:
            full_env.update(env)
        if kill_point:
            full_env[KILL_POINT_ENV] = kill_point
        proc = Proc(
            self,
            argv,
            ready,
            full_env,
            None if cwd is None else os.fspath(cwd),
            ready_timeout,
            stdin,
        )
        self._procs.append(proc)
        try:
            proc._spawn()
        except BaseException:
            with contextlib.suppress(HarnessProcessError):
                proc.kill()
            raise
        return proc

    def close(self) -> None:
        """Kill every process group started here; fail if any process survives."""
        for proc in self._procs:
            proc._cancel_timer()
            if proc._popen is not None and proc.alive:
                with contextlib.suppress(HarnessProcessError):
                    proc.kill()
        survivors: list[int] = []
        for pgid in self._groups:
            deadline = realtime.monotonic() + 5.0
            while members := group_members(pgid):  # the group exists, so its id is ours
                with contextlib.suppress(ProcessLookupError, PermissionError):
                    os.killpg(pgid, signal.SIGKILL)
                if realtime.monotonic() >= deadline:
                    survivors += members
                    break
                time.sleep(_POLL)
        self._groups.clear()
        if survivors:
            raise HarnessProcessError(f"hard_kill: processes survived SIGKILL: {survivors}")
