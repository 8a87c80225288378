"""Bedrock ``InvokeModelWithResponseStream``: each model family's own events inside AWS frames.

The model id in the URI (or, without one, the chunks' shape) says whose events the chunks carry
(``models.py``): Anthropic's are read by the Anthropic family, Amazon Nova's by the ConverseStream
translator with Nova's own schemas (``schemas/bedrock-invoke-model/``), Titan, Llama, Mistral, Cohere
and AI21 are recognised and folded to their text and stop reason (``translator.py``). What follows
describes the Anthropic case, the one with a resume contract here.

Each ``chunk`` message's JSON payload is ``{"bytes": <base64 of one Anthropic Messages event>}``
(specs/gemini-mistral-bedrock.md section D, "Also InvokeModelWithResponseStream"; the payload shape
is ``PayloadPart`` in botocore/data/bedrock-runtime/2023-09-30/service-2.json). The outer frames are
read here; everything inside is the Anthropic family's: its schemas, translator, encoder and
stateless resume contract (the request body is Anthropic's, with ``anthropic_version`` and the model
in the URL instead of the body). An outer exception message becomes the Anthropic ``error`` event it
stands for, so that a stream cut by ``modelStreamErrorException`` ends exactly as Anthropic's
in-band error does.
"""

from __future__ import annotations

import base64
import binascii
from pathlib import Path
from typing import Any

import orjson

from harness.exchange import Exchange
from harness.findings import Finding, finding
from harness.providers.anthropic_messages import AnthropicMessages
from harness.providers.aws import EventStreamProvider, chunk_event
from harness.exchange import Request
from harness.providers.base import LazyModule, NativeEvent, Provider, ResumeContract, StreamContext, Translator
from harness.providers.bedrock_invoke_model.checks import CHECKS
from harness.providers.bedrock_invoke_model.models import METRICS, family_of_chunk, family_of_model, model_id
from harness.schemas import SchemaSet, schema_root
from harness.state import Turn
from harness.values import mapping
from harness.wire import eventstream
from harness.wire.frames import Frame

__all__ = ["BedrockInvokeModel"]

_PATH = "/invoke-with-response-stream"


class BedrockInvokeModel(EventStreamProvider, AnthropicMessages):
    name = "bedrock-invoke-model"
    detect_order = 110  # before Anthropic: its requests carry `anthropic_version` too
    checks = CHECKS
    aliases = ("invoke-model-with-response-stream",)
    schema_family = AnthropicMessages.name
    contract = AnthropicMessages.contract  # the request body is Anthropic's (named here, not left to the MRO)
    # Nova's Invoke body follows the Converse API's request pattern (docs.aws.amazon.com/nova/latest/userguide/
    # invoke.html: "both ... follow a very similar request pattern"; nova2-userguide/using-invoke-api.html)
    nova_contract = LazyModule("harness.providers.bedrock_converse.resume")
    event_types = frozenset({"chunk"})

    def detect(self, exchange: Exchange) -> bool:
        request = exchange.request
        if "amazonaws.com" in request.uri and request.path.endswith(_PATH):
            return True
        return self.sniff(exchange)

    @property
    def schemas(self) -> SchemaSet:
        return _schemas()

    def translator(self, context: StreamContext) -> Translator:
        from harness.providers.bedrock_invoke_model.translator import InvokeTranslator

        return InvokeTranslator(context)

    def check_resume(self, turn: Turn, request: Request, exchange: int) -> list[Finding]:
        """Anthropic's and Nova's bodies have a resume contract; the folded families' next requests are not checked."""
        contract = self._contract_for(turn, request)
        return [] if contract is None else contract.check(turn, request, exchange)

    def build_resume(self, turn: Turn, answers: dict[str, Any], prior: Request | None = None) -> dict[str, Any]:
        contract = self._contract_for(turn, prior)
        if contract is None:
            raise NotImplementedError(f"no resume contract is known for {turn.native.get('model_family')} models")
        return contract.build(turn, answers, prior)

    def _contract_for(self, turn: Turn, request: Request | None) -> ResumeContract | None:
        """The contract of the model family the request's model id names, else the one the turn was read as."""
        named = family_of_model(model_id(request.path)) if request is not None else None
        family = named or turn.native.get("model_family") or "anthropic"
        return {"anthropic": self.contract, "nova": self.nova_contract}.get(family)

    def opens_with(self, frame: Frame) -> bool:
        """A raw body whose first chunk opens a stream of any model family InvokeModel serves."""
        if frame.event != "chunk":
            return False
        event = chunk_event(frame)
        if event is None:
            return False
        family = family_of_chunk(event)
        if family == "anthropic":
            return event.get("type") == "message_start"
        return family is not None and (family != "nova" or "messageStart" in event)

    def parse(self, frame: Frame, exchange: int) -> NativeEvent | list[Finding]:
        outer = super().parse(frame, exchange)
        if isinstance(outer, list) or frame.headers is None:
            return outer
        if outer.type != "chunk":
            return _as_anthropic_error(outer)
        inner = _inner(outer.data.get("bytes"))
        if isinstance(inner, str):
            return [finding("WIRE-780", inner, outer.location())]
        family = family_of_chunk(inner)
        if family is None:
            return [finding("SCHEMA-782", "the event inside chunk.bytes has no known model family's shape "
                                          "(Anthropic, Nova, Titan, Llama, Mistral, Cohere, AI21)", outer.location(),
                            actual=sorted(inner)[:8])]
        if family == "anthropic":
            return NativeEvent(type=inner["type"], data=inner, frame=outer.frame, offset=outer.offset,
                               exchange=exchange)
        if family == "nova":  # a one-member union; Bedrock's invocation metrics ride beside it on the last chunk
            (kind,) = (key for key in inner if key not in (METRICS, "p"))
            data = dict(inner[kind])
            if METRICS in inner:
                data.setdefault(METRICS, inner[METRICS])
            return NativeEvent(type=kind, data=data, frame=outer.frame, offset=outer.offset, exchange=exchange)
        return NativeEvent(type=f"{family}.chunk", data=inner, frame=outer.frame, offset=outer.offset,
                           exchange=exchange)

    to_wire = Provider.to_wire  # the type stays inside the Anthropic event; only the wrapping is AWS's

    def frame_payloads(self, payloads: list[tuple[str | None, str]]) -> bytes:
        return b"".join(
            eventstream.encode_event("chunk", orjson.dumps({"bytes": base64.b64encode(text.encode()).decode()}))
            for _, text in payloads
        )


