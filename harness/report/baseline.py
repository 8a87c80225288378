"""Baselines: accept the findings a project knows about, fail only on new ones, and see what got fixed.

A finding's fingerprint names what it is about, not where its bytes sit: the check id, the cassette
(its path as given), the exchange, the native event type and the JSON path, and its rank among the
findings that share all of those. Byte offsets, frame numbers and messages (which quote ids and
values) are left out, so re-recording a cassette with the same behaviour keeps every fingerprint.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import orjson

from harness.findings import Finding
from harness.report.model import CassetteReport
from harness.report.safe import json_bytes

VERSION = 1


def fingerprints(report: CassetteReport) -> list[tuple[str, Finding]]:
    """Each finding of the report with its fingerprint, in report order."""
    ranks: Counter[tuple[Any, ...]] = Counter()
    out = []
    for item in report.findings:
        where = item.location
        key = (item.check, report.path, where.exchange, where.native_type, where.path)
        ranks[key] += 1
        text = "\x1f".join("" if part is None else str(part) for part in (*key, ranks[key]))
        out.append((hashlib.sha256(text.encode("utf-8", errors="surrogatepass")).hexdigest()[:20], item))
    return out


@dataclass(frozen=True, slots=True)
class Baseline:
    entries: dict[str, dict[str, Any]]  # fingerprint -> what it was (check, cassette, exchange, message)

    @classmethod
    def of(cls, reports: list[CassetteReport]) -> Baseline:
        return cls({fp: {"check": f.check, "cassette": r.path, "exchange": f.location.exchange, "message": f.message}
                    for r in reports for fp, f in fingerprints(r)})

    @classmethod
    def read(cls, path: Path) -> Baseline:
        """The baseline in ``path``; ValueError says why it cannot be used."""
        try:
            document = orjson.loads(path.read_bytes())
        except (OSError, orjson.JSONDecodeError) as error:
            raise ValueError(f"cannot read the baseline {path}: {error}") from None
        if not (isinstance(document, dict) and document.get("version") == VERSION
                and isinstance(document.get("findings"), dict)):
            raise ValueError(f"{path} is not a harness baseline (version {VERSION})")
        return cls(document["findings"])

    def write(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(json_bytes({"version": VERSION, "findings": self.entries}, indent=True, sort_keys=True) + b"\n")

    def accept(self, report: CassetteReport) -> CassetteReport:
        """The report with the baseline's findings accepted (they no longer fail the cassette)."""
        return replace(report, accepted=frozenset(id(f) for fp, f in fingerprints(report) if fp in self.entries))

    def fixed(self, reports: list[CassetteReport]) -> list[dict[str, Any]]:
        """Entries of the baseline that no longer occur in the checked cassettes."""
        checked = {report.path for report in reports}
        present = {fp for report in reports for fp, _ in fingerprints(report)}
        return [entry for fp, entry in sorted(self.entries.items())
                if entry["cassette"] in checked and fp not in present]
