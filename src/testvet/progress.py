"""A rich progress bar with ETA for long stages, shown only on a terminal."""

from __future__ import annotations

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeRemainingColumn,
)


class ProgressBar:
    """A ``ProgressCallback``: ``bar(label, done, total)``; one bar per label."""

    def __init__(self, console: Console | None = None) -> None:
        self._progress = Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeRemainingColumn(),
            console=console or Console(stderr=True),
            transient=True,
        )
        self._tasks: dict[str, TaskID] = {}

    def __call__(self, label: str, done: int, total: int | None) -> None:
        if label not in self._tasks:
            if total is not None and done >= total:
                return  # finished before it was drawn, or already removed: nothing to show
            if not self._tasks:
                self._progress.start()
            self._tasks[label] = self._progress.add_task(label, total=total)
        task = self._tasks[label]
        self._progress.update(task, completed=done, total=total)
        if total is not None and done >= total:
            self._progress.remove_task(task)
            del self._tasks[label]
            if not self._tasks:
                self._progress.stop()

    def close(self) -> None:
        """Remove every bar still drawn (a stage that failed, or never knew its total)."""
        if self._tasks:
            self._tasks.clear()
            self._progress.stop()
