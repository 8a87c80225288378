"""The official SDKs' paths: what each SDK does per event of a stream, on the same bytes as the pipeline.

Every SDK path uses the floor's split and ``orjson.loads`` where the SDK has its own, slower, SSE
decoder (so the comparison favours the SDKs), and starts from the first byte of the body.

| path | family | per event |
|---|---|---|
| ``openai-sdk`` | openai-responses | ``construct_type(ResponseStreamEvent)`` + ``ResponseStreamState.handle_event`` (openai-python ``lib/streaming/responses/_responses.py``) |
| ``openai-chat-sdk`` | openai-chat | ``construct_type(ChatCompletionChunk)`` + ``ChatCompletionStreamState.handle_chunk`` (``lib/streaming/chat/_completions.py``), up to ``[DONE]`` |
| ``anthropic-sdk`` | anthropic-messages | ``construct_type(RawMessageStreamEvent)`` + ``accumulate_event`` (anthropic-sdk-python ``lib/streaming/_messages.py``); pings skipped as the SDK's ``Stream`` skips them |
| ``anthropic-bedrock-sdk`` | bedrock-invoke-model | ``AnthropicBedrock``'s ``AWSEventStreamDecoder`` (botocore ``EventStreamBuffer`` + ``EventStreamJSONParser`` on the ``ResponseStream`` shape, ``lib/bedrock/_stream_decoder.py``), then as ``anthropic-sdk`` |
| ``genai-sdk`` | gemini | ``_GenerateContentResponse_from_mldev`` + ``GenerateContentResponse._from_response`` (google-genai ``models.py``, ``_generate_content_stream``), then the parts' text kept in a list. google-genai has **no accumulator** (``chats.py`` keeps the chunks' contents as they come), so this is its per-chunk cost, not an accumulation |
| ``botocore`` | bedrock-converse, bedrock-agents | ``botocore.eventstream.EventStream`` over the operation's event-stream shape (what a boto3 client hands back: every event parsed to a dict by the service model), then the floor's fold. boto3 has **no accumulator** either |

The OpenAI, OpenAI chat and Anthropic accumulators are quadratic in the size of one item (string
concatenation on model attributes, ``to_dict`` of the whole message per chunk, the whole tool input
re-parsed per delta), so ``run.py`` skips them above ``--sdk-max``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import orjson

from bench import floors
from bench.streams import Stream


class WrongResult(Exception):
    """A path returned something other than what the stream encodes: its time would mean nothing."""


def same(what: str, got: Any, want: str) -> None:
    if got != want:
        shown = got if not isinstance(got, str) else f"{len(got)} chars, starts {got[:60]!r}"
        raise WrongResult(f"{what}: got {shown}, want {len(want)} chars, starts {want[:60]!r}")


@dataclass(frozen=True, slots=True)
class SDK:
    build: Callable[[Stream], Callable[[bytes], Any]]
    check: Callable[[Any, Stream], dict[str, Any]]
    target: float | None  # pipeline events/s over this path's at 10^4 (the core issue's, for accumulators)


# -- OpenAI ------------------------------------------------------------------------------------------------


def _openai_responses(stream: Stream) -> Callable[[bytes], Any]:
    from openai._models import construct_type
    from openai._types import omit
    from openai.lib.streaming.responses._responses import ResponseStreamState
    from openai.types.responses import ResponseStreamEvent

    def run(body: bytes) -> Any:
        loads = orjson.loads
        state: ResponseStreamState[Any] = ResponseStreamState(input_tools=omit, text_format=omit)
        handle = state.handle_event
        for data in floors.sse_data([body]):
            handle(construct_type(type_=ResponseStreamEvent, value=loads(data)))
        return state

    return run


def _check_openai_responses(result: Any, stream: Stream) -> dict[str, Any]:
    final = result._completed_response
    if final is None:
        raise WrongResult("openai-sdk: no completed response")
    snapshot = result._ResponseStreamState__current_snapshot
    same("openai-sdk accumulated text", snapshot.output[0].content[0].text, stream.text)
    same("openai-sdk accumulated arguments", snapshot.output[1].arguments, stream.arguments)
    same("openai-sdk final text", final.output[0].content[0].text, stream.text)
    return {}


def _openai_chat(stream: Stream) -> Callable[[bytes], Any]:
    from openai._models import construct_type
    from openai.lib.streaming.chat._completions import ChatCompletionStreamState
    from openai.types.chat import ChatCompletionChunk

    def run(body: bytes) -> Any:
        loads = orjson.loads
        state: ChatCompletionStreamState[Any] = ChatCompletionStreamState()
        handle = state.handle_chunk
        for data in floors.sse_data([body]):
            if data.startswith(b"[DONE]"):
                break  # openai/_streaming.py stops there
            handle(construct_type(type_=ChatCompletionChunk, value=loads(data)))
        return state.get_final_completion()

    return run


def _check_openai_chat(result: Any, stream: Stream) -> dict[str, Any]:
    message = result.choices[0].message
    same("openai-chat-sdk text", message.content, stream.text)
    same("openai-chat-sdk arguments", message.tool_calls[0].function.arguments, stream.arguments)
    return {"finish_reason": result.choices[0].finish_reason}


# -- Anthropic ---------------------------------------------------------------------------------------------


def _accumulate(events: Iterator[dict[str, Any]]) -> Any:
    from anthropic._models import construct_type
    from anthropic.lib.streaming._messages import accumulate_event
    from anthropic.types import RawMessageStreamEvent

    snapshot = None
    json_bufs: dict[int, bytes] = {}
    for payload in events:
        event = construct_type(type_=RawMessageStreamEvent, value=payload)
        snapshot = accumulate_event(event=event, current_snapshot=snapshot, json_bufs=json_bufs)
    return snapshot


def _anthropic(stream: Stream) -> Callable[[bytes], Any]:
    def payloads(body: bytes) -> Iterator[dict[str, Any]]:
        loads = orjson.loads
        for data in floors.sse_data([body]):
            payload = loads(data)
            if payload["type"] != "ping":  # the SDK's Stream drops `event: ping` before decoding it
                yield payload

    return lambda body: _accumulate(payloads(body))


def _anthropic_bedrock(stream: Stream) -> Callable[[bytes], Any]:
    from anthropic.lib.bedrock._stream_decoder import AWSEventStreamDecoder

    decoder = AWSEventStreamDecoder()

    def payloads(body: bytes) -> Iterator[dict[str, Any]]:
        loads = orjson.loads
        for sse in decoder.iter_bytes(_reads(body)):
            if sse.event != "ping":
                yield loads(sse.data)

    return lambda body: _accumulate(payloads(body))


def _check_anthropic(result: Any, stream: Stream) -> dict[str, Any]:
    same("anthropic-sdk text", result.content[0].text, stream.text)
    if result.content[1].input != (orjson.loads(stream.arguments) if stream.arguments else {}):
        raise WrongResult("anthropic-sdk: tool input differs from the streamed arguments")
    return {"stop_reason": result.stop_reason}


# -- Google ------------------------------------------------------------------------------------------------


def _genai(stream: Stream) -> Callable[[bytes], Any]:
    from google.genai import types
    from google.genai.models import _GenerateContentResponse_from_mldev

    def run(body: bytes) -> tuple[str, list[Any]]:
        loads = orjson.loads
        texts: list[str] = []
        calls: list[Any] = []
        for data in floors.sse_data([body], floors.separator(body)):
            chunk = types.GenerateContentResponse._from_response(
                response=_GenerateContentResponse_from_mldev(loads(data)), kwargs={})
            for candidate in chunk.candidates or []:
                for part in (candidate.content.parts or []) if candidate.content else []:
                    if part.text is not None and not part.thought:
                        texts.append(part.text)
                    if part.function_call is not None:
                        calls.append(part.function_call.args)
        return "".join(texts), calls

    return run


def _check_genai(result: Any, stream: Stream) -> dict[str, Any]:
    text, calls = result
    same("genai-sdk text", text, stream.text)
    if calls != [orjson.loads(stream.arguments)]:
        raise WrongResult(f"genai-sdk: calls {calls!r:.80} differ from the streamed arguments")
    return {}


# -- AWS ---------------------------------------------------------------------------------------------------

OPERATIONS = {  # family -> (botocore service, operation whose output is the event stream)
    "bedrock-converse": ("bedrock-runtime", "ConverseStream"),
    "bedrock-agents": ("bedrock-agent-runtime", "InvokeAgent"),
}


def _reads(body: bytes) -> Iterator[bytes]:
    """The body as botocore's StreamingBody.stream() hands it out."""
    return (body[start : start + floors.BOTOCORE_READ] for start in range(0, len(body), floors.BOTOCORE_READ))


