"""What loading produces: a ``Cassette`` of exchanges, the harness's own metadata, and findings."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from harness.exchange import Exchange
from harness.findings import Finding, Location, finding
from harness.values import array, integer, string


@dataclass(slots=True)
class CassetteMeta:
    """The harness's own key in a cassette (vcrpy ignores it): provenance and declared findings."""

    provider: str | None = None
    scenario: str | None = None
    description: str | None = None
    written_by: str | None = None
    sources: list[str] = field(default_factory=list)
    expect: list[str] = field(default_factory=list)
    equivalent: list[int] = field(default_factory=list)  # exchanges that tell the same turn (say, once per mode)


@dataclass(slots=True)
class Cassette:
    """A loaded file: its exchanges in file order, the harness metadata, and the loader's findings.

    ``format`` names the reader that read the file: ``"vcr-yaml"``, ``"vcr-json"``, ``"har"``,
    ``"nock"``, ``"sse"``, ``"chunks"`` or ``"eventstream"``, with ``"+gzip"`` appended when the file
    itself was gzip-compressed (``"vcr-yaml+gzip"``, as LangChain keeps its cassettes). A file in a
    known format whose interactions are broken keeps its format; the findings say what is wrong.

    ``unreadable`` is None for a cassette, and otherwise says why the file is not a cassette in any
    supported format: the path is no regular file (a directory, a FIFO, a device), cannot be read, is
    over a size limit, does not parse (YAML or JSON), uses a refused YAML tag or an alias bomb, or
    parses to none of the known shapes. The same reason stands in a finding (``CASSETTE-001`` to
    ``-005``) that locates it; a caller that named the file on its own can treat it as a usage error,
    and a folder walk can list it as "not a cassette". After ``load`` exactly one of ``format`` and
    ``unreadable`` is set; a cassette built in code has neither and counts as readable.
    """

    path: Path
    exchanges: list[Exchange] = field(default_factory=list)
    meta: CassetteMeta = field(default_factory=CassetteMeta)
    findings: list[Finding] = field(default_factory=list)
    format: str | None = None
    unreadable: str | None = None


def refuse(cassette: Cassette, check: str, message: str, where: Location) -> None:
    """The file is no cassette we can read: say why in a finding and on the cassette."""
    cassette.findings.append(finding(check, message, where))
    cassette.format = None
    cassette.unreadable = message


# what a cassette's text opens with: vcrpy's top-level `interactions` key (YAML or JSON), this harness's
# `harness` key, or a HAR `log`
_CASSETTE_OPENING = re.compile(rb'^(?:interactions|harness):|"(?:interactions|harness)"\s*:|"log"\s*:\s*\{',
                               re.MULTILINE)
_OPENING_BYTES = 65536


def unparsed(cassette: Cassette, message: str, where: Location, raw: bytes, syntax: str) -> None:
    """A file that does not parse (CASSETTE-001). One that opens like a cassette (a recording cut off
    mid-write, a merge conflict in it) is a broken cassette, checked and failed, never skipped as
    no cassette; any other file is no cassette at all (``refuse``)."""
    if _CASSETTE_OPENING.search(raw[:_OPENING_BYTES]) is None:
        refuse(cassette, "CASSETTE-001", message, where)
    else:
        broken(cassette, "CASSETTE-001", message, where, f"vcr-{syntax}")


def broken(cassette: Cassette, check: str, message: str, where: Location, form: str) -> None:
    """A cassette in ``form`` too broken to hold any exchange: it is checked, and fails on the finding."""
    cassette.findings.append(finding(check, f"{message} (the file opens like a cassette: a broken one)", where))
    cassette.format = form


def read_meta(raw: Any, provider: str | None) -> CassetteMeta:
    """The ``harness:`` key, every member read defensively (a member of the wrong type is absent)."""
    if not isinstance(raw, dict):
        return CassetteMeta(provider=provider)
    return CassetteMeta(
        provider=provider or string(raw.get("provider")),
        scenario=string(raw.get("scenario")),
        description=string(raw.get("description")),
        written_by=string(raw.get("written_by")),
        sources=strings(raw.get("sources")),
        expect=strings(raw.get("expect")),
        equivalent=[item for item in array(raw.get("equivalent")) if integer(item) is not None],
    )


def strings(value: Any) -> list[str]:
    """A list of strings from a value that should be one (a lone string counts as a list of one)."""
    if isinstance(value, str):
        return [value]
    return [item for item in array(value) if isinstance(item, str)]
