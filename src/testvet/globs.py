"""Path globs relative to the project root with ``**`` semantics (``*`` stays in one segment)."""

from __future__ import annotations

import functools
import re


@functools.lru_cache(maxsize=256)
def _compile(pattern: str) -> re.Pattern[str]:
    pattern = pattern.strip()
    while pattern.startswith("./"):
        pattern = pattern[2:]
    out: list[str] = []
    i = 0
    while i < len(pattern):
        if pattern.startswith("**/", i):
            out.append("(?:.*/)?")
            i += 3
        elif pattern.startswith("**", i):
            out.append(".*")
            i += 2
        elif pattern[i] == "*":
            out.append("[^/]*")
            i += 1
        elif pattern[i] == "?":
            out.append("[^/]")
            i += 1
        else:
            out.append(re.escape(pattern[i]))
            i += 1
    body = "".join(out)
    # A directory pattern ("src/pkg" or "src/pkg/") matches everything below it.
    return re.compile(f"{body.rstrip('/')}(?:/.*)?" if not body.endswith(".*") else body)


def matches(pattern: str, path: str) -> bool:
    """Whether the ``/``-separated relative ``path`` matches ``pattern``."""
    return _compile(pattern).fullmatch(path) is not None
