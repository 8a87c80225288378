"""The official openai and anthropic SDKs against served cassettes: they read what the harness folds,
and what each does with each injected fault is stated (README.md, "Which faults the SDKs notice")."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from harness.live.conversations import Conversations
from harness.live.faults import FaultSpec
from harness.live.library import Library
from harness.live.serve import ServeApp, serving
from harness.pipeline import check_path
from tests.live.sdk_readers import READERS, harness_read

READ_AS_FOLDED = [
    "openai-responses/plain-text", "openai-responses/tool-call-resume", "openai-responses/parallel-tool-calls-resume",
    "openai-responses/reasoning-summary", "anthropic-messages/tool-use-resume",
    "anthropic-messages/parallel-tool-use-resume", "anthropic-messages/text-with-pings",
    "anthropic-messages/thinking-signature", "openai-chat/tool-call-resume", "openai-chat/parallel-tool-calls-resume",
    "openai-chat/text-with-usage",
]


@pytest.fixture(scope="module")
def app(shipped: Library) -> Iterator[ServeApp]:
    with serving(shipped) as server:
        yield server


@pytest.mark.parametrize("name", READ_AS_FOLDED)
def test_the_sdk_reads_a_served_cassette_as_the_harness_folds_it(app: ServeApp, shipped: Library, name: str) -> None:
    served = shipped.by_name[name]
    app.faults, app.conversations = [], Conversations()
    read = READERS[served.provider.name](f"{app.base_url}/{name}", served.cassette.exchanges[0].request.json)
    assert read == harness_read(check_path(served.cassette.path).turns[0])


# What each SDK does with each fault, injected at a text delta in the middle of the stream (or at the
# first attempt, for the HTTP errors: the SDK retries after the retry-after), and what the harness's
# check of the served stream says about it. "same": the SDK returns what it returns with no fault;
# "wrong": it returns something else without a word; anything else is the exception it raises.
# The SDKs cannot see faults that leave a well-formed stream; the harness cannot see those that leave
# the families without sequence numbers a well-formed stream (suites/properties/test_unsequenced_order.py).
FAULTED = {"openai-responses/plain-text": (5, 4, 5), "anthropic-messages/text-with-pings": (4, 4, 5),
           "openai-chat/text-with-usage": (2, 1, 3)}  # cassette: (a delta, the first delta, a later delta)
SEEN: dict[str, dict[str, tuple[str, list[str]]]] = {
    "openai-responses/plain-text": {
        "drop": ("same", ["ASSEMBLY-001", "ORDER-003"]), "duplicate": ("same", ["ORDER-004"]),
        "reorder": ("same", ["ORDER-005"]), "truncate": ("RuntimeError", ["LIFECYCLE-005"]),
        "stall": ("same", []), "disconnect": ("APIConnectionError", ["LIFECYCLE-005", "WIRE-003", "WIRE-004"]),
        "corrupt": ("UnicodeDecodeError", ["LIFECYCLE-105", "WIRE-001"]), "error-event": ("APIError", ["LIFECYCLE-114"]),
    },
    "anthropic-messages/text-with-pings": {
        "drop": ("wrong", []), "duplicate": ("wrong", []), "reorder": ("wrong", []),
        "truncate": ("wrong", ["LIFECYCLE-005"]), "stall": ("same", []),
        "disconnect": ("RemoteProtocolError", ["LIFECYCLE-005", "WIRE-003", "WIRE-004"]),
        "corrupt": ("UnicodeDecodeError", ["SCHEMA-001", "WIRE-001"]), "error-event": ("APIStatusError", []),
    },
    "openai-chat/text-with-usage": {
        "drop": ("wrong", []), "duplicate": ("wrong", []), "reorder": ("wrong", []),
        "truncate": ("wrong", ["LIFECYCLE-005"]), "stall": ("same", []),
        "disconnect": ("APIConnectionError", ["LIFECYCLE-005", "WIRE-003", "WIRE-004"]),
        "corrupt": ("UnicodeDecodeError", ["WIRE-001", "WIRE-004"]), "error-event": ("APIError", []),
    },
}
HTTP_ERRORS = ["http429=0.01", "http500=0.01", "http503=0.01", "http529=0.01"]  # every SDK retries and succeeds


def _spec(kind: str, mid: int, first: int, late: int) -> str:
    where = {"drop": mid, "duplicate": mid, "reorder": first, "truncate": late, "stall": mid, "disconnect": late,
             "corrupt": mid, "error-event": late}[kind]
    return {"reorder": f"reorder:{where}=3", "stall": f"stall:{where}=0.2"}.get(kind, f"{kind}:{where}")


CASES = [(name, kind, _spec(kind, *FAULTED[name])) for name in FAULTED for kind in SEEN[name]]
CASES += [(name, "http", spec) for name in FAULTED for spec in HTTP_ERRORS]


@pytest.mark.parametrize(("name", "kind", "spec"), CASES, ids=[f"{c[0].split('/')[0]}-{c[2]}" for c in CASES])
def test_what_the_sdk_does_with_a_fault(app: ServeApp, shipped: Library, name: str, kind: str, spec: str) -> None:
    served = shipped.by_name[name]
    read = READERS[served.provider.name]
    body = served.cassette.exchanges[0].request.json
    app.faults, app.conversations = [], Conversations()
    clean = read(f"{app.base_url}/{name}", body)
    app.faults, app.conversations = [FaultSpec.parse(spec)], Conversations()  # the faulted read is attempt 0
    before = len(app.journal.requests)
    try:
        outcome = "same" if read(f"{app.base_url}/{name}", body) == clean else "wrong"
    except Exception as error:  # noqa: BLE001  the exception is the observation
        outcome = type(error).__name__
    served_streams = app.journal.requests[before:]
    assert all(entry.get("injected") for entry in served_streams[:1])
    if kind == "http":
        assert (outcome, [entry["status"] for entry in served_streams]) == ("same", [int(spec[4:7]), 200])
    else:
        assert (outcome, served_streams[-1].get("stream_checks", [])) == SEEN[name][kind]
