"""An in-process fsync-discipline shim: simulate a power loss that drops un-fsynced data.

A SIGKILL leaves the kernel's page cache intact, so a program that writes without
fsync survives it; a power cut does not. Inside ``with fsync_discipline(root) as disk``
the shim watches ``os.fsync``, ``os.fdatasync`` and ``os.sync``; ``disk.crash()``
rewrites the tree under ``root`` to what a pessimistic POSIX disk would hold after a
power loss: each file's content as of its last fsync, and only the directory entries
(creations, renames, unlinks) made durable by an fsync of their directory.

Limits: only Python code of this process that calls ``os.fsync``/``os.fdatasync``/
``os.sync`` through the ``os`` module is seen (not ``from os import fsync`` bound before
the shim started, not native code or subprocesses); ``O_SYNC``/``O_DSYNC`` writes,
``sync_file_range`` and ``mmap.flush`` count as not durable; a crash keeps either the
whole fsynced content or nothing, never torn or reordered writes; directory entries
need an fsync of the directory, stricter than ext4 in practice; symlinks, modes and
timestamps are not modelled. Call ``crash()`` after the code under test stopped using
its files, and reopen them afterwards.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import stat
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

_real_fsync = os.fsync
_real_fdatasync = os.fdatasync
_real_sync = os.sync


def _fileno(fd: Any) -> int:
    return fd if isinstance(fd, int) else int(fd.fileno())


def _read_all(path: str) -> bytes:
    fd = os.open(path, os.O_RDONLY)
    try:
        chunks = []
        while chunk := os.read(fd, 1 << 20):
            chunks.append(chunk)
        return b"".join(chunks)
    finally:
        os.close(fd)


class FsyncShim:
    """Durable state of one directory tree, updated by the fsyncs it observes."""

    def __init__(self, root: str | os.PathLike[str]) -> None:
        self.root = Path(root).resolve()
        if not self.root.is_dir():
            raise ValueError(f"fsync_discipline: {root} is not a directory")
        #: inode -> content as of its last fsync.
        self._content: dict[int, bytes] = {}
        #: directory -> {name: (inode, is_dir)} as of its last fsync.
        self._entries: dict[Path, dict[str, tuple[int, bool]]] = {}
        #: How many fsync/fdatasync calls on files and directories under root were seen.
        self.fsyncs = 0
        self._lock = threading.Lock()
        self._snapshot_all()

    # -- durable state ------------------------------------------------------------------

    def _snapshot_dir(self, directory: Path) -> None:
        entries: dict[str, tuple[int, bool]] = {}
        with os.scandir(directory) as it:
            for entry in it:
                st = entry.stat(follow_symlinks=False)
                if stat.S_ISDIR(st.st_mode) or stat.S_ISREG(st.st_mode):
                    entries[entry.name] = (st.st_ino, stat.S_ISDIR(st.st_mode))
        self._entries[directory] = entries

    def _snapshot_all(self) -> None:
        self._content.clear()
        self._entries.clear()
        for current, dirs, files in os.walk(self.root):
            here = Path(current)
            self._snapshot_dir(here)
            for name in files:
                path = here / name
                if path.is_file() and not path.is_symlink():
                    self._content[path.stat().st_ino] = _read_all(str(path))
            dirs[:] = [d for d in dirs if not (here / d).is_symlink()]

    def _inside(self, path: str) -> bool:
        return path == str(self.root) or path.startswith(str(self.root) + os.sep)

    def observe_fsync(self, fd: int) -> None:
        """Record that ``fd`` was fsynced (called by the patched ``os.fsync``)."""
        try:
            path = os.readlink(f"/proc/self/fd/{fd}")
            st = os.fstat(fd)
        except OSError:
            return
        if stat.S_ISDIR(st.st_mode):
            if self._inside(path):
                with self._lock:
                    self.fsyncs += 1
                    self._snapshot_dir(Path(path))
        elif stat.S_ISREG(st.st_mode):
            known = any(ino == st.st_ino for e in self._entries.values() for ino, _ in e.values())
            if self._inside(path.removesuffix(" (deleted)")) or known:
                content = _read_all(f"/proc/self/fd/{fd}")
                with self._lock:
                    self.fsyncs += 1
                    self._content[st.st_ino] = content

    def observe_sync(self) -> None:
        """Everything is durable (called by the patched ``os.sync``)."""
        with self._lock:
            self._snapshot_all()

    # -- the power cut ------------------------------------------------------------------

    def crash(self) -> None:
        """Rewrite the tree to its durable state, as after a power loss; it stays watched."""
        with self._lock:
            self._restore(self.root)
            self._snapshot_all()

    def _restore(self, directory: Path) -> None:
        durable = self._entries.get(directory, {})
        with os.scandir(directory) as it:
            present = {e.name: e.is_dir(follow_symlinks=False) for e in it}
        for name, is_dir in present.items():
            if name not in durable or durable[name][1] != is_dir:
                target = directory / name
                if is_dir:
                    shutil.rmtree(target)
                else:
                    target.unlink()
        for name, (ino, is_dir) in durable.items():
            target = directory / name
            if is_dir:
                target.mkdir(exist_ok=True)
                self._restore(target)
            else:
                fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
                try:
                    view = memoryview(self._content.get(ino, b""))
                    while view:
                        view = view[os.write(fd, view) :]
                finally:
                    os.close(fd)


class _Patch:
    """Routes os.fsync/os.fdatasync/os.sync to every active shim."""

    def __init__(self) -> None:
        self.shims: list[FsyncShim] = []
        self.lock = threading.Lock()
        #: The functions in place before the shim (maybe another shim's): called through.
        self.previous: tuple[Any, Any, Any] = (_real_fsync, _real_fdatasync, _real_sync)

    def fsync(self, fd: Any) -> None:
        self.previous[0](fd)
        for shim in list(self.shims):
            shim.observe_fsync(_fileno(fd))

    def fdatasync(self, fd: Any) -> None:
        self.previous[1](fd)
        for shim in list(self.shims):
            shim.observe_fsync(_fileno(fd))

    def sync(self) -> None:
        self.previous[2]()
        for shim in list(self.shims):
            shim.observe_sync()

    def add(self, shim: FsyncShim) -> None:
        with self.lock:
            if not self.shims:
                self.previous = (os.fsync, os.fdatasync, os.sync)
                os.fsync, os.fdatasync, os.sync = self.fsync, self.fdatasync, self.sync
            self.shims.append(shim)

    def remove(self, shim: FsyncShim) -> None:
        with self.lock:
            if shim in self.shims:
                self.shims.remove(shim)
            if not self.shims:
                os.fsync, os.fdatasync, os.sync = self.previous


_PATCH = _Patch()


@contextlib.contextmanager
def fsync_discipline(root: str | os.PathLike[str]) -> Iterator[FsyncShim]:
    """Watch fsyncs under ``root``; ``crash()`` on the yielded shim drops what is not durable."""
    shim = FsyncShim(root)
    _PATCH.add(shim)
    try:
        yield shim
    finally:
        _PATCH.remove(shim)


class FsyncDiscipline:
    """The ``fsync_discipline`` fixture: ``with fsync_discipline(path) as disk: …``."""

    def __init__(self) -> None:
        self._stack = contextlib.ExitStack()

    def __call__(
        self, root: str | os.PathLike[str]
    ) -> contextlib.AbstractContextManager[FsyncShim]:
        """``with fsync_discipline(root) as disk:`` — watch ``root`` inside the block."""
        return fsync_discipline(root)

    def watch(self, root: str | os.PathLike[str]) -> FsyncShim:
        """Start watching ``root`` until the end of the test (no ``with`` needed)."""
        return self._stack.enter_context(fsync_discipline(root))

    def close(self) -> None:
        """Stop every watch started with :meth:`watch`."""
        self._stack.close()
