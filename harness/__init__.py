"""Conformance harness for LLM and agent provider streams.

Every stage is usable on its own: ``harness.wire.sse.decode(body)``, ``harness.fold(events)``,
``harness.check_path(path)``.
"""

from __future__ import annotations

from typing import Any

__version__ = "0.1.0"

from harness.reducer import Reducer, fold  # noqa: E402

__all__ = ["Reducer", "__version__", "check_path", "check_paths", "fold"]


def __getattr__(name: str) -> Any:
    # The pipeline pulls in every provider; import it only when asked for.
    if name == "check_path":
        from harness.pipeline import check_path

        return check_path
    if name == "check_paths":
        from harness.run import check_paths

        return check_paths
    raise AttributeError(name)
