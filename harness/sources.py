"""Where rules come from: the documents the check catalogue cites, named once."""

OPENAI_ANTHROPIC = "specs/openai-anthropic.md"
GEMINI_MISTRAL_BEDROCK = "specs/gemini-mistral-bedrock.md"
LLAMASTACK_COHERE_COMPAT = "specs/llamastack-cohere-compat.md"
AGENT_SESSION = "specs/agent-session.md"
BOTO_BEDROCK_RUNTIME = "botocore/data/bedrock-runtime/2023-09-30/service-2.json"
WHATWG_SSE = "WHATWG HTML, 9.2 Server-sent events: event stream interpretation"
