"""Where ``harness check`` fans out over files: which files, in which order, and what a crash means.

In this process, over a pool of processes (``harness.run.pool``) or on a Dask cluster
(``harness.run.cluster``); every way yields one report per file, in input order, as each arrives, so
a run over a huge corpus never holds every report, and the output never depends on the way.

A crash of the harness on one cassette (a bug of ours, never a finding about the stream) is
reported for that cassette, with the exception, and the run goes on with the rest: one bad file
never hides the verdicts of the others, and CI can tell a broken stream (exit 1) from a broken tool
(exit 3). A worker process that dies on a file (segfault, ``os._exit``, the OOM killer) is the same
kind of crash, reported for that file.
"""

from __future__ import annotations

import os
import traceback
from collections.abc import Callable, Iterable, Iterator
from contextlib import suppress
from functools import partial
from pathlib import Path

from harness import registry
from harness.cassette import CassetteMeta, is_cassette_file
from harness.pipeline import check_path
from harness.report.model import CassetteReport
from harness.run.remote import is_url


def cassette_files(paths: Iterable[Path]) -> list[Path]:
    """The files to check: each file as named, each folder's cassette files recursively, in path order."""
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files += sorted(p for p in path.rglob("*") if p.is_file() and is_cassette_file(p))
        else:
            files.append(path)
    return files


def default_workers() -> int:
    """One worker per core this process may run on."""
    affinity = getattr(os, "sched_getaffinity", None)
    return len(affinity(0)) if affinity is not None else os.cpu_count() or 1


def check_files(files: Iterable[Path | str], provider: str | None = None, *, strict: bool = False,
                keep_events: bool = False, workers: int = 1,
                initializer: Callable[[], object] | None = None) -> Iterator[CassetteReport]:
    """One report per file, in order, as each is checked (so a run need not hold them all).

    A file is a path or an fsspec URL. ``workers`` above 1 checks the files over that many processes
    (never more than there are files); ``initializer`` runs once in each worker after the families
    are loaded (tests use it).
    """
    job = partial(check_one, provider=provider, strict=strict, keep_events=keep_events)
    files = list(files)
    workers = min(workers, len(files))
    if workers <= 1:
        yield from map(job, files)
        return
    from harness.run.pool import imap

    initializers = (load_families,) if initializer is None else (load_families, initializer)
    yield from imap(job, files, workers, partial(died, provider=provider), initializers)


def load_families() -> None:
    """Load the families in a worker before its first file, so each worker pays for it once. A
    family that cannot load is left to fail every check, as it does in one process."""
    with suppress(Exception):
        registry.providers()


def check_one(path: Path | str, provider: str | None = None, *, strict: bool = False,
              keep_events: bool = False) -> CassetteReport:
    """A local path, or an fsspec URL (``s3://...``), checked with crashes isolated."""
    if isinstance(path, str) and is_url(path):
        from harness.run.remote import check_url

        return check_url(path, provider, strict=strict, keep_events=keep_events)
    return check_isolated(Path(path), provider, strict=strict, keep_events=keep_events)


def check_isolated(path: Path, provider: str | None = None, *, strict: bool = False,
                   keep_events: bool = False) -> CassetteReport:
    """``check_path``, with a crash of the harness turned into a report that says so."""
    try:
        return check_path(path, provider, strict=strict, keep_events=keep_events)
    except Exception as error:  # noqa: BLE001  any bug of ours, on any input, must not stop the run
        frame = traceback.extract_tb(error.__traceback__)[-1]
        where = f"{Path(frame.filename).name}:{frame.lineno}"
        return crashed(path, provider, f"{type(error).__name__}: {error} (at {where})")


def died(path: Path | str, why: str, provider: str | None = None) -> CassetteReport:
    """The report of a file whose worker gave no report: it died on the file (``why`` says how)."""
    return crashed(path, provider, f"no report from the worker process checking this file: {why}")


def crashed(path: Path | str, provider: str | None, crash: str) -> CassetteReport:
    return CassetteReport(path=str(path), meta=CassetteMeta(provider=provider), crash=crash)


def check_paths(paths: list[Path], provider: str | None = None, *, strict: bool = False,
                keep_events: bool = False) -> list[CassetteReport]:
    """Every cassette under the given files and folders (recursively), in path order.

    ``keep_events`` keeps each exchange's canonical event log on its report (``harness replay``,
    snapshots); a check does not need it, and without it memory stays flat however long a stream is.
    """
    return list(check_files(cassette_files(paths), provider, strict=strict, keep_events=keep_events))
