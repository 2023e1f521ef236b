"""Markdown building blocks: escaping, tables with a row cap, fenced code, a size limit."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from testvet.report.views import printable

#: GitHub's job summary limit per step (1 MiB); reports stay below it with some margin.
SIZE_LIMIT = 1024 * 1024
#: What the documents aim at, leaving room for the action's own lines.
SIZE_BUDGET = SIZE_LIMIT - 16 * 1024
#: Longest text put in one table cell.
CELL_MAX = 300

_BACKTICKS = re.compile(r"`+")


_SPANS = re.compile(r"(`+)(.+?)\1")


def _escape_plain(s: str) -> str:
    s = s.replace("\\", "\\\\").replace("|", "\\|")
    return s.replace("<", "&lt;").replace(">", "&gt;")


def text(value: object, limit: int = CELL_MAX) -> str:
    """Text made safe for a table cell or a paragraph (no HTML, no table breaks).

    Code spans written in the text (`` `x < y` ``) are kept as code: only their pipes
    are escaped, since GitHub shows entities inside code literally.
    """
    s = " ".join(printable(str(value)).split())
    if len(s) > limit:
        s = s[: limit - 1].rstrip() + "…"
    out, pos = [], 0
    for m in _SPANS.finditer(s):
        out.append(_escape_plain(s[pos : m.start()]))
        out.append(m.group(0).replace("|", "\\|"))
        pos = m.end()
    out.append(_escape_plain(s[pos:]))
    return "".join(out)


def code(value: object) -> str:
    """An inline code span that survives backticks in ``value``."""
    s = " ".join(printable(str(value)).split()).replace("|", "\\|")
    if not s:
        return ""
    longest = max((len(m) for m in _BACKTICKS.findall(s)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if s.startswith("`") or s.endswith("`") else ""
    return f"{fence}{pad}{s}{pad}{fence}"


def fenced(body: str, lang: str = "") -> str:
    """A fenced code block whose fence is longer than any backtick run in ``body``."""
    body = printable(body)
    longest = max((len(m) for m in _BACKTICKS.findall(body)), default=0)
    fence = "`" * max(3, longest + 1)
    return f"{fence}{lang}\n{body.rstrip()}\n{fence}"


def table(
    header: Sequence[str],
    rows: Sequence[Sequence[str]],
    max_rows: int | None,
    left_out: Callable[[int], str],
) -> list[str]:
    """A pipe table of at most ``max_rows`` rows, then a line counting the rows left out."""
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    shown = rows if max_rows is None else rows[:max_rows]
    lines.extend("| " + " | ".join(row) + " |" for row in shown)
    if len(shown) < len(rows):
        lines.extend(["", left_out(len(rows) - len(shown))])
    return lines


def fit(render: Callable[[int | None], str], rows: int, budget: int = SIZE_BUDGET) -> str:
    """Render with no row cap, then with smaller caps until the UTF-8 size fits ``budget``.

    ``rows`` is the length of the longest table; the first cap is guessed from it.
    """
    doc = render(None)
    size = len(doc.encode("utf-8"))
    if size <= budget:
        return doc
    cap = max(1, int(rows * budget / size * 0.9))
    while True:
        doc = render(cap)
        if len(doc.encode("utf-8")) <= budget or cap == 1:
            break
        cap //= 2
    if len(doc.encode("utf-8")) > budget:  # pathological: even one row per table is too much
        cut = doc.encode("utf-8")[: budget - 200].decode("utf-8", "ignore")
        doc = cut + "\n\n_(report cut here: it exceeded GitHub's 1 MiB summary limit)_\n"
    return doc
