"""Acme's own rules: the block of check numbers 1000-1099, claimed when the family is imported."""

from __future__ import annotations

from harness.checkspec import CheckSpec, Severity, claim

FAMILY = ("acme-stream",)
SOURCE = "Acme streaming API reference, Events"

CHECKS = claim(
    "acme-stream", range(1000, 1100),
    CheckSpec("LIFECYCLE-1001", Severity.error, "The stream opens with exactly one response.start.", SOURCE, FAMILY),
    CheckSpec("ASSEMBLY-1002", Severity.warning, "text.delta indices run 0, 1, 2, ... without gaps.", SOURCE, FAMILY),
)
