"""The output directory: the one place testvet writes to, and how it writes there."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from testvet.errors import UsageError

GITIGNORE = "# Created by testvet: everything here is generated.\n*\n"


def ensure_output_dir(path: Path) -> Path:
    """Create ``path`` (and a ``.gitignore`` of ``*`` in it) and return it resolved."""
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise UsageError(f"--output-dir {path}: cannot create: {exc.strerror or exc}") from exc
    if not path.is_dir():
        raise UsageError(f"--output-dir {path}: not a directory")
    ignore = path / ".gitignore"
    if not ignore.exists():
        write_atomic(ignore, GITIGNORE)
    return path.resolve()


def _umask() -> int:
    current = os.umask(0o022)
    os.umask(current)
    return current


def write_atomic(path: Path, text: str | bytes) -> Path:
    """Write ``text`` to ``path`` through a temporary file and a rename.

    A reader (or a killed testvet) sees the old file or the new one, never half of one.
    """
    data = text.encode("utf-8") if isinstance(text, str) else text
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        # mkstemp creates 0600; give the report the mode an ordinary file would get.
        os.fchmod(fd, 0o666 & ~_umask())
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path
