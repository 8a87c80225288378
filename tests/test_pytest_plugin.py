"""The pytest plugin as a user meets it: ``pytest --harness`` over cassettes, and the fixtures."""

from __future__ import annotations

from pathlib import Path

import pytest

CASSETTES = Path(__file__).resolve().parents[1] / "cassettes" / "anthropic-messages"


def test_cassettes_become_test_items(pytester: pytest.Pytester) -> None:
    clean = (CASSETTES / "text-with-pings.yaml").read_text(encoding="utf-8")
    pytester.makefile(".yaml", clean=clean)
    # the same clean-declared stream whose message_stop is renamed away: truncated, an undeclared error
    pytester.makefile(".yaml", broken=clean.replace("message_stop", "unknown_event"))
    result = pytester.runpytest("--harness", "-p", "no:cacheprovider")
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines(["*LIFECYCLE-005*"])


def test_a_file_that_is_no_cassette_is_skipped_with_its_reason(pytester: pytest.Pytester) -> None:
    pytester.makefile(".yaml", workflow="name: ci\non: push\njobs: {}\n")
    pytester.makefile(".yaml", cut="harness:\n  provider: [openai-chat\n")  # opens like a cassette: broken, fails
    result = pytester.runpytest("--harness", "-p", "no:cacheprovider", "-rs")
    result.assert_outcomes(skipped=1, failed=1)
    result.stdout.fnmatch_lines(["*CASSETTE-001*opens like a cassette*"])
    result.stdout.fnmatch_lines(["*not a cassette: no `interactions` list*"])


def test_cassettes_are_not_collected_without_the_flag(pytester: pytest.Pytester) -> None:
    pytester.makefile(".yaml", clean=(CASSETTES / "text-with-pings.yaml").read_text(encoding="utf-8"))
    result = pytester.runpytest("-p", "no:cacheprovider")
    result.assert_outcomes()


def test_harness_check_fixture(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(f"""
        from harness.pytest_plugin import assert_conformant

        def test_it(harness_check):
            report = harness_check({str(CASSETTES / "tool-use-resume.yaml")!r})
            assert_conformant(report)
            assert report.turns[0].client_calls
    """)
    pytester.runpytest("-p", "no:cacheprovider").assert_outcomes(passed=1)
