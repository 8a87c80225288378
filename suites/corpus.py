"""Where the real recorded streams live: ../shared/corpus beside the checkout (never copied in)."""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from harness.pipeline import CassetteReport

CORPUS = Path(os.environ.get("HARNESS_CORPUS", Path(__file__).resolve().parents[2] / "shared" / "corpus"))

PROVIDER_FOLDERS = {"openai-responses": "openai-responses", "anthropic-messages": "anthropic", "openai-chat": "chat-completions", "gemini": "gemini"}


def corpus_files(provider: str) -> list[Path]:
    """Every recording of a provider family, or an empty list when the corpus is absent."""
    folder = CORPUS / PROVIDER_FOLDERS[provider]
    if not folder.is_dir():
        return []
    return sorted(path for path in folder.iterdir() if path.suffix in (".yaml", ".txt"))


def corpus_params(ids: Sequence[str], known_ids: Sequence[str] = ()) -> list[object]:
    """pytest parameters for recordings named by ``ids``.

    When the corpus is absent every known id (say, one per committed snapshot) becomes a skipped
    parameter, so that a machine without ../shared/corpus skips those cases by name instead of
    losing track of them.
    """
    if ids:
        return [pytest.param(name, id=name) for name in ids]
    skip = pytest.mark.skip(reason=f"no corpus at {CORPUS}")
    return [pytest.param(None, marks=skip, id=name) for name in known_ids or ["no-corpus"]]


def check_recording(path: Path, provider: str) -> "CassetteReport":
    """Run one recording; raw stream files (.txt, .chunks.txt) need the family named."""
    from harness.pipeline import check_path

    return check_path(path, provider=provider if path.suffix == ".txt" else None)
