"""Native event schemas: one JSON Schema (draft 2020-12) per event type, validated by a compiled validator.

Validation runs once per native event on the hot path, so it uses ``jsonschema_rs`` (Rust); the
pure-Python ``jsonschema`` is kept for checking the schema files themselves against the meta-schema.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import jsonschema_rs
import orjson

from harness.findings import Finding, finding

if TYPE_CHECKING:
    from harness.providers.base import NativeEvent

_MAX_ERRORS = 3


def schema_root() -> Path:
    """The schemas folder: beside the package in a checkout, inside it in an installed wheel."""
    bundled = Path(__file__).parent / "_schemas"
    return bundled if bundled.is_dir() else Path(__file__).resolve().parent.parent / "schemas"


class SchemaSet:
    """The schemas of one provider family, compiled on first use of each event type."""

    def __init__(self, provider: str, folder: Path | None = None) -> None:
        self.provider = provider
        self.folder = folder or schema_root() / provider
        self._files = {path.name[: -len(".json")]: path for path in self.folder.glob("*.json")}
        self._validators: dict[str, Any] = {}
        self.checks: dict[str, Callable[[Any], bool]] = {}  # type -> its compiled ``is_valid``, as types are met

    @property
    def types(self) -> list[str]:
        return sorted(self._files)

    def schema(self, event_type: str) -> dict[str, Any] | None:
        path = self._files.get(event_type)
        return None if path is None else orjson.loads(path.read_bytes())

    def validator(self, event_type: str) -> Any:
        """The type's compiled validator, compiled on first use (None: no schema for the type)."""
        validator = self._validators.get(event_type)
        if validator is None:
            schema = self.schema(event_type)
            if schema is None:
                return None
            validator = self._validators[event_type] = jsonschema_rs.validator_for(schema)
            self.checks[event_type] = validator.is_valid
        return validator

    def validate(self, native: NativeEvent) -> list[Finding]:
        validator = self.validator(native.type)
        if validator is None:
            return [finding("SCHEMA-002", f"unknown event type {native.type!r}: skipped", native.location())]
        if validator.is_valid(native.data):
            return []
        found = []
        for error in validator.iter_errors(native.data):
            if len(found) == _MAX_ERRORS:
                break
            path = "/".join(str(part) for part in error.instance_path)
            found.append(finding("SCHEMA-001", f"{native.type}: {error.message}", native.location(path=path or None)))
        return found


@cache
def schemas_for(provider: str) -> SchemaSet:
    """A shipped family's schemas (``schemas/<provider>/``)."""
    return SchemaSet(provider)


@cache
def schemas_in(folder: Path) -> SchemaSet:
    """A plug-in family's schemas, from the folder it names."""
    return SchemaSet(folder.name, folder)
