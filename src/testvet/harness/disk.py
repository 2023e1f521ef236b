"""Disk faults for the code under test: ENOSPC, EIO and short writes.

In-process, the shims replace ``os.write``/``os.pwrite``/``os.writev``/``os.sendfile``/
``os.copy_file_range`` (so ``shutil`` copies too), ``os.fsync``/
``os.fdatasync``, ``os.read``/``os.pread`` and ``open`` (``builtins.open`` and
``io.open``, hence ``pathlib``) while a ``with`` block runs; files opened by ``open`` get a
raw layer that injects the fault under Python's usual buffering. Only regular files are
affected (never pipes, sockets or terminals), and only those under ``path`` when given.
For subprocesses and native code, :mod:`testvet.harness.fiu` drives libfiu.
"""

from __future__ import annotations

import builtins
import contextlib
import errno
import io
import os
import stat
import threading
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from testvet.harness.fiu import Fiu

_write = os.write
_pwrite = os.pwrite
_fsync = os.fsync
_fdatasync = os.fdatasync
_read = os.read
_pread = os.pread
#: The os functions the shims replace, with the originals.
_REAL: dict[str, Any] = {
    "write": _write,
    "pwrite": _pwrite,
    "writev": os.writev,
    "sendfile": os.sendfile,
    "copy_file_range": os.copy_file_range,
    "fsync": _fsync,
    "fdatasync": _fdatasync,
    "read": _read,
    "pread": _pread,
}
_real_open = builtins.open
_real_io_open = io.open

OPS = ("write", "fsync", "read")


@dataclass
class DiskFault:
    """One active fault; its counters tell the test what happened."""

    #: ``enospc``, ``eio`` or ``short``.
    kind: str
    #: Bytes that may be written before the fault starts (enospc, eio).
    after_bytes: int
    #: Only files under this absolute path (None: every regular file).
    path: str | None
    #: Which calls fail: ``write``, ``fsync``, ``read``.
    ops: tuple[str, ...]
    #: Largest write that goes through whole (short).
    max_bytes: int = 0
    #: Bytes that went through while the fault was active.
    bytes_written: int = 0
    #: How many calls were failed or shortened.
    injected: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    @property
    def errno(self) -> int:
        """The error number raised."""
        return errno.ENOSPC if self.kind == "enospc" else errno.EIO

    def covers(self, where: str) -> bool:
        """Whether a file at absolute path ``where`` is affected."""
        if self.path is None:
            return True
        return where == self.path or where.startswith(self.path.rstrip(os.sep) + os.sep)

    def _error(self, what: str) -> OSError:
        self.injected += 1
        return OSError(self.errno, f"{os.strerror(self.errno)} (injected by testvet: {what})")

    def take(self, size: int) -> int:
        """How many of ``size`` bytes a write may pass; raises once the fault fires."""
        with self._lock:
            if self.kind == "short":
                allowed = min(size, max(self.max_bytes, 1))
                if allowed < size:
                    self.injected += 1
                self.bytes_written += allowed
                return allowed
            if "write" not in self.ops or size == 0:
                self.bytes_written += size
                return size
            left = self.after_bytes - self.bytes_written
            if left <= 0:
                raise self._error("write")
            allowed = min(size, left)
            if allowed < size:
                self.injected += 1
            self.bytes_written += allowed
            return allowed

    def check(self, op: str) -> None:
        """Raise if ``op`` (fsync, read) should fail now."""
        with self._lock:
            if self.kind != "short" and op in self.ops and self.bytes_written >= self.after_bytes:
                raise self._error(op)


def _fd_path(fd: int) -> str | None:
    """Absolute path of a regular-file descriptor, None for anything else."""
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            return None
        return os.readlink(f"/proc/self/fd/{fd}").removesuffix(" (deleted)")
    except OSError:
        return None


