"""JSON Lines: one cassette report per line, written as each report arrives.

The same object per cassette as the JSON report's ``cassettes`` list (``cassette_data``, keys sorted),
one per line and flushed at once, so a run over a huge corpus never holds every report in memory, a
reader can follow the file while the run goes on, and a run that stops half way leaves every line
it wrote whole.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import BinaryIO

from harness.report.data import cassette_data
from harness.report.model import CassetteReport
from harness.report.safe import json_bytes


def jsonl_line(report: CassetteReport) -> bytes:
    """One report as one line (JSON never holds a raw newline: every string escapes its own)."""
    return json_bytes(cassette_data(report), sort_keys=True) + b"\n"


def written(reports: Iterable[CassetteReport], out: BinaryIO) -> Iterator[CassetteReport]:
    """The reports, each passed on once its line is written and flushed to ``out``."""
    for report in reports:
        out.write(jsonl_line(report))
        out.flush()
        yield report
