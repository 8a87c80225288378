"""``AdapterSuite``: a pytest base class for validating a protocol adapter (DESIGN.md, "On the wire
and at scale").

An adapter calls one family upstream (``source``) and speaks another to its clients (``target``):
LiteLLM turns Anthropic Messages into OpenAI Chat Completions, a gateway turns Chat Completions into
the Responses API. A subclass names both, says how to reach the adapter with its upstream pointed at
a URL (``reach``), and inherits the tests. For each source cassette the suite serves it upstream (the
``harness serve`` machinery, in-process, on 127.0.0.1), sends the adapter the target-family request
and checks:

- ``test_conforms``: the adapter's output breaks no rule of the target family (every check);
- ``test_equivalent``: the folded target turn means what the folded source turn means, one aspect at a
  time (text, reasoning, refusal, tool calls with their ids or a one-to-one renaming, stop reason,
  usage where both report it, errors); each difference a STATE-005 finding naming both values;
- ``test_resume_round_trip``: the suite answers the target-family interrupt with the target family's
  own ``build_resume``, and the request the adapter then sends upstream satisfies the source family's
  resume contract (the served cassette's checks) and carries the answer.

Switches are explicit and must say why: ``unsupported`` maps a capability to the reason the adapter
does not offer it (those tests skip with the reason); ``known_bugs`` maps a check (optionally
``@case``) to a reason naming the finding id (those tests are strict xfails). A switch without a
reason, or an xfail without a finding id, fails the test it would have turned off.

    class TestMyAdapter(AdapterSuite):
        source, target = "anthropic-messages", "openai-chat"
        unsupported = {"usage": "the adapter re-counts tokens with its own tokenizer"}

        def reach(self, upstream: Upstream) -> Reach:
            return Reach(app=make_app(upstream_base=upstream.url))
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from fnmatch import fnmatch
from functools import cache
from pathlib import Path
from typing import Any, ClassVar

import pytest

from harness import registry
from harness.compare import ASPECTS, Told, compare_across
from harness.findings import Finding, Location, Severity, finding
from harness.live import scenarios as suites
from harness.live.adapter_case import MARKER, Case, CaseRun, Reach, Upstream, run_case
from harness.live.explain import explain
from harness.pipeline import check_path

__all__ = ["CAPABILITIES", "CHECKS", "AdapterSuite", "Reach", "Upstream"]

CAPABILITIES: dict[str, str] = {
    "tool_calls": "every case whose source turns call tools",
    "parallel_tool_calls": "every case with two or more calls in one turn",
    "reasoning": "the reasoning aspect of equivalence",
    "usage": "the usage aspect of equivalence",
    "resume": "the resume round trip",
}
CHECKS = ("conforms", *(f"equivalent/{aspect}" for aspect in ASPECTS), "resume")
FINDING_ID = re.compile(r"\b[A-Z]+-\d{3}\b")
SHIPPED = Path(__file__).resolve().parents[1] / "cassettes"
_RUNS: dict[tuple[type, Path], CaseRun] = {}  # one run per suite and case, shared by its tests


class AdapterSuite:
    source: ClassVar[str] = ""  # the family the adapter calls upstream
    target: ClassVar[str] = ""  # the family the adapter speaks to its clients
    cases: ClassVar[Sequence[str | Path]] = ()  # source cassettes; empty: the shipped clean ones of ``source``
    model: ClassVar[str] = "adapter-under-test"  # the model the target request names
    unsupported: ClassVar[Mapping[str, str]] = {}  # capability -> why the adapter does not offer it
    known_bugs: ClassVar[Mapping[str, str]] = {}  # "check" or "check@case-glob" -> reason naming the finding id
    timeout: ClassVar[float] = 30.0  # seconds for each answer

    def reach(self, upstream: Upstream) -> Reach:
        """How to reach the adapter with its upstream pointed at ``upstream.url`` (the served source
        cassette, as the source family's SDK takes a base URL; ``upstream.model`` is the model it was
        recorded with). Called once per case."""
        raise NotImplementedError(f"{type(self).__name__} must say how to reach the adapter (reach)")

    # -- collection ------------------------------------------------------------------------------------------

    def pytest_generate_tests(self, metafunc: pytest.Metafunc) -> None:
        if "case" not in metafunc.fixturenames:
            return
        found = self._cases()
        name = metafunc.function.__name__
        if name == "test_equivalent":
            pairs = [(case, aspect) for case in found for aspect in _aspects(case)]
            metafunc.parametrize(("case", "aspect"), [
                pytest.param(case, aspect, id=f"{case.id}-{aspect}", marks=self._marks(f"equivalent/{aspect}", case))
                for case, aspect in pairs])
            return
        check = "resume" if name == "test_resume_round_trip" else "conforms"
        chosen = [case for case in found if case.resumable] if check == "resume" else found
        metafunc.parametrize("case", [pytest.param(case, id=case.id, marks=self._marks(check, case))
                                      for case in chosen])

    def _cases(self) -> tuple[Case, ...]:
        return loaded_cases(tuple(Path(path) for path in self.cases)) if self.cases else shipped_cases(self.source)

    def _marks(self, check: str, case: Case) -> list[pytest.MarkDecorator]:
        reason = self._bug(check, case)
        if reason is None or not FINDING_ID.search(reason):
            return []  # an invalid entry fails the test itself (``_switches``)
        return [pytest.mark.xfail(reason=reason, strict=True)]

    def _bug(self, check: str, case: Case) -> str | None:
        for key, reason in self.known_bugs.items():
            name, _, pattern = key.partition("@")
            if name == check and (not pattern or fnmatch(case.id, pattern)):
                return reason
        return None

    # -- the run ---------------------------------------------------------------------------------------------

    @pytest.fixture
    def running(self, case: Case, tmp_path_factory: pytest.TempPathFactory) -> Callable[[], CaseRun]:
        """The case's run, made when a test first asks (a skipped test never starts the adapter), once
        per suite and case."""

        def made() -> CaseRun:
            key = (type(self), case.path)
            if key not in _RUNS:
                out = tmp_path_factory.mktemp(f"{type(self).__name__}-{case.id}")
                _RUNS[key] = run_case(case, self.target, self.model, self.reach, out,
                                      resume="resume" not in self.unsupported, timeout=self.timeout)
            return _RUNS[key]

        return made

    def _switches(self, check: str, case: Case, aspect: str | None = None) -> None:
        """Skip what the adapter declares unsupported, with its reason; fail a switch without a reason."""
        needed = [name for name, applies in (("tool_calls", case.calls >= 1), ("parallel_tool_calls", case.calls >= 2),
                                             ("reasoning", aspect == "reasoning"), ("usage", aspect == "usage"),
                                             ("resume", check == "resume")) if applies]
        for capability in needed:
            if capability in self.unsupported:
                reason = self.unsupported[capability]
                if not reason.strip():
                    pytest.fail(f"{type(self).__name__}.unsupported turns {capability!r} off without a reason: say "
                                "why the adapter does not offer it")
                pytest.skip(f"the adapter does not offer {capability}: {reason}")
        bug = self._bug(check, case)
        if bug is not None and not FINDING_ID.search(bug):
            pytest.fail(f"{type(self).__name__}.known_bugs marks {check} on {case.id} as a known bug without a "
                        f"finding id in its reason ({bug!r}): name the finding (e.g. STATE-005) the bug produces")

    # -- the tests ---------------------------------------------------------------------------------------------

    def test_switches(self) -> None:
        """The suite's declarations are sound: both families exist, the target has a request dialect,
        every switch names a known capability or check and says why.

        How to fix: correct the subclass's ``source``/``target``; give every ``unsupported`` entry the
        reason the adapter does not offer the capability, and every ``known_bugs`` entry a reason that
        names the finding id the bug produces (``"equivalent/usage@tool-use-resume": "... STATE-005"``)."""
        problems = []
        for family in (self.source, self.target):
            try:
                registry.get(family)
            except KeyError as error:
                problems.append(str(error.args[0]))
        if self.target not in suites.families():
            problems.append(f"target {self.target!r} has no request dialect (harness/live/scenarios/)")
        for capability, reason in self.unsupported.items():
            if capability not in CAPABILITIES:
                problems.append(f"unsupported names {capability!r}; capabilities: {', '.join(CAPABILITIES)}")
            if not str(reason).strip():
                problems.append(f"unsupported turns {capability!r} off without a reason")
        for key, reason in self.known_bugs.items():
            if key.partition("@")[0] not in CHECKS:
                problems.append(f"known_bugs names {key!r}; checks: {', '.join(CHECKS)} (optionally @case-glob)")
            if not FINDING_ID.search(str(reason)):
                problems.append(f"known_bugs[{key!r}] has no finding id in its reason: {reason!r}")
        assert not problems, "\n".join(problems)

    def test_conforms(self, case: Case, running: Callable[[], CaseRun]) -> None:
        """What the adapter streams to its client breaks no rule of the target family.

        How to fix: each finding below names the rule, its source and the bytes the adapter wrote. Change
        what the adapter emits for that event: the framing (one ``data:`` per event, the terminator the
        family uses), the event's schema, the order of lifecycle events, or the arguments (they must
        reassemble to the JSON the upstream streamed). Findings on exchange 1 are on the stream after the
        resume."""
        self._switches("conforms", case)
        run = running()
        _ran(run)
        errors = [explain(item, path) for path in run.cassettes for item in check_path(path).undeclared(Severity.error)]
        errors += _problem(run)
        assert not errors, f"the adapter's {self.target} stream breaks {len(errors)} rule(s):\n" + "\n".join(errors)

    def test_equivalent(self, case: Case, aspect: str, running: Callable[[], CaseRun]) -> None:
        """The turn the adapter streams means what the upstream turn meant, on one aspect.

        How to fix: each STATE-005 finding names the aspect and both values (upstream first). Text or
        reasoning: the adapter dropped, doubled or reordered deltas. Tool calls: a name, the parsed
        arguments, or the call ids changed; an id may be renamed but only one to one, and the adapter must
        map it back on the resume. Stop: map the upstream stop reason to the target family's equivalent
        (tool use stays tool use). Usage: pass the upstream counts through rather than re-counting."""
        self._switches(f"equivalent/{aspect}", case, aspect)
        run = running()
        _ran(run)
        ids: dict[str, str] = {}
        differences: list[Finding] = []
        for n, leg in enumerate(run.legs):
            source = case.turn(leg.source) if leg.source is not None else None
            if source is None or leg.sent.turn is None:
                differences.append(_missing(case, n, leg.source, source, leg.sent.turn))
                continue
            crossing = compare_across(Told(str(case.path), leg.source, source),
                                      Told(f"the adapter's {self.target} turn", n, leg.sent.turn),
                                      aspects=[aspect], ids=ids)
            ids = crossing.ids
            differences += crossing.findings
        failures = [explain(item) for item in differences] + _problem(run)
        assert not failures, "\n".join(failures)

    def test_resume_round_trip(self, case: Case, running: Callable[[], CaseRun]) -> None:
        """Answering the adapter's interrupt in the target family makes the adapter send upstream a
        resume the source family accepts, carrying the answer.

        How to fix: the adapter must expose the upstream's pending calls as the target family's
        interrupt (ids the client can answer), and turn the client's answers back into the source
        family's resume: the assistant turn echoed as the upstream produced it (thinking blocks and
        signatures included), one answer per pending call under the upstream's own call id, placed where
        the source family requires it. The RESUME findings below come from the served cassette's checks."""
        self._switches("resume", case)
        run = running()
        _ran(run)
        if run.problem is not None:
            pytest.fail(f"the adapter failed: {run.problem}")
        if len(run.legs) < 2:
            first = run.legs[0].sent.turn if run.legs else None
            pytest.fail("the adapter's turn did not wait for the client's tool output (no target interrupt with "
                        f"pending calls: stop {first.stop if first else None}), so the client cannot answer")
        served = [leg.source for leg in run.legs]
        assert served[1] == 1, (
            f"the adapter's upstream request after the client's answers was served as exchange {served[1]}: the "
            f"served {self.source} cassette did not take it for a continuation of the turn (is_continuation): "
            f"{_clip(run.resume_body)}")
        errors = [item for item in run.upstream_findings if item.severity is Severity.error]
        assert not errors, (f"the upstream {self.source} resume breaks the contract:\n"
                            + "\n".join(explain(item) for item in errors) + f"\nrequest body: {_clip(run.resume_body)}")
        assert run.resume_body is not None and MARKER.encode() in run.resume_body, (
            f"the tool output the client sent ({MARKER!r}) is not in the upstream resume: {_clip(run.resume_body)}")