class _Shims:
    """Installs the patched functions while at least one fault is active."""

    def __init__(self) -> None:
        self.faults: list[DiskFault] = []
        self.lock = threading.Lock()
        #: What the shims replaced (maybe another shim, e.g. fsync_discipline's): restored
        #: on exit, and fsync/fdatasync call through to it.
        self.previous: dict[str, Any] = dict(_REAL)

    def matching(self, fd: int) -> list[DiskFault]:
        if not self.faults:
            return []
        return self.covering(_fd_path(fd))

    def covering(self, where: str | None) -> list[DiskFault]:
        return [] if where is None else [f for f in list(self.faults) if f.covers(where)]

    def _limit(self, fd: int, size: int) -> int:
        allowed = size
        for fault in self.matching(fd):
            allowed = min(allowed, fault.take(allowed))
        return allowed

    def write(self, fd: int, data: Any) -> int:
        view = memoryview(data).cast("B")
        return _write(fd, view[: self._limit(fd, len(view))])

    def pwrite(self, fd: int, data: Any, offset: int) -> int:
        view = memoryview(data).cast("B")
        return _pwrite(fd, view[: self._limit(fd, len(view))], offset)

    def writev(self, fd: int, buffers: Sequence[Any]) -> int:
        joined = b"".join(bytes(b) for b in buffers)
        return _write(fd, joined[: self._limit(fd, len(joined))])

    def sendfile(self, out_fd: int, in_fd: int, offset: int | None, count: int) -> int:
        allowed = self._limit(out_fd, count)
        return int(self.previous["sendfile"](out_fd, in_fd, offset, allowed))

    def copy_file_range(self, src: int, dst: int, count: int, *args: Any) -> int:
        allowed = self._limit(dst, count)
        return int(self.previous["copy_file_range"](src, dst, allowed, *args))

    def _sync(self, fd: Any) -> None:
        number = fd if isinstance(fd, int) else fd.fileno()
        for fault in self.matching(number):
            fault.check("fsync")

    def fsync(self, fd: Any) -> None:
        self._sync(fd)
        self.previous["fsync"](fd)

    def fdatasync(self, fd: Any) -> None:
        self._sync(fd)
        self.previous["fdatasync"](fd)

    def read(self, fd: int, size: int) -> bytes:
        for fault in self.matching(fd):
            fault.check("read")
        return _read(fd, size)

    def pread(self, fd: int, size: int, offset: int) -> bytes:
        for fault in self.matching(fd):
            fault.check("read")
        return _pread(fd, size, offset)

    def open(
        self,
        file: Any,
        mode: str = "r",
        buffering: int = -1,
        encoding: str | None = None,
        errors: str | None = None,
        newline: str | None = None,
        closefd: bool = True,
        opener: Any = None,
    ) -> Any:
        if not self.covering(_open_target(file)):
            return _real_open(file, mode, buffering, encoding, errors, newline, closefd, opener)
        raw = _FaultyFileIO(file, _raw_mode(mode), closefd=closefd, opener=opener)
        raw.shims = self
        return _wrap(raw, mode, buffering, encoding, errors, newline)

    def install(self) -> None:
        self.previous = {name: getattr(os, name) for name in _REAL}
        self.previous["open"] = (builtins.open, io.open)
        for name in _REAL:
            setattr(os, name, getattr(self, name))
        builtins.open = io.open = self.open

    def uninstall(self) -> None:
        for name in _REAL:
            setattr(os, name, self.previous[name])
        builtins.open, io.open = self.previous["open"]

    @contextlib.contextmanager
    def active(self, fault: DiskFault) -> Iterator[DiskFault]:
        with self.lock:
            if not self.faults:
                self.install()
            self.faults.append(fault)
        try:
            yield fault
        finally:
            with self.lock:
                self.faults.remove(fault)
                if not self.faults:
                    self.uninstall()


def _open_target(file: Any) -> str | None:
    """The absolute path ``open(file)`` would reach, None when it is not a regular file."""
    if isinstance(file, int):
        return _fd_path(file)
    try:
        where = os.path.realpath(os.fsdecode(os.fspath(file)))
    except TypeError:
        return None
    try:
        return where if stat.S_ISREG(os.stat(where).st_mode) else None
    except OSError:
        return where  # about to be created


def _raw_mode(mode: str) -> str:
    kind = next((c for c in mode if c in "rwxa"), "r")
    return kind + ("+" if "+" in mode else "")


