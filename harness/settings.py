"""Project settings: ``[tool.harness]`` in pyproject.toml, or a harness.toml, found as ruff finds its own.

```toml
[tool.harness]
select = ["RESUME", "LIFECYCLE"]        # only these checks (an id, or a prefix: family, or family-digits)
ignore = ["STATE-002"]                  # never these
strict = true                           # an exchange no family recognises fails its cassette
json = "reports/conformance.json"       # report outputs written by default (--json ... override them)
markdown = "reports/conformance.md"
markdown-limit = 0                      # characters the Markdown report may hold (0: no limit; --markdown-limit)

[tool.harness.severity]                 # a check's severity, for this project
"LIFECYCLE-305" = "warning"

[tool.harness.per-path]                 # by cassette path (a glob): ignore and severity, as above
"cassettes/vendor-x/**" = { ignore = ["ORDER"], severity = { "ASSEMBLY-306" = "info" } }

[tool.harness.per-provider]             # by the family of the exchange a finding is about
"openai-chat" = { ignore = ["LIFECYCLE-311"] }
```

The command line's ``--select`` / ``--ignore`` add to these. Filtering happens on reports, after
the pipeline, so a setting never changes what is checked, only what is reported and what fails.
"""

from __future__ import annotations

import fnmatch
import sys
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from harness.findings import Finding, Severity
from harness.report.markdown import MIN_LIMIT
from harness.report.model import CassetteReport

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

OUTPUTS = ("json", "markdown", "junit", "html", "jsonl")


class SettingsError(ValueError):
    """The settings file is unreadable or says something the harness cannot do (the message says where)."""


@dataclass(frozen=True, slots=True)
class Rules:
    """What to report: selected and ignored check patterns, and severity overrides."""

    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    severity: dict[str, Severity] = field(default_factory=dict)

    def reports(self, check: str) -> bool:
        """Whether findings of ``check`` are reported at all."""
        return (not self.select or _matches(check, self.select)) and not _matches(check, self.ignore)

    def adjust(self, item: Finding) -> Finding | None:
        """The finding as this project reports it (None: not reported)."""
        if not self.reports(item.check):
            return None
        severity = _lookup(item.check, self.severity)
        return item if severity is None or severity is item.severity else item.model_copy(update={"severity": severity})


@dataclass(frozen=True, slots=True)
class Settings:
    rules: Rules = field(default_factory=Rules)
    per_path: dict[str, Rules] = field(default_factory=dict)
    per_provider: dict[str, Rules] = field(default_factory=dict)
    strict: bool = False
    outputs: dict[str, Path] = field(default_factory=dict)
    markdown_limit: int | None = None  # None: the renderer's default (sized for a GitHub comment)
    source: Path | None = None  # the file these came from (None: defaults)

    def with_command_line(self, select: Iterable[str], ignore: Iterable[str]) -> Settings:
        rules = replace(self.rules, select=(*self.rules.select, *select), ignore=(*self.rules.ignore, *ignore))
        return replace(self, rules=rules)

    def applied(self, report: CassetteReport) -> CassetteReport:
        """The report as this project reads it: findings filtered and graded by the settings."""
        providers = {exchange.index: exchange.provider for exchange in report.exchanges}
        kept: dict[int, Finding] = {}  # id of the pipeline's finding -> the adjusted one
        for item in report.findings:
            adjusted = self.adjust(item, report.path, providers.get(item.location.exchange or 0))
            if adjusted is not None:
                kept[id(item)] = adjusted
        exchanges = [replace(exchange, findings=[kept[id(f)] for f in exchange.findings if id(f) in kept])
                     for exchange in report.exchanges]
        return replace(report, exchanges=exchanges, findings=[kept[id(f)] for f in report.findings if id(f) in kept],
                       strict=report.strict or self.strict)

    def adjust(self, item: Finding, cassette: str, provider: str | None) -> Finding | None:
        """Apply the project's rules, then the cassette path's, then the exchange family's."""
        adjusted: Finding | None = self.rules.adjust(item)
        for pattern, rules in self.per_path.items():
            if adjusted is not None and fnmatch.fnmatch(cassette, pattern):
                adjusted = rules.adjust(adjusted)
        if adjusted is not None and provider in self.per_provider:
            adjusted = self.per_provider[provider].adjust(adjusted)
        return adjusted


