"""The cohere-v2 provider against the two real Cohere v2 recordings in ../shared/corpus/chat-completions.

Vercel's fixtures (vercel_cohere_v2_*.chunks.txt) keep one JSON payload per line, no SSE framing.
Each must run without a crash and without an unexplained error-severity finding (none is expected:
both are well-formed B.2 streams). The folded values below were read by hand off the recordings:
the tool plan is the join of the tool-plan-delta fragments, each call's arguments the join of its
tool-call-delta fragments (B.4), usage is ``tokens`` (not ``billed_units``) plus ``cached_tokens``.
The ``cohere`` SDK is not installed here, so no SDK oracle is used.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from harness.findings import Severity
from suites import corpus

CORPUS = corpus.CORPUS / "chat-completions"
if not CORPUS.is_dir():
    pytest.skip(f"no corpus at {CORPUS}", allow_module_level=True)

PROVIDER = "cohere-v2"
FILES = corpus.corpus_files(PROVIDER)  # only the vercel_cohere_v2_ files of that folder (corpus.ONLY)
EXPECTED_FINDINGS: dict[str, dict[str, str]] = {}  # no error is expected on either recording

# Hand-read from the recordings (line numbers of the .chunks.txt files).
FOLDED = {
    "vercel_cohere_v2_tool_call.chunks.txt": {
        # lines 2-28: 27 tool-plan-delta fragments; "city" "At" "tract" "ions" join into "cityAttractions"
        "text": "I will use the weather tool to find the weather in San Francisco and the cityAttractions tool to "
                "find attractions in San Francisco.",
        # lines 29-37 and 38-46: two calls, arguments '{"' 'location' '":' ' "' 'San' ' Francisco' '"}'
        "calls": [("weather", "weather_e8p4pn45zt0t", '{"location": "San Francisco"}'),
                  ("cityAttractions", "cityAttractions_pyxssbwnq9fq", '{"city": "San Francisco"}')],
        "finish": "TOOL_CALL", "stop": "tool_use",
        "usage": (1549, 95, 1504),  # line 46: tokens.input/output_tokens, cached_tokens (billed_units 119/44)
    },
    "vercel_cohere_v2_empty_tool_call.chunks.txt": {
        "text": "I will use the currentTime tool to find the current time.",
        # line 14-15: tool-call-start with arguments "" and no delta: text "" read as {} (ASSEMBLY-605, info)
        "calls": [("currentTime", "currentTime_y46ar19t5gvw", "")],
        "finish": "TOOL_CALL", "stop": "tool_use",
        "usage": (1445, 43, 704),
    },
}


def test_both_recordings_are_found() -> None:
    assert [path.name for path in FILES] == sorted(FOLDED)


@pytest.mark.parametrize("path", FILES, ids=lambda path: path.name)
def test_no_unexplained_error(path: Path) -> None:
    report = corpus.check_recording(path, PROVIDER)
    errors = {f.check for f in report.findings if f.severity is Severity.error}
    assert errors == set(EXPECTED_FINDINGS.get(path.name, {}))
    assert {f.check for f in report.findings if f.severity is Severity.warning} == set()


@pytest.mark.parametrize("path", FILES, ids=lambda path: path.name)
def test_folded_turn_matches_the_recording(path: Path) -> None:
    report = corpus.check_recording(path, PROVIDER)
    [exchange] = report.exchanges
    turn = exchange.turn
    assert turn is not None
    want = FOLDED[path.name]
    assert turn.text == want["text"]
    assert [(item.name, item.call_id, item.arguments_text) for item in turn.client_calls] == want["calls"]
    assert all(isinstance(item.arguments, dict) for item in turn.client_calls)
    assert (turn.native_stop, turn.stop) == (want["finish"], want["stop"])
    assert turn.usage is not None
    assert (turn.usage.input_tokens, turn.usage.output_tokens, turn.usage.cached_tokens) == want["usage"]
    assert turn.interrupt is not None and turn.interrupt.pending == [call[1] for call in want["calls"]]