class _FaultyFileIO(io.FileIO):
    """A FileIO whose writes and reads pass through the active faults."""

    shims: _Shims | None = None

    def write(self, data: Any) -> int:
        view = memoryview(data).cast("B")
        if self.shims is not None:
            view = view[: self.shims._limit(self.fileno(), len(view))]
        return super().write(view) or 0

    def _check_read(self) -> None:
        if self.shims is not None:
            for fault in self.shims.matching(self.fileno()):
                fault.check("read")

    def readinto(self, buffer: Any) -> int:
        self._check_read()
        return super().readinto(buffer) or 0

    def read(self, size: int | None = -1) -> bytes:
        self._check_read()
        return super().read(size) or b""

    def readall(self) -> bytes:
        self._check_read()
        return super().readall()


def _wrap(
    raw: _FaultyFileIO,
    mode: str,
    buffering: int,
    encoding: str | None,
    errors: str | None,
    newline: str | None,
) -> Any:
    """Stack buffering and text layers on ``raw`` the way ``open`` does."""
    binary = "b" in mode
    if buffering == 0:
        if not binary:
            raw.close()
            raise ValueError("can't have unbuffered text I/O")
        return raw
    size = buffering if buffering > 1 else io.DEFAULT_BUFFER_SIZE
    buffer: io.BufferedIOBase
    if "+" in mode:
        buffer = io.BufferedRandom(raw, size)
    elif raw.writable():
        buffer = io.BufferedWriter(raw, size)
    else:
        buffer = io.BufferedReader(raw, size)
    if binary:
        return buffer
    text = io.TextIOWrapper(buffer, encoding, errors, newline, line_buffering=buffering == 1)
    text.mode = mode  # type: ignore[misc]
    return text


_SHIMS = _Shims()


class DiskFaults:
    """The ``disk_faults`` fixture: ``with disk_faults.enospc(after_bytes=0): …``."""

    def __init__(self) -> None:
        self._stack = contextlib.ExitStack()

    @staticmethod
    def _path(path: str | os.PathLike[str] | None) -> str | None:
        return None if path is None else os.path.realpath(path)

    def enospc(
        self,
        after_bytes: int = 0,
        *,
        path: str | os.PathLike[str] | None = None,
        ops: Sequence[str] = ("write",),
    ) -> contextlib.AbstractContextManager[DiskFault]:
        """The disk fills up after ``after_bytes`` more bytes (the last write is short)."""
        return self._fault("enospc", after_bytes, path, ops)

    def eio(
        self,
        after_bytes: int = 0,
        *,
        path: str | os.PathLike[str] | None = None,
        ops: Sequence[str] = ("write", "fsync"),
    ) -> contextlib.AbstractContextManager[DiskFault]:
        """I/O errors on ``ops`` (write, fsync, read) once ``after_bytes`` were written."""
        return self._fault("eio", after_bytes, path, ops)

    def short_writes(
        self, max_bytes: int = 1, *, path: str | os.PathLike[str] | None = None
    ) -> contextlib.AbstractContextManager[DiskFault]:
        """Every write passes at most ``max_bytes`` (callers must loop on the count)."""
        if max_bytes < 1:
            raise ValueError("short_writes: max_bytes must be >= 1")
        fault = DiskFault("short", 0, self._path(path), ("write",), max_bytes=max_bytes)
        return _SHIMS.active(fault)

    def _fault(
        self, kind: str, after: int, path: str | os.PathLike[str] | None, ops: Sequence[str]
    ) -> contextlib.AbstractContextManager[DiskFault]:
        unknown = set(ops) - set(OPS)
        if unknown or not ops:
            raise ValueError(f"{kind}: ops must be among {OPS}, got {tuple(ops)!r}")
        if after < 0:
            raise ValueError(f"{kind}: after_bytes must be >= 0")
        return _SHIMS.active(DiskFault(kind, after, self._path(path), tuple(ops)))

    def inject(self, fault: contextlib.AbstractContextManager[DiskFault]) -> DiskFault:
        """Keep a fault active until the end of the test (no ``with`` needed)."""
        return self._stack.enter_context(fault)

    def fiu(self) -> Fiu:
        """libfiu for subprocesses (skips the test when libfiu is not installed)."""
        from testvet.harness.fiu import Fiu

        fiu = Fiu.require()
        self._stack.callback(fiu.close)
        return fiu

    def close(self) -> None:
        """Remove faults started with :meth:`inject`."""
        self._stack.close()
