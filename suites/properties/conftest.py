"""Keep the shrunk failing stream of a failed property as a cassette, ready to become a regression.

Property tests call ``remember(family, body)`` before they assert. Hypothesis replays the minimal
failing example last, so when a test fails the last remembered body is the shrunk one; it is written
to ``.hypothesis/harness-failures/<test>.yaml`` and the path is added to the failure report. Move it
to ``cassettes/regressions/`` and declare what it must produce (``harness.expect``), or fix the bug.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from harness.keep import keep_stream

FAILURES = Path(__file__).resolve().parents[2] / ".hypothesis" / "harness-failures"
_REMEMBERED = pytest.StashKey[tuple[str, bytes]]()


@pytest.fixture
def remember(request: pytest.FixtureRequest) -> Callable[[str, bytes | list[bytes]], None]:
    def keep(family: str, body: bytes | list[bytes]) -> None:
        request.node.stash[_REMEMBERED] = (family, body if isinstance(body, bytes) else b"".join(body))

    return keep


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[None]:
    report = yield
    remembered = item.stash.get(_REMEMBERED, None)
    if report.when == "call" and report.failed and remembered is not None:
        family, body = remembered
        path = FAILURES / (re.sub(r"[^\w.-]+", "_", item.name) + ".yaml")
        keep_stream(body, family, path, scenario=item.name, description=f"shrunk failing example of {item.nodeid}")
        report.sections.append(("kept failing stream", f"{path}\n(harness check {path} --verbose)"))
    return report
