"""Where the real recorded streams live: ../shared/corpus beside the checkout (never copied in)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

CORPUS = Path(os.environ.get("HARNESS_CORPUS", Path(__file__).resolve().parents[2] / "shared" / "corpus"))

PROVIDER_FOLDERS = {"openai-responses": "openai-responses", "anthropic-messages": "anthropic"}


def corpus_files(provider: str) -> list[Path]:
    """Every recording of a provider family, or an empty list when the corpus is absent."""
    folder = CORPUS / PROVIDER_FOLDERS[provider]
    if not folder.is_dir():
        return []
    return sorted(path for path in folder.iterdir() if path.suffix in (".yaml", ".txt"))


def corpus_params(provider: str) -> list[object]:
    """pytest parameters for a provider's recordings; one skipped parameter when the corpus is absent."""
    files = corpus_files(provider)
    if not files:
        return [pytest.param(None, marks=pytest.mark.skip(reason=f"no corpus at {CORPUS}"), id="no-corpus")]
    return [pytest.param(path, id=path.name) for path in files]