@cache
def loaded_cases(paths: tuple[Path, ...]) -> tuple[Case, ...]:
    """Cassettes loaded and folded once per test session, however many tests are generated from them."""
    return tuple(Case.load(path) for path in paths)


@cache
def shipped_cases(family: str) -> tuple[Case, ...]:
    """The shipped cassettes of ``family`` with no error finding, declared or not: streams an adapter
    should carry over unharmed."""
    folder = SHIPPED / family
    found = [Case.load(path) for path in sorted(folder.glob("*.yaml"))] if folder.is_dir() else []
    return tuple(case for case in found if not any(item.severity is Severity.error for item in case.report.findings))


def _aspects(case: Case) -> list[str]:
    """The aspects a case has something to compare on (a turn without reasoning proves nothing about it)."""
    turns = case.report.turns
    present = {
        "text": any(turn.text for turn in turns),
        "reasoning": any(item.kind == "reasoning" for turn in turns for item in turn.items),
        "refusal": any(turn.joined("refusal") for turn in turns),
        "tool_calls": any(turn.client_calls for turn in turns),
        "stop": True,
        "usage": any(turn.usage is not None for turn in turns),
        "errors": any(turn.errors for turn in turns),
    }
    return [aspect for aspect in ASPECTS if present[aspect]]


def _ran(run: CaseRun) -> None:
    if not run.legs:
        pytest.fail(f"the adapter could not be run on {run.case.id}: {run.problem}")


def _problem(run: CaseRun) -> list[str]:
    return [f"the adapter failed: {run.problem}"] if run.problem is not None else []


def _missing(case: Case, n: int, exchange: int | None, source: Any, target: Any) -> Finding:
    side = "upstream" if source is None else "adapter"
    return finding("STATE-005", f"exchange {n}: the {side} turn is missing (served source exchange {exchange})",
                   Location(cassette=str(case.path), exchange=n), expected=source is not None, actual=target is not None)


def _clip(body: bytes | None, limit: int = 600) -> str:
    if body is None:
        return "(no request reached the upstream after the answers)"
    text = body.decode("utf-8", errors="replace")
    return text if len(text) <= limit else f"{text[:limit]}... ({len(body)} bytes)"
