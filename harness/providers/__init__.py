"""The provider registry: one line per protocol family."""

from __future__ import annotations

from harness.exchange import Exchange
from harness.providers.agent_session import AgentSession
from harness.providers.anthropic_messages import AnthropicMessages
from harness.providers.base import Provider
from harness.providers.bedrock_agents import BedrockAgents
from harness.providers.bedrock_converse import BedrockConverse
from harness.providers.bedrock_invoke_model import BedrockInvokeModel
from harness.providers.cohere_v2 import CohereV2
from harness.providers.gemini import Gemini
from harness.providers.llama_stack_agents import LlamaStackAgents
from harness.providers.mistral_conversations import MistralConversations
from harness.providers.openai_chat import OpenAIChat
from harness.providers.openai_responses import OpenAIResponses

PROVIDERS: dict[str, Provider] = {
    provider.name: provider
    for provider in (
        OpenAIResponses(),
        BedrockInvokeModel(),  # before Anthropic: its requests carry `anthropic_version` too
        BedrockConverse(),
        AnthropicMessages(),
        Gemini(),
        OpenAIChat(),
        MistralConversations(),
        CohereV2(),
        BedrockAgents(),
        LlamaStackAgents(),  # before AgentSession: its /session path also matches .../agents/{id}/session
        AgentSession(),
    )
}


def get(name: str) -> Provider:
    """A provider by name or alias; KeyError lists the known names."""
    for provider in PROVIDERS.values():
        if name == provider.name or name in provider.aliases:
            return provider
    raise KeyError(f"unknown provider {name!r}; known: {', '.join(PROVIDERS)}")


def detect(exchange: Exchange) -> Provider | None:
    if exchange.provider_hint:
        return get(exchange.provider_hint)
    return next((provider for provider in PROVIDERS.values() if provider.detect(exchange)), None)
