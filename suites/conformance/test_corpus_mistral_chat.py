"""Mistral's chat completions (read by the openai-chat family) against the real recordings in
../shared/corpus/mistral.

Mistral serves ``POST /v1/chat/completions`` in the Chat Completions shape with its own differences
(specs/gemini-mistral-bedrock.md B.4, B.7; harness/providers/openai_chat/mistral.py): content-chunk
lists whose thinking chunks are reasoning, whole tool calls without ``index`` or ``type``, usage on
the finish chunk, 9-character tool call ids. Each recording must run without a crash, and every
error or warning it gives must be one explained in EXPECTED_FINDINGS. The folded turn is then compared
with values read by hand off the recording (FOLDED, each explained): the ``mistralai`` SDK is not
installed here, and it has no accumulator to use as an oracle anyway (specs/prior-art.md: typed events,
no accumulator). Where the openai SDK's accumulator can read a recording (Mistral is often called
through it, with a base URL), its text, calls and finish reason must agree with the harness too. ``docs_agents_streaming_page.mdx`` in that folder is a documentation page about the
Conversations API, not a recording, and is left out (only .yaml and .txt files are read).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from harness.findings import Severity
from suites import corpus, oracles

CORPUS = corpus.CORPUS / "mistral"
if not CORPUS.is_dir():
    pytest.skip(f"no corpus at {CORPUS}", allow_module_level=True)

PROVIDER = "openai-chat"
# corpus.PROVIDER_FOLDERS does not map this folder to a family yet, so the list is built here
FILES = [path for path in corpus.corpus_files("openai-chat") if path.parent.name == "mistral"]  # corpus.EXTRA_FOLDERS

EXPECTED_FINDINGS: dict[str, dict[str, str]] = {
    "vercel_incremental_tool_call_UNVERIFIED.chunks.txt": {
        "LIFECYCLE-306": "the first chunk has no delta.role (B.3.4 wants role \"assistant\" on a choice's first delta; "
                         "Mistral's own models send it, see the other five recordings)",
        "ASSEMBLY-309": "Z.AI's zai-glm-5-2 served through the Mistral API (vercel/ai#19178; the 32-hex response id is "
                        "Mistral's) calls with id 'chatcmpl-tool-9f149c74c42f265b', vLLM's shape, not Mistral's 9 "
                        "alphanumerics; Mistral refuses that id when the client sends it back (B.6)",
    },
}

# Read by hand off each recording (frame numbers count the data lines from 0).
FOLDED: dict[str, dict[str, Any]] = {
    "oi_chat_stream_text.yaml": {
        # frames 1-4: "France", " won", " World", " Cup"; frames 0 and 5 carry content ""
        "text": "France won World Cup", "reasoning": "", "calls": [],
        "finish": "stop", "stop": "end_turn",
        "usage": (26, 4, 30),  # frame 5, beside finish_reason stop: prompt 26, completion 4, total 30
    },
    "pai_magistral_thinking_stream.yaml": {
        # frames 2-58: 57 thinking chunks, each {"type":"thinking","thinking":[{"type":"text","text":...}]}, joined;
        # frame 59 is a thinking chunk with an empty list (the end of thinking); none of it is text. Both strings
        # equal the ThinkingPart and TextPart that pydantic-ai's own test of this cassette snapshots
        # (pydantic/pydantic-ai tests/models/test_mistral.py::test_mistral_model_thinking_part_iter), with usage
        # input 10 / output 232
        "reasoning": "Okay, the user is asking how to cross the street. I know that crossing the street safely involves "
                     "a few key steps: first, look both ways to check for oncoming traffic; second, use a crosswalk if "
                     "one is available; third, obey any traffic signals or signs that may be present; and finally, "
                     "proceed with caution until you have safely reached the other side. Let me compile this "
                     "information into a clear and concise response.",
        # frames 60-156: plain string content pieces
        "text": "To cross the street safely, follow these steps:\n\n"
                "1. Look both ways to check for oncoming traffic.\n2. Use a crosswalk if one is available.\n"
                "3. Obey any traffic signals or signs that may be present.\n"
                "4. Proceed with caution until you have safely reached the other side.\n\n"
                "```markdown\nTo cross the street safely, follow these steps:\n\n"
                "1. Look both ways to check for oncoming traffic.\n2. Use a crosswalk if one is available.\n"
                "3. Obey any traffic signals or signs that may be present.\n"
                "4. Proceed with caution until you have safely reached the other side.\n```\n\n"
                "By following these steps, you can ensure a safe crossing.",
        "calls": [], "finish": "stop", "stop": "end_turn",
        "usage": (10, 232, 242),  # frame 157, content "" with finish_reason stop
    },
    "vercel_text.chunks.txt": {
        # lines 2-7: "Hello" ", " "world!" " This" " is a test" " response."
        "text": "Hello, world! This is a test response.", "reasoning": "", "calls": [],
        "finish": "stop", "stop": "end_turn", "usage": (13, 8, 21),  # line 8
    },
    "vercel_reasoning.chunks.txt": {
        # lines 1-2: two thinking chunks; line 3: a text chunk in a list; line 4: content "" with finish stop
        "reasoning": "The user is asking for 2+2. This is basic arithmetic. 2+2=4.",
        "text": "2 + 2 = 4", "calls": [], "finish": "stop", "stop": "end_turn", "usage": (10, 46, 56),
    },
    "vercel_tool_call.chunks.txt": {
        # line 2: one whole call (no index, no type) with finish_reason tool_calls and usage on the same chunk
        "text": "", "reasoning": "",
        "calls": [("weather", "gSIMJiOkT", '{"location": "San Francisco"}')],
        "finish": "tool_calls", "stop": "tool_use", "usage": (124, 22, 146),
    },
    "vercel_incremental_tool_call_UNVERIFIED.chunks.txt": {
        # line 1: id, type, name and arguments ""; line 2: the arguments whole, name "" (ignored: an empty string
        # names nothing) and no id; line 3: finish_reason tool_calls with usage (cached_tokens 128 in details)
        "text": "", "reasoning": "",
        "calls": [("webSearchTool", "chatcmpl-tool-9f149c74c42f265b", '{"query": "current Berlin weather"}')],
        "finish": "tool_calls", "stop": "tool_use", "usage": (171, 14, 185),
    },
}


def test_every_recording_is_found() -> None:
    assert [path.name for path in FILES] == sorted(FOLDED)


@pytest.mark.parametrize("path", FILES, ids=lambda path: path.name)
def test_no_unexplained_finding(path: Path) -> None:
    report = corpus.check_recording(path, PROVIDER)
    assert {f.check for f in report.findings if f.severity is not Severity.info} == set(
        EXPECTED_FINDINGS.get(path.name, {}))


@pytest.mark.parametrize("path", [path for path in FILES if path.suffix == ".yaml"], ids=lambda path: path.name)
def test_cassettes_are_detected_as_chat_completions_from_mistral(path: Path) -> None:
    """The two vcrpy cassettes keep their URL (api.mistral.ai/v1/chat/completions): no --provider needed."""
    from harness.pipeline import check_path

    report = check_path(path)
    assert [exchange.provider for exchange in report.exchanges] == [PROVIDER]
    assert report.turns[0].native == {"server": "mistral"}


@pytest.mark.parametrize("path", FILES, ids=lambda path: path.name)
def test_folded_turn_matches_the_recording(path: Path) -> None:
    report = corpus.check_recording(path, PROVIDER)
    [turn] = report.turns
    want = FOLDED[path.name]
    reasoning = "".join(item.reasoning[part] for item in turn.items if item.kind == "reasoning"
                        for part in sorted(item.reasoning))
    assert (turn.text, reasoning) == (want["text"], want["reasoning"])
    assert [(item.name, item.call_id, item.arguments_text) for item in turn.client_calls] == want["calls"]
    assert all(isinstance(item.arguments, dict) for item in turn.client_calls)
    assert (turn.native_stop, turn.stop) == (want["finish"], want["stop"])
    assert turn.usage is not None
    assert (turn.usage.input_tokens, turn.usage.output_tokens, turn.usage.total_tokens) == want["usage"]
    pending = turn.interrupt.pending if turn.interrupt else []
    assert pending == [call[1] for call in want["calls"]]
    assert turn.native == {"server": "mistral"}  # every one is recognised as Mistral's (URL, model or id shape)


# openai-python's ChatCompletionStreamState (lib/streaming/_deltas.py ``accumulate_delta``) cannot read two of
# the recordings, and only half-reads a third:
OPENAI_SDK_CANNOT = {
    # the first delta.content is a list of content chunks: list entries must carry an ``index`` (RuntimeError)
    "vercel_reasoning.chunks.txt": "RuntimeError",
    # the whole call has no ``index``: the SDK indexes its list of calls with None (TypeError)
    "vercel_tool_call.chunks.txt": "TypeError",
}
# pai_magistral_thinking_stream.yaml: content starts as "" (a string), so the SDK ignores the thinking lists that
# follow (a list delta on a string accumulator matches no branch) and keeps the string pieces: its text equals
# the harness's text, and its reasoning is lost, which the FOLDED values above check on the harness side.


@pytest.mark.filterwarnings("ignore:Pydantic serializer warnings:UserWarning")
@pytest.mark.parametrize("path", FILES, ids=lambda path: path.name)
def test_the_openai_sdk_agrees_where_it_can_read_the_stream(path: Path) -> None:
    [turn] = corpus.check_recording(path, PROVIDER).turns
    [(_, payloads)] = corpus.exchange_payloads(path, PROVIDER)
    final, problem = oracles.openai_chat_final(payloads)
    if path.name in OPENAI_SDK_CANNOT:
        assert problem is not None and OPENAI_SDK_CANNOT[path.name] in problem
        return
    assert problem is None
    harness = {"text": turn.text, "finish": turn.native_stop,
               "calls": [(item.name, item.call_id, item.arguments_text) for item in turn.client_calls]}
    assert harness == oracles.openai_chat_view(final)