def _matches(check: str, patterns: Iterable[str]) -> bool:
    return any(check == pattern or check.startswith(pattern if pattern.endswith("-") or pattern[-1:].isdigit()
                                                    else pattern + "-") for pattern in patterns)


def _lookup(check: str, table: dict[str, Severity]) -> Severity | None:
    """The most specific entry (the longest pattern) that matches ``check``."""
    hits = [pattern for pattern in table if _matches(check, [pattern])]
    return table[max(hits, key=len)] if hits else None


def find(start: Path) -> Path | None:
    """The nearest harness.toml, or pyproject.toml with a [tool.harness] table, from ``start`` upward."""
    for folder in (start.resolve(), *start.resolve().parents):
        dedicated = folder / "harness.toml"
        if dedicated.is_file():
            return dedicated
        project = folder / "pyproject.toml"
        if project.is_file() and "harness" in _read(project).get("tool", {}):
            return project
    return None


def load(path: Path | None) -> Settings:
    """The settings in ``path`` (None: the defaults)."""
    if path is None:
        return Settings()
    document = _read(path)
    table = document if path.name == "harness.toml" else document.get("tool", {}).get("harness", {})
    where = f"{path} [tool.harness]" if path.name == "pyproject.toml" else str(path)
    unknown = set(table) - {"select", "ignore", "severity", "per-path", "per-provider", "strict", "markdown-limit",
                            *OUTPUTS}
    if unknown:
        raise SettingsError(f"{where}: unknown setting(s) {', '.join(sorted(unknown))}")
    base = path.parent
    return Settings(
        rules=_rules(table, where),
        per_path={pattern: _rules(rules, f"{where} per-path {pattern!r}")
                  for pattern, rules in _table(table, "per-path", where).items()},
        per_provider={name: _rules(rules, f"{where} per-provider {name!r}")
                      for name, rules in _table(table, "per-provider", where).items()},
        strict=bool(table.get("strict", False)),
        outputs={key: base / str(table[key]) for key in OUTPUTS if key in table},
        markdown_limit=_markdown_limit(table.get("markdown-limit"), where),
        source=path,
    )


def _read(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except (OSError, tomllib.TOMLDecodeError) as error:
        raise SettingsError(f"{path}: {error}") from None


def _markdown_limit(value: Any, where: str) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or (value and value < MIN_LIMIT) or value < 0:
        raise SettingsError(f"{where}: markdown-limit must be 0 (no limit) or a number of characters from {MIN_LIMIT}")
    return value


def _table(table: dict[str, Any], key: str, where: str) -> dict[str, Any]:
    value = table.get(key, {})
    if not isinstance(value, dict):
        raise SettingsError(f"{where}: {key} must be a table")
    return value


def _rules(table: Any, where: str) -> Rules:
    if not isinstance(table, dict):
        raise SettingsError(f"{where}: expected a table")
    lists = {}
    for key in ("select", "ignore"):
        value = table.get(key, [])
        if not (isinstance(value, list) and all(isinstance(item, str) and item for item in value)):
            raise SettingsError(f"{where}: {key} must be a list of check ids or prefixes")
        lists[key] = tuple(value)
    severity = {}
    for check, grade in _table(table, "severity", where).items():
        try:
            severity[check] = Severity(grade)
        except ValueError:
            raise SettingsError(f"{where}: severity of {check} must be error, warning or info, not {grade!r}") from None
    return Rules(select=lists["select"], ignore=lists["ignore"], severity=severity)
