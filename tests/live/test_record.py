"""``harness record`` in front of ``harness serve`` (both on 127.0.0.1, started and stopped here): the
recorded cassettes fold to the served turns, keep the chunk boundaries, hold no secret, and replay
under plain vcrpy; the recording httpx transport does the same from Python."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import openai
import pytest
import yaml

from harness import registry
from harness.cassette import load
from harness.live import runner
from harness.live.framing import frame_spans
from harness.live.library import Library
from harness.live.proxy import RecordProxy
from harness.live.record import Recorder
from harness.live.serve import ServeApp, serving
from harness.live.transport import RecordingTransport
from harness.pipeline import check_path

SECRET = "sk-live-0123456789abcdefSECRET"
SECRET_HEADERS = {"authorization": f"Bearer {SECRET}", "x-api-key": SECRET, "api-key": SECRET,
                  "x-goog-api-key": SECRET, "cookie": f"session={SECRET}", "x-amz-security-token": SECRET,
                  "x-amz-content-sha256": f"STREAMING-{SECRET}", "content-type": "application/json"}
RECORDED = ["openai-responses/tool-call-resume", "anthropic-messages/tool-use-resume", "bedrock-converse/tool-use-resume",
            "gemini/function-call-resume", "openai-chat/parallel-tool-calls-resume"]


@pytest.fixture(scope="module")
def server(shipped: Library) -> Iterator[ServeApp]:
    with serving(shipped) as app:
        yield app


@pytest.fixture(scope="module")
def recorded(server: ServeApp, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[str]]:
    """Each cassette's recorded requests sent through the proxy, with every kind of secret attached."""
    out = tmp_path_factory.mktemp("recorded")
    lines: list[str] = []
    recorder = Recorder(out, echo=lines.append)
    with runner.in_thread(RecordProxy(server.base_url, recorder), runner.bind("127.0.0.1", 0)) as proxy, \
            httpx.Client(base_url=proxy, timeout=10) as client:
        for name in RECORDED:
            for exchange in Library.load([Path(load_path(name))]).by_name[Path(name).name].cassette.exchanges:
                url = httpx.URL(exchange.request.uri)
                params = dict(url.params) | {"key": SECRET}
                reply = client.request(exchange.request.method, f"/{name}{url.path}", params=params,
                                       content=exchange.request.body, headers=SECRET_HEADERS)
                assert reply.content == exchange.response.body
    return out, lines


def load_path(name: str) -> str:
    return str(Path(__file__).resolve().parents[2] / "cassettes" / f"{name}.yaml")


def test_each_conversation_is_one_cassette_folding_to_the_served_turns(recorded: tuple[Path, list[str]]) -> None:
    out, lines = recorded
    files = sorted(out.glob("*.yaml"))
    assert len(files) == len(RECORDED)
    by_source = {}
    for file in files:
        uri = load(file).exchanges[0].request.uri
        by_source[next(name for name in RECORDED if f"/{name}/" in uri)] = file
    for name, file in by_source.items():
        # the recorded URI is the served one, prefix and all: a model read off the path (Bedrock's
        # /model/{id}/...) is not found behind the prefix, every other fact of the turn is the same
        assert _turns(file) == _turns(Path(load_path(name))), name
    assert len([line for line in lines if line.startswith("recorded ")]) == sum(
        len(load(Path(load_path(name))).exchanges) for name in RECORDED)


def _turns(path: Path) -> list[dict]:
    return [turn.model_dump(exclude={"model"}) for turn in check_path(path).turns]


def test_the_chunk_boundaries_are_the_served_ones(recorded: tuple[Path, list[str]]) -> None:
    out, _ = recorded
    for file in sorted(out.glob("*.yaml")):
        cassette = load(file)
        for exchange in cassette.exchanges:
            response = exchange.response
            served = [start for start, _ in frame_spans(exchange, registry.detect(exchange))[1:]]  # one write a frame
            assert (response.chunks or []) == served, file
            assert response.times is not None and len(response.times) == len(served) + 1
            assert response.times == sorted(response.times) and response.times[0] == 0.0


def test_no_secret_reaches_the_disk(recorded: tuple[Path, list[str]]) -> None:
    out, lines = recorded
    written = [path.read_bytes() for path in out.rglob("*") if path.is_file()]
    assert written and not [text for text in written if SECRET.encode() in text]
    assert not [line for line in lines if SECRET in line]
    headers = yaml.safe_load(written[0])["interactions"][0]["request"]["headers"]
    assert {name: headers[name] for name in ("authorization", "x-api-key", "cookie", "x-amz-content-sha256")} == {
        name: ["REDACTED"] for name in ("authorization", "x-api-key", "cookie", "x-amz-content-sha256")}
    assert not [line for line in lines if "CASSETTE-006" in line]


def test_a_recorded_cassette_replays_under_plain_vcrpy(recorded: tuple[Path, list[str]]) -> None:
    import vcr

    out, _ = recorded
    file = next(path for path in sorted(out.glob("*.yaml")) if "anthropic" in path.name)
    exchange = load(file).exchanges[0]
    with vcr.use_cassette(str(file), record_mode="none", match_on=["method", "path"]):
        reply = httpx.post(exchange.request.uri.split("?")[0], content=exchange.request.body)
    assert reply.content == exchange.response.body


def test_the_recording_transport_records_an_sdk_conversation(server: ServeApp, tmp_path: Path) -> None:
    recorder = Recorder(tmp_path, echo=lambda line: None)
    name = "openai-responses/tool-call-resume"
    with httpx.Client(transport=RecordingTransport(recorder)) as http:
        client = openai.OpenAI(base_url=f"{server.base_url}/{name}/v1", api_key=SECRET, http_client=http, max_retries=0)
        with client.responses.stream(model="gpt-5-mini", input="Weather in Oslo?") as stream:
            response = stream.get_final_response()
        answer = [{"type": "function_call_output", "call_id": "call_w1", "output": "21 C"}]
        with client.responses.stream(model="gpt-5-mini", previous_response_id=response.id, input=answer) as stream:
            stream.get_final_response()
    (file,) = recorder.written
    report = check_path(file)
    assert (report.provider, len(report.exchanges), report.verdict) == ("openai-responses", 2, "pass")
    assert [item.check for item in report.findings if item.check.startswith("RESUME")] == []
    assert report.turns[0] == check_path(Path(load_path(name))).turns[0]
    assert SECRET.encode() not in file.read_bytes()
