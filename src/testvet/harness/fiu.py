"""libfiu for subprocesses and native code: fail write/fsync/read calls via LD_PRELOAD.

Needs the Debian packages ``libfiu0`` and ``fiu-utils`` (or libfiu built from source).
libfiu cannot filter by path: an enabled point fails every matching call of the
process, including its writes to stdout and stderr, so report results through files or
the exit status. Enable points at start (:meth:`Fiu.env`) or later, once the program is
ready, through libfiu's remote control (:meth:`Fiu.enable`).
"""

from __future__ import annotations

import errno
import os
import shutil
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path

#: Where libfiu's preload libraries are looked for.
PRELOAD_DIRS = ("/usr/lib/fiu", "/usr/local/lib/fiu", "/usr/lib/x86_64-linux-gnu/fiu")

#: Handy failure point names of libfiu's POSIX preload library.
WRITE = "posix/io/rw/write"
PWRITE = "posix/io/rw/pwrite"
READ = "posix/io/rw/read"
FSYNC = "posix/io/sync/fsync"
FDATASYNC = "posix/io/sync/fdatasync"
OPEN = "posix/io/oc/open"

MISSING = (
    "libfiu is not installed (Debian/Ubuntu: apt-get install libfiu0 fiu-utils); "
    "subprocess disk faults need its LD_PRELOAD libraries"
)


def find_preload_dir() -> Path | None:
    """The directory holding ``fiu_run_preload.so`` and ``fiu_posix_preload.so``."""
    for candidate in PRELOAD_DIRS:
        path = Path(candidate)
        if (path / "fiu_run_preload.so").is_file() and (path / "fiu_posix_preload.so").is_file():
            return path
    return None


def _command(verb: str, name: str, failinfo: int, probability: float | None) -> str:
    params = f"name={name},failinfo={failinfo}"
    if probability is not None and probability < 1.0:
        return f"enable_random {params},probability={probability}"
    return f"{verb} {params}"


@dataclass
class Fiu:
    """libfiu, found on this machine; see :meth:`env` and :meth:`enable`."""

    #: Directory of the preload libraries.
    preload_dir: Path
    #: Directory of the remote-control FIFOs (removed by :meth:`close`).
    control_dir: Path

    @classmethod
    def find(cls) -> Fiu | None:
        """libfiu if installed, else None."""
        found = find_preload_dir()
        if found is None:
            return None
        return cls(found, Path(tempfile.mkdtemp(prefix="testvet-fiu-")))

    @classmethod
    def require(cls) -> Fiu:
        """libfiu, or skip the calling test with the reason."""
        found = cls.find()
        if found is None:
            import pytest

            pytest.skip(MISSING)
        return found

    @property
    def _prefix(self) -> str:
        return str(self.control_dir / "ctrl")

    def env(
        self,
        enable: dict[str, int] | None = None,
        *,
        probability: float | None = None,
        base: dict[str, str] | None = None,
    ) -> dict[str, str]:
        """Environment for a subprocess: ``enable`` maps point names to the errno to fail
        with (e.g. ``{fiu.WRITE: errno.ENOSPC}``), applied from the first call."""
        env = {} if base is None else dict(base)
        libs = ("fiu_run_preload.so", "fiu_posix_preload.so")
        env["LD_PRELOAD"] = " ".join(str(self.preload_dir / lib) for lib in libs)
        env["FIU_CTRL_FIFO"] = self._prefix
        env["FIU_ENABLE"] = "\n".join(
            _command("enable", name, code, probability) for name, code in (enable or {}).items()
        )
        return env

    def _control(self, pid: int, command: str, timeout: float) -> None:
        fifo = f"{self._prefix}-{pid}"
        reply: list[str] = []
        failed: list[OSError] = []

        def talk() -> None:
            try:
                # The FIFOs libfiu made in that process: never create a file in their place.
                with os.fdopen(os.open(fifo + ".in", os.O_WRONLY), "w") as inp:
                    inp.write(command + "\n")
                with open(fifo + ".out") as out:
                    reply.append(out.readline().strip())
            except OSError as exc:
                failed.append(exc)

        thread = threading.Thread(target=talk, daemon=True)
        thread.start()
        thread.join(timeout)
        if failed:
            raise RuntimeError(
                f"libfiu: pid {pid} has no control FIFO ({failed[0].strerror}): start it "
                "with the environment from Fiu.env()"
            )
        if not reply:
            raise RuntimeError(f"libfiu: no reply from pid {pid} to {command!r} within {timeout}s")
        if reply[0] != "0":
            raise RuntimeError(f"libfiu: pid {pid} refused {command!r} ({reply[0]})")

    def enable(
        self,
        pid: int,
        name: str,
        error: int = errno.EIO,
        *,
        probability: float | None = None,
        timeout: float = 5.0,
    ) -> None:
        """Enable failure point ``name`` in a running process started with :meth:`env`."""
        self._control(pid, _command("enable", name, error, probability), timeout)

    def disable(self, pid: int, name: str, *, timeout: float = 5.0) -> None:
        """Disable failure point ``name`` in a running process."""
        self._control(pid, f"disable name={name}", timeout)

    def close(self) -> None:
        """Remove the remote-control directory."""
        shutil.rmtree(self.control_dir, ignore_errors=True)

    # Re-exported names, so ``fiu.WRITE`` works on an instance.
    WRITE = WRITE
    PWRITE = PWRITE
    READ = READ
    FSYNC = FSYNC
    FDATASYNC = FDATASYNC
    OPEN = OPEN
