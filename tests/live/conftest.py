"""Servers for the live tests: real sockets on 127.0.0.1, started by the test and stopped by it."""

from __future__ import annotations

from pathlib import Path

import pytest

from harness.live.library import Library

CASSETTES = Path(__file__).resolve().parents[2] / "cassettes"


@pytest.fixture(scope="session")
def shipped() -> Library:
    """Every shipped cassette, as one server would serve them."""
    return Library.load([CASSETTES])