def _botocore(stream: Stream) -> Callable[[bytes], Any]:
    from botocore.eventstream import EventStream
    from botocore.parsers import EventStreamJSONParser
    from botocore.session import get_session

    service, operation = OPERATIONS[stream.provider]
    output = get_session().get_service_model(service).operation_model(operation).output_shape
    shape = next(member for member in output.members.values() if member.serialization.get("eventstream"))
    parser = EventStreamJSONParser()
    grouped = floors.by_type(stream.rules)

    class Body:
        def __init__(self, body: bytes) -> None:
            self.body = body

        def stream(self) -> Iterator[bytes]:
            return _reads(self.body)

    def run(body: bytes) -> dict[str, str]:
        buffers: dict[str, list[str]] = {}
        for event in EventStream(Body(body), shape, parser, operation):
            for kind, payload in event.items():
                for path, channel in grouped.get(kind, ()):
                    value = floors.pick(payload, path)
                    if value is not None:
                        buffers.setdefault(channel, []).append(value)
        return {channel: "".join(parts) for channel, parts in buffers.items()}

    return run


def _check_folded(result: Any, stream: Stream) -> dict[str, Any]:
    from bench.encoded import reads_back

    if not reads_back(result, stream.text, stream.arguments if stream.argument_deltas else ""):
        raise WrongResult(f"{stream.provider}: the folded channels differ from what the stream encodes")
    return {}


SDKS: dict[str, SDK] = {
    "openai-sdk": SDK(_openai_responses, _check_openai_responses, 20.0),
    "openai-chat-sdk": SDK(_openai_chat, _check_openai_chat, 20.0),
    "anthropic-sdk": SDK(_anthropic, _check_anthropic, 5.0),
    "anthropic-bedrock-sdk": SDK(_anthropic_bedrock, _check_anthropic, 5.0),
    "genai-sdk": SDK(_genai, _check_genai, None),
    "botocore": SDK(_botocore, _check_folded, None),
}
FOR_FAMILY = {
    "openai-responses": "openai-sdk",
    "openai-chat": "openai-chat-sdk",
    "anthropic-messages": "anthropic-sdk",
    "bedrock-invoke-model": "anthropic-bedrock-sdk",
    "gemini": "genai-sdk",
    "bedrock-converse": "botocore",
    "bedrock-agents": "botocore",
}
QUADRATIC = {"openai-sdk", "openai-chat-sdk", "anthropic-sdk", "anthropic-bedrock-sdk"}