def _inner(encoded: object) -> dict[str, Any] | str:
    """The Anthropic event a chunk carries, or why it carries none."""
    if not isinstance(encoded, str):
        return "chunk has no base64 `bytes` member"
    try:
        event = orjson.loads(base64.b64decode(encoded, validate=True))
    except (binascii.Error, ValueError) as error:  # orjson.JSONDecodeError is a ValueError
        return f"chunk.bytes is not base64 of a JSON event: {error}"
    return event if isinstance(event, dict) else "chunk.bytes holds JSON that is not an object"


# The ResponseStream exception members (botocore/data/bedrock-runtime/2023-09-30/service-2.json) and the
# Anthropic error type each stands for (specs/openai-anthropic.md C.2), so the Anthropic translator reads
# them as the in-band errors they are; the AWS name stays in the message.
EXCEPTIONS = {
    "internalServerException": "api_error",
    "modelStreamErrorException": "api_error",
    "modelTimeoutException": "timeout_error",
    "serviceUnavailableException": "overloaded_error",
    "throttlingException": "rate_limit_error",
    "validationException": "invalid_request_error",
}


def _as_anthropic_error(outer: NativeEvent) -> NativeEvent | list[Finding]:
    if outer.type not in EXCEPTIONS:
        return [finding("SCHEMA-781", f"{outer.type!r} is not a ResponseStream member", outer.location(),
                        expected=["chunk", *sorted(EXCEPTIONS)], actual=outer.type)]
    message = outer.data.get("message") or outer.data.get("Message") or ""
    data = {"type": "error", "error": {"type": EXCEPTIONS[outer.type], "message": f"{outer.type}: {message}"},
            "awsException": outer.type}
    return NativeEvent(type="error", data=data, frame=outer.frame, offset=outer.offset, exchange=outer.exchange)


_SCHEMAS: list[SchemaSet] = []


def _schemas() -> SchemaSet:
    """Anthropic's event schemas, with Nova's events and the folded families' chunks (``schemas/bedrock-invoke-model/``)."""
    if not _SCHEMAS:
        merged = SchemaSet("bedrock-invoke-model", schema_root() / AnthropicMessages.name)
        merged._files.update(SchemaSet("bedrock-invoke-model", Path(schema_root() / "bedrock-invoke-model"))._files)
        _SCHEMAS.append(merged)
    return _SCHEMAS[0]
