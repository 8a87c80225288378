"""A process pool that knows which item each worker holds, so a worker that dies costs one item.

``multiprocessing.Pool`` waits forever for the task of a worker that died, and
``concurrent.futures.ProcessPoolExecutor`` breaks every pending future and itself with it; neither
can say which task killed the worker. Here each worker works through its items in the order given,
so when one dies (a segfault, ``os._exit``, the OOM killer) the oldest item it had not answered is
the one it died on: that item gets a result from ``failed``, the items queued behind it go to
another worker, a new worker takes its place, and the run goes on. Results come back in input order
as they complete; at most a window of a few items per worker is ahead of the next one due, so
memory stays bounded by what the workers hold, whatever the number of items.
"""

from __future__ import annotations

import multiprocessing
import signal
import sys
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from multiprocessing.connection import Connection, wait
from multiprocessing.context import BaseContext
from multiprocessing.process import BaseProcess
from typing import Generic, TypeVar

T = TypeVar("T")
R = TypeVar("R")

WINDOW_PER_WORKER = 4  # results allowed ahead of the next one due: keeps workers busy past one slow item
PREFETCH = 2  # items in a worker's pipe: the next is there the moment it answers the last


def imap(job: Callable[[T], R], items: Sequence[T], workers: int, failed: Callable[[T, str], R],
         initializers: Sequence[Callable[[], object]] = ()) -> Iterator[R]:
    """``job(item)`` for every item over ``workers`` processes, yielded in input order as results
    arrive. An item whose worker died on it, or whose result could not be sent back, yields
    ``failed(item, why)``. ``initializers`` run once in each worker before its first item."""
    context = _context()
    pool = [_Worker.start(context, job, initializers) for _ in range(workers)]
    window = WINDOW_PER_WORKER * workers
    results: dict[int, R] = {}
    again: deque[int] = deque()  # items a dead worker held but had not started, for another worker
    next_task = next_out = 0

    def bury(slot: int) -> str:
        """Replace a dead worker: the item it was on fails, the ones queued behind it go again."""
        worker, why = pool[slot], pool[slot].close()
        if worker.tasks:
            culprit = worker.tasks.popleft()
            results[culprit] = failed(items[culprit], why)
            again.extendleft(reversed(worker.tasks))
        pool[slot] = _Worker.start(context, job, initializers)
        return why

    try:
        while next_out < len(items):
            for slot in range(workers):
                while len(pool[slot].tasks) < PREFETCH:
                    if again:
                        index = again.popleft()
                    elif next_task < min(len(items), next_out + window):
                        index, next_task = next_task, next_task + 1
                    else:
                        break
                    if not pool[slot].give(index, items[index]):
                        bury(slot)
                        if not pool[slot].give(index, items[index]):  # a new worker that cannot take it either
                            results[index] = failed(items[index], bury(slot))
            busy = [worker for worker in pool if worker.tasks]
            ready = set(wait([w.conn for w in busy] + [w.process.sentinel for w in busy])) if busy else set()
            for slot, worker in enumerate(pool):
                if worker.tasks and {worker.conn, worker.process.sentinel} & ready:
                    for index, done, value in worker.answers():
                        results[index] = value if done else failed(items[index], value)
                    if worker.tasks and (worker.gone or not worker.process.is_alive()):
                        bury(slot)
            while next_out in results:
                yield results.pop(next_out)
                next_out += 1
    finally:
        for worker in pool:
            worker.stop()


def _context() -> BaseContext:
    """``fork`` on Linux: a worker starts from what this process has loaded, in milliseconds, and
    sees what it sees (tests patch the pipeline in-process); ``spawn`` where forking is unsafe."""
    return multiprocessing.get_context("fork" if sys.platform == "linux" else "spawn")


class _Worker(Generic[T, R]):
    """One worker process, the pipe to it, and the indices of the items it holds, in the order given."""

    def __init__(self, process: BaseProcess, conn: Connection) -> None:
        self.process, self.conn = process, conn
        self.tasks: deque[int] = deque()
        self.gone = False  # its end of the pipe closed: it died, or is dying

    @classmethod
    def start(cls, context: BaseContext, job: Callable[[T], R],
              initializers: Sequence[Callable[[], object]]) -> _Worker[T, R]:
        parent, child = context.Pipe()
        process = context.Process(target=_serve, args=(child, job, initializers), daemon=True,  # type: ignore[attr-defined]
                                  name="harness-worker")
        process.start()
        child.close()
        return cls(process, parent)

    def give(self, index: int, item: T) -> bool:
        """Queue an item for the worker; False when it is gone."""
        try:
            self.conn.send((index, item))
        except OSError:
            return False
        self.tasks.append(index)
        return True

    def answers(self) -> Iterator[tuple[int, bool, R | str]]:
        """The answers waiting in the pipe, each for the oldest item held (a worker answers in the
        order given), until the pipe is empty or closed (a dead worker: ``imap`` buries it)."""
        try:
            while self.tasks and self.conn.poll():
                _, done, value = self.conn.recv()
                yield self.tasks.popleft(), done, value
        except (EOFError, OSError):
            self.gone = True

    def close(self) -> str:
        """Reap a worker that died, and say how it ended."""
        self.process.join(timeout=5)
        if self.process.exitcode is None:
            self.process.kill()
            self.process.join()
        self.conn.close()
        code = self.process.exitcode or 0
        if code >= 0:
            return f"it exited with status {code}"
        name = signal.Signals(-code).name if -code in signal.valid_signals() else f"signal {-code}"
        return f"it was killed by {name}" + (", as the out-of-memory killer does" if name == "SIGKILL" else "")

    def stop(self) -> None:
        """End the worker: asked to stop when it holds nothing, killed when it still does."""
        if not self.tasks:
            try:
                self.conn.send(None)
            except OSError:
                pass
            self.process.join(timeout=5)
        if self.process.exitcode is None:
            self.process.kill()
            self.process.join()
        self.conn.close()


def _serve(conn: Connection, job: Callable[[T], R], initializers: Sequence[Callable[[], object]]) -> None:
    """A worker's life: initialise once, then answer each item until told to stop (None). Ctrl-C is
    the parent's to handle (it stops the workers); a worker does not print a traceback of its own."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    for initializer in initializers:
        initializer()
    while (task := _next(conn)) is not None:
        index, item = task
        result = job(item)
        try:
            conn.send((index, True, result))
        except OSError:
            return  # the parent is gone
        except Exception as error:  # noqa: BLE001  a result pickle cannot write must still be answered
            conn.send((index, False, f"its result could not be sent back: {type(error).__name__}: {error}"))


def _next(conn: Connection) -> tuple[int, object] | None:
    """The next item, or None when told to stop or when the parent is gone (its end of the pipe closed)."""
    try:
        return conn.recv()  # type: ignore[no-any-return]
    except EOFError:
        return None
