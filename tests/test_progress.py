"""The terminal progress bars: drawn while a stage runs, never left behind."""

from __future__ import annotations

import io

from rich.console import Console

from testvet.progress import ProgressBar

HIDE_CURSOR, SHOW_CURSOR = "\x1b[?25l", "\x1b[?25h"


def _bar() -> tuple[ProgressBar, io.StringIO]:
    out = io.StringIO()
    console = Console(file=out, force_terminal=True, width=80)
    return ProgressBar(console), out


def test_a_finished_stage_removes_its_bar_and_gives_the_cursor_back() -> None:
    bar, out = _bar()
    bar("run", 0, 3)
    bar("run", 3, 3)
    text = out.getvalue()
    assert text.count(HIDE_CURSOR) == text.count(SHOW_CURSOR) == 1
    bar.close()  # nothing left to stop
    assert out.getvalue() == text


def test_close_removes_a_bar_whose_total_never_became_known() -> None:
    bar, out = _bar()
    bar("collecting tests", 0, None)
    assert SHOW_CURSOR not in out.getvalue()  # still drawing
    bar.close()
    text = out.getvalue()
    assert text.count(HIDE_CURSOR) == text.count(SHOW_CURSOR) == 1


def test_a_stage_reported_done_before_it_was_drawn_draws_nothing() -> None:
    bar, out = _bar()
    bar("run", 0, 0)  # nothing to run
    bar("mutants", 5, 5)  # reported once, already complete
    bar.close()
    assert out.getvalue() == ""
