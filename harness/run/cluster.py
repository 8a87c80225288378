"""``harness check --dask ADDRESS``: the same map over files, on an existing Dask distributed cluster.

The client sends paths, never bytes: each is local to the workers (a shared file system, where a
relative path is sent absolute) or an fsspec URL they can read, and each worker checks it exactly as
``harness.run.check_one`` does here, so the reports are the ones a local run makes.

A task checks a batch of files, not one: Dask spends about a millisecond of client and scheduler
time on every task, as much as a small cassette's whole check, so one file per task would make the
scheduler the limit long before the workers. Batches are small enough that every worker thread gets
several. They go out in a sliding window and their reports are taken in input order, so neither the
client nor the workers ever hold a whole corpus of reports.

A worker that dies mid-run has its tasks re-run elsewhere by the scheduler. A batch on which workers
die more than the scheduler's ``distributed.scheduler.allowed-failures`` times (3 unless the cluster
says otherwise; 1 gives "a file that kills two workers") comes back as ``KilledWorker``; its files
are then checked once more here, in a process of our own (``harness.run.pool``), one at a time, so
the file that kills is reported as crashed and the others of its batch keep their real reports. Any
other failure (the scheduler gone, harness not importable on the workers) stops the run with
``ClusterError``, naming how many files were checked: a run is never complete with files missing.
"""

from __future__ import annotations

import math
import uuid
from collections import deque
from collections.abc import Iterator, Sequence
from functools import partial
from pathlib import Path
from typing import Any

from harness.report.model import CassetteReport
from harness.run import check_one, died, load_families
from harness.run.remote import is_url, renamed

TASKS_PER_THREAD = 8  # batches per worker thread over a run: enough for the scheduler to balance the load
MAX_BATCH = 32  # files per task, at most
WINDOW_PER_THREAD = 4  # tasks in flight per worker thread: enough to hide the round trips
CONNECT_SECONDS = 10


class ClusterError(RuntimeError):
    """The cluster cannot finish the run (the message says what happened and how far it got)."""


def check_on_cluster(files: Sequence[Path | str], address: str, provider: str | None = None, *,
                     strict: bool = False, keep_events: bool = False) -> Iterator[CassetteReport]:
    """One report per file, in input order, each checked by a worker of the cluster at ``address``
    (``keep_events``: with each exchange's canonical log, as ``harness.run.check_files`` keeps it)."""
    try:
        from distributed import Client, KilledWorker
    except ImportError as error:
        raise ClusterError("--dask needs the dask extra: pip install 'provider-conformance-harness[dask]'") from error
    try:
        client = Client(address, timeout=CONNECT_SECONDS, set_as_default=False)
    except (OSError, TimeoutError, ValueError) as error:
        raise ClusterError(f"cannot reach the Dask scheduler at {address}: {error}") from error
    run = uuid.uuid4().hex[:12]
    with client:
        threads = max(1, sum(client.nthreads().values()))
        size = max(1, min(MAX_BATCH, math.ceil(len(files) / (threads * TASKS_PER_THREAD))))
        batches = iter(enumerate(range(0, len(files), size)))
        pending: deque[tuple[list[str], list[str], Any]] = deque()

        def submit() -> None:
            for index, start in batches:
                given = [str(path) for path in files[start:start + size]]
                where = [_readable(path) for path in files[start:start + size]]
                pending.append((given, where, client.submit(check_batch, where, provider, strict, keep_events,
                                                            key=f"harness-check-{run}-{index}")))
                return

        for _ in range(WINDOW_PER_THREAD * threads):
            submit()
        done = 0
        while pending:
            given, where, future = pending.popleft()
            try:
                reports = future.result()
            except KilledWorker:
                reports = _confirmed(where, provider, strict, keep_events)
            except Exception as error:  # anything else is the cluster's failure, not the files'
                raise ClusterError(f"the Dask cluster at {address} failed after {done} of {len(files)} files, "
                                   f"on {given[0]}: {type(error).__name__}: {error}") from error
            finally:
                future.release()
            submit()
            for report, path, read in zip(reports, given, where, strict=True):
                done += 1
                yield renamed(report, read, path)


def check_batch(paths: list[str], provider: str | None, strict: bool, keep_events: bool) -> list[CassetteReport]:
    """A task: the reports of a batch of files, in order (runs on a worker)."""
    return [check_one(path, provider, strict=strict, keep_events=keep_events) for path in paths]


def _readable(path: Path | str) -> str:
    """Where a worker reads the file: a URL as it is, a local path made absolute (a worker's working
    folder is not ours); the report is renamed back to the path as given, as a local run names it."""
    return path if isinstance(path, str) and is_url(path) else str(Path(path).absolute())


def _confirmed(paths: list[str], provider: str | None, strict: bool, keep_events: bool) -> list[CassetteReport]:
    """The reports of a batch the scheduler gave up on, from one more check of each file, one at a
    time in a process of our own: Dask blames every task a dying worker held (queued ones too), so a
    batch that only shared a worker with the culprit gets its real reports, and the culprit kills our
    process too and is reported as crashed."""
    from harness.run.pool import imap

    def failed(item: str, why: str) -> CassetteReport:
        return died(item, f"Dask workers died running it, and so did a local worker process: {why}", provider)

    job = partial(check_one, provider=provider, strict=strict, keep_events=keep_events)
    return list(imap(job, paths, 1, failed, (load_families,)))
