"""``harness probe`` through LiteLLM: the Chat Completions scenario suite sent to LiteLLM, whose
upstream is ``harness serve`` replaying one cassette per scenario (Anthropic Messages and Gemini).

    python examples/litellm/probe_litellm.py [--out DIR]

The probe records and checks what LiteLLM streams (openai-chat); the served cassette checks what
LiteLLM sends upstream (each family's resume contract). Both are printed; the exit status is 1 when a
scenario fails or an upstream request breaks its contract. Everything runs on 127.0.0.1.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from litellm_adapter import LiteLLMChat

from harness.findings import Finding
from harness.live.library import Library
from harness.live.probe import ScenarioResult, probe
from harness.live.probe_report import print_results
from harness.live.runner import bind, in_thread
from harness.live.serve import serving

HERE = Path(__file__).resolve().parent
SHIPPED = HERE.parents[1] / "cassettes"

# scenario -> the cassette its upstream replays, per source family (and the LiteLLM model prefix)
ROUTES: dict[str, tuple[str, str, dict[str, Path]]] = {
    "anthropic-messages": ("anthropic", "", {
        "text": SHIPPED / "anthropic-messages/text-with-pings.yaml",
        "tool-call": SHIPPED / "anthropic-messages/tool-use-resume.yaml",
        "parallel-tool-calls": SHIPPED / "anthropic-messages/parallel-tool-use-resume.yaml",
        "reasoning": SHIPPED / "anthropic-messages/thinking-signature.yaml",
        "refused": HERE / "cassettes/anthropic-messages/invalid-request.yaml",
    }),
    "gemini": ("gemini", "/v1beta", {
        "text": SHIPPED / "gemini/plain-text.yaml",
        "tool-call": SHIPPED / "gemini/function-call-resume.yaml",
        "parallel-tool-calls": SHIPPED / "gemini/parallel-calls-resume.yaml",
        "reasoning": SHIPPED / "gemini/thinking.yaml",
        "refused": HERE / "cassettes/gemini/invalid-request.yaml",
    }),
}
MODELS = {"anthropic-messages": "claude-sonnet-4-5", "gemini": "gemini-3-flash"}


@dataclass(slots=True)
class Probed:
    source: str
    result: ScenarioResult
    upstream: list[Finding]  # what the served cassette found in LiteLLM's requests


def probe_through_litellm(out: Path, sources: list[str] | None = None) -> list[Probed]:
    found = []
    for source in sources or list(ROUTES):
        prefix, version, scenarios = ROUTES[source]
        for name, cassette in scenarios.items():
            with serving(Library.load([cassette])) as upstream:
                app = LiteLLMChat(f"{prefix}/{MODELS[source]}", f"{upstream.base_url}/{cassette.stem}{version}")
                with in_thread(app, bind("127.0.0.1", 0)) as adapter:
                    [result] = probe(adapter, "openai-chat", names=[name], out=out / source, timeout=30)
                found.append(Probed(source, result, list(upstream.journal.findings)))
    return found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, help="keep the recorded cassettes here")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        probed = probe_through_litellm(args.out or Path(scratch))
    failed = False
    for source in ROUTES:
        mine = [item for item in probed if item.source == source]
        print(f"LiteLLM (openai-chat) over {source}:")
        print_results([item.result for item in mine], 1, print)
        for item in mine:
            for finding in item.upstream:
                failed = True
                print(f"    upstream {item.result.name}: {finding.check} {finding.severity.value}: {finding.message}")
        failed = failed or any(item.result.status == "fail" for item in mine)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
