"""Bedrock ``ConverseStream`` (specs/gemini-mistral-bedrock.md D): ``POST /model/{modelId}/converse-stream``,
answered as an AWS event stream, resumed by re-sending the conversation (D.5). Requests are signed with
AWS SigV4 by botocore when it is installed and credentials are found in the environment, the shared
credentials and config files or SSO; never from an instance or container metadata service, which the
probe does not call (on EC2, export the AWS_* variables). Without credentials the request goes
unsigned, which is what a local stand-in such as ``harness serve`` takes. Reasoning is Anthropic's
thinking, passed in ``additionalModelRequestFields``."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote, urlsplit

from harness.live.scenarios import common
from harness.live.scenarios.base import Ask, Dialect, Refusal, Session
from harness.state import Turn

SOURCE = "specs/gemini-mistral-bedrock.md"


class ConverseStream(Dialect):
    family = "bedrock-converse"
    default_model = "anthropic.claude-3-7-sonnet-20250219-v1:0"
    key_env = ("AWS_ACCESS_KEY_ID",)  # a marker only: the whole credential chain signs (``sign``)
    base_hint = "https://bedrock-runtime.us-east-1.amazonaws.com"

    def auth(self, key: str) -> dict[str, str]:
        return {}  # SigV4 signs the whole request: ``sign``

    @property
    def credentials(self) -> str:
        return "SigV4 by botocore from the AWS variables, credential files or SSO"

    def sign(self, method: str, url: str, headers: dict[str, str], body: bytes | None,
             key: str | None) -> dict[str, str]:
        try:
            from botocore.auth import SigV4Auth
            from botocore.awsrequest import AWSRequest
            from botocore.credentials import create_credential_resolver
            from botocore.session import get_session
        except ImportError:
            return headers
        resolver = create_credential_resolver(get_session())
        for provider in ("container-role", "iam-role"):  # never a metadata service: the probe sends nothing
            resolver.remove(provider)                     # off the endpoint it was given
        credentials = resolver.load_credentials()
        if credentials is None:
            return headers
        request = AWSRequest(method=method, url=url, data=body or b"", headers=headers)
        SigV4Auth(credentials, "bedrock", _region(url)).add_auth(request)
        return dict(request.headers.items())

    def start(self, session: Session, ask: Ask) -> tuple[str, str, dict[str, Any]]:
        body: dict[str, Any] = {"messages": [{"role": "user", "content": [{"text": ask.prompt}]}],
                                "inferenceConfig": {"maxTokens": 1024}}
        if ask.tools:
            body["toolConfig"] = {"tools": [{"toolSpec": {"name": tool.name, "description": tool.description,
                                                          "inputSchema": {"json": tool.parameters}}}
                                            for tool in ask.tools]}
            if ask.force_tool:
                body["toolConfig"]["toolChoice"] = {"any": {}}
        if ask.reasoning:
            body["inferenceConfig"] = {"maxTokens": 4096}  # above the thinking budget
            body["additionalModelRequestFields"] = {"thinking": {"type": "enabled", "budget_tokens": 1024}}
        return "POST", path(session.model), {**body, **ask.extra}

    def resume_at(self, turn: Turn, model: str) -> tuple[str, str]:
        return "POST", path(model)

    def refusal(self, model: str) -> Refusal:
        return Refusal("POST", path(model), {"messages": [
            {"role": "user", "content": [{"toolResult": {"toolUseId": "tooluse_harness_probe_none",
                                                         "content": [{"text": "18"}]}}]}]},
            "a toolResult for a toolUse that was never made (and no toolConfig)", f"{SOURCE} D.5")

    def error_problem(self, body: Any) -> str | None:
        """AWS JSON errors carry a ``message`` (D.1; the type rides in ``x-amzn-ErrorType``)."""
        if not isinstance(body, dict) or not isinstance(body.get("message") or body.get("Message"), str):
            return f'the error body has no string "message" ({SOURCE} D.1)'
        return None


def path(model: str) -> str:
    return f"/model/{quote(model, safe='')}/converse-stream"


def _region(url: str) -> str:
    """``bedrock-runtime.{region}.amazonaws.com``; us-east-1 for any other host."""
    parts = (urlsplit(url).hostname or "").split(".")
    return parts[1] if len(parts) > 3 and parts[0] == "bedrock-runtime" else "us-east-1"


DIALECT = ConverseStream()
SCENARIOS = common.standard()
