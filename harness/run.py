"""Where ``harness check`` fans out over files: which files, in which order, and what a crash means.

A crash of the harness on one cassette (a bug of ours, never a finding about the stream) is
reported for that cassette, with the exception, and the run goes on with the rest: one bad file
never hides the verdicts of the others, and CI can tell a broken stream (exit 1) from a broken tool
(exit 3).
"""

from __future__ import annotations

import traceback
from collections.abc import Iterable, Iterator
from pathlib import Path

from harness.cassette import CassetteMeta, is_cassette_file
from harness.pipeline import check_path
from harness.report.model import CassetteReport


def cassette_files(paths: Iterable[Path]) -> list[Path]:
    """The files to check: each file as named, each folder's cassette files recursively, in path order."""
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files += sorted(p for p in path.rglob("*") if p.is_file() and is_cassette_file(p))
        else:
            files.append(path)
    return files


def check_files(files: Iterable[Path], provider: str | None = None, *, strict: bool = False,
                keep_events: bool = False) -> Iterator[CassetteReport]:
    """One report per file, in order, as each is checked (so a run need not hold them all)."""
    for file in files:
        yield check_isolated(file, provider, strict=strict, keep_events=keep_events)


def check_isolated(path: Path, provider: str | None = None, *, strict: bool = False,
                   keep_events: bool = False) -> CassetteReport:
    """``check_path``, with a crash of the harness turned into a report that says so."""
    try:
        return check_path(path, provider, strict=strict, keep_events=keep_events)
    except Exception as error:  # noqa: BLE001  any bug of ours, on any input, must not stop the run
        frame = traceback.extract_tb(error.__traceback__)[-1]
        where = f"{Path(frame.filename).name}:{frame.lineno}"
        return CassetteReport(path=str(path), meta=CassetteMeta(provider=provider),
                              crash=f"{type(error).__name__}: {error} (at {where})")


def check_paths(paths: list[Path], provider: str | None = None, *, strict: bool = False,
                keep_events: bool = False) -> list[CassetteReport]:
    """Every cassette under the given files and folders (recursively), in path order.

    ``keep_events`` keeps each exchange's canonical event log on its report (``harness replay``,
    snapshots); a check does not need it, and without it memory stays flat however long a stream is.
    """
    return list(check_files(cassette_files(paths), provider, strict=strict, keep_events=keep_events))
