"""The bedrock-converse provider against every ConverseStream recording in ../shared/corpus/bedrock.

Each file (vcrpy cassettes, the raw ``.eventstream.bin`` bodies taken out of them, Vercel's
``.chunks.txt`` fixture) must run without a crash and with no error or warning beyond the ones
explained in EXPECTED_FINDINGS. The folded turn (text, reasoning, signatures, redactedContent, tool
calls with their parsed input, stop reason) is compared with an oracle built from botocore alone:
``EventStreamBuffer`` splits and CRC-checks the messages and ``EventStreamJSONParser`` reads each
into the ``ConverseStreamOutput`` union of the bedrock-runtime service model (suites/aws_oracle.py);
the union members are accumulated by hand below. Nothing of the harness's decoder or translator is
involved (Vercel's lines, which have no framing, are framed with the harness's encoder first so
botocore can read them). Then the resume exchange of pai_conversestream_tool_use_resume is checked,
and the history carried by oi_conversestream_after_tool_result's single request.
"""

from __future__ import annotations

import base64
import json
from pathlib import Path
from typing import Any

import pytest

from harness import registry
from harness.cassette import CHUNKS_CONTENT_TYPE, load
from harness.findings import Severity
from harness.state import Turn
from harness.wire.eventstream import encode_event
from suites import corpus
from suites.aws_oracle import botocore_events

CORPUS = corpus.CORPUS / "bedrock"
if not CORPUS.is_dir():
    pytest.skip(f"no corpus at {CORPUS}", allow_module_level=True)

PROVIDER = "bedrock-converse"
FILES = corpus.corpus_files(PROVIDER)  # oi_conversestream_*, pai_conversestream_*, vercel_tool_call_* (corpus.ONLY)
# openinference's cassettes keep no response headers (`headers: {}`): the harness reads the event stream by
# its prelude, and a missing content type is not a wrong one (WIRE-007 stays silent)
EXPECTED_FINDINGS: dict[str, dict[str, str]] = {
    "vercel_tool_call_HANDMADE.chunks.txt": {
        "LIFECYCLE-701": "hand-made (MANIFEST.tsv): the fixture starts at contentBlockStart, with no messageStart",
        "LIFECYCLE-706": "hand-made: metadata comes before messageStop; Bedrock sends metadata last (D.3.4)",
    },
}


def test_every_recording_is_found() -> None:
    names = {path.name for path in FILES}
    assert len(names) == 10 and {name.split("_")[0] for name in names} == {"oi", "pai", "vercel"}


@pytest.mark.parametrize("path", FILES, ids=lambda path: path.name)
def test_no_unexplained_finding(path: Path) -> None:
    report = corpus.check_recording(path, PROVIDER)
    assert report.turns, "every recording folds into at least one turn"
    flagged = {f.check for f in report.findings if f.severity is not Severity.info}
    assert flagged == set(EXPECTED_FINDINGS.get(path.name, {}))


# -- the oracle: botocore's own reading, accumulated by hand ---------------------------------------------


def _bodies(path: Path) -> list[bytes]:
    """Each exchange's event-stream body; a chunk fixture's lines framed as the messages they stand for."""
    bodies = []
    for exchange in load(path, PROVIDER if path.suffix == ".txt" else None).exchanges:
        if exchange.response.content_type != CHUNKS_CONTENT_TYPE:
            bodies.append(exchange.response.body)
            continue
        lines = [json.loads(line) for line in exchange.response.body.splitlines() if line.strip()]
        bodies.append(b"".join(encode_event(member, json.dumps(payload).encode())
                               for line in lines for member, payload in line.items()))
    return bodies


def oracle_view(events: list[dict[str, Any]]) -> dict[str, Any]:
    """The turn as botocore's parsed union members describe it: blocks by contentBlockIndex (D.2), tool
    input fragments joined and parsed, an empty join meaning {} (D.4)."""
    blocks: dict[int, dict[str, Any]] = {}
    stop = None
    for event in events:
        ((member, value),) = event.items()
        if member == "contentBlockStart" and "toolUse" in value["start"]:
            blocks[value["contentBlockIndex"]] = {"kind": "toolUse", "start": value["start"]["toolUse"], "input": ""}
        elif member == "contentBlockDelta":
            block = blocks.setdefault(value["contentBlockIndex"], {"kind": None, "text": "", "reasoning": "",
                                                                   "signature": None, "redacted": b""})
            delta = value["delta"]
            if "text" in delta:
                block["kind"], block["text"] = "text", block["text"] + delta["text"]
            elif "toolUse" in delta:
                block["input"] += delta["toolUse"]["input"]
            elif "reasoningContent" in delta:
                block["kind"] = "reasoning"
                reasoning = delta["reasoningContent"]
                block["reasoning"] += reasoning.get("text", "")
                block["signature"] = reasoning.get("signature", block["signature"])
                block["redacted"] += reasoning.get("redactedContent", b"")  # a blob: botocore decoded the base64
        elif member == "messageStop":
            stop = value["stopReason"]
    ordered = [blocks[index] for index in sorted(blocks)]
    return {
        "text": "".join(b["text"] for b in ordered if b["kind"] == "text"),
        "reasoning": [(b["reasoning"], b["signature"], b["redacted"]) for b in ordered if b["kind"] == "reasoning"],
        "calls": [(b["start"]["name"], b["start"]["toolUseId"], json.loads(b["input"] or "{}"),
                   b["start"].get("type") == "server_tool_use") for b in ordered if b["kind"] == "toolUse"],
        "stop": stop,
    }


