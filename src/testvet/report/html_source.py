"""Source excerpts for the HTML report, read from the project at render time."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

#: Lines shown before and after the flagged lines.
CONTEXT = 2
#: At most this many flagged lines are shown (long constructs are cut).
MAX_FLAGGED = 12
#: Files larger than this are not read.
MAX_BYTES = 2_000_000


@dataclass(frozen=True)
class ExcerptLine:
    """One line of an excerpt."""

    number: int
    text: str
    #: Part of the flagged construct.
    flagged: bool


@dataclass
class SourceReader:
    """Reads files under ``root`` once each; never leaves ``root``."""

    root: Path
    _cache: dict[str, list[str] | None] = field(default_factory=dict)

    def lines(self, path: str) -> list[str] | None:
        """The lines of ``path`` (relative to the root), None when unreadable or outside."""
        if path not in self._cache:
            self._cache[path] = self._read(path)
        return self._cache[path]

    def _read(self, path: str) -> list[str] | None:
        try:
            root = self.root.resolve()
            target = (root / path).resolve()
            if not target.is_relative_to(root) or not target.is_file():
                return None
            if target.stat().st_size > MAX_BYTES:
                return None
            text = target.read_bytes().decode("utf-8", errors="replace")
        except (OSError, ValueError):
            return None
        return [line.expandtabs(4) for line in text.splitlines()]

    def excerpt(self, path: str, line: int | None, end_line: int | None) -> tuple[ExcerptLine, ...]:
        """Lines ``line``..``end_line`` with context; empty when there is nothing to show."""
        if line is None or line < 1:
            return ()
        lines = self.lines(path)
        if not lines or line > len(lines):
            return ()
        last_flagged = min(max(end_line or line, line), line + MAX_FLAGGED - 1, len(lines))
        first = max(1, line - CONTEXT)
        last = min(len(lines), last_flagged + CONTEXT)
        return tuple(
            ExcerptLine(n, lines[n - 1], line <= n <= last_flagged) for n in range(first, last + 1)
        )
