"""The probe's scenario suites, one module per family: its ``DIALECT`` (how its requests are written)
and its ``SCENARIOS``. A family without a module here has no probe suite yet."""

from __future__ import annotations

from importlib import import_module
from types import ModuleType

from harness.live.scenarios.base import Dialect, Scenario

_MODULES = {
    "openai-responses": "openai_responses",
    "openai-chat": "openai_chat",
    "anthropic-messages": "anthropic_messages",
    "gemini": "gemini",
    "agent-session": "agent_session",
    "mistral-conversations": "mistral_conversations",
    "cohere-v2": "cohere_v2",
    "llama-stack-agents": "llama_stack_agents",
    "bedrock-converse": "bedrock_converse",
}


def families() -> list[str]:
    """The families with a scenario suite, in the order ``--list`` prints them."""
    return list(_MODULES)


def _module(family: str) -> ModuleType:
    if family not in _MODULES:
        raise KeyError(f"no probe scenarios for {family!r}; families with scenarios: {', '.join(_MODULES)}")
    return import_module(f"{__name__}.{_MODULES[family]}")


def dialect(family: str) -> Dialect:
    return _module(family).DIALECT


def scenarios(family: str) -> list[Scenario]:
    return list(_module(family).SCENARIOS)