def harness_view(turn: Turn) -> dict[str, Any]:
    reasoning = []
    for item in turn.items:
        if item.kind == "reasoning":
            content = item.native["block"]["reasoningContent"]
            text = content.get("reasoningText", {})
            redacted = base64.b64decode(content["redactedContent"]) if "redactedContent" in content else b""
            reasoning.append((text.get("text", ""), text.get("signature"), redacted))
    return {
        "text": turn.text,
        "reasoning": reasoning,
        "calls": [(i.name, i.call_id, i.arguments, i.executor == "server") for i in turn.items if i.kind == "tool_call"],
        "stop": turn.native_stop,
    }


@pytest.mark.parametrize("path", FILES, ids=lambda path: path.name)
def test_folded_turn_matches_botocore(path: Path) -> None:
    report = corpus.check_recording(path, PROVIDER)
    bodies = _bodies(path)
    assert len(bodies) == len(report.turns)
    for body, turn in zip(bodies, report.turns):
        events = botocore_events(body, "bedrock-runtime", "ConverseStream")
        assert all(event for event in events), "botocore knows every event type of the corpus"
        assert harness_view(turn) == oracle_view(events)


def test_the_oracle_sees_what_the_recordings_hold() -> None:
    """The comparison is not vacuous: the corpus carries split tool input, redacted and plain reasoning,
    a server tool call beside a client one, and an empty first text block."""
    views = {path.name: oracle_view(botocore_events(body, "bedrock-runtime", "ConverseStream"))
             for path in FILES for body in _bodies(path)[:1]}
    assert views["oi_conversestream_tool_use.yaml"]["calls"] == [
        ("top_song", "tooluse_p0X002uYQ9y_0fFkBsyYRg", {"sign": "WZPZ"}, False)]  # input "", '{"', 'sign": "W', 'ZPZ"}'
    assert [len(r[2]) > 100 and r[0] == "" for r in views["pai_conversestream_redacted_reasoning.yaml"]["reasoning"]] \
        == [True, True]
    nova = views["pai_conversestream_nova2_code_execution.yaml"]
    assert [(name, server) for name, _, _, server in nova["calls"]] == [("nova_code_interpreter", True),
                                                                         ("final_result", False)]
    gptoss = views["pai_conversestream_gptoss_empty_text_delta.yaml"]
    assert gptoss["text"] == "Hello! How can I help you today?" and gptoss["reasoning"][0][1] is None


def test_server_tool_use_is_not_pending() -> None:
    """Nova's code interpreter ran inside the turn (its toolResult was streamed back): only the client
    call final_result waits for an answer."""
    [turn] = corpus.check_recording(CORPUS / "pai_conversestream_nova2_code_execution.yaml", PROVIDER).turns
    assert turn.interrupt is not None and turn.interrupt.pending == ["tooluse_ptgCcZ0uQu-UUMz0abqoWw"]
    assert [(r.call_id, r.executor, r.is_error) for r in turn.tool_results] == [
        ("tooluse_VQNZJRUFMoqZzszVsRd4og", "server", False)]


# -- resume --------------------------------------------------------------------------------------------------


def test_recorded_resume_is_clean_and_is_what_the_harness_builds() -> None:
    """pydantic-ai's second request echoes the turn (text and toolUse with the same id, name and input)
    and answers the one pending call; the harness checks it clean, and building the next request from
    the folded turn and the recorded answer yields the same messages."""
    path = CORPUS / "pai_conversestream_tool_use_resume.yaml"
    report = corpus.check_recording(path, PROVIDER)
    assert not [f for f in report.findings if f.check.startswith("RESUME-")]
    first, second = load(path).exchanges
    turn = report.turns[0]
    assert turn.interrupt is not None and turn.interrupt.pending == ["tooluse_lAG_zP8QRHmSYOwZzzaCqA"]
    recorded = second.request.json["messages"]
    answer = recorded[-1]["content"][0]["toolResult"]["content"][0]["text"]
    built = registry.get(PROVIDER).build_resume(turn, {"tooluse_lAG_zP8QRHmSYOwZzzaCqA": answer}, first.request)
    assert built["messages"] == recorded
    assert built["toolConfig"] == second.request.json["toolConfig"]


def test_recorded_history_is_consistent() -> None:
    """oi_conversestream_after_tool_result is one request that already carries a toolUse and its
    toolResult (its first turn was not recorded): the history rules hold for it, and the same history
    with the toolResult taken out does not pass."""
    from harness.providers.bedrock_converse import resume

    [exchange] = load(CORPUS / "oi_conversestream_after_tool_result.yaml").exchanges
    messages = resume.messages_of(exchange.request)
    assert [m["role"] for m in messages] == ["user", "assistant", "user"]
    assert resume.history_checks(messages, 0) == []
    unanswered = [*messages[:2], {"role": "user", "content": [{"text": "and?"}]}]
    assert [f.check for f in resume.history_checks(unanswered, 0)] == ["RESUME-705"]
