"""A progress bar for long runs, on stderr, only where a person watches it.

Shown when the console is an interactive terminal and the run has more than a handful of files;
never in a pipe, a redirected file or a CI log, where a redrawn bar becomes thousands of lines. The
bar counts files as their reports come back (in input order, from this process, a pool or a Dask
cluster), so it advances however the run is spread.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, TypeVar

from rich.console import Console

if TYPE_CHECKING:
    from rich.progress import Progress, ProgressColumn, TaskID

T = TypeVar("T")

MIN_FILES = 8  # a run this short ends before a bar would tell anyone anything


def shows_progress(console: Console, files: int) -> bool:
    """Whether a bar belongs on ``console`` for a run of ``files`` files."""
    return console.is_interactive and console.is_terminal and files > MIN_FILES


@contextmanager
def progress(items: Iterable[T], files: int, console: Console) -> Iterator[Iterator[T]]:
    """``items`` passed through, advancing a bar on ``console`` as each arrives (when it shows). The
    bar goes when the block ends, so what is printed next (the table) starts on a clean line.

    While it shows, what is written to stdout goes above it when stdout is the same terminal, and
    straight to stdout when stdout is redirected (rich would send it to the bar's stream otherwise).
    """
    if not shows_progress(console, files):
        yield iter(items)
        return
    from rich.progress import Progress  # loaded only where a bar shows: a one-file run starts faster

    with Progress(*_columns(), console=console, transient=True, redirect_stdout=sys.stdout.isatty()) as bar:
        task = bar.add_task("checking", total=files)
        yield _advancing(items, bar, task)


def _advancing(items: Iterable[T], bar: Progress, task: TaskID) -> Iterator[T]:
    for item in items:
        bar.advance(task)
        yield item


def _columns() -> tuple[ProgressColumn, ...]:
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        ProgressColumn,
        Task,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )
    from rich.text import Text

    class Rate(ProgressColumn):
        """Files per second, once there is a rate to show."""

        def render(self, task: Task) -> Text:
            speed = task.finished_speed or task.speed
            return Text(f"{speed:.1f} files/s" if speed else "", style="progress.data.speed")

    return (TextColumn("checking"), BarColumn(), MofNCompleteColumn(), TextColumn("files"), TimeElapsedColumn(),
            TextColumn("eta"), TimeRemainingColumn(), Rate())
