"""Generate ``schemas/canonical/`` from the pydantic models (``python -m harness.schemagen``).

The files are committed so that people outside Python can read the vocabulary; a test fails when
they drift from the models.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import orjson

from harness.events import canonical_event_adapter
from harness.schemas import schema_root
from harness.state import Conversation, Turn

DRAFT = "https://json-schema.org/draft/2020-12/schema"


def canonical_schemas() -> dict[str, dict[str, Any]]:
    documents = {
        "event": canonical_event_adapter.json_schema(),
        "turn": Turn.model_json_schema(),
        "conversation": Conversation.model_json_schema(),
    }
    return {
        name: {"$schema": DRAFT, "$id": f"https://harness.invalid/schemas/canonical/{name}.json", **schema}
        for name, schema in documents.items()
    }


def render(schema: dict[str, Any]) -> bytes:
    return orjson.dumps(schema, option=orjson.OPT_INDENT_2 | orjson.OPT_SORT_KEYS) + b"\n"


def write(folder: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, schema in canonical_schemas().items():
        path = folder / f"{name}.json"
        path.write_bytes(render(schema))
        written.append(path)
    return written


if __name__ == "__main__":
    for path in write(Path(sys.argv[1]) if len(sys.argv) > 1 else schema_root() / "canonical"):
        print(path)
