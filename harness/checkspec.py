"""Check specifications and the catalogue they are registered in.

The catalogue is the one place a check id is defined: its severity, its rule and its source. The
provider-neutral rules are registered by ``harness.catalogue``; each family registers its own block
of ids with ``claim`` when its package is imported (a plug-in family the same way), so the catalogue
holds exactly the rules of the families that are loaded. Nothing here imports the rest of the
harness: every layer may use it.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum


class Severity(str, Enum):
    error = "error"
    warning = "warning"
    info = "info"

    @property
    def rank(self) -> int:
        return _RANK[self]


_RANK = {Severity.error: 2, Severity.warning: 1, Severity.info: 0}


@dataclass(frozen=True, slots=True)
class CheckSpec:
    """One documented rule: stable id, what it demands, how bad a violation is, and who says so."""

    id: str
    severity: Severity
    rule: str
    source: str
    providers: tuple[str, ...] = ()  # empty: applies to every family

    @property
    def family(self) -> str:
        return self.id.rsplit("-", 1)[0]

    @property
    def number(self) -> int:
        return int(self.id.rsplit("-", 1)[1])


class CatalogueError(ValueError):
    """Two registrations disagree: an id defined twice, or two families claiming the same numbers."""


_CATALOGUE: dict[str, CheckSpec] = {}
_BLOCKS: dict[str, range] = {}  # family name -> the check numbers it owns


def register(*specs: CheckSpec) -> None:
    """Add provider-neutral rules (numbers below 100); an id may be registered only once."""
    for spec in specs:
        if spec.number >= 100:
            raise CatalogueError(f"{spec.id}: numbers from 100 up belong to a family's block (use claim)")
    _add(specs)


def claim(family: str, block: range, *specs: CheckSpec) -> tuple[CheckSpec, ...]:
    """Register a family's rules, every one numbered inside ``block``, which no other family may share.

    Claiming is idempotent for the same family and block (a module re-imported under another name),
    so a conflict always means two families, and the error names both.
    """
    if block.start < 100 or block.step != 1:
        raise CatalogueError(f"{family}: a block is a contiguous range of numbers from 100 up, not {block!r}")
    if _BLOCKS.get(family) == block:
        return specs
    for other, taken in _BLOCKS.items():
        if other != family and block.start < taken.stop and taken.start < block.stop:
            raise CatalogueError(
                f"families {other!r} and {family!r} both claim check numbers "
                f"{max(block.start, taken.start)}-{min(block.stop, taken.stop) - 1}"
            )
    for spec in specs:
        if spec.number not in block:
            raise CatalogueError(f"{family}: {spec.id} lies outside its block {block.start}-{block.stop - 1}")
    _add(specs)
    _BLOCKS[family] = block
    return specs


def _add(specs: tuple[CheckSpec, ...]) -> None:
    for spec in specs:
        if spec.id in _CATALOGUE:
            raise CatalogueError(f"check id {spec.id} registered twice")
    for spec in specs:
        _CATALOGUE[spec.id] = spec


def lookup(check_id: str) -> CheckSpec:
    try:
        return _CATALOGUE[check_id]
    except KeyError:
        raise KeyError(
            f"unknown check id {check_id!r}: register it in harness/catalogue.py or in its family's checks module"
        ) from None


def registered() -> dict[str, CheckSpec]:
    """Every rule registered so far, in id order (family, then number)."""
    return dict(sorted(_CATALOGUE.items(), key=lambda kv: (kv[1].family, kv[1].number)))


def blocks() -> dict[str, range]:
    """The check-number block each loaded family owns."""
    return dict(_BLOCKS)
