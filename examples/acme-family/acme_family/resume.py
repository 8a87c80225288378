"""Acme's resume contract: the next request names the response (``previous_id``) and answers every
pending call in ``tool_results``. The counting (every call answered once, none unknown) is the
harness's own ``answer_checks``; only where Acme keeps the handle and the answers is written here."""

from __future__ import annotations

from typing import Any

from harness.checks.resume import answer_checks
from harness.exchange import Request
from harness.findings import Finding
from harness.providers.base import Answer, ResumeView
from harness.state import Turn
from harness.values import array, mapping, name


def is_continuation(request: Request) -> bool:
    return "previous_id" in mapping(request.json)


def check(turn: Turn, request: Request, exchange: int) -> list[Finding]:
    if turn.interrupt is None:
        return []
    body = mapping(request.json)
    view = ResumeView(handle={"previous_id": body.get("previous_id")})
    for index, result in enumerate(array(body.get("tool_results"))):
        call_id = name(mapping(result).get("call_id"))
        if call_id is not None:
            view.answers.append(Answer(call_id=call_id, path=f"tool_results[{index}]"))
    return answer_checks(turn.interrupt, view, exchange)


def build(turn: Turn, answers: dict[str, Any], prior: Request | None) -> dict[str, Any]:
    return {"previous_id": turn.response_id,
            "tool_results": [{"call_id": call_id, "output": output} for call_id, output in answers.items()]}
