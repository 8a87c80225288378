"""What ``harness probe`` prints and writes: one line per scenario (status, passes, pass@k and pass^k,
the reason), the findings under a failing one, the scenario list for ``--list``, and a JSON report."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from harness.live import scenarios as suites
from harness.live.probe import ScenarioResult

Echo = Callable[[str], None]


def print_list(families: list[str], echo: Echo) -> None:
    for family in families:
        dialect = suites.dialect(family)
        echo(f"{family} (base URL like {dialect.base_hint}; {dialect.credentials})")
        for scenario in suites.scenarios(family):
            echo(f"  {scenario.name:<20} {scenario.proves}")


def print_results(results: list[ScenarioResult], repeat: int, echo: Echo) -> None:
    for result in results:
        rates = f"pass@{repeat} {_rate(result.pass_at(repeat))}  pass^{repeat} {_rate(result.pass_all(repeat))}"
        line = f"  {result.status.upper():<8} {result.name:<20} {result.passes}/{result.runs} ran  {rates}"
        echo(f"{line}  {result.reason}" if result.reason else line)
        for attempt in result.attempts:
            for item in attempt.findings:
                where = item.location
                echo(f"      {item.check} {item.severity.value}: {item.message} [{where.cassette} exchange "
                     f"{where.exchange}]")
    counts = {status: sum(1 for result in results if result.status == status) for status in ("pass", "fail", "skipped")}
    echo(f"harness probe: {counts['pass']} passed, {counts['fail']} failed, {counts['skipped']} skipped")


def _rate(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.2f}"


def results_json(results: list[ScenarioResult], repeat: int) -> list[dict[str, Any]]:
    return [{"family": result.family, "scenario": result.name, "proves": result.proves, "status": result.status,
             "runs": result.runs, "passes": result.passes, f"pass@{repeat}": result.pass_at(repeat),
             f"pass^{repeat}": result.pass_all(repeat), "reason": result.reason,
             "attempts": [{"status": attempt.status, "reason": attempt.reason,
                           "cassettes": [str(path) for path in attempt.cassettes],
                           "findings": [item.model_dump(mode="json", exclude_none=True) for item in attempt.findings]}
                          for attempt in result.attempts]}
            for result in results]
