"""What a Mistral server does differently behind ``POST /v1/chat/completions`` (specs/gemini-mistral-bedrock.md
B.4, B.6, B.7), so that this family reads its streams and checks its next requests by Mistral's rules.

- ``delta.content`` is a string or a list of content chunks: ``{"type": "text", "text"}`` and, from
  Magistral, ``{"type": "thinking", "thinking": [{"type": "text", "text"}...]}`` (mistralai/client-python
  src/mistralai/models/deltamessage.py ``Content = Union[str, List[ContentChunk]]``, thinkchunk.py);
  thinking is reasoning, never text.
- a tool call arrives whole in one delta, often without ``index`` or ``type`` (toolcall.py: ``index``
  defaults to 0, ``type`` is optional, a missing ``id`` becomes the string ``"null"``);
- usage rides on the finish chunk (there is no ``stream_options``), and no padding field is sent;
- tool call ids are 9 characters a-z, A-Z, 0-9: the API answers 400 ``Tool call id was <x> but must be
  a-z, A-Z, 0-9, with a length of 9.`` to a request carrying any other (B.6: langchain-ai/langchain#24668,
  jackmpcollins/magentic#276).

A server is taken for Mistral's when the request went to ``*.mistral.ai`` or, for recordings that kept
no URL (chunk fixtures), when the first chunk names one of Mistral's own models or carries Mistral's id
shape: 32 lowercase hex digits without a prefix. Every recorded Mistral stream has one (../shared/corpus/mistral,
6 of 6, including a Z.AI model served by Mistral: vercel/ai#19178), and no other server in the corpus does
(OpenAI, Groq, vLLM, Ollama: ``chatcmpl-``; DeepSeek: a dashed UUID; OpenRouter: ``gen-``).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any, Literal
from urllib.parse import urlsplit

from harness.findings import Severity
from harness.values import mapping

SERVER = "mistral"  # Turn.native["server"] of a turn a Mistral server streamed
STYLE = "Mistral style"
TOOL_CALL_ID = re.compile(r"[A-Za-z0-9]{9}")
RESPONSE_ID = re.compile(r"[0-9a-f]{32}")
# Mistral's model families as its API names them (docs.mistral.ai "Models"); a slash means another host.
_MODELS = re.compile(r"(mistral|magistral|codestral|ministral|pixtral|devstral|voxtral|open-mistral|open-mixtral|"
                     r"open-codestral)(-[a-z0-9.-]+)?")
Piece = tuple[Literal["text", "reasoning"], str]


def is_host(uri: str) -> bool:
    try:
        host = urlsplit(uri).hostname or ""
    except ValueError:
        return False
    return host == "mistral.ai" or host.endswith(".mistral.ai")


def is_server(uri: str, chunk: dict[str, Any]) -> bool:
    """From the request's URL, else from the first chunk (its model, its id)."""
    model, response_id = chunk.get("model"), chunk.get("id")
    return (is_host(uri) or (isinstance(model, str) and _MODELS.fullmatch(model) is not None)
            or (isinstance(response_id, str) and RESPONSE_ID.fullmatch(response_id) is not None))


def id_problem(call_id: str) -> str | None:
    """Why Mistral would refuse ``call_id`` in a request, or None when it would not."""
    if TOOL_CALL_ID.fullmatch(call_id):
        return None
    if call_id == "null":
        return "is the string \"null\" (the mistralai SDK's default for a missing id)"
    return "is not 9 characters a-z, A-Z, 0-9"


def content_pieces(content: list[Any], flag: Callable[..., None]) -> list[Piece]:
    """The text of a list of content chunks, in order, as text or reasoning; what carries none is flagged."""
    pieces: list[Piece] = []
    for n, chunk in enumerate(content):
        kind = mapping(chunk).get("type")
        if kind == "text" and isinstance(chunk.get("text"), str):
            pieces.append(("text", chunk["text"]))
        elif kind == "thinking" and isinstance(chunk.get("thinking"), list):
            pieces += [("reasoning", text) for text in _thinking(chunk["thinking"], n, flag)]
        elif isinstance(kind, str) and kind not in ("text", "thinking"):  # image_url, reference, file, audio...
            flag("ASSEMBLY-308", f"content chunk {n} is a {kind} chunk, which carries no text: skipped",
                 severity=Severity.warning)
        else:
            flag("ASSEMBLY-308", f"content chunk {n} is unreadable (a text chunk needs a string text, a thinking "
                                 "chunk a list of text chunks): lost")
    return pieces


def _thinking(parts: list[Any], n: int, flag: Callable[..., None]) -> list[str]:
    """thinkchunk.py: ``thinking: List[Union[ReferenceChunk, TextChunk]]``; references carry no text."""
    texts = []
    for part in parts:
        if isinstance(part, dict) and part.get("type", "text") == "text" and isinstance(part.get("text"), str):
            texts.append(part["text"])
        elif isinstance(part, dict) and isinstance(part.get("type"), str):
            flag("ASSEMBLY-308", f"thinking chunk {n} holds a {part['type']} part, which carries no text: skipped",
                 severity=Severity.warning)
        else:
            flag("ASSEMBLY-308", f"thinking chunk {n} holds an unreadable part: lost")
    return texts
